"""The tools that look for free slots: a rough idea of availability, and precise slots
for one visit (one or several services, with the stylist asked for or anyone qualified).

When the stylist asked for has nothing on the day asked, the model is told why (« Chloé
ne travaille pas le jeudi », « … n'est pas au salon du … au … ») and is given her next
slots and, that day, slots with someone else, so the caller chooses.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Annotated

from livekit.agents import RunContext, function_tool
from pydantic import Field

from agent.call_context import CallContext
from agent.filler import while_waiting
from agent.tool_support import (
    calendar_of,
    call_of,
    find_slots_for,
    found_booking,
    preferences_from,
    service_or_question,
    slot_list,
)
from agent.visits import (
    Wanted,
    qualified_note,
    slot_lines,
    stylist_or_question,
    visit_or_question,
    visit_words,
)
from booking import Slot, SlotPreferences
from booking.hours import off_words, opening_hours
from salon.french import day_words
from salon.profile import Service, TeamMember

LONG_HORIZON_DAYS = 92  # far enough to reach past a summer closure and a full month after


@function_tool
async def check_availability(
    context: RunContext[CallContext],
    day: Annotated[
        str | None, Field(description="jour demandé: AAAA-MM-JJ, 'samedi', 'demain'…")
    ] = None,
    window: Annotated[str | None, Field(description="'matin', 'après-midi' ou 'soir'")] = None,
    service: Annotated[str | None, Field(description="prestation si connue")] = None,
    stylist: Annotated[
        str | None, Field(description="prénom du coiffeur ou de la coiffeuse demandé(e)")
    ] = None,
) -> str:
    """Donne une idée approximative des disponibilités ("vous avez de la place samedi ?",
    "Chloé est libre jeudi ?") sans réserver. Utilise find_slots pour proposer des horaires
    précis."""
    call = call_of(context)
    call.used_tool("check_availability")
    member = stylist_or_question(call.profile, stylist)
    if isinstance(member, str):
        return member
    services = [
        s
        for s in calendar_of(call).services()
        if s.bookable and (member is None or member.does(s.id))
    ]
    if not services:
        return "Cette personne ne prend pas de rendez-vous. Proposez quelqu'un d'autre de l'équipe."
    chosen: Service | str = (
        service_or_question(call, service) if service else min(services, key=lambda s: s.duration)
    )
    if isinstance(chosen, str):
        return chosen
    prefs = preferences_from(call, day, window, False)
    wanted = Wanted(services=(chosen,), stylist=member)
    note = qualified_note(call.profile, wanted)
    if note:
        return note
    async with while_waiting(context, "slots"):
        slots = await _search(call, wanted, prefs, limit=6)
    if not slots:
        off = off_words(call.profile, member, prefs.day) if member and prefs.day else None
        return (
            f"{off}. " if off else ""
        ) + "C'est complet sur cette période. Proposez un autre jour."
    level = "plutôt libre" if len(slots) >= 5 else "quelques places"
    return _far_note(call, prefs, slots) + (
        f"Disponibilité approximative : {level}. Premiers horaires libres : "
        f"{slot_list(slots[:3])}. Demandez quelle prestation pour proposer des créneaux."
    )


@function_tool
async def find_slots(
    context: RunContext[CallContext],
    service: Annotated[str, Field(description="la prestation, avec les mots du client")],
    day: Annotated[str | None, Field(description="AAAA-MM-JJ, 'samedi', 'demain'…")] = None,
    window: Annotated[str | None, Field(description="'matin', 'après-midi' ou 'soir'")] = None,
    earliest: Annotated[bool, Field(description="le plus tôt possible")] = False,
    also: Annotated[
        str | None,
        Field(description="autres prestations du MÊME rendez-vous (« et une coupe »), sinon rien"),
    ] = None,
    stylist: Annotated[
        str | None,
        Field(description="prénom du coiffeur ou de la coiffeuse demandé(e) ; rien sinon"),
    ] = None,
    appointment_number: Annotated[
        int | None,
        Field(description="pour déplacer un rendez-vous : son numéro (find_my_appointment)"),
    ] = None,
) -> str:
    """Cherche au plus trois créneaux libres pour un rendez-vous (pour réserver ou déplacer) :
    une ou plusieurs prestations à la suite, avec la personne demandée ou n'importe qui de
    qualifié. Lis-les naturellement au client et demande lequel il préfère."""
    call = call_of(context)
    call.used_tool("find_slots")
    call.note_intent("change" if appointment_number else "booking")
    wanted = _wanted(call, service, also, stylist, appointment_number)
    if isinstance(wanted, str):
        return wanted
    note = qualified_note(call.profile, wanted)
    if note:
        return note
    prefs = preferences_from(call, day, window, earliest)
    member = wanted.stylist
    async with while_waiting(context, "slots"):
        slots = await _search(call, wanted, prefs)
        off = off_words(call.profile, member, prefs.day) if member and prefs.day else None
        if not slots and member is not None and prefs.day is not None:
            return await _elsewhere(call, wanted, prefs, off)
    _offer(call, wanted, slots)
    what = visit_words(wanted.services)
    if not slots:
        return (
            f"Aucun créneau libre pour {what} à ce moment-là. Proposez un autre jour ou le "
            "plus tôt possible."
        )
    return (
        f"{_far_note(call, prefs, slots)}Créneaux libres pour {what} : "
        f"{slot_lines(call.profile, slots)}. Proposez-les au client et demandez lequel lui "
        "convient."
    )


def _wanted(
    call: CallContext,
    service: str,
    also: str | None,
    stylist: str | None,
    appointment_number: int | None,
) -> Wanted | str:
    """What to search for, or what to ask the caller first."""
    member = stylist_or_question(call.profile, stylist)
    if isinstance(member, str):
        return member
    if appointment_number is not None:  # a move keeps the visit, and its stylist unless
        booking = found_booking(call, appointment_number)  # the caller names another
        if member is None and not stylist and booking.stylist_id:
            try:
                member = call.profile.stylist(booking.stylist_id)
            except KeyError:
                member = None
        return Wanted(services=booking.services, stylist=member, replacing=booking.uid)
    visit = visit_or_question(call, service, also)
    if isinstance(visit, str):
        return f"Demandez au client : {visit}"
    return Wanted(services=visit, stylist=member)


async def _search(
    call: CallContext, wanted: Wanted, prefs: SlotPreferences, limit: int = 3
) -> list[Slot]:
    """Free slots as asked; with no day named and nothing in the usual horizon (a summer
    closure of three weeks, a fully booked fortnight), the first ones further on, window
    after window, up to `LONG_HORIZON_DAYS`: « au plus tôt » then means when the salon
    reopens, not « nothing »."""
    stylist = wanted.stylist.id if wanted.stylist else None

    async def search(prefs: SlotPreferences) -> list[Slot]:
        return await find_slots_for(
            call,
            wanted.first,
            prefs,
            limit,
            extra=wanted.extra,
            stylist=stylist,
            replacing=wanted.replacing,
        )

    slots = await search(prefs)
    if slots or prefs.day is not None:
        return slots
    today = call.profile.now().date()
    searched = prefs.horizon_days
    while not slots and searched < LONG_HORIZON_DAYS:
        # The next window of the usual length starts on the next day the salon opens:
        # a closure is skipped, not asked about; each request stays the usual size.
        day = today + timedelta(days=searched + 1)
        while not opening_hours(call.profile, day) and (day - today).days < LONG_HORIZON_DAYS:
            day += timedelta(days=1)
        if (day - today).days >= LONG_HORIZON_DAYS:
            break
        start = datetime.combine(day, time(0), tzinfo=call.profile.timezone)
        if prefs.not_before is not None:
            start = max(start, prefs.not_before)
        searched = (day - today).days + prefs.horizon_days
        slots = await search(replace(prefs, not_before=start, horizon_days=searched))
    return slots


def _far_note(call: CallContext, prefs: SlotPreferences, slots: list[Slot]) -> str:
    """« Rien de libre avant le lundi 30 août (le salon est fermé du … au … : congés
    d'été). » when the first slot found lies beyond the usual horizon, else ""."""
    if prefs.day is not None or not slots:
        return ""
    today = call.profile.now().date()
    first = slots[0].start.date()
    if first <= today + timedelta(days=prefs.horizon_days):
        return ""
    closures = [c for c in call.profile.closures if c.end >= today and c.start < first]
    closure = max(closures, key=lambda c: c.end, default=None)  # the one the slots wait for
    why = ""
    if closure is not None:
        reason = f" : {closure.reason}" if closure.reason else ""
        why = (
            f" (le salon est fermé du {day_words(max(closure.start, today))} au "
            f"{day_words(closure.end)}{reason})"
        )
    return f"Rien de libre avant le {day_words(first)}{why}. Dites-le au client. "


def _offer(call: CallContext, wanted: Wanted, slots: list[Slot]) -> None:
    call.offered_slots = slots
    call.service = wanted.first
    call.visit = wanted.services
    call.stylist_asked = wanted.stylist.id if wanted.stylist else None


async def _elsewhere(
    call: CallContext, wanted: Wanted, prefs: SlotPreferences, off: str | None
) -> str:
    """Nothing with the stylist on that day: her next slots, and that day with someone
    else, numbered in one list."""
    member: TeamMember | None = wanted.stylist
    assert member is not None and prefs.day is not None
    start = datetime.combine(prefs.day, time(0), tzinfo=call.profile.timezone)
    later = await _search(
        call, wanted, SlotPreferences(not_before=start, window=prefs.window, horizon_days=28), 2
    )
    anyone = Wanted(services=wanted.services, replacing=wanted.replacing)
    same_day = await _search(call, anyone, prefs, 2)
    slots = later + [s for s in same_day if s.start not in {x.start for x in later}]
    call.offered_slots = slots
    call.service, call.visit = wanted.first, wanted.services
    call.stylist_asked = member.id if later and not same_day else None
    why = off or f"{member.first_name} n'a plus de créneau libre ce jour-là"
    if not slots:
        return f"{why}. Rien de libre ce jour-là. Proposez un autre jour."
    someone = "un membre de l'équipe"
    listed = " ; ".join(
        f"{i}) {s.words} avec {call.profile.stylist_name(s.stylist_id) or someone}"
        for i, s in enumerate(slots, start=1)
    )
    offer = (
        "ses prochains créneaux" + (", ou ce jour-là avec quelqu'un d'autre" if same_day else "")
        if later
        else "ce jour-là avec quelqu'un d'autre"
    )
    return f"{why}. Dites-le au client et proposez {offer} : {listed}. Demandez ce qu'il préfère."
