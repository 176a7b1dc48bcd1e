"""Integration tier: an unreachable language model, through the real turn path.

The real OpenAI plugin points at a closed port on 127.0.0.1. The caller must hear the
apology, the logs must hold one line (not LiveKit's hundred-line traceback), and the call
record must say "failed" with the reason, not "answered". Then the same as a user sees it:
the text mode (`scripts/chat`) against the closed port prints the apology and one line
on stderr.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from livekit.plugins import openai

from agent import calls
from notify.outbox import Outbox
from records.store import CallRecords
from salon import state_db
from salon.profile import load_profile
from tests.agent.harness import FakeKB, start_receptionist_call
from tests.fixtures.opening import closed_today, open_all_day_today

ROOT = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _first_turn(
    call: calls.CallContext, model: openai.LLM, settings: Any = None, timeout: float = 30
) -> tuple[Any, float]:
    """The receptionist on the text turn path with `model`, the call's LLM-failure handling
    on; the caller asks one question. Returns the turn and how long the caller waited."""
    text_call, _ = await start_receptionist_call(
        call, model, kb=FakeKB(), settings=settings, watch=True
    )
    started = asyncio.get_running_loop().time()
    try:
        turn = await text_call.send("Vous êtes ouverts samedi ?", timeout=timeout)
        return turn, asyncio.get_running_loop().time() - started
    finally:
        await text_call.aclose()
        await calls.finish_call(call, session=text_call.session)
        await calls.release_call(call)
        await model.aclose()


async def test_an_unreachable_llm_gives_the_apology_one_log_line_and_a_failed_record(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    profile = load_profile()
    conn = state_db.connect(tmp_path / "salon.db")
    call = calls.open_call(
        profile=profile, conn=conn, caller="+33612345678", outbox=Outbox(conn=conn)
    )
    model = openai.LLM(
        model="gpt-4o-mini", base_url=f"http://127.0.0.1:{_closed_port()}/v1", api_key="sk-x"
    )
    caplog.set_level(logging.INFO)
    turn, _ = await _first_turn(call, model)
    assert turn.replies == [calls.LLM_DOWN + calls.LLM_DOWN_CALL_BACK]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage()) for r in errors] == [
        ("agent", "language model unavailable; apologising to the caller")
    ]
    assert not any(r.exc_info for r in caplog.records)  # no traceback anywhere
    assert "injoignable" in errors[0].reason  # type: ignore[attr-defined]
    assert call.record_id is not None
    stored = CallRecords(conn=conn).get_by_id(call.record_id)
    conn.close()
    assert stored is not None and stored.outcome == "failed"
    assert stored.failure is not None and "ConnectError" in stored.failure
    assert [line.text for line in stored.transcript if line.role == "caller"] == [
        "Vous êtes ouverts samedi ?"
    ]


async def test_a_hanging_llm_gives_the_apology_after_the_configured_wait_not_forty_seconds(
    tmp_path: Path,
) -> None:
    """A server that accepts the connection and never answers: with LLM_TIMEOUT=1 and
    LLM_MAX_RETRY=1 the apology comes after about two seconds (LiveKit's own defaults,
    10 s and 3 retries, would keep the caller in silence for over 40 s and fail this)."""
    from agent.config import AgentSettings

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # connections are accepted by the kernel and never answered
    port = silent.getsockname()[1]
    settings = AgentSettings(llm_timeout=1.0, llm_max_retry=1)
    profile = load_profile()
    conn = state_db.connect(tmp_path / "salon.db")
    call = calls.open_call(
        profile=profile, conn=conn, caller="+33612345678", outbox=Outbox(conn=conn)
    )
    model = openai.LLM(model="gpt-4o-mini", base_url=f"http://127.0.0.1:{port}/v1", api_key="x")
    try:
        turn, waited = await _first_turn(call, model, settings=settings, timeout=15)
    finally:
        conn.close()
        silent.close()
    assert turn.replies == [calls.LLM_DOWN + calls.LLM_DOWN_CALL_BACK]
    assert waited < 12, f"the caller waited {waited:.1f} s in silence"


def test_llm_wait_settings_are_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.config import AgentSettings

    monkeypatch.setenv("LLM_TIMEOUT", "3")
    monkeypatch.setenv("LLM_MAX_RETRY", "0")
    read = AgentSettings.from_env()
    assert (read.llm_timeout, read.llm_max_retry) == (3.0, 0)
    monkeypatch.setenv("LLM_TIMEOUT", "0")
    with pytest.raises(ValueError, match="LLM_TIMEOUT"):
        AgentSettings.from_env()


def test_a_bug_in_the_inference_task_keeps_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Only provider failures are quietened: our own errors stay fully logged."""
    from livekit.agents import APIConnectionError

    from agent.llm_errors import quiet_provider_tracebacks

    quiet_provider_tracebacks()
    quiet_provider_tracebacks()  # idempotent
    livekit = logging.getLogger("livekit.agents")
    assert len([f for f in livekit.filters if type(f).__name__ == "_ProviderFailureFilter"]) == 1
    caplog.set_level(logging.INFO)
    for error in (APIConnectionError("down"), KeyError("slot")):
        try:
            raise error
        except Exception:
            livekit.exception("Error in _llm_inference_task")
    kept = [r for r in caplog.records if r.name == "livekit.agents"]
    assert len(kept) == 1 and kept[0].exc_info and kept[0].exc_info[0] is KeyError


