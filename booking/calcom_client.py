"""`CalComClient`: what every Cal.com operation stands on, below `CalComCalendar`.

Settings and the HTTP client (`booking.calcom_http` does the calls), Cal.com's JSON turned
into our `Booking`s, and the local `calcom_links` table (state db) that links a caller's
phone to Cal.com booking uids, since Cal.com cannot search bookings by phone.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from booking.base import BaseCalendar, parse_utc, utc_text
from booking.calcom_http import Reply, call
from booking.calendar import Booking, CalendarUnavailable, CodeSender, Customer, InvalidRequest
from salon import settings
from salon.phone import to_e164
from salon.profile import SalonProfile, Service

log = logging.getLogger("booking")

DEFAULT_URL = "https://api.cal.com/v2"
V_SLOTS, V_BOOKINGS, V_EVENT_TYPES = "2024-09-04", "2024-08-13", "2024-06-14"


class CalComClient(BaseCalendar):
    """The Cal.com connection and conversions; `CalComCalendar` adds the operations."""

    list_page_size = 100  # bookings per `GET /v2/bookings` page in `bookings_between`

    def __init__(
        self,
        profile: SalonProfile,
        *,
        db: sqlite3.Connection | str | Path | None = None,
        send_code: CodeSender | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        username: str | None = None,
        deadline: float | None = None,
        attempt_timeout: float = 2.5,
        min_notice: timedelta = timedelta(minutes=60),
    ) -> None:
        super().__init__(profile, db=db, send_code=send_code, min_notice=min_notice)
        key = api_key or settings.require("CAL_API_KEY", "Cal.com API key")
        self.base_url = (base_url or settings.get("CAL_API_URL", DEFAULT_URL) or "").rstrip("/")
        self.username = username or settings.get("CAL_USERNAME")
        self.deadline = (
            deadline if deadline is not None else settings.get_float("CAL_API_DEADLINE", 4.0)
        )
        self.attempt_timeout = attempt_timeout
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
            timeout=httpx.Timeout(attempt_timeout, connect=min(1.0, attempt_timeout)),
        )

    async def aclose(self) -> None:
        await self._client.aclose()
        await super().aclose()

    # ------------------------------------------------------------------- transport

    async def _call(
        self,
        method: str,
        path: str,
        *,
        version: str,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        recover: Callable[[], Awaitable[Any | None]] | None = None,
    ) -> Reply:
        return await call(
            self._client,
            method,
            path,
            version=version,
            deadline=self.deadline,
            attempt_timeout=self.attempt_timeout,
            params=params,
            json=json,
            recover=recover,
        )

    def _unexpected(self, reply: Reply, what: str) -> CalendarUnavailable:
        log.warning("Cal.com error", extra={"what": what, "status": reply.status})
        return CalendarUnavailable(
            f"Cal.com {what}: HTTP {reply.status} {reply.message[:200]}", retryable=False
        )

    # ------------------------------------------------------------------ converting

    def _event(self, service: Service) -> dict[str, Any]:
        if service.cal_event_type_id is not None:
            return {"eventTypeId": service.cal_event_type_id}
        if service.cal_event_type_slug and self.username:
            return {"eventTypeSlug": service.cal_event_type_slug, "username": self.username}
        raise InvalidRequest(
            f"service {service.id} has no Cal.com event type (cal_event_type_id in salon.toml)"
        )

    def _service_of(self, data: dict[str, Any]) -> Service:
        event = data.get("eventType") or {}
        ident, slug = event.get("id", data.get("eventTypeId")), event.get("slug")
        for svc in self.profile.services:
            if (ident is not None and svc.cal_event_type_id == int(ident)) or (
                slug and svc.cal_event_type_slug == slug
            ):
                return svc
        return Service(
            id=str(slug or ident), name=str(data.get("title", "")), category="",
            duration=int(data.get("duration") or 0), price=0,
        )  # fmt: skip

    def _to_booking(self, data: dict[str, Any]) -> Booking:
        tz = self.profile.timezone
        link = self._run(
            lambda c: c.execute(
                "SELECT phone, name FROM calcom_links WHERE uid = ?", (data["uid"],)
            ).fetchone()
        )
        attendee = (data.get("attendees") or [{}])[0]
        phone = link["phone"] if link else to_e164(attendee.get("phoneNumber")) or ""
        email = attendee.get("email") or None
        if email and email.endswith("@sms.cal.com"):
            email = None  # Cal.com's placeholder for phone-only attendees
        status = "accepted" if data.get("status") in ("accepted", "pending") else "cancelled"
        return Booking(
            uid=data["uid"],
            service=self._service_of(data),
            start=parse_utc(data["start"]).astimezone(tz),
            end=parse_utc(data["end"]).astimezone(tz),
            customer=Customer(name=attendee.get("name", ""), phone=phone, email=email),
            status=status,
        )

    # ------------------------------------------------------------------ link table

    def _link(self, booking: Booking, *, replaces: str | None = None) -> None:
        assert booking.customer is not None

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO calcom_links (uid, phone, name, service_id, start_utc, "
                "end_utc, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'accepted', ?)",
                (
                    booking.uid,
                    booking.customer.phone if booking.customer else "",
                    booking.customer.name if booking.customer else "",
                    booking.service.id,
                    utc_text(booking.start),
                    utc_text(booking.end),
                    utc_text(datetime.now(UTC)),
                ),
            )
            if replaces:
                conn.execute(
                    "UPDATE calcom_links SET status = 'rescheduled', replaced_by = ? WHERE uid = ?",
                    (booking.uid, replaces),
                )

        self._run(write)

    def _set_link_status(self, uid: str, status: str) -> None:
        self._run(
            lambda c: c.execute("UPDATE calcom_links SET status = ? WHERE uid = ?", (status, uid))
        )

    # ----------------------------------------------------------------- lookup

    async def _get(self, uid: str) -> Booking | None:
        reply = await self._call("GET", f"/bookings/{uid}", version=V_BOOKINGS)
        if reply.status in (400, 404):
            return None
        if reply.status != 200:
            raise self._unexpected(reply, "booking lookup")
        data = reply.body.get("data")
        if not isinstance(data, dict):
            return None
        return self._to_booking(data)


def with_customer(booking: Booking, customer: Customer | None) -> Booking:
    """Keep the phone and e-mail we sent (Cal.com may echo a placeholder e-mail)."""
    if customer is None:
        return booking
    return Booking(
        uid=booking.uid,
        service=booking.service,
        start=booking.start,
        end=booking.end,
        customer=customer,
        status=booking.status,
    )
