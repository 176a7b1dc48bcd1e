"""Integration tier: the supervisor runs real processes — prefixed logs, restarts with a
doubling backoff, and a stop that leaves no process of any group behind."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal

import pytest

from ops.supervisor import Backoff, Program, Supervisor
from tests.ops.conftest import group_alive


def sh(name: str, script: str) -> Program:
    return Program(name, ("sh", "-c", script))


async def until(predicate, *, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def test_a_long_run_resets_the_backoff_and_a_short_one_doubles_it() -> None:
    backoff = Backoff(initial=1.0, maximum=8.0, reset_after=60.0)
    assert backoff.next(1.0, ran_for=0.5) == (1.0, 2.0)
    assert backoff.next(8.0, ran_for=0.5) == (8.0, 8.0)
    assert backoff.next(8.0, ran_for=61.0) == (1.0, 2.0)


async def test_each_line_is_prefixed_with_its_programs_name() -> None:
    out = io.StringIO()
    supervisor = Supervisor(
        [
            sh("webhook", "echo 'listening on 8000'; sleep 30"),
            sh("jobs", "echo 'outbox: 0'; sleep 30"),
        ],
        out=out,
    )
    task = asyncio.create_task(supervisor.run())
    await until(lambda: "listening" in out.getvalue() and "outbox" in out.getvalue())
    supervisor.stop()
    assert await task == 0
    lines = out.getvalue().splitlines()
    assert "webhook | listening on 8000" in lines
    assert "jobs    | outbox: 0" in lines
    assert lines[-1] == "serve   | tout est arrêté"


async def test_a_crashed_program_is_restarted_after_doubling_delays_up_to_the_cap() -> None:
    out = io.StringIO()
    supervisor = Supervisor(
        [sh("flaky", "echo up; exit 3")],
        backoff=Backoff(initial=0.05, maximum=0.2, reset_after=60.0),
        out=out,
    )
    task = asyncio.create_task(supervisor.run())
    await until(lambda: supervisor.restarts.get("flaky", 0) >= 5)
    supervisor.stop()
    await task
    waits = re.findall(
        r"flaky s'est arrêté \(code 3\) après \d+,\d s ; redémarrage dans ([\d,]+) s",
        out.getvalue(),
    )
    assert waits[:5] == ["0,05", "0,1", "0,2", "0,2", "0,2"]
    assert out.getvalue().count("flaky | up") >= 5


async def test_stop_ends_every_process_group_children_and_grandchildren_included() -> None:
    out = io.StringIO()
    supervisor = Supervisor(
        [
            sh("worker", "sleep 300 & sleep 300 & echo forked; wait"),
            sh("webhook", "echo ready; exec sleep 300"),
        ],
        out=out,
    )
    task = asyncio.create_task(supervisor.run())
    await until(lambda: "forked" in out.getvalue() and "ready" in out.getvalue())
    pgids = list(supervisor.pids.values())
    assert len(pgids) == 2 and all(group_alive(p) for p in pgids)
    assert os.getpgid(pgids[0]) == pgids[0] != os.getpgrp()  # own group, not ours
    supervisor.stop()
    assert await asyncio.wait_for(task, timeout=15) == 0
    await until(lambda: not any(group_alive(p) for p in pgids), timeout=5)


async def test_a_program_ignoring_sigterm_is_killed_after_the_grace_period() -> None:
    out = io.StringIO()
    supervisor = Supervisor(
        [sh("stubborn", "trap '' TERM; echo stubborn; sleep 300 & wait")], stop_grace=0.5, out=out
    )
    task = asyncio.create_task(supervisor.run())
    await until(lambda: "stubborn | stubborn" in out.getvalue())
    pgid = supervisor.pids["stubborn"]
    loop = asyncio.get_running_loop()
    started = loop.time()
    supervisor.stop()
    await asyncio.wait_for(task, timeout=10)
    assert 0.4 < loop.time() - started < 5
    assert "stubborn ne s'est pas arrêté en 0,5 s : arrêt forcé" in out.getvalue()
    await until(lambda: not group_alive(pgid), timeout=5)


async def test_what_a_crashed_program_left_behind_is_cleaned_before_its_restart() -> None:
    out = io.StringIO()
    supervisor = Supervisor(
        [sh("leaky", "sleep 300 & echo child $!; exit 1")],
        backoff=Backoff(initial=5.0),
        out=out,
    )
    task = asyncio.create_task(supervisor.run())
    await until(lambda: "redémarrage dans 5 s" in out.getvalue())
    child = int(re.search(r"child (\d+)", out.getvalue()).group(1))  # type: ignore[union-attr]
    await until(lambda: not _alive(child), timeout=5)
    supervisor.stop()
    await task


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone for our purpose
        return stat.read().split(")")[-1].split()[0] != "Z"


async def test_a_second_stop_kills_at_once() -> None:
    out = io.StringIO()
    supervisor = Supervisor(
        [sh("slow", "trap '' TERM; echo on; sleep 300")], stop_grace=30, out=out
    )
    task = asyncio.create_task(supervisor.run())
    await until(lambda: "slow  | on" in out.getvalue())
    supervisor.stop()
    await asyncio.sleep(0.1)
    supervisor.stop()
    assert await asyncio.wait_for(task, timeout=5) == 0


async def test_a_command_that_cannot_start_is_reported_and_retried() -> None:
    out = io.StringIO()
    supervisor = Supervisor(
        [Program("ghost", ("/nonexistent/program",))], backoff=Backoff(initial=0.05), out=out
    )
    task = asyncio.create_task(supervisor.run())
    await until(lambda: supervisor.restarts.get("ghost", 0) >= 2)
    supervisor.stop()
    await task
    assert "ghost ne peut pas démarrer : [Errno 2] No such file or directory" in out.getvalue()


async def test_a_setting_error_is_not_restarted_and_names_what_to_set() -> None:
    """Exit 2 is a missing or malformed setting: restarting would print the same lines
    forever. A crash (any other code) is still restarted."""
    out = io.StringIO()
    supervisor = Supervisor(
        [
            sh(
                "webhook",
                "echo 'webhook : erreur : réglage manquant : TWILIO_AUTH_TOKEN (pour …)' >&2; "
                "exit 2",
            ),
            sh("jobs", "echo jobs run; exit 1"),
        ],
        backoff=Backoff(initial=0.05, maximum=0.1),
        out=out,
    )
    task = asyncio.create_task(supervisor.run())
    await until(lambda: supervisor.restarts.get("jobs", 0) >= 3 and supervisor.gave_up)
    await asyncio.sleep(0.3)
    supervisor.stop()
    assert await task == 0
    text = out.getvalue()
    assert text.count("webhook démarré") == 1
    assert (
        "serve   | webhook s'est arrêté sur une erreur de réglage (code 2) et ne sera pas "
        "relancé : réglez TWILIO_AUTH_TOKEN dans .env (voir ci-dessus), puis relancez "
        "scripts/serve\n"
    ) in text
    assert supervisor.gave_up == ["webhook"]
    assert "serve   | arrêt de jobs\n" in text


async def test_when_every_program_stopped_on_a_setting_error_run_ends_with_2() -> None:
    out = io.StringIO()
    supervisor = Supervisor(
        [
            sh("worker", "echo 'agent : erreur : réglage manquant : LIVEKIT_URL (…)'; exit 2"),
            sh("jobs", "echo 'jobs : erreur : le réglage QUIET_HOURS doit …'; exit 2"),
        ],
        out=out,
    )
    assert await asyncio.wait_for(supervisor.run(), timeout=10) == 2
    lines = out.getvalue().splitlines()
    assert lines[-1] == "serve  | plus aucun programme ne tourne : serve s'arrête"
    assert any("réglez LIVEKIT_URL dans .env" in line for line in lines)
    assert any("réglez QUIET_HOURS dans .env" in line for line in lines)


def test_two_programs_with_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        Supervisor([sh("a", "true"), sh("a", "true")])


def test_signal_numbers_are_what_the_supervisor_sends() -> None:
    # SIGTERM first, SIGKILL last: the order the README and the systemd unit rely on
    assert signal.SIGTERM.value == 15 and signal.SIGKILL.value == 9
