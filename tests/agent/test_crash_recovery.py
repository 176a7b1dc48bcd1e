"""Integration tier: a worker killed with SIGKILL in the middle of a booking, then started
again.

A real subprocess (`tests.agent.crash_child`) books through the real `book_appointment`
tool and is killed: with the embedded calendar right after the booking committed and
before its confirmation was queued; with Cal.com while Cal.com's answer to the booking
is on its way. The next start (`agent.recovery.recover_at_start`, what `python -m agent
start` runs) queues exactly one confirmation, however often it runs, and closes the call
record with the lines saved before the kill. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from agent.recovery import recover_at_start
from records.recovery import INTERRUPTED
from records.store import CallRecords
from salon import state_db
from salon.profile import load_profile
from tests.agent.crash_child import CALL_SID, CALLER
from tests.stubs.calcom import API_KEY, CalComStub

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 120.0  # seconds for the child to reach the moment of the kill


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # tables not created yet
        return 0
    finally:
        conn.close()


def _lines(db: Path) -> int:
    return _count(db, "SELECT COUNT(*) FROM call_transcript")


def _run_and_kill(db: Path, ready: Callable[[], bool], *, cal_url: str | None = None) -> None:
    """Start the call process, wait until `ready()`, then SIGKILL it."""
    marker = db.parent / "committed"
    args = [sys.executable, "-m", "tests.agent.crash_child", str(db), str(marker)]
    child = subprocess.Popen(
        [*args, *([cal_url] if cal_url else [])],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        stop = time.monotonic() + DEADLINE
        while not ready():
            if child.poll() is not None:
                raise AssertionError(f"the call process ended early: {child.stderr.read()!r}")  # type: ignore[union-attr]
            if time.monotonic() > stop:
                raise AssertionError("the call process never reached the booking")
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        if child.stderr is not None:
            child.stderr.close()


def _confirmations(db: Path) -> list[tuple[str, str, str]]:
    conn = state_db.connect(db)
    try:
        rows = conn.execute(
            "SELECT dedupe_key, recipient, body FROM notify_outbox WHERE channel = 'sms'"
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]
    finally:
        conn.close()


def _check_call_closed(db: Path) -> None:
    conn = state_db.connect(db)
    try:
        record = CallRecords(conn=conn).get(CALL_SID)
    finally:
        conn.close()
    assert record is not None and record.caller == CALLER
    assert (record.outcome, record.failure) == ("failed", INTERRUPTED)
    roles = [line.role for line in record.transcript]
    assert roles[:2] == ["agent", "caller"]  # the greeting and the request were kept
    assert "coupe homme" in record.transcript[1].text
    assert record.ended_at == max(line.at for line in record.transcript if line.at)


def test_a_worker_killed_right_after_an_embedded_booking_confirms_it_once_on_restart(
    tmp_path: Path,
) -> None:
    db = tmp_path / "salon.db"
    marker = tmp_path / "committed"
    _run_and_kill(db, lambda: marker.exists() and _lines(db) >= 2)
    # What the kill left: a booking, no confirmation, a call record with no end.
    assert _count(db, "SELECT COUNT(*) FROM local_bookings") == 1
    assert _confirmations(db) == []
    assert _count(db, "SELECT COUNT(*) FROM call_records WHERE ended_at IS NULL") == 1
    uid = _one(db, "SELECT uid FROM local_bookings")

    done = recover_at_start(db=db, grace=timedelta(0), idle_for=timedelta(0))
    assert done is not None and (done.confirmations, done.calls_closed) == (1, 1)
    [(key, to, body)] = _confirmations(db)
    assert (key, to) == (f"{uid}:booked:sms", CALLER)
    assert "RDV" in body and "confirmé" in body
    again = recover_at_start(db=db, grace=timedelta(0), idle_for=timedelta(0))
    assert again is not None and (again.confirmations, again.calls_closed) == (0, 0)
    assert len(_confirmations(db)) == 1
    _check_call_closed(db)


def test_a_worker_killed_while_cal_com_answers_a_booking_confirms_it_once_on_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "salon.db"
    with CalComStub(profile=load_profile()) as stub:
        # Cal.com makes the booking, then its answer takes 20 s: the worker dies meanwhile.
        stub.fail_next(method="POST", path="/v2/bookings", process=True, delay=20)
        _run_and_kill(
            db, lambda: bool(stub.active_bookings()) and _lines(db) >= 2, cal_url=stub.url
        )
        [made] = stub.active_bookings()
        assert _confirmations(db) == []
        assert _one(db, "SELECT state FROM booking_journal") == "pending"
        monkeypatch.setenv("CAL_API_KEY", API_KEY)
        monkeypatch.setenv("CAL_API_URL", stub.url)
        done = recover_at_start(db=db, grace=timedelta(0), idle_for=timedelta(0))
        assert done is not None and (done.settled, done.confirmations) == (1, 1)
        again = recover_at_start(db=db, grace=timedelta(0), idle_for=timedelta(0))
        assert again is not None and again.confirmations == 0
        assert stub.spec_errors == []
    [(key, to, _body)] = _confirmations(db)
    assert (key, to) == (f"{made['uid']}:booked:sms", CALLER)
    _check_call_closed(db)


async def test_each_line_is_saved_as_the_call_goes_then_the_record_once_at_the_end(
    tmp_path: Path,
) -> None:
    from agent import calls
    from agent.receptionist import build_receptionist
    from agent.retrieval import BudgetedRetriever, RagOptions
    from agent.session import build_text_session
    from agent.sim import CallerInput, ScriptedLLM
    from agent.textcall import TextCall
    from booking.local import LocalCalendar
    from notify.outbox import Outbox

    profile = load_profile()
    conn = state_db.connect(tmp_path / "salon.db")
    call = calls.open_call(
        profile=profile, conn=conn, caller=CALLER, call_sid="CAlines", outbox=Outbox(conn=conn),
        calendar=LocalCalendar(profile, db=conn),
    )  # fmt: skip
    caller = CallerInput()
    agent = build_receptionist(
        call=call, retriever=BudgetedRetriever(None, options=RagOptions()), caller_input=caller
    )
    session = build_text_session(model=ScriptedLLM(["Nous ouvrons à 9h30."]), call=call)
    calls.watch_session(call, session)
    await session.start(agent)
    text_call = TextCall(session=session, caller_input=caller)
    await text_call.greet(calls.greeting_for(call))
    await text_call.send("Vous ouvrez à quelle heure ?")
    if call.line_writes:
        await asyncio.gather(*list(call.line_writes))
    saved = CallRecords(conn=conn).get("CAlines")
    assert saved is not None and saved.ended_at is None  # the call is still going on
    assert [t.role for t in saved.transcript] == ["agent", "caller", "agent"]
    await text_call.aclose()
    await calls.finish_call(call, session=session)
    final = CallRecords(conn=conn).get("CAlines")
    assert final is not None and final.ended_at is not None
    assert [t.text for t in final.transcript] == [t.text for t in saved.transcript]


async def _owed_booking(db: Path) -> str:
    """A booking whose confirmation was never queued (its process died), as in the kill
    tests, but made in-process: returns its uid."""
    from booking import Customer, SlotPreferences
    from booking.local import LocalCalendar

    profile = load_profile()
    calendar = LocalCalendar(profile, db=db)
    try:
        service = profile.service("coupe-homme")
        [slot] = await calendar.free_slots(
            service=service, prefs=SlotPreferences(earliest=True), limit=1
        )
        booking = await calendar.book(
            service=service, slot=slot, customer=Customer(name="Paul Martin", phone=CALLER)
        )
    finally:
        await calendar.aclose()
    return booking.uid


def test_starting_the_worker_puts_right_what_a_killed_one_left_before_serving_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent import worker
    from agent.config import SECRETS, AgentSettings

    db = tmp_path / "salon.db"
    uid = asyncio.run(_owed_booking(db))
    monkeypatch.setenv("SALON_DB", str(db))
    for name in SECRETS:
        monkeypatch.setenv(name, "set-for-the-test")
    seen: list[list[tuple[str, str, str]]] = []
    monkeypatch.setattr(worker.cli, "run_app", lambda server: seen.append(_confirmations(db)))
    worker.main(["start"], settings=AgentSettings.from_env())
    assert [[key for key, _, _ in queued] for queued in seen] == [[f"{uid}:booked:sms"]]


def _one(db: Path, sql: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()
