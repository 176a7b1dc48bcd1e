"""`CalComClient`: what every Cal.com operation stands on, below `CalComCalendar`.

Settings and the HTTP client (`booking.calcom_http` does the calls), Cal.com's JSON turned
into our `Booking`s, and the local `calcom_links` table (state db) that links a caller's
phone to Cal.com booking uids, since Cal.com cannot search bookings by phone.

Stylists: in a salon whose team takes appointments, each stylist is a Cal.com user
(`[[team]] cal_username`) whose own event types carry the services' slugs
(`cal_event_type_slug`, else the service id); slots and bookings name them by
`eventTypeSlug` + `username`, and a booking's stylist is its host (`hosts[0].username`).
A salon without stylists books the services' event types (`cal_event_type_id`).

Visits: a visit of several services is held in Cal.com as consecutive bookings with the
same stylist. The first part's uid is the visit's uid; its link row keeps the following
services (`extra_services`), and each later part's row names it in `visit_uid`.
"""

from __future__ import annotations

import bisect
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from booking.base import BaseCalendar, parse_utc, utc_text
from booking.calcom_http import Reply, call
from booking.calendar import (
    Booking,
    CalendarUnavailable,
    CodeSender,
    Customer,
    InvalidRequest,
    SlotTaken,
)
from booking.journal import split_ids
from salon import settings
from salon.phone import to_e164
from salon.profile import SalonProfile, Service, TeamMember

log = logging.getLogger("booking")

