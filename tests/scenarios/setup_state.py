"""The state a scenario starts from (see `runner`): its profile with `setup: absences`,
the bookings it seeds (`setup: bookings`, with a stylist and several services), the
past visits of a number (`setup: past_bookings`) and the other callers who take an
offered slot meanwhile (`before: take_offered_slot`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from booking import Booking, Customer, Slot, SlotTaken
from booking.base import utc_text
from booking.services import fold
from salon.profile import Closure, SalonProfile, load_profile


def days_ago(profile: SalonProfile, days: int) -> date:
    return datetime.now(profile.timezone).date() - timedelta(days=days)


def scenario_profile(scenario: dict[str, Any], base: SalonProfile | None = None) -> SalonProfile:
    """The fixture salon with this scenario's `setup: absences` (member id -> the
    absences that replace theirs), open all day today with `setup: open_now: true` (a
    transfer rings someone only while the salon is open)."""
    profile = base or load_profile()
    absences = (scenario.get("setup") or {}).get("absences") or {}
    unknown = set(absences) - {m.id for m in profile.team}
    if unknown:
        raise ValueError(f"setup.absences: no team member {sorted(unknown)}")
    team = tuple(
        replace(
            m,
            absences=tuple(
                Closure(
                    start=date.fromisoformat(str(a["start"])),
                    end=date.fromisoformat(str(a["end"])),
                    reason=a.get("reason", ""),
                )
                for a in absences[m.id]
            ),
        )
        if m.id in absences
        else m
        for m in profile.team
    )
    profile = replace(profile, team=team)
    if (scenario.get("setup") or {}).get("open_now"):
        from tests.fixtures.opening import open_all_day_today

        profile = open_all_day_today(profile)
    return profile


async def seed(calendar: Any, profile: SalonProfile, spec: dict[str, Any]) -> None:
    service = profile.service(spec["service"])
    also = tuple(profile.service(x).id for x in spec.get("also") or ())
    length = service.duration + sum(profile.service(x).duration for x in also)
    day = date.fromisoformat(spec["day"])
    start = datetime.combine(day, time.fromisoformat(spec["time"]), tzinfo=profile.timezone)
    slot = Slot(
        service_id=service.id,
        start=start,
        end=start + timedelta(minutes=length),
        stylist_id=spec.get("stylist"),
        extra_service_ids=also,
        stylist_requested=bool(spec.get("stylist")),
    )
    await calendar.book(
        service=service, slot=slot, customer=Customer(name=spec["name"], phone=spec["phone"])
    )


def past_visit(
    backend: str, calendar: Any, conn: Any, stub: Any, profile: SalonProfile, spec: dict
) -> None:
    """One past visit of a number, written where the back-end keeps its history: the
    embedded calendar's table, or Cal.com (the stub) and the agent's link rows."""
    services = [profile.service(spec["service"])] + [
        profile.service(x) for x in spec.get("also") or ()
    ]
    day = days_ago(profile, int(spec["days_ago"]))
    clock = time.fromisoformat(spec.get("time", "10:00"))
    start = datetime.combine(day, clock, tzinfo=profile.timezone)
    end = start + timedelta(minutes=sum(s.duration for s in services))
    stylist = spec.get("stylist")
    customer = Customer(name=spec["name"], phone=spec["phone"])
    if backend == "local":
        with conn:
            conn.execute(
                "INSERT INTO local_bookings (uid, service_id, start_utc, end_utc, name, "
                "name_folded, phone, created_at, stylist_id, extra_services) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    f"past-{len(spec['name'])}-{start.timestamp():.0f}",
                    services[0].id,
                    utc_text(start),
                    utc_text(end),
                    customer.name,
                    fold(customer.name),
                    customer.phone,
                    utc_text(start - timedelta(days=7)),
                    stylist,
                    ",".join(s.id for s in services[1:]),
                ),
            )
        return
    from booking.calcom_visits import link_visit

    username = profile.stylist(stylist).cal_username if stylist else None
    parts, moment = [], start
    for svc in services:
        slug = svc.cal_event_type_slug or svc.id
        uid = (
            stub.take_slot(start=moment, slug=slug, username=username, name=customer.name)
            if username
            else stub.take_slot(
                start=moment, event_type_id=svc.cal_event_type_id, name=customer.name
            )
        )
        after = moment + timedelta(minutes=svc.duration)
        parts.append(
            Booking(
                uid=uid, service=svc, start=moment, end=after, customer=customer, stylist_id=stylist
            )
        )
        moment = after
    visit = Booking(
        uid=parts[0].uid,
        service=services[0],
        start=start,
        end=end,
        customer=customer,
        extra_services=tuple(services[1:]),
        stylist_id=stylist,
    )
    link_visit(calendar, visit, parts)


async def take(calendar: Any, slot: Slot, profile: SalonProfile) -> None:
    """Fill every chair at this slot, as other callers booking it meanwhile would."""
    service = profile.service(slot.service_id)
    for i in range(profile.chairs + 1):
        try:
            await calendar.book(
                service=service,
                slot=slot,
                customer=Customer(name=f"Autre Client {i}", phone=f"+3361100{i:04d}"),
            )
        except SlotTaken:
            return