def test_chat_against_an_unreachable_llm_prints_the_apology_and_one_line(
    tmp_path: Path,
) -> None:
    env = dict(os.environ)
    env.update(
        OPENAI_BASE_URL=f"http://127.0.0.1:{_closed_port()}/v1",
        OPENAI_API_KEY="sk-test",
        SALON_DB=str(tmp_path / "salon.db"),
        KB_DB=str(tmp_path / "kb"),
    )
    result = subprocess.run(  # what scripts/chat runs, without the environment check
        [sys.executable, "-m", "agent.chat", "--caller", "06 12 34 56 78"],
        input="Vous êtes ouverts samedi ?\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    replies = result.stdout.strip().splitlines()
    assert replies[-1] == "agent: " + calls.LLM_DOWN + calls.LLM_DOWN_CALL_BACK
    assert result.stderr.strip().splitlines() == [
        "ERROR agent: language model unavailable; apologising to the caller"
    ]
    conn = state_db.connect(tmp_path / "salon.db")
    outcomes = [r[0] for r in conn.execute("SELECT outcome FROM call_records")]
    conn.close()
    assert outcomes == ["failed"]


@pytest.mark.parametrize("is_open", [True, False])
async def test_with_the_llm_down_the_caller_is_put_through_only_while_the_salon_is_open(
    tmp_path: Path, is_open: bool
) -> None:
    """A phone call with a transfer number: while the salon is open the apology ends
    « Je vous passe quelqu'un du salon » (then the transfer); closed (at night), nobody
    would answer, so the caller is asked to call back instead."""
    base = load_profile()
    profile = open_all_day_today(base) if is_open else closed_today(base)
    assert profile.transfer_number
    conn = state_db.connect(tmp_path / "salon.db")
    call = calls.open_call(
        profile=profile,
        conn=conn,
        caller="+33612345678",
        call_sid="CA0123456789abcdef0123456789abcdef",
        outbox=Outbox(conn=conn),
    )
    model = openai.LLM(
        model="gpt-4o-mini", base_url=f"http://127.0.0.1:{_closed_port()}/v1", api_key="sk-x"
    )
    try:
        turn, _ = await _first_turn(call, model)
    finally:
        conn.close()
    ending = calls.LLM_DOWN_TRANSFER if is_open else calls.LLM_DOWN_CALL_BACK
    assert turn.replies == [calls.LLM_DOWN + ending]
