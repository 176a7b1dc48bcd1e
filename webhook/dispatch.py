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

Two things keep a caller from being bridged into a room no agent will join:

- LiveKit accepts a dispatch whether or not a worker is registered for the agent name.
  When the worker's heartbeat in the state db (the call log's, `salon.worker_heartbeat`)
  says it is stopped or silent, the dispatch is not even tried:
  `DispatchFailed("no_worker")`, and the caller hears the human fallback at once. No
  heartbeat at all (the worker runs elsewhere) dispatches as before.
- A create call still unanswered at the deadline is not cancelled: the caller gets the
  fallback, and the request runs on in the background (at most `LATE_CREATE_WAIT_S`).
  Once it has answered or failed, the room named after the CallSid is deleted
  (`RoomService.DeleteRoom` takes the dispatch, and an agent that joined, with it; bounded
  by `CLEANUP_TIMEOUT_S`), so no agent waits in an empty room for a caller who went to a
  human. Never on the caller's time: their TwiML has long been sent.
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

from salon.worker_heartbeat import WorkerLiveness
from webhook.call_log import CallLog, CallRow
from webhook.room_tokens import RoomAdminDispatchService

logger = logging.getLogger("webhook")

T = TypeVar("T")

# After a timeout fallback: how long the create call may still take before it is cancelled,
# then how long deleting its room may take. Both run in the background.
LATE_CREATE_WAIT_S = 20.0
CLEANUP_TIMEOUT_S = 10.0


class Liveness(Protocol):
    """Whether an agent worker is there (`salon.worker_heartbeat.WorkerLiveness`)."""

    def down(self) -> str | None:
        """Why no agent worker can take a call now, or None (alive, or not known)."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Bridge:
    """What the TwiML needs after a successful dispatch."""

    dispatch_id: str | None = None  # sip route: the AgentDispatch id
    connect_url: str | None = None  # stream route: the Twilio connector's WebSocket URL


class DispatchFailed(Exception):
    """LiveKit did not dispatch the agent; `reason` is timeout, error, no_worker,
    unconfigured or misconfigured."""

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
        liveness: Liveness | None = None,
    ) -> None:
        """`liveness`: whether a worker is there; by default the heartbeats in the state db
        of the first call log `dispatch_once` is given."""
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
        self._liveness = liveness
        self._cleanups: set[asyncio.Task[None]] = set()  # stray dispatches being removed

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
        cleanups, self._cleanups = self._cleanups, set()
        for cleanup in cleanups:  # shutting down: not worth waiting up to half a minute
            cleanup.cancel()
        if cleanups:
            await asyncio.gather(*cleanups, return_exceptions=True)
            logger.warning(
                "shutting down: rooms of timed-out dispatches left to LiveKit's empty timeout",
                extra={"detail": f"{len(cleanups)} cleanup(s) cancelled"},
            )
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
        if self._liveness is not None:
            down = self._liveness.down()
            if down is not None:
                raise DispatchFailed("no_worker", down)
        # The request is its own task, awaited through a shield: at the deadline the caller
        # gets the fallback, while the request goes on until LiveKit answers, so that what
        # it may have created can be deleted (`_clean_up`).
        create = asyncio.get_running_loop().create_task(
            self._dispatch(call_sid=call_sid, caller=caller, callee=callee)
        )
        try:
            async with asyncio.timeout(remaining):
                return await asyncio.shield(create)
        except TimeoutError as exc:
            self._clean_up_later(create, room=call_sid)
            raise DispatchFailed("timeout", f"no answer within {remaining:.2f} s") from exc
        except asyncio.CancelledError:  # the view stopped waiting (a stalled loop)
            self._clean_up_later(create, room=call_sid)
            raise
        except DispatchFailed:
            raise
        except api.TwirpError as exc:
            raise DispatchFailed("error", f"{exc.code} (HTTP {exc.status})") from exc
        except Exception as exc:  # aiohttp/network errors of any kind
            raise DispatchFailed("error", type(exc).__name__) from exc

    def _clean_up_later(self, create: asyncio.Task[Bridge], *, room: str) -> None:
        cleanup = asyncio.get_running_loop().create_task(self._clean_up(create, room=room))
        self._cleanups.add(cleanup)
        cleanup.add_done_callback(self._cleanups.discard)

    async def _clean_up(self, create: asyncio.Task[Bridge], *, room: str) -> None:
        """Wait (bounded) for a create call the caller stopped waiting for, then delete
        the room it may have created, with its dispatch; log what happened."""
        started = time.monotonic()
        try:
            async with asyncio.timeout(LATE_CREATE_WAIT_S):
                await create
            late = "created late"
        except TimeoutError:  # cancelled: LiveKit may still create it, nothing to wait for
            late = f"still unanswered after {LATE_CREATE_WAIT_S:g} s, cancelled"
        except Exception as exc:
            late = f"failed late ({type(exc).__name__})"
        context = {"call_sid": room, "state": late}
        try:
            lkapi, _ = await self._api()
            async with asyncio.timeout(CLEANUP_TIMEOUT_S):
                await lkapi.room.delete_room(api.DeleteRoomRequest(room=room))
        except api.TwirpError as exc:
            if exc.code == "not_found":  # nothing was created: nothing to remove
                logger.info("no stray room after a timeout fallback", extra=context)
                return
            context["detail"] = f"{exc.code} (HTTP {exc.status})"
        except Exception as exc:  # network errors, our own timeout
            context["detail"] = type(exc).__name__
        else:
            context["detail"] = f"{time.monotonic() - started:.1f} s after the fallback"
            logger.info("stray dispatch removed after a timeout fallback", extra=context)
            return
        logger.warning(
            "could not delete the room of a timed-out dispatch: an agent may wait in it "
            "until LiveKit's empty-room timeout",
            extra=context,
        )

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
        if self._liveness is None:  # on the loop: no lock needed
            self._liveness = WorkerLiveness(db_path=calls.db_path, agent_name=self._agent_name)
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
        if self._liveness is not None:
            self._liveness.close()
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
