"""Dispatching the agent into the call's room through LiveKit's server API.

`AgentDispatcher` is the protocol the app uses; `LiveKitDispatcher` is the real client
(`livekit-api`), `UnconfiguredDispatcher` the embedded default when LiveKit settings are
absent (every call then gets the human fallback).

Flask views are synchronous (Hypercorn runs them in worker threads), while `livekit-api`
is asyncio/aiohttp. `LiveKitDispatcher` keeps ONE event loop in a daemon thread with one
long-lived `LiveKitAPI` (one aiohttp connection pool) and hands it each call
(`_LoopCall`: started with `call_soon_threadsafe`, the view's thread waits on a lock).
Every request is bounded with `asyncio.timeout`: the
client's own `timeout` option has no effect on Twirp calls (it passes `timeout=None`).

`dispatch_once` is what `/voice` calls: claim the CallSid in the call log, dispatch, mark
the row bridged, all in ONE coroutine on that loop. The call log's two writes thus run on
one thread, one after the other, instead of in a hundred worker threads at once: each
SQLite statement releases the GIL, and with many runnable threads every release is a
contended hand-off (measured under 100 concurrent calls: 1.25 ms of CPU per call with the
writes in the worker threads, 0.88 ms with them on the loop). The trade-off: a write
normally takes tens of microseconds, but while another process (the agent) holds the
db's write lock, the loop, and so every call in flight on it, waits for it (SQLite's busy
handler sleeps from 1 ms up). WAL writers' transactions are short (milliseconds); a
process that held the write lock for seconds would delay all calls, not just one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import aiohttp
from livekit import api

from webhook.call_log import CallLog, CallRow
from webhook.room_tokens import RoomAdminDispatchService

logger = logging.getLogger("webhook")

T = TypeVar("T")


@dataclass(frozen=True)
class Bridge:
    """What the TwiML needs after a successful dispatch."""

    dispatch_id: str | None = None  # sip route: the AgentDispatch id
    connect_url: str | None = None  # stream route: the Twilio connector's WebSocket URL


class DispatchFailed(Exception):
    """LiveKit did not dispatch the agent; `reason` is timeout, error or unconfigured."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class AgentDispatcher(Protocol):
    def dispatch(
        self, *, call_sid: str, caller: str, callee: str, deadline: float | None = None
    ) -> Bridge:
        """Put the agent in room `call_sid`; raises `DispatchFailed` by the deadline.

        `deadline` is a `time.monotonic()` instant (default: now + the dispatcher's budget).
        """
        ...

    def dispatch_once(
        self,
        *,
        calls: CallLog,
        call_sid: str,
        caller: str,
        caller_masked: str,
        callee: str,
        transport: str,
        deadline: float | None = None,
    ) -> Bridge | CallRow:
        """Claim `call_sid` in `calls`, dispatch, mark the row bridged; return the Bridge.

        Returns the existing row instead, without dispatching, when the CallSid was
        already claimed (a retried or concurrent webhook). Raises `DispatchFailed` (the
        row stays pending: the caller marks it fallback).
        """
        ...

    def close(self) -> None: ...


def call_metadata(*, call_sid: str, caller: str, callee: str) -> str:
    """The dispatch metadata the agent reads from `ctx.job.metadata`."""
    return json.dumps({"call_sid": call_sid, "from": caller, "to": callee})


class UnconfiguredDispatcher:
    """Embedded default without (valid) LiveKit settings: every call gets the human fallback."""

    def __init__(
        self,
        *,
        reason: str = "unconfigured",
        detail: str = "LIVEKIT_URL/LIVEKIT_API_KEY/SECRET not set",
    ) -> None:
        self._reason, self._detail = reason, detail

    def dispatch(
        self, *, call_sid: str, caller: str, callee: str, deadline: float | None = None
    ) -> Bridge:
        raise DispatchFailed(self._reason, self._detail)

    def dispatch_once(
        self,
        *,
        calls: CallLog,
        call_sid: str,
        caller: str,
        caller_masked: str,
        callee: str,
        transport: str,
        deadline: float | None = None,
    ) -> Bridge | CallRow:
        existing = calls.claim(call_sid=call_sid, caller_masked=caller_masked, transport=transport)
        if existing is not None:
            return existing
        raise DispatchFailed(self._reason, self._detail)

    def close(self) -> None:
        return None


