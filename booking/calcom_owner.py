"""What the owner's commands read from Cal.com, off the phone path: the setup check
(`python -m booking check`, `ops.doctor`) and the bookings listing (`python -m booking
list`). `CalComCalendar.check_setup` and `.bookings_between` call these."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from booking.base import utc_text
from booking.calcom_client import V_BOOKINGS, V_EVENT_TYPES, CalComClient
from booking.calendar import Booking

log = logging.getLogger("booking")

_MAX_PAGES = 50  # booking list pages read at most for one listing


async def check_setup(client: CalComClient) -> list[str]:
    """Problems that would break phone bookings: a bookable service without a Cal.com
    event type, a length that differs from salon.toml, or an event type whose e-mail
    field is required (phone-only attendees would be refused). Empty when all is well.
    Each problem is one French sentence for the owner, naming the service (and stylist)
    and what to change in salon.toml or Cal.com.

    A salon whose team takes appointments books each stylist's own event types: then
    every stylist needs a `cal_username`, and each service they do an event type of that
    user with the service's slug (one `GET /v2/event-types?username=` per stylist)."""
    if client.team():
        return await _check_stylists(client)
    problems = (
        [
            "salon.toml liste une équipe ([[team]]) mais personne n'y a de cal_username : "
            "Cal.com réserve alors avec les types d'événements du salon, sans choix de coiffeur"
        ]
        if client.profile.stylists
        else []
    )
    return problems + await _check_salon_events(client)


async def _check_salon_events(client: CalComClient) -> list[str]:
    params = {"username": client.username} if client.username else None
    reply = await client._call("GET", "/event-types", version=V_EVENT_TYPES, params=params)
    if reply.status != 200:
        return [
            f"impossible de lister les types d'événements Cal.com : HTTP {reply.status} "
            f"{reply.message}"
        ]
    found = {int(e["id"]): e for e in reply.body.get("data") or [] if "id" in e}
    problems = []
    for svc in client.services():
        ident = svc.cal_event_type_id
        if ident is None:
            problems.append(f"{svc.id} : pas de cal_event_type_id dans salon.toml")
            continue
        event = found.get(ident)
        if event is None:
            problems.append(f"{svc.id} : type d'événement {ident} introuvable dans Cal.com")
            continue
        if int(event.get("lengthInMinutes") or 0) != svc.duration:
            problems.append(
                f"{svc.id} : dure {event.get('lengthInMinutes')} min dans Cal.com "
                f"mais {svc.duration} min dans salon.toml"
            )
        if _email_required(event):
            problems.append(_email_problem(svc.id, str(ident)))
    return problems


async def _check_stylists(client: CalComClient) -> list[str]:
    problems = []
    for member in client.profile.stylists:
        if not member.cal_username:
            problems.append(
                f"{member.id} : pas de cal_username dans salon.toml ([[team]]) ; il faut son "
                "nom d'utilisateur Cal.com pour lui réserver des rendez-vous"
            )
            continue
        params = {"username": member.cal_username}
        reply = await client._call("GET", "/event-types", version=V_EVENT_TYPES, params=params)
        if reply.status != 200:
            problems.append(
                f"{member.id} : impossible de lister les types d'événements Cal.com de "
                f"{member.cal_username} : HTTP {reply.status} {reply.message}"
            )
            continue
        found = {str(e.get("slug")): e for e in reply.body.get("data") or []}
        for svc in client.services():
            if not member.does(svc.id):
                continue
            slug = svc.cal_event_type_slug or svc.id
            event = found.get(slug)
            where = f"{member.id}/{svc.id}"
            if event is None:
                problems.append(
                    f"{where} : pas de type d'événement {slug!r} pour l'utilisateur Cal.com "
                    f"{member.cal_username}"
                )
                continue
            if int(event.get("lengthInMinutes") or 0) != svc.duration:
                problems.append(
                    f"{where} : dure {event.get('lengthInMinutes')} min dans Cal.com "
                    f"mais {svc.duration} min dans salon.toml"
                )
            if _email_required(event):
                problems.append(_email_problem(where, repr(slug)))
    return problems


def _email_problem(where: str, event: str) -> str:
    return (
        f"{where} : le type d'événement {event} exige un e-mail ; masquez le champ e-mail de "
        "la réservation ou rendez-le facultatif, sinon les clients qui appellent ne peuvent "
        "pas réserver"
    )


def _email_required(event: dict) -> bool:
    return any(
        f.get("type") == "email" and f.get("required") is True and not f.get("hidden")
        for f in event.get("bookingFields") or []
    )


async def bookings_between(client: CalComClient, start: datetime, end: datetime) -> list[Booking]:
    """Active bookings starting in `[start, end)`, by start time (`GET /v2/bookings`,
    every page; cancelled and rejected ones left out)."""
    out: list[Booking] = []
    page_size = client.list_page_size
    for page in range(_MAX_PAGES):
        params = {
            "afterStart": utc_text(start),
            "beforeEnd": utc_text(end + timedelta(hours=12)),  # a start filter, really
            "sortStart": "asc",
            "take": page_size,
            "skip": page * page_size,
        }
        reply = await client._call("GET", "/bookings", version=V_BOOKINGS, params=params)
        if reply.status != 200:
            raise client._unexpected(reply, "booking list")
        data = [d for d in reply.body.get("data") or [] if isinstance(d, dict) and "uid" in d]
        parts = client._part_uids([d["uid"] for d in data])  # listed within their visit
        for booking in (client._to_booking(d) for d in data if d["uid"] not in parts):
            if booking.status == "accepted" and start <= booking.start < end:
                out.append(booking)
        more = (reply.body.get("pagination") or {}).get("hasNextPage")
        if not data or more is False or (more is None and len(data) < page_size):
            break
    else:
        log.warning("Cal.com booking list cut short", extra={"pages": _MAX_PAGES})
    return sorted(out, key=lambda b: b.start)


def failure(detail: str) -> str:
    """The owner's sentence for a Cal.com call that failed (a `CalendarError.detail`,
    worded in English for the logs): a refused key names CAL_API_KEY, anything else
    CAL_API_URL, with the technical reason kept in parentheses (in French when it is one
    of the transport's own: `booking.calcom_http`)."""
    if "refused the key" in detail:
        return f"Cal.com refuse CAL_API_KEY ({detail.rsplit(' ', 1)[-1]}) : vérifiez la clé"
    return (
        f"Cal.com ne répond pas comme prévu ({_reason_fr(detail)}) : vérifiez CAL_API_URL et "
        "la connexion, puis réessayez"
    )


_ATTEMPTS = re.compile(r"^Cal\.com: (?P<what>.+?) \(attempt (?P<n>\d+)\)(?P<rest>.*)$")


def _reason_fr(detail: str) -> str:
    """`Cal.com: ConnectError (attempt 5)` → `connexion impossible, 5 essais`; a detail of
    another shape (Cal.com's own answer) is kept as it is."""
    m = _ATTEMPTS.match(detail)
    if m is None:
        return "aucune réponse dans le délai" if detail == "Cal.com: no attempt" else detail
    what, n = m["what"], int(m["n"])
    if what == "timeout":
        words = "pas de réponse à temps"
    elif what == "ConnectError":
        words = "connexion impossible"
    elif what.startswith("HTTP "):
        words = f"erreur {what}"
    else:
        words = "connexion interrompue"
    tries = "1 essai" if n == 1 else f"{n} essais"
    unsure = ", sans savoir si la demande a abouti" if "could not check" in m["rest"] else ""
    return f"{words}, {tries}{unsure}"
