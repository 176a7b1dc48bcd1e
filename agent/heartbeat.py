"""The worker's heartbeat: while registered with LiveKit, say so in the state database.

`WorkerHeartbeat` runs in the worker's main process (not in job processes), on LiveKit's
event loop: every `BEAT_EVERY_S` seconds, if the `AgentServer` is registered (it has its
worker id, is not reconnecting, closing or draining) it writes `salon.worker_heartbeat.beat`;
when it stops being so (connection lost, drain, shutdown) it writes `mark_stopped` once.
The webhook reads those rows and answers the human fallback at once when no worker is
there (see `salon.worker_heartbeat`). Each write runs in a thread: the database may be
busy for a moment and LiveKit's loop must keep answering its server meanwhile.

It reads three private attributes of `AgentServer` (`_connecting`, `_closed`,
`_agent_name`; a test checks they still exist); if a new livekit-agents renamed them, the
heartbeat errs on the side of "alive", never of sending callers to the fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from pathlib import Path
from typing import Any

from salon import state_db, worker_heartbeat

logger = logging.getLogger("agent")

UNREGISTERED = "unregistered"  # AgentServer.id until LiveKit has answered its registration
WRITE_TIMEOUT_S = 5.0  # a stop mark must not hold the worker's shutdown for longer


def is_registered(server: Any) -> bool:
    """The worker is connected and registered with LiveKit and takes new jobs."""
    return (
        bool(server.id)
        and server.id != UNREGISTERED
        and not getattr(server, "_connecting", False)
        and not getattr(server, "_closed", False)
        and not server.draining
    )


class WorkerHeartbeat:
    """Heartbeats of one worker process for `agent_name` (its registered name by default)."""

    def __init__(
        self,
        server: Any,
        *,
        agent_name: str | None = None,
        db_path: str | Path | None = None,
        every_s: float = worker_heartbeat.BEAT_EVERY_S,
        worker: str | None = None,
    ) -> None:
        self._server = server
        self._agent_name = agent_name
        self._db_path = db_path
        self._every_s = every_s
        self.worker = worker or worker_heartbeat.this_worker()
        self._conn: sqlite3.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._beating = False  # the last write was a beat (not a stop mark)
        self._write_lock = asyncio.Lock()

    @property
    def agent_name(self) -> str:
        return self._agent_name or getattr(self._server, "_agent_name", "") or ""

    def start(self) -> None:
        """Start beating on the running loop (the `worker_started` event's handler)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="salon-worker-heartbeat"
            )

    async def stop(self) -> None:
        """Stop beating and mark this worker stopped (drain, shutdown)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._mark_stopped()
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    async def tick(self) -> None:
        """One step: beat when registered, mark stopped once when it no longer is."""
        if is_registered(self._server) and self.agent_name:
            await self._write(worker_heartbeat.beat)
            self._beating = True
        elif self._beating:
            await self._mark_stopped()

    async def _mark_stopped(self) -> None:
        if self._beating:
            await self._write(worker_heartbeat.mark_stopped)
            self._beating = False
            logger.info(
                "worker heartbeat stopped: new calls get the human fallback",
                extra={"agent_name": self.agent_name},
            )

    async def _write(self, what: Any) -> None:
        def write() -> None:
            if self._conn is None:
                self._conn = state_db.connect(self._db_path)
            what(self._conn, agent_name=self.agent_name, worker=self.worker)

        async with self._write_lock:
            try:
                await asyncio.wait_for(asyncio.to_thread(write), WRITE_TIMEOUT_S)
            except Exception:  # the next tick tries again; the worker goes on
                logger.warning("could not write the worker heartbeat", exc_info=True)

    async def _run(self) -> None:
        while True:
            await self.tick()
            await asyncio.sleep(self._every_s)


def attach_heartbeat(server: Any, **options: Any) -> WorkerHeartbeat:
    """Beat for `server` from its start; mark it stopped when it drains or closes."""
    heartbeat = WorkerHeartbeat(server, **options)
    server.on("worker_started", heartbeat.start)
    return heartbeat
