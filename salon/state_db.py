"""The one SQLite database for local state (`SALON_DB`, default `data/salon.db`).

The embedded calendar, the caller ↔ booking table, the outbox, call records and the
webhook's call log all live here, each module owning its own tables and creating them
with `CREATE TABLE IF NOT EXISTS`. Several processes may open it at once: WAL mode and a
busy timeout make concurrent readers and writers safe; writers that must be atomic use
`BEGIN IMMEDIATE` through `write_transaction`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from salon import settings

BUSY_TIMEOUT_MS = 10_000


def connect(path: str | Path | None = None) -> sqlite3.Connection:
    """Open the state database (creating its folder), in WAL mode with a busy timeout.

    The connection is in autocommit mode (`isolation_level=None`); use
    `write_transaction` for multi-statement atomic writes.
    """
    resolved = settings.salon_db_path(path) if str(path or "") != ":memory:" else None
    target = ":memory:" if resolved is None else str(resolved)
    if resolved is not None:
        resolved.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if resolved is not None:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """`BEGIN IMMEDIATE` … `COMMIT`, rolled back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
