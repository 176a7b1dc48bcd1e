"""Unit tier: the worker proves it is alive (its heartbeat in the state db, which the
webhook reads before dispatching), and a job whose caller never comes ends on its own.

The real worker cannot register here (no LiveKit server): the heartbeat is driven with a
stand-in for the `AgentServer` and, for the drain/close hook, with the worker's own
`SalonAgentServer` set to look registered."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from agent.heartbeat import WorkerHeartbeat, is_registered
from salon import state_db, worker_heartbeat

AGENT = "salon-receptionist"


def _server(**overrides: Any) -> SimpleNamespace:
    """The parts of `AgentServer` the heartbeat reads, registered unless told otherwise."""
    fields: dict[str, Any] = {
        "id": "AW_test",
        "_connecting": False,
        "_closed": False,
        "draining": False,
        "_agent_name": AGENT,
    }
    fields.update(overrides)
    return SimpleNamespace(**fields)


def _rows(db: Path) -> list[tuple[str, str, float, float | None]]:
    conn = state_db.connect(db)
    try:
        return [
            tuple(r)
            for r in conn.execute(
                "SELECT agent_name, worker, beat_at, stopped_at FROM worker_heartbeats"
            )
        ]
    finally:
        conn.close()


def _state(db: Path) -> str:
    conn = state_db.connect(db)
    try:
        return worker_heartbeat.liveness(conn, agent_name=AGENT).state
    finally:
        conn.close()


async def _eventually(db: Path, state: str) -> bool:
    """The heartbeat's first write runs in a thread: wait for it (10 s at most)."""
    for _ in range(200):
        if _state(db) == state:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_registered_worker_writes_its_heartbeat_and_marks_itself_stopped(
    tmp_path: Path,
) -> None:
    db = tmp_path / "salon.db"
    server = _server()
    heartbeat = WorkerHeartbeat(server, db_path=db, worker="host/1")
    before = time.time()
    await heartbeat.tick()
    [(agent, worker, beat_at, stopped_at)] = _rows(db)
    assert (agent, worker, stopped_at) == (AGENT, "host/1", None)
    assert before <= beat_at <= time.time()
    assert _state(db) == "alive"

    server._connecting = True  # LiveKit connection lost: the worker is reconnecting
    await heartbeat.tick()
    assert _rows(db)[0][3] is not None
    assert _state(db) == "down"

    server._connecting = False  # registered again
    await heartbeat.tick()
    assert _rows(db)[0][3] is None and _state(db) == "alive"

    await heartbeat.stop()  # drain or shutdown
    assert _rows(db)[0][3] is not None
    assert _state(db) == "down"


async def test_a_worker_not_registered_with_livekit_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "salon.db"
    for server in (_server(id="unregistered"), _server(draining=True), _server(_closed=True)):
        assert not is_registered(server)
        heartbeat = WorkerHeartbeat(server, db_path=db, worker="host/2")
        await heartbeat.tick()
        await heartbeat.stop()
    assert _rows(db) == []
    assert _state(db) == "unknown"  # the webhook dispatches as before


async def test_the_heartbeat_beats_every_few_seconds_from_the_worker_started_event(
    tmp_path: Path,
) -> None:
    from agent.heartbeat import attach_heartbeat

    db = tmp_path / "salon.db"
    handlers: dict[str, Any] = {}
    server = _server(on=lambda event, callback: handlers.setdefault(event, callback))
    heartbeat = attach_heartbeat(server, db_path=db, every_s=0.05, worker="host/3")
    handlers["worker_started"]()  # AgentServer.run emits it on its loop
    beats: list[float] = []
    for _ in range(200):  # up to 10 s on a busy machine, a few tenths normally
        await asyncio.sleep(0.05)
        beats = sorted({row[2] for row in _rows(db)} | set(beats))
        if len(beats) >= 3:
            break
    assert len(beats) >= 3  # the first beat at once, then again and again
    await heartbeat.stop()
    assert _state(db) == "down"


