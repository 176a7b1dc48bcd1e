"""The agent worker's heartbeat in the state database: is anyone there to take a call?

LiveKit accepts an agent dispatch whether or not a worker is registered for its
`agent_name`: with the worker stopped, the webhook would bridge the caller into a room no
agent ever joins, and the caller would hear silence. So the worker proves it is alive:
while it is registered with LiveKit it writes `beat` every `BEAT_EVERY_S` seconds
(`agent.heartbeat`), and `mark_stopped` when it stops or drains. Before dispatching, the
webhook asks `WorkerLiveness.down()`:

- no row for the agent name: no worker ever ran beside this database (it runs elsewhere,
  LiveKit Cloud for instance): unknown, the webhook dispatches as before;
- at least one row with a heartbeat under `STALE_AFTER_S` old and not stopped: alive;
- otherwise (every worker stopped, or crashed and silent for longer than that): down, and
  the caller gets the human fallback at once, without a dispatch.

A worker moved off this machine leaves its last row behind, which then says "down"
forever: `forget` (`python -m salon.worker_heartbeat --forget`) removes the rows.
Instants are UNIX seconds (`time.time()`), like the other timers only machines read.
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from salon import state_db

BEAT_EVERY_S = 5.0
# Three missed beats: a worker busy for a moment is not taken for dead, a crashed one is
# noticed within this many seconds (a clean stop is noticed at once: `mark_stopped`).
STALE_AFTER_S = 15.0
# Rows of workers gone for this long are removed by a live worker's beat (restarts give
# each process its own row).
PRUNE_AFTER_S = 7 * 24 * 3600.0


def this_worker() -> str:
    """This process's key among the agent's workers: `host/pid`."""
    return f"{socket.gethostname()}/{os.getpid()}"


def beat(
    conn: sqlite3.Connection, *, agent_name: str, worker: str, now: float | None = None
) -> None:
    """Record that `worker` is registered for `agent_name` now (clears a stop mark)."""
    now = time.time() if now is None else now
    conn.execute(
        "INSERT INTO worker_heartbeats (agent_name, worker, beat_at, stopped_at) "
        "VALUES (?, ?, ?, NULL) ON CONFLICT (agent_name, worker) "
        "DO UPDATE SET beat_at = excluded.beat_at, stopped_at = NULL",
        (agent_name, worker, now),
    )
    conn.execute(
        "DELETE FROM worker_heartbeats WHERE agent_name = ? AND worker != ? AND beat_at < ?",
        (agent_name, worker, now - PRUNE_AFTER_S),
    )


def mark_stopped(
    conn: sqlite3.Connection, *, agent_name: str, worker: str, now: float | None = None
) -> None:
    """Record that `worker` takes no more calls (stopping, draining, connection lost)."""
    now = time.time() if now is None else now
    conn.execute(
        "UPDATE worker_heartbeats SET stopped_at = ? WHERE agent_name = ? AND worker = ?",
        (now, agent_name, worker),
    )


def forget(conn: sqlite3.Connection, *, agent_name: str | None = None) -> int:
    """Remove the heartbeat rows (of one agent name, or all); returns how many."""
    if agent_name is None:
        rows = conn.execute("DELETE FROM worker_heartbeats RETURNING agent_name").fetchall()
    else:
        rows = conn.execute(
            "DELETE FROM worker_heartbeats WHERE agent_name = ? RETURNING agent_name",
            (agent_name,),
        ).fetchall()
    return len(rows)


@dataclass(frozen=True)
class Liveness:
    state: str  # alive | down | unknown
    detail: str = ""


def liveness(
    conn: sqlite3.Connection,
    *,
    agent_name: str,
    now: float | None = None,
    stale_after: float = STALE_AFTER_S,
) -> Liveness:
    """What the heartbeats say about the workers of `agent_name` (see the module's doc)."""
    now = time.time() if now is None else now
    rows = conn.execute(
        "SELECT beat_at, stopped_at FROM worker_heartbeats WHERE agent_name = ?",
        (agent_name,),
    ).fetchall()
    if not rows:
        return Liveness("unknown")
    if any(stopped is None and now - beat_at <= stale_after for beat_at, stopped in rows):
        return Liveness("alive")
    stops = [stopped for _, stopped in rows if stopped is not None]
    last_beat = max(beat_at for beat_at, _ in rows)
    if stops and max(stops) >= last_beat:
        return Liveness("down", f"worker {agent_name!r} stopped {now - max(stops):.0f} s ago")
    return Liveness("down", f"no heartbeat from worker {agent_name!r} for {now - last_beat:.0f} s")


class WorkerLiveness:
    """The webhook's view of the worker heartbeats, read at most every `cache_s` seconds
    (a burst of calls shares one read)."""

    def __init__(
        self,
        *,
        db_path: str | Path | None,
        agent_name: str,
        stale_after: float = STALE_AFTER_S,
        cache_s: float = 1.0,
    ) -> None:
        self._db_path, self._agent_name = db_path, agent_name
        self._stale_after, self._cache_s = stale_after, cache_s
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._read_at = float("-inf")
        self._last = Liveness("unknown")

    def down(self) -> str | None:
        """Why no worker can take a call now (for the log), or None (alive or unknown)."""
        if time.monotonic() - self._read_at > self._cache_s:
            with self._lock:
                if self._conn is None:
                    self._conn = state_db.connect(self._db_path)
                self._last = liveness(
                    self._conn, agent_name=self._agent_name, stale_after=self._stale_after
                )
                self._read_at = time.monotonic()
        return self._last.detail if self._last.state == "down" else None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def main(argv: list[str] | None = None) -> int:
    """`python -m salon.worker_heartbeat --forget [--agent-name NAME]`."""
    parser = argparse.ArgumentParser(
        description="Oublie les signaux de vie de l'agent gardés dans salon.db, quand l'agent "
        "tourne désormais ailleurs (une autre machine, LiveKit Cloud) : sans cela, le webhook "
        "croit l'agent arrêté et passe chaque appel au salon."
    )
    parser.add_argument("--forget", action="store_true", required=True, help="les oublier")
    parser.add_argument("--agent-name", default=None, help="seulement ceux de cet AGENT_NAME")
    args = parser.parse_args(argv)
    from salon.french import count_fr

    conn = state_db.connect()
    try:
        count = forget(conn, agent_name=args.agent_name)
    finally:
        conn.close()
    print(count_fr(count, "signal de vie oublié", "signaux de vie oubliés"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