class _LoopCall(Generic[T]):
    """A coroutine run on the loop for a waiting thread: one lock, released when done.

    Lighter than `run_coroutine_threadsafe` (no concurrent Future, no future chaining, no
    Condition): this hand-off happens for every call, in a GIL-bound process.
    """

    __slots__ = ("_coro", "done", "_task", "_cancelled")

    def __init__(self, coro: Coroutine[Any, Any, T]) -> None:
        self._coro = coro
        self.done = threading.Lock()
        self.done.acquire()  # released by the loop once the task has finished
        self._task: asyncio.Task[T] | None = None
        self._cancelled = False

    def start(self, loop: asyncio.AbstractEventLoop) -> None:  # on the loop
        if self._cancelled:
            self._coro.close()
            self.done.release()
            return
        self._task = loop.create_task(self._coro)
        self._task.add_done_callback(self._finished)

    def _finished(self, _task: asyncio.Task[T]) -> None:  # on the loop
        self.done.release()

    def cancel(self) -> None:  # on the loop
        self._cancelled = True
        if self._task is not None:
            self._task.cancel()

    def result(self) -> T:
        """The task's result or exception (once `done` was acquired)."""
        if self._task is None:
            raise DispatchFailed("error", "dispatch was cancelled before it started")
        return self._task.result()