async def test_the_worker_marks_itself_stopped_when_livekit_closes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.heartbeat import attach_heartbeat
    from agent.worker import SalonAgentServer, server

    assert isinstance(server, SalonAgentServer) and server.heartbeat is not None
    db = tmp_path / "salon.db"
    worker = SalonAgentServer()
    # what the heartbeat reads of a real AgentServer: a renamed attribute fails here
    for name in ("_connecting", "_closed", "_agent_name"):
        assert hasattr(worker, name), name
    worker.heartbeat = attach_heartbeat(worker, db_path=db, every_s=60, worker="host/4")
    monkeypatch.setattr(worker, "_id", "AW_test")  # as after LiveKit's register answer
    monkeypatch.setattr(worker, "_closed", False)
    monkeypatch.setattr(worker, "_agent_name", AGENT)
    monkeypatch.setattr(worker, "_close_future", None, raising=False)  # set by run()
    worker.emit("worker_started")
    assert await _eventually(db, "alive")
    await worker.aclose()
    assert _state(db) == "down"


async def test_a_draining_worker_is_marked_stopped_before_it_waits_for_its_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM drains first (for minutes while calls go on): new calls must not wait."""
    from livekit.agents import AgentServer

    from agent.heartbeat import attach_heartbeat
    from agent.worker import SalonAgentServer

    db = tmp_path / "salon.db"
    seen: list[str] = []

    async def livekit_drain(self: AgentServer, timeout: object = None) -> None:
        seen.append(_state(db))  # what the webhook reads while the calls finish

    monkeypatch.setattr(AgentServer, "drain", livekit_drain)
    worker = SalonAgentServer()
    worker.heartbeat = attach_heartbeat(worker, db_path=db, every_s=60, worker="host/5")
    monkeypatch.setattr(worker, "_id", "AW_test")
    monkeypatch.setattr(worker, "_closed", False)
    monkeypatch.setattr(worker, "_agent_name", AGENT)
    worker.emit("worker_started")
    assert await _eventually(db, "alive")
    await worker.drain()
    assert seen == ["down"]


class _NobodyCalls:
    """A job whose caller never joins its room."""

    def __init__(self, userdata: dict[str, Any]) -> None:
        self.job = SimpleNamespace(metadata=json.dumps({"call_sid": "CA" + "1" * 32}))
        self.proc = SimpleNamespace(userdata=userdata)
        self.room = SimpleNamespace(name="CA" + "1" * 32)
        self.ended: list[str] = []
        self.callbacks: list[Any] = []

    def is_fake_job(self) -> bool:
        return False

    async def connect(self) -> None:
        return None

    async def wait_for_participant(self, *, kind: object) -> Any:
        await asyncio.Event().wait()  # nobody ever comes

    def add_shutdown_callback(self, callback: object) -> None:
        self.callbacks.append(callback)

    def shutdown(self, reason: str = "") -> None:
        self.ended.append(reason)


async def test_a_job_whose_caller_never_joins_ends_instead_of_holding_its_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import agent.worker as worker
    from salon.profile_source import ProfileSource

    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    userdata = {"profiles": ProfileSource(), "vad": None, "turn_detector": "stt", "kb": None}
    default_wait = getattr(worker, "CALLER_WAIT_S", None)
    monkeypatch.setattr(worker, "CALLER_WAIT_S", 0.05, raising=False)

    job = _NobodyCalls(userdata)
    with caplog.at_level(logging.WARNING, logger="agent"):
        # without a bound, the job would wait here for as long as the worker runs
        await asyncio.wait_for(worker.entrypoint(job), 5)  # type: ignore[arg-type]
    assert job.ended == ["caller never joined"]
    assert job.callbacks == []  # no call was opened, nothing to write at shutdown
    [record] = [r for r in caplog.records if "never joined" in r.getMessage()]
    assert getattr(record, "call_sid", None) == "CA" + "1" * 32
    conn = state_db.connect(tmp_path / "salon.db")
    assert conn.execute("SELECT COUNT(*) FROM call_records").fetchone()[0] == 0
    conn.close()

    assert default_wait == 60.0  # a minute: Twilio bridges a live caller within seconds
    with pytest.raises(worker.CallerNeverJoined):
        await asyncio.wait_for(
            worker.prepare_call(_NobodyCalls(userdata), caller_wait_s=0.05),  # type: ignore[arg-type]
            5,
        )
