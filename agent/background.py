"""Fire-and-forget work of a call: outbox drains, the hang-up, transcript lines, the
bookkeeping after a turn.

The event loop keeps only weak references to tasks, so a task nobody holds may vanish
mid-flight: each one is kept in a set until it finishes. A failure is logged with one
warning line, never raised into the call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

logger = logging.getLogger("agent")
T = TypeVar("T")


def spawn(
    coro: Coroutine[Any, Any, T], *, keep: set[asyncio.Task[Any]], failure: str
) -> asyncio.Task[T]:
    """Run `coro` as a task held in `keep` until done; an exception it raises is logged
    as the warning `failure` (with the error in `extra`)."""
    task = asyncio.create_task(coro)
    keep.add(task)
    task.add_done_callback(keep.discard)
    task.add_done_callback(lambda done: _log_failure(done, failure))
    return task


def _log_failure(task: asyncio.Task[Any], failure: str) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning(failure, extra={"error": repr(task.exception())})
