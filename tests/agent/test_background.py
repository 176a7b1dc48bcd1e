"""Unit tier: a call's fire-and-forget task is held until it finishes, and its failure is
one warning line, never an exception raised into the call."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from agent.background import spawn

pytestmark = pytest.mark.unit


async def test_a_task_is_held_until_it_finishes_then_released() -> None:
    keep: set[asyncio.Task[Any]] = set()
    release = asyncio.Event()

    async def work() -> str:
        await release.wait()
        return "done"

    task = spawn(work(), keep=keep, failure="work failed")
    await asyncio.sleep(0)
    assert keep == {task}
    release.set()
    assert await task == "done"
    await asyncio.sleep(0)  # done callbacks run on the next loop turn
    assert keep == set()


async def test_a_failing_task_is_logged_once_as_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    keep: set[asyncio.Task[Any]] = set()

    async def broken() -> None:
        raise ConnectionError("Twilio down")

    with caplog.at_level(logging.WARNING, logger="agent"):
        task = spawn(broken(), keep=keep, failure="outbox drain failed")
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)
    warnings = [r for r in caplog.records if r.message == "outbox drain failed"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert "Twilio down" in warnings[0].error  # type: ignore[attr-defined]
    assert keep == set()


async def test_a_cancelled_task_is_not_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    keep: set[asyncio.Task[Any]] = set()
    with caplog.at_level(logging.WARNING, logger="agent"):
        task = spawn(asyncio.sleep(60), keep=keep, failure="sleep failed")
        await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)
    assert not [r for r in caplog.records if r.message == "sleep failed"]
    assert keep == set()
