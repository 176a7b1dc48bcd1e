"""Cal.com API v2 over HTTP: one call with bounded retries inside an overall deadline.

Retries on timeouts, transport errors, 429 (honouring `Retry-After` only when it fits in
the deadline) and 5xx, with exponential backoff. A 401/403 is final. The `Reply` says
whether an earlier attempt of a non-GET call may have been processed (`ambiguous`), so the
caller can look for its own booking instead of creating a second one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from booking.calendar import CalendarUnavailable

log = logging.getLogger("booking")

_TAKEN_HINTS = ("already has booking", "not available", "no available users")


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    ambiguous: bool  # an earlier attempt (timeout, 5xx) may have been processed
    recovered: Any = None  # what `recover` found instead of retrying (see `call`)

    @property
    def message(self) -> str:
        error = self.body.get("error")
        if isinstance(error, dict):
            return str(error.get("message", ""))
        return str(error or self.body.get("message", ""))


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    *,
    version: str,
    deadline: float,
    attempt_timeout: float,
    params: dict[str, Any] | None = None,
    json: dict[str, Any] | None = None,
    recover: Callable[[], Awaitable[Any | None]] | None = None,
) -> Reply:
    """One API call with retries on 429/5xx/timeouts until the overall deadline.

    A non-GET call whose attempt may have been processed (timeout, 5xx) is not blindly
    sent again when `recover` is given: `recover()` first looks for the attempt's effect
    (e.g. the booking it created) and, when found, the call returns it as
    `Reply.recovered` without a second request. A lookup that fails or runs out of time
    ends the call with `CalendarUnavailable` rather than risking a duplicate.
    """
    loop = asyncio.get_running_loop()
    stop = loop.time() + deadline
    ambiguous, backoff, attempt = False, 0.2, 0
    last = "no attempt"
    while True:
        remaining = stop - loop.time()
        if remaining < 0.05:
            log.warning("Cal.com deadline exceeded", extra={"path": path, "last": last})
            raise CalendarUnavailable(f"Cal.com: {last}", retryable=True)
        if ambiguous and recover is not None:
            found = await _recover(recover, stop - loop.time(), last)
            if found is not None:
                return Reply(200, {}, True, recovered=found)
        attempt += 1
        try:
            resp = await client.request(
                method,
                path,
                params=params,
                json=json,
                headers={"cal-api-version": version},
                timeout=min(attempt_timeout, remaining),
            )
        except httpx.TimeoutException:
            ambiguous = ambiguous or method != "GET"
            last = f"timeout (attempt {attempt})"
            continue
        except httpx.TransportError as exc:
            last = f"{type(exc).__name__} (attempt {attempt})"
            await asyncio.sleep(min(backoff, max(0.0, stop - loop.time())))
            backoff *= 2
            continue
        if resp.status_code == 429 or resp.status_code >= 500:
            ambiguous = ambiguous or (resp.status_code >= 500 and method != "GET")
            last = f"HTTP {resp.status_code} (attempt {attempt})"
            wait = backoff
            if resp.status_code == 429:
                with contextlib.suppress(ValueError):
                    wait = max(wait, float(resp.headers.get("Retry-After", "0")))
            if wait >= stop - loop.time():
                raise CalendarUnavailable(f"Cal.com: {last}", retryable=True)
            await asyncio.sleep(wait)
            backoff *= 2
            continue
        try:
            body = resp.json() if resp.content else {}
        except ValueError:
            body = {}
        if resp.status_code in (401, 403):
            raise CalendarUnavailable(
                f"Cal.com refused the key: {resp.status_code}", retryable=False
            )
        return Reply(resp.status_code, body if isinstance(body, dict) else {}, ambiguous)


async def _recover(
    recover: Callable[[], Awaitable[Any | None]], remaining: float, last: str
) -> Any | None:
    try:
        return await asyncio.wait_for(recover(), timeout=max(0.05, remaining))
    except (TimeoutError, CalendarUnavailable) as exc:
        log.warning("Cal.com recovery lookup failed", extra={"last": last})
        raise CalendarUnavailable(
            f"Cal.com: {last}; could not check whether it was processed", retryable=True
        ) from exc


def booking_data(reply: Reply) -> dict[str, Any]:
    data = reply.body.get("data")
    if isinstance(data, list):
        data = data[0] if data else None
    if not isinstance(data, dict) or "uid" not in data:
        raise CalendarUnavailable("Cal.com answered without a booking", retryable=False)
    return data


def is_taken(reply: Reply) -> bool:
    text = reply.message.lower()
    return reply.status in (400, 409) and any(hint in text for hint in _TAKEN_HINTS)
