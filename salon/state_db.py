"""The one SQLite database for local state (`SALON_DB`, default `data/salon.db`).

The embedded calendar, the caller ↔ booking table, the outbox, call records and the
webhook's call log all live here. Several processes may open it at once: WAL mode and a
busy timeout make concurrent readers and writers safe; writers that must be atomic use
`BEGIN IMMEDIATE` through `write_transaction`.

The schema has one source: the numbered migrations of `salon.migrations`. `connect`
runs the pending ones (in one transaction; several processes opening a fresh database
at once are safe) and refuses a database written by a newer program (`SchemaTooNew`).
No module creates its own tables.

To change the schema (add a table, a column, an index, convert rows): append a function
decorated with `@migration` at the end of `salon/migrations.py`, taking the connection,
then add a case to `tests/salon/test_migrations.py` that opens the old schema and checks
the rows; never edit a migration already released. Instants stored as text use
`salon.utc.utc_text` (`2026-12-01T08:30:00Z`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from salon import migrations, settings

BUSY_TIMEOUT_MS = 10_000


def connect(path: str | Path | None = None) -> sqlite3.Connection:
    """Open the state database (creating its folder), in WAL mode with a busy timeout,
    migrated to the current schema (`salon.migrations`).

    Raises `migrations.SchemaTooNew` for a database written by a newer program. The
    connection is in autocommit mode (`isolation_level=None`); use
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
        _enable_wal(conn)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    try:
        migrations.migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _enable_wal(conn: sqlite3.Connection) -> None:
    """`PRAGMA journal_mode=WAL`, retried while another process holds the file.

    Switching a fresh file to WAL needs an exclusive lock and SQLite answers "database is
    locked" at once, without the busy timeout: several processes opening a new database
    together would fail. Once the file is in WAL (it stays so) this returns at once.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.002
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorcode", None) in (
                sqlite3.SQLITE_BUSY,
                sqlite3.SQLITE_LOCKED,
            )
            if not busy or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


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
