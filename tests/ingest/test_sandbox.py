"""Integration tier: the child process that reads each file enforces its time and memory
budget for real (a forked process with `RLIMIT_AS`, killed at its deadline), and a child
that dies costs that one call only."""

from __future__ import annotations

import os
import signal
import time

import pytest

from ingest import sandbox

BUDGET = sandbox.Budget(seconds=1.5, memory_mb=512)


def double(value: int) -> int:
    return value * 2


def spin_forever(_: int) -> int:
    while True:
        pass


def sleep_forever(_: int) -> int:
    while True:
        time.sleep(1)


def allocate_without_end(_: int) -> int:
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def die_by_signal(_: int) -> int:
    os.kill(os.getpid(), signal.SIGSEGV)
    return 0


def child_pid(_: int) -> int:
    return os.getpid()


def test_a_call_runs_in_another_process_and_returns_its_value() -> None:
    assert sandbox.run(double, 21, budget=BUDGET) == 42
    assert sandbox.run(child_pid, 0, budget=BUDGET) != os.getpid()


@pytest.mark.parametrize("endless", [spin_forever, sleep_forever])
def test_a_call_past_its_time_budget_is_killed_on_time(endless: object) -> None:
    started = time.monotonic()
    with pytest.raises(sandbox.OverBudget) as over:
        sandbox.run(endless, 0, budget=BUDGET)  # type: ignore[arg-type]
    assert over.value.kind == "timeout"
    assert over.value.reason == "took longer than 1.5 s to read (time budget per file)"
    assert 1.4 < time.monotonic() - started < 4


def test_a_call_past_its_memory_budget_is_stopped_and_named() -> None:
    with pytest.raises(sandbox.OverBudget) as over:
        sandbox.run(allocate_without_end, 0, budget=BUDGET)
    assert over.value.kind == "memory"
    assert "more than 512 MB of memory" in over.value.reason


def test_a_child_that_crashes_costs_that_call_only() -> None:
    with pytest.raises(sandbox.OverBudget) as over:
        sandbox.run(die_by_signal, 0, budget=BUDGET)
    assert over.value.kind == "crash" and "SIGSEGV" in over.value.reason
    assert sandbox.run(double, 4, budget=BUDGET) == 8  # the worker goes on


def test_a_dead_worker_is_replaced_on_the_next_call() -> None:
    sandbox.run(double, 1, budget=BUDGET)
    worker = sandbox._WORKER.proc
    assert worker is not None
    worker.kill()
    worker.wait()
    assert sandbox.run(double, 5, budget=BUDGET) == 10
    assert sandbox._WORKER.proc is not worker