class LiveKitDispatcher:
    """The real dispatcher: `create_dispatch` (sip) or `connect_twilio_call` (stream)."""

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        api_secret: str,
        agent_name: str,
        transport: str,
        timeout: float,
    ) -> None:
        if transport not in ("sip", "stream"):
            raise ValueError(f"unknown transport {transport!r}")
        self._url, self._key, self._secret = url, api_key, api_secret
        self._agent_name, self._transport, self._timeout = agent_name, transport, timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lkapi: api.LiveKitAPI | None = None
        self._session: aiohttp.ClientSession | None = None
        self._dispatches: RoomAdminDispatchService | None = None
        self._lock = threading.Lock()
        self._external_loop = False
        self._loop_thread: int | None = None

    def use_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run LiveKit calls on this (the server's) running loop instead of a thread of ours.

        `scripts/webhook` passes Hypercorn's loop: one event loop for the process means
        fewer thread hand-offs per call than a second loop in its own thread.
        """
        with self._lock:
            if self._loop is not None:
                raise RuntimeError("the dispatcher already runs on a loop")
            self._loop, self._external_loop = loop, True
            self._loop_thread = threading.get_ident()  # use_loop is called on that loop

    async def aclose(self) -> None:
        """Close the LiveKit client from inside the loop it runs on."""
        lkapi, session, self._lkapi, self._session = self._lkapi, self._session, None, None
        self._dispatches = None
        if lkapi is not None:
            await lkapi.aclose()  # leaves the session it was given open
        if session is not None:
            await session.close()

    # -- the background loop ---------------------------------------------------------
    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="livekit-dispatch", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def _run(self, coro: Coroutine[Any, Any, T], deadline: float) -> T:
        loop = self._ensure_loop()
        if self._loop_thread == threading.get_ident():
            coro.close()  # waiting here would block the very loop that must answer
            raise DispatchFailed("error", "dispatch called on the event loop's own thread")
        call = _LoopCall(coro)
        loop.call_soon_threadsafe(call.start, loop)
        # The coroutine bounds itself with asyncio.timeout; this outer bound only guards a
        # stalled loop, so the caller never waits much beyond the deadline.
        if not call.done.acquire(timeout=max(0.0, deadline - time.monotonic()) + 0.1):
            loop.call_soon_threadsafe(call.cancel)
            raise DispatchFailed("timeout", "dispatch loop did not answer")
        return call.result()

    async def _api(self) -> tuple[api.LiveKitAPI, RoomAdminDispatchService]:
        if self._lkapi is None or self._dispatches is None:
            # One session (one connection pool) for both; created on the loop it serves.
            session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
            # failover=False: region failover only applies to LiveKit Cloud, retries with
            # back-off, and could not fit the caller's few-second budget anyway.
            self._lkapi = api.LiveKitAPI(
                self._url, self._key, self._secret, session=session, failover=False
            )
            self._dispatches = RoomAdminDispatchService(session, self._url, self._key, self._secret)
            self._session = session
        return self._lkapi, self._dispatches

    async def _dispatch(self, *, call_sid: str, caller: str, callee: str) -> Bridge:
        lkapi, dispatches = await self._api()
        metadata = call_metadata(call_sid=call_sid, caller=caller, callee=callee)
        if self._transport == "sip":
            created = await dispatches.create_dispatch(
                api.CreateAgentDispatchRequest(
                    agent_name=self._agent_name, room=call_sid, metadata=metadata
                )
            )
            return Bridge(dispatch_id=created.id or None)
        connected = await lkapi.connector.connect_twilio_call(
            api.ConnectTwilioCallRequest(
                twilio_call_direction=api.ConnectTwilioCallRequest.TWILIO_CALL_DIRECTION_INBOUND,
                room_name=call_sid,
                agents=[api.RoomAgentDispatch(agent_name=self._agent_name, metadata=metadata)],
            )
        )
        if not connected.connect_url:
            raise DispatchFailed("error", "connector answered without a connect_url")
        return Bridge(connect_url=connected.connect_url)

    async def _bounded(self, *, call_sid: str, caller: str, callee: str, deadline: float) -> Bridge:
        # Measured here, on the loop: time spent waiting to be scheduled counts too.
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DispatchFailed("timeout", "no time left before the deadline")
        try:
            # asyncio.timeout, not wait_for: no second task per call (3.11's wait_for wraps
            # the coroutine in one), the same TimeoutError when the budget runs out.
            async with asyncio.timeout(remaining):
                return await self._dispatch(call_sid=call_sid, caller=caller, callee=callee)
        except TimeoutError as exc:
            raise DispatchFailed("timeout", f"no answer within {remaining:.2f} s") from exc
        except DispatchFailed:
            raise
        except api.TwirpError as exc:
            raise DispatchFailed("error", f"{exc.code} (HTTP {exc.status})") from exc
        except Exception as exc:  # aiohttp/network errors of any kind
            raise DispatchFailed("error", type(exc).__name__) from exc

    async def _claimed_dispatch(
        self,
        *,
        calls: CallLog,
        call_sid: str,
        caller: str,
        caller_masked: str,
        callee: str,
        transport: str,
        deadline: float,
    ) -> Bridge | CallRow:
        existing = calls.claim(call_sid=call_sid, caller_masked=caller_masked, transport=transport)
        if existing is not None:
            return existing
        bridge = await self._bounded(
            call_sid=call_sid, caller=caller, callee=callee, deadline=deadline
        )
        calls.mark_bridged(
            call_sid=call_sid, dispatch_id=bridge.dispatch_id, connect_url=bridge.connect_url
        )
        return bridge

    # -- public API ------------------------------------------------------------------
    def dispatch_once(
        self,
        *,
        calls: CallLog,
        call_sid: str,
        caller: str,
        caller_masked: str,
        callee: str,
        transport: str,
        deadline: float | None = None,
    ) -> Bridge | CallRow:
        if deadline is None:
            deadline = time.monotonic() + self._timeout
        coro = self._claimed_dispatch(
            calls=calls,
            call_sid=call_sid,
            caller=caller,
            caller_masked=caller_masked,
            callee=callee,
            transport=transport,
            deadline=deadline,
        )
        return self._run(coro, deadline)

    def dispatch(
        self, *, call_sid: str, caller: str, callee: str, deadline: float | None = None
    ) -> Bridge:
        if deadline is None:
            deadline = time.monotonic() + self._timeout
        coro = self._bounded(call_sid=call_sid, caller=caller, callee=callee, deadline=deadline)
        return self._run(coro, deadline)

    def close(self) -> None:
        with self._lock:
            loop, thread, self._loop, self._thread = self._loop, self._thread, None, None
        if loop is None or self._external_loop:
            return  # an external loop's owner closes the client with `aclose`
        if self._lkapi is not None:
            try:
                asyncio.run_coroutine_threadsafe(self.aclose(), loop).result(5)
            except Exception:  # closing is best effort
                logger.debug("closing the LiveKit API client failed", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)
        loop.close()