DEFAULT_URL = "https://api.cal.com/v2"
V_SLOTS, V_BOOKINGS, V_EVENT_TYPES = "2024-09-04", "2024-08-13", "2024-06-14"
_MAX_PAGES = 50  # booking list pages read at most for the salon's load


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
        key = api_key or settings.require("CAL_API_KEY", "la clé de l'API Cal.com")
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

    def team(self) -> tuple[TeamMember, ...]:
        """The stylists with a Cal.com username: Cal.com books them by their own event
        types. With none (a team listed in salon.toml only for the receptionist to talk
        about), the salon's event types book by `chairs`, as without a team;
        `python -m booking check` lists the stylists left out."""
        return tuple(m for m in self.profile.stylists if m.cal_username)

    def _event(self, service: Service, member: TeamMember | None = None) -> dict[str, Any]:
        """How Cal.com names the event type of `service` (done by `member`, if any)."""
        if member is not None:
            if not member.cal_username:
                raise InvalidRequest(
                    f"stylist {member.id} has no Cal.com username "
                    "(cal_username of their [[team]] entry in salon.toml)"
                )
            return {"eventTypeSlug": _slug(service), "username": member.cal_username}
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
                slug and _slug(svc) == slug
            ):
                return svc
        return Service(
            id=str(slug or ident), name=str(data.get("title", "")), category="",
            duration=int(data.get("duration") or 0), price=0,
        )  # fmt: skip

    def _known_service(self, service_id: str) -> Service:
        try:
            return self.profile.service(service_id)
        except KeyError:  # no longer in salon.toml: still shown, by its id
            return Service(id=service_id, name=service_id, category="", duration=0, price=0)

    def _stylist_of(self, data: dict[str, Any]) -> str | None:
        """The stylist whose Cal.com user hosts this booking, if one of the team."""
        hosts = data.get("hosts") or []
        username = hosts[0].get("username") if hosts and isinstance(hosts[0], dict) else None
        if not username:
            return None
        return next((m.id for m in self.profile.stylists if m.cal_username == username), None)

    def _to_booking(self, data: dict[str, Any]) -> Booking:
        """A booking as the caller knows it: for the first part of a visit, the whole
        visit (its later parts from the link table, without asking Cal.com again)."""
        tz = self.profile.timezone
        link = self._run(
            lambda c: c.execute(
                "SELECT phone, name, stylist_id, extra_services FROM calcom_links WHERE uid = ?",
                (data["uid"],),
            ).fetchone()
        )
        extra = split_ids(link["extra_services"]) if link else ()
        end = parse_utc(data["end"])
        if extra:
            last = self._run(
                lambda c: c.execute(
                    "SELECT MAX(end_utc) FROM calcom_links WHERE visit_uid = ? "
                    "AND status != 'rescheduled'",
                    (data["uid"],),
                ).fetchone()[0]
            )
            end = max(end, parse_utc(last)) if last else end
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
            end=end.astimezone(tz),
            customer=Customer(name=attendee.get("name", ""), phone=phone, email=email),
            status=status,
            extra_services=tuple(self._known_service(x) for x in extra),
            stylist_id=self._stylist_of(data) or (link["stylist_id"] if link else None),
        )

    # ------------------------------------------------------------------ link table

    def _link(
        self, booking: Booking, *, replaces: str | None = None, visit_uid: str | None = None
    ) -> None:
        """Link `booking` (a whole visit, or with `visit_uid` a later part of that visit)
        to its caller; `replaces` is the uid it was moved from."""
        assert booking.customer is not None

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO calcom_links (uid, phone, name, service_id, start_utc, "
                "end_utc, status, created_at, stylist_id, extra_services, visit_uid) "
                "VALUES (?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?, ?)",
                (
                    booking.uid,
                    booking.customer.phone if booking.customer else "",
                    booking.customer.name if booking.customer else "",
                    booking.service.id,
                    utc_text(booking.start),
                    utc_text(booking.end),
                    utc_text(datetime.now(UTC)),
                    booking.stylist_id,
                    ",".join(s.id for s in booking.extra_services),
                    visit_uid,
                ),
            )
            if replaces:
                conn.execute(
                    "UPDATE calcom_links SET status = 'rescheduled', replaced_by = ? WHERE uid = ?",
                    (booking.uid, replaces),
                )

        self._run(write)

    def _later_parts(self, uid: str) -> list[Booking]:
        """The later parts of the visit whose first part is `uid`, in order (from the
        link table: status accepted), each as a one-service booking."""
        rows = self._run(
            lambda c: c.execute(
                "SELECT uid, phone, name, service_id, extra_services, start_utc, end_utc, "
                "stylist_id FROM calcom_links WHERE visit_uid = ? AND status = 'accepted' "
                "ORDER BY start_utc",
                (uid,),
            ).fetchall()
        )
        return [self._link_booking(r) for r in rows]

    def _link_booking(self, row: sqlite3.Row) -> Booking:
        """A booking as the link table holds it (no call to Cal.com): a visit's first part
        with its other services when the row lists them, or one later part."""
        tz = self.profile.timezone
        return Booking(
            uid=row["uid"],
            service=self._known_service(row["service_id"]),
            start=parse_utc(row["start_utc"]).astimezone(tz),
            end=parse_utc(row["end_utc"]).astimezone(tz),
            customer=Customer(name=row["name"], phone=row["phone"]),
            extra_services=tuple(self._known_service(x) for x in split_ids(row["extra_services"])),
            stylist_id=row["stylist_id"],
        )

    def _part_uids(self, uids: list[str]) -> set[str]:
        """Those of `uids` that are later parts of a visit (not shown on their own)."""
        if not uids:
            return set()
        marks = ",".join("?" * len(uids))
        rows = self._run(
            lambda c: c.execute(
                f"SELECT uid FROM calcom_links WHERE visit_uid IS NOT NULL AND uid IN ({marks})",
                uids,
            ).fetchall()
        )
        return {r["uid"] for r in rows}

    # ------------------------------------------------------------- the salon's bound

    def _chairs_bind(self) -> bool:
        """Whether `chairs` can bind: more stylists than chairs."""
        return len(self.team()) > self.profile.chairs

    async def _full_spans(
        self, lo: datetime, hi: datetime, *, skip: frozenset[str] = frozenset()
    ) -> list[tuple[datetime, datetime]]:
        """When every chair of the salon is taken in `[lo, hi)`, whoever the stylists:
        from the account's bookings (`GET /v2/bookings`, every page; the key must see
        every stylist's bookings, as an organisation's admin key does). `skip`: uids
        not to count (the visit being moved)."""
        spans: list[tuple[datetime, datetime]] = []
        for page in range(_MAX_PAGES):
            params = {
                "afterStart": utc_text(lo - timedelta(hours=12)),  # longer than any service
                "beforeEnd": utc_text(hi + timedelta(hours=12)),
                "status": "upcoming",
                "sortStart": "asc",
                "take": self.list_page_size,
                "skip": page * self.list_page_size,
            }
            reply = await self._call("GET", "/bookings", version=V_BOOKINGS, params=params)
            if reply.status != 200:
                raise self._unexpected(reply, "booking list")
            data = [d for d in reply.body.get("data") or [] if isinstance(d, dict) and "uid" in d]
            for d in data:
                if d.get("status") in ("accepted", "pending") and d["uid"] not in skip:
                    start, end = parse_utc(d["start"]), parse_utc(d["end"])
                    if start < hi and end > lo:
                        spans.append((start, end))
            more = (reply.body.get("pagination") or {}).get("hasNextPage")
            if not data or more is False or (more is None and len(data) < self.list_page_size):
                break
        return full_intervals(spans, self.profile.chairs)

    async def _check_chairs(
        self, start: datetime, end: datetime, *, skip: frozenset[str] = frozenset()
    ) -> None:
        """Raise `SlotTaken` when every chair is taken at some moment of `[start, end)`
        (checked just before booking: two bookings at the same instant may still both
        pass, as Cal.com cannot hold a salon-wide count)."""
        if self._chairs_bind() and overlaps(
            await self._full_spans(start, end, skip=skip), start, end
        ):
            raise SlotTaken("every chair of the salon is taken then")

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


def full_intervals(
    spans: list[tuple[datetime, datetime]], chairs: int
) -> list[tuple[datetime, datetime]]:
    """The merged intervals during which at least `chairs` of `spans` overlap, sorted."""
    events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    out: list[tuple[datetime, datetime]] = []
    count, since = 0, None
    for moment, step in events:  # at one instant, ends (-1) come before starts (+1)
        count += step
        if count >= chairs and since is None:
            since = moment
        elif count < chairs and since is not None:
            if since < moment:
                out.append((since, moment))
            since = None
    return out


def overlaps(intervals: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    """Whether `[start, end)` meets one of the sorted, disjoint `intervals`."""
    i = bisect.bisect_left(intervals, (end,)) - 1  # the last one starting before `end`
    return i >= 0 and intervals[i][1] > start


def with_customer(booking: Booking, customer: Customer | None) -> Booking:
    """Keep the phone and e-mail we sent (Cal.com may echo a placeholder e-mail)."""
    if customer is None:
        return booking
    return replace(booking, customer=customer)


def _slug(service: Service) -> str:
    """The slug of the service's event types under each stylist (its id when unset)."""
    return service.cal_event_type_slug or service.id
