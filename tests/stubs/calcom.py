"""A Cal.com API v2 stub server on 127.0.0.1 that speaks the real wire format.

Every request and every documented response is validated with `openapi-core` against
`<repo>/../shared/specs/calcom-v2-openapi.json` (when that file is absent the stub runs
unvalidated and `spec_available()` is False). Documented corrections are applied to
the published spec (`tests/stubs/calcom_spec.py`), where the real server contradicts it:

- its request/response unions are `oneOf` but not discriminated (a plain booking is valid
  under both "create" and "recurring" inputs), so they are read as `anyOf`;
- `/v2/slots` answers `{"status", "data": {"YYYY-MM-DD": [{"start": …}]}}` (objects, as
  FIELD-NOTES says), which neither of the spec's two shapes allows;
- booking-field outputs type `required`/`isDefault`/`hidden` as objects; they are booleans;
- `nullable` beside `allOf` (an event type's `recurrence: null`) is made explicit.

On top of the spec the stub is stricter than the server where mistakes would be silent:
a missing or wrong `cal-api-version` is refused (the real server falls back to legacy
handlers). It also reproduces the real quirks: slots returned outside the asked range,
a reschedule that creates a new booking uid, a placeholder e-mail for phone-only attendees.

Users: the account's own user `salon` holds the event types given by id (capacity
`capacity`: a team with that many hosts); with a profile whose team has `cal_username`s,
each stylist is a user of their own whose event types carry the slugs of the services
they do, on their own schedule (`booking.hours.stylist_hours`: their week and absences)
with room for one booking at a time. `GET /v2/slots` and `POST /v2/bookings` name those by
`eventTypeSlug` + `username`, and each booking lists its user in `hosts`.

Usage::

    stub = CalComStub(profile=profile).start()      # or `with CalComStub(...) as stub:`
    stub.url                                         # "http://127.0.0.1:PORT/v2"
    stub.fail_next(status=429)                       # fault injection (see `Fault`)
    stub.take_slot(event_type_id=1101, start=dt)     # someone else books this slot
    stub.take_slot(slug="coupe-homme", username="chloe-martin", start=dt)  # one stylist's
    stub.bookings                                    # uid -> booking dict (wire format)
    stub.spec_errors                                 # validation failures (should be [])
    stub.stop()
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time as _time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.stubs.calcom_spec import openapi, spec_available

API_KEY = "cal_test_stub_key"
VERSIONS = {
    "/v2/slots": "2024-09-04",
    "/v2/bookings": "2024-08-13",
    "/v2/event-types": "2024-06-14",
}
SLOT_TAKEN = "User either already has booking at this time or is not available"

Interval = tuple[time, time]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Fault:
    """One injected fault: the next `times` matching requests get it.

    `status` answers with that code (429 carries rate-limit headers); `delay` sleeps before
    answering (a client timeout); `process=True` handles the request first, then delays
    and/or answers the error (the server did the work, but the client never heard it).
    """

    method: str | None = None
    path: str | None = None  # prefix, e.g. "/v2/bookings"
    status: int | None = None
    message: str = "Internal server error"
    delay: float = 0.0
    process: bool = False
    times: int = 1
    retry_after: float = 1.0  # seconds, in the Retry-After header of a 429
    query: str | None = None  # a piece of the query string, e.g. "username=ines-roux"
    after: int = 0  # matching requests let through before the fault applies

    def matches(self, method: str, path: str, query: str = "") -> bool:
        return (
            (self.method is None or self.method == method)
            and (self.path is None or path.startswith(self.path))
            and (self.query is None or self.query in query)
        )


@dataclass
class EventType:
    id: int
    slug: str
    length: int
    title: str
    email_required: bool = False  # phone-only attendees need the e-mail field hidden
    owner: str = "salon"  # the username whose event type this is


@dataclass
class User:
    id: int
    username: str
    name: str
    capacity: int = 1  # bookings that may overlap (one stylist: 1)
    schedule: Callable[[date], tuple[Interval, ...]] | None = None  # None: `availability`

    def host(self, time_zone: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "email": f"{self.username}@example.com",
            "username": self.username,
            "timeZone": time_zone,
        }


@dataclass
class CalComStub:
    """The stub. `availability(day)` gives the bookable intervals (local times);
    `capacity` bookings of the user `salon` may overlap (a team with that many hosts);
    each other user (`add_user`) has their own schedule and capacity."""

    profile: Any | None = None
    time_zone: str = "Europe/Paris"
    capacity: int = 1
    slot_interval: int = 15
    availability: Callable[[date], tuple[Interval, ...]] | None = None
    validate: bool = True
    out_of_range_quirk: bool = True
    event_types: dict[int, EventType] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    bookings: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)
    spec_errors: list[str] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._ids = itertools.count(1001)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._event_ids = itertools.count(9001)
        self.users.setdefault("salon", User(1, "salon", "Salon"))
        if self.profile is not None:
            from booking.hours import opening_hours

            self.time_zone = self.profile.timezone.key
            self.capacity = self.profile.chairs
            self.slot_interval = self.profile.slot_step_minutes
            profile = self.profile
            if self.availability is None:
                self.availability = lambda day: opening_hours(profile, day)
            for svc in self.profile.services:
                if svc.cal_event_type_id is not None:
                    self.add_event_type(
                        id=svc.cal_event_type_id,
                        slug=svc.cal_event_type_slug or svc.id,
                        length=svc.duration,
                        title=svc.name,
                    )
            for member in self.profile.stylists:
                if not member.cal_username:
                    continue
                self.add_user(
                    member.cal_username, name=member.name, schedule=_schedule(profile, member)
                )
                for svc in self.profile.services:
                    if svc.bookable and member.does(svc.id):
                        self.add_event_type(
                            id=next(self._event_ids),
                            slug=svc.cal_event_type_slug or svc.id,
                            length=svc.duration,
                            title=svc.name,
                            owner=member.cal_username,
                        )
        self.users["salon"].capacity = self.capacity
        self.validate = self.validate and spec_available()

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> CalComStub:
        if self.validate:
            openapi()  # parse the spec now, not inside the first (timed) request
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> CalComStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v2"

    # ------------------------------------------------------------------ controls

    def add_event_type(
        self,
        *,
        id: int,
        slug: str,
        length: int,
        title: str = "",
        email_required: bool = False,
        owner: str = "salon",
    ) -> None:
        if owner not in self.users:
            self.add_user(owner, name=owner)
        self.event_types[id] = EventType(id, slug, length, title or slug, email_required, owner)

    def add_user(
        self,
        username: str,
        *,
        name: str,
        capacity: int = 1,
        schedule: Callable[[date], tuple[Interval, ...]] | None = None,
    ) -> User:
        """A Cal.com user (a stylist) with their own schedule (None: `availability`)."""
        user = User(len(self.users) + 1, username, name, capacity, schedule)
        self.users[username] = user
        return user

    def event_type_of(self, *, slug: str, username: str) -> EventType:
        found = self._event_type(None, slug, username)
        if found is None:
            raise KeyError((slug, username))
        return found

    def fail_next(self, **kwargs: Any) -> Fault:
        """Inject a `Fault` (keyword arguments as its fields)."""
        fault = Fault(**kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    def take_slot(
        self,
        *,
        start: datetime,
        event_type_id: int | None = None,
        slug: str | None = None,
        username: str | None = None,
        name: str = "Autre Client",
    ) -> str:
        """Someone else books this slot directly in Cal.com (by event type id, or by slug
        and username); returns the new uid."""
        with self._lock:
            if event_type_id is None:
                event_type_id = self.event_type_of(slug=slug or "", username=username or "").id
            return self._insert(event_type_id, start.astimezone(UTC), {"name": name}, {})["uid"]

    def host_of(self, uid: str) -> str:
        """The username hosting a booking."""
        with self._lock:
            return str(self.bookings[uid]["hosts"][0]["username"])

    def active_bookings(self) -> list[dict[str, Any]]:
        with self._lock:
            return [b for b in self.bookings.values() if b["status"] == "accepted"]

    # -------------------------------------------------------------- availability

    def _busy(self, host: str, start: datetime, end: datetime, skip: str = "") -> int:
        spans = [
            (_parse(b["start"]), _parse(b["end"]))
            for b in self.bookings.values()
            if b["status"] == "accepted" and b["uid"] != skip and b["hosts"][0]["username"] == host
        ]
        return sum(1 for s, e in spans if s < end and e > start)

    def _free_starts(self, ev: EventType, lo: datetime, hi: datetime, skip: str = "") -> list:
        tz = ZoneInfo(self.time_zone)
        user = self.users[ev.owner]
        schedule = user.schedule or self.availability
        out = []
        day = lo.astimezone(tz).date()
        while day <= hi.astimezone(tz).date():
            for a, b in schedule(day) if schedule else ():
                moment = datetime.combine(day, a, tzinfo=tz)
                close = datetime.combine(day, b, tzinfo=tz)
                while moment + timedelta(minutes=ev.length) <= close:
                    end = moment + timedelta(minutes=ev.length)
                    busy = self._busy(ev.owner, moment, end, skip)
                    if lo <= moment < hi and busy < user.capacity:
                        out.append(moment)
                    moment += timedelta(minutes=self.slot_interval)
            day += timedelta(days=1)
        return out

    def _is_free(self, ev: EventType, start: datetime, skip: str = "") -> bool:
        return start in self._free_starts(ev, start, start + timedelta(minutes=1), skip)

    # ----------------------------------------------------------------- handlers

    def _insert(
        self, event_type_id: int, start: datetime, attendee: dict, extra: dict
    ) -> dict[str, Any]:
        ev = self.event_types[event_type_id]
        ident = next(self._ids)
        now = _iso(datetime.now(UTC))
        phone = attendee.get("phoneNumber")
        email = attendee.get("email") or (f"{phone.lstrip('+')}@sms.cal.com" if phone else "")
        booking: dict[str, Any] = {
            "id": ident,
            "uid": f"bk_{ident}_{abs(hash((ident, now))) % 10**8:08d}",
            "title": f"{ev.title} entre Salon et {attendee.get('name', '')}",
            "description": "",
            "hosts": [self.users[ev.owner].host(self.time_zone)],
            "status": "accepted",
            "start": _iso(start),
            "end": _iso(start + timedelta(minutes=ev.length)),
            "duration": ev.length,
            "eventTypeId": ev.id,
            "eventType": {"id": ev.id, "slug": ev.slug},
            "location": "",
            "absentHost": False,
            "createdAt": now,
            "updatedAt": now,
            "metadata": {},
            "attendees": [
                {
                    "name": attendee.get("name", ""),
                    "email": email,
                    "timeZone": attendee.get("timeZone", self.time_zone),
                    "absent": False,
                    **({"phoneNumber": phone} if phone else {}),
                }
            ],
            "bookingFieldsResponses": {"name": attendee.get("name", ""), **extra},
        }
        self.bookings[booking["uid"]] = booking
        return booking

    def _slots(self, req: Request) -> Response:
        args = req.args
        if args.get("eventTypeSlug") and not args.get("username"):
            return _error(400, "BadRequestException", "eventTypeSlug needs username or teamSlug")
        ev = self._event_type(
            args.get("eventTypeId"), args.get("eventTypeSlug"), args.get("username")
        )
        if ev is None:
            return _error(404, "NotFoundException", "Event type not found")
        tz = ZoneInfo(args.get("timeZone") or "UTC")
        lo, hi = _range_bound(args["start"], tz), _range_bound(args["end"], tz, end=True)
        # The booking being rescheduled does not hold its own time (the spec's
        # `bookingUidToReschedule`).
        starts = self._free_starts(ev, lo, hi, args.get("bookingUidToReschedule") or "")
        if self.out_of_range_quirk:  # the real server has returned slots out of range
            starts = self._free_starts(ev, lo - timedelta(days=3), lo)[-1:] + starts
            starts += self._free_starts(ev, hi, hi + timedelta(days=3))[:1]
        data: dict[str, list[dict[str, str]]] = {}
        for s in starts:
            local = s.astimezone(tz)
            data.setdefault(local.date().isoformat(), []).append(
                {"start": local.isoformat(timespec="milliseconds")}
            )
        return _json(200, {"status": "success", "data": data})

    def _create(self, body: dict) -> Response:
        if body.get("eventTypeSlug") and not body.get("username"):
            return _error(400, "BadRequestException", "eventTypeSlug needs username or teamSlug")
        ev = self._event_type(
            body.get("eventTypeId"), body.get("eventTypeSlug"), body.get("username")
        )
        if ev is None:
            return _error(404, "NotFoundException", "Event type not found")
        attendee = body["attendee"]
        if not attendee.get("email") and (ev.email_required or not attendee.get("phoneNumber")):
            return _error(400, "BadRequestException", "email_required: Missing attendee email")
        start = _parse(body["start"])
        if not self._is_free(ev, start):
            return _error(400, "BadRequestException", SLOT_TAKEN)
        extra = dict(body.get("bookingFieldsResponses") or {})
        booking = self._insert(ev.id, start, attendee, extra)
        if body.get("metadata"):
            booking["metadata"] = dict(body["metadata"])
        return _json(201, {"status": "success", "data": booking})

    def _list(self, req: Request) -> Response:
        args = req.args
        items = list(self.bookings.values())
        statuses = args.getlist("status") or []
        if statuses:
            now = datetime.now(UTC)
            wanted = {s for raw in statuses for s in raw.split(",")}
            items = [
                b
                for b in items
                if ("upcoming" in wanted and b["status"] == "accepted" and _parse(b["end"]) > now)
                or ("past" in wanted and b["status"] == "accepted" and _parse(b["end"]) <= now)
                or ("cancelled" in wanted and b["status"] == "cancelled")
            ]
        if name := args.get("attendeeName"):
            items = [
                b for b in items if any(name.lower() in a["name"].lower() for a in b["attendees"])
            ]
        if after := args.get("afterStart"):
            items = [b for b in items if _parse(b["start"]) >= _parse(after)]
        if before := args.get("beforeEnd"):
            items = [b for b in items if _parse(b["end"]) <= _parse(before)]
        if uid := args.get("bookingUid"):
            items = [b for b in items if b["uid"] == uid]
        items.sort(key=lambda b: b["start"], reverse=args.get("sortStart") == "desc")
        take = max(1, int(float(args.get("take", 100))))
        skip = max(0, int(float(args.get("skip", 0))))
        page = items[skip : skip + take]
        pagination = {
            "totalItems": len(items),
            "remainingItems": max(0, len(items) - skip - len(page)),
            "returnedItems": len(page),
            "itemsPerPage": take,
            "currentPage": skip // take + 1,
            "totalPages": -(-len(items) // take),
            "hasNextPage": skip + len(page) < len(items),
            "hasPreviousPage": skip > 0,
        }
        return _json(200, {"status": "success", "data": page, "pagination": pagination})

    def _reschedule(self, uid: str, body: dict) -> Response:
        old = self.bookings.get(uid)
        if old is None:
            return _error(404, "NotFoundException", f"Booking with uid={uid} not found")
        if old["status"] != "accepted":
            return _error(400, "BadRequestException", "Booking is cancelled or already rescheduled")
        ev = self.event_types[old["eventTypeId"]]
        start = _parse(body["start"])
        if not self._is_free(ev, start, skip=uid):
            return _error(400, "BadRequestException", SLOT_TAKEN)
        new = self._insert(ev.id, start, old["attendees"][0], {})
        new["attendees"] = copy.deepcopy(old["attendees"])
        new["rescheduledFromUid"] = uid
        old.update(status="cancelled", rescheduledToUid=new["uid"], updatedAt=new["createdAt"])
        if body.get("reschedulingReason"):
            new["reschedulingReason"] = body["reschedulingReason"]
        return _json(201, {"status": "success", "data": new})

    def _cancel(self, uid: str, body: dict) -> Response:
        booking = self.bookings.get(uid)
        if booking is None:
            return _error(404, "NotFoundException", f"Booking with uid={uid} not found")
        if booking["status"] == "cancelled":
            return _error(400, "BadRequestException", "This booking has already been cancelled.")
        booking.update(status="cancelled", updatedAt=_iso(datetime.now(UTC)))
        if body.get("cancellationReason"):
            booking["cancellationReason"] = body["cancellationReason"]
        return _json(200, {"status": "success", "data": booking})

    def _event_types(self, req: Request) -> Response:
        username = req.args.get("username")
        slug = req.args.get("eventSlug")
        if slug and not username:
            return _error(400, "BadRequestException", "eventSlug needs username")
        if username and username not in self.users:
            return _error(404, "NotFoundException", f"User with username={username} not found")
        chosen = [
            ev
            for ev in self.event_types.values()
            if (username is None or ev.owner == username) and (slug is None or ev.slug == slug)
        ]
        data: list[dict[str, Any]] = [
            {
                "id": ev.id,
                "lengthInMinutes": ev.length,
                "title": ev.title,
                "slug": ev.slug,
                "description": "",
                "locations": [],
                "bookingFields": [
                    {
                        "type": "name",
                        "label": "Nom",
                        "placeholder": "",
                        "isDefault": True,
                        "slug": "name",
                        "required": True,
                    },
                    {
                        "type": "email",
                        "label": "E-mail",
                        "placeholder": "",
                        "isDefault": True,
                        "slug": "email",
                        "required": ev.email_required,
                        "hidden": not ev.email_required,
                    },
                    {
                        "type": "phone",
                        "slug": "attendeePhoneNumber",
                        "label": "Téléphone",
                        "required": True,
                        "placeholder": "",
                        "hidden": False,
                        "isDefault": False,
                    },
                ],
                "disableGuests": True,
                "recurrence": None,
                "metadata": {},
                "price": 0,
                "currency": "eur",
                "lockTimeZoneToggleOnBookingPage": False,
                "forwardParamsSuccessRedirect": None,
                "successRedirectUrl": None,
                "isInstantEvent": False,
                "scheduleId": None,
                "hidden": False,
                "bookingRequiresAuthentication": False,
                "ownerId": self.users[ev.owner].id,
                "users": [ev.owner],
            }
            for ev in chosen
        ]
        return _json(200, {"status": "success", "data": data})

    def _event_type(self, ident: Any, slug: Any, username: Any = None) -> EventType | None:
        if ident not in (None, ""):
            return self.event_types.get(int(float(ident)))
        return next(
            (e for e in self.event_types.values() if e.slug == slug and e.owner == username),
            None,
        )

    def _route(self, req: Request, body: dict) -> Response:
        path, method = req.path.rstrip("/"), req.method
        if path == "/v2/slots" and method == "GET":
            return self._slots(req)
        if path == "/v2/event-types" and method == "GET":
            return self._event_types(req)
        if path == "/v2/bookings" and method == "POST":
            return self._create(body)
        if path == "/v2/bookings" and method == "GET":
            return self._list(req)
        parts = path.split("/")
        if len(parts) == 4 and parts[2] == "bookings" and method == "GET":
            booking = self.bookings.get(parts[3])
            if booking is None:
                return _error(404, "NotFoundException", f"Booking with uid={parts[3]} not found")
            return _json(200, {"status": "success", "data": booking})
        if len(parts) == 5 and parts[2] == "bookings" and method == "POST":
            if parts[4] == "reschedule":
                return self._reschedule(parts[3], body)
            if parts[4] == "cancel":
                return self._cancel(parts[3], body)
        return _error(404, "NotFoundException", f"Cannot {method} {path}")

    # ------------------------------------------------------------------ plumbing

    def _take_fault(self, method: str, path: str, query: str = "") -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(method, path, query):
                    if fault.after > 0:
                        fault.after -= 1
                        continue
                    fault.times -= 1
                    return fault
        return None

    def _check(self, kind: str, errors: list) -> str | None:
        if not errors:
            return None
        text = "; ".join(
            f"{type(e).__name__}: {e} {getattr(e, '__cause__', '') or ''}" for e in errors
        )
        with self._lock:
            self.spec_errors.append(f"{kind}: {text}")
        return text

    def _wsgi(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        req = Request(environ)
        response = self._handle(req)
        return response(environ, start_response)

    def _handle(self, req: Request) -> Response:
        from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

        raw = req.get_data(cache=True)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return _error(400, "BadRequestException", "Invalid JSON body")
        with self._lock:
            self.requests.append((req.method, req.full_path.rstrip("?"), body or None))
        if req.headers.get("Authorization") != f"Bearer {API_KEY}":
            return _error(401, "UnauthorizedException", "Invalid Access Token.")
        family = next((f for f in VERSIONS if req.path.startswith(f)), None)
        if family and req.headers.get("cal-api-version") != VERSIONS[family]:
            message = f"cal-api-version must be {VERSIONS[family]} for {family}"
            with self._lock:
                self.spec_errors.append(message)
            return _error(400, "BadRequestException", message)
        if self.validate:
            result = openapi().unmarshal_request(WerkzeugOpenAPIRequest(req))
            problem = self._check(f"request {req.method} {req.path}", result.errors)
            if problem:
                return _error(400, "BadRequestException", problem[:300])
        fault = self._take_fault(req.method, req.path, req.query_string.decode())
        if fault is not None and not fault.process:
            _time.sleep(fault.delay)
            if fault.status:
                return _fault_response(fault)
        with self._lock:
            response = self._route(req, body)
        if fault is not None and fault.process:
            _time.sleep(fault.delay)  # the work is done, but the answer is late or an error
            if fault.status:
                return _fault_response(fault)
        if self.validate and 200 <= response.status_code < 300:
            result = openapi().unmarshal_response(
                WerkzeugOpenAPIRequest(req), WerkzeugOpenAPIResponse(response)
            )
            self._check(f"response {req.method} {req.path}", result.errors)
        return response


def _schedule(profile: Any, member: Any) -> Callable[[date], tuple[Interval, ...]]:
    """A stylist's Cal.com schedule: their week within the salon's hours, absences off."""
    from booking.hours import stylist_hours

    return lambda day: stylist_hours(profile, member, day)


def _fault_response(fault: Fault) -> Response:
    status = fault.status or 500
    if status == 429:
        reset = int(_time.time()) + 60
        response = _error(429, "TooManyRequestsException", "ThrottlerException: Too Many Requests")
        response.headers.update(
            {
                "X-RateLimit-Limit": "120",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(reset),
                "Retry-After": f"{fault.retry_after:g}",
            }
        )
        return response
    code = "BadRequestException" if status < 500 else "InternalServerErrorException"
    return _error(status, code, fault.message)


def _json(status: int, payload: dict) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")


def _error(status: int, code: str, message: str) -> Response:
    return _json(
        status,
        {
            "status": "error",
            "timestamp": _iso(datetime.now(UTC)),
            "error": {"code": code, "message": message},
        },
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _range_bound(text: str, tz: ZoneInfo, *, end: bool = False) -> datetime:
    if len(text) == 10:  # a date: the whole day in the asked zone (end inclusive)
        day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
        return datetime.combine(day, time(0), tzinfo=tz)
    return _parse(text)
