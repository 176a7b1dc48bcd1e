"""What the receptionist's tools share: French day words, the call's back-ends, caller-safe
errors, slot lists read aloud, the slots and bookings offered during the call."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from livekit.agents import RunContext, ToolError

from agent.call_context import BookingSearch, CallContext
from agent.day_words import day_asked
from booking import Booking, Calendar, CalendarError, Slot, SlotPreferences, SlotTaken, Window
from booking.hours import opening_hours
from salon.profile import WEEKDAYS_FR, SalonProfile, Service

logger = logging.getLogger("agent")


def call_of(context: RunContext[CallContext]) -> CallContext:
    call = context.userdata
    if not isinstance(call, CallContext):
        raise ToolError("Je ne peux pas accéder à l'agenda pour le moment.")
    return call


def calendar_of(call: CallContext) -> Calendar:
    if call.calendar is None:
        raise ToolError(
            "Je ne peux pas accéder à l'agenda pour le moment. Je peux prendre un message "
            "pour que le salon vous rappelle."
        )
    return call.calendar


def tool_error(exc: CalendarError, alternative: str = "") -> ToolError:
    logger.warning("calendar error in a tool", extra={"error": type(exc).__name__})
    return ToolError(f"{exc.caller_message} {alternative}".strip())


def slot_list(slots: list[Slot]) -> str:
    return " ; ".join(f"{i}) {s.words}" for i, s in enumerate(slots, start=1))


def service_or_question(call: CallContext, said: str) -> Service | str:
    """The service, or a French question to ask the caller."""
    match = calendar_of(call).match_service(said)
    if match.service is not None:
        return match.service
    if match.question:
        return match.question
    return "Quelle prestation souhaitez-vous ? Par exemple une coupe, une couleur ou un brushing."


def day_wanted(call: CallContext, day: str | None) -> date | None:
    """The day the caller asked for (`agent.day_words.day_asked`): « samedi » said on a
    Saturday evening, when nothing can start any more today, is next Saturday."""
    now = call.profile.now()
    notice = getattr(call.calendar, "min_notice", timedelta(minutes=60))
    return day_asked(day, now, today_is_over=today_is_over(call.profile, now, notice))


def today_is_over(profile: SalonProfile, now: datetime, notice: timedelta) -> bool:
    """Whether no visit can start any more today: the salon's last opening interval ends
    within the calendar's notice (or it does not open today)."""
    earliest = now + notice
    if earliest.date() != now.date():
        return True
    return not any(hi > earliest.time() for _, hi in opening_hours(profile, now.date()))


def preferences_from(
    call: CallContext, day: str | None, window: str | None, earliest: bool
) -> SlotPreferences:
    wanted = day_wanted(call, day)
    if day and wanted is None:
        raise ToolError(
            f"Je n'ai pas compris le jour « {day} ». Donnez une date au format AAAA-MM-JJ."
        )
    return SlotPreferences(day=wanted, window=Window.parse(window), earliest=earliest)


async def find_slots_for(
    call: CallContext,
    service: Service,
    prefs: SlotPreferences,
    limit: int = 3,
    *,
    extra: tuple[Service, ...] = (),
    stylist: str | None = None,
    replacing: str | None = None,
) -> list[Slot]:
    try:
        slots = await calendar_of(call).free_slots(
            service=service,
            prefs=prefs,
            limit=limit,
            extra=extra,
            stylist=stylist,
            replacing=replacing,
        )
    except CalendarError as exc:
        raise tool_error(
            exc, "Je peux aussi prendre un message pour que le salon vous rappelle."
        ) from exc
    return slots


def offered_slot(call: CallContext, slot_number: int) -> Slot:
    if not call.offered_slots:
        raise ToolError("Aucun créneau n'a encore été proposé : utilisez d'abord find_slots.")
    if not 1 <= slot_number <= len(call.offered_slots):
        raise ToolError(
            f"Choisissez un créneau entre 1 et {len(call.offered_slots)} : "
            f"{slot_list(call.offered_slots)}."
        )
    return call.offered_slots[slot_number - 1]


async def after_slot_taken(
    call: CallContext, exc: SlotTaken, slot: Slot, *, moving: Booking | None = None
) -> ToolError:
    """The slot went meanwhile: other slots that day for the same visit and stylist. For
    a move (`moving`), the visit is that booking's and its own time does not count as
    taken, as in find_slots: a quarter of an hour later with the same stylist stays open."""
    if moving is not None:
        visit: tuple[Service, ...] = tuple(moving.services)
    else:
        visit = call.visit or ((call.service,) if call.service is not None else ())
    if visit:
        try:
            prefs = SlotPreferences(day=slot.start.date())
            found = await find_slots_for(
                call,
                visit[0],
                prefs,
                extra=visit[1:],
                stylist=call.stylist_asked,
                replacing=moving.uid if moving is not None else None,
            )
            others = [s for s in found if s.start != slot.start]
        except ToolError:
            others = []
        call.offered_slots = others
        if others:
            return tool_error(exc, f"Autres créneaux possibles : {slot_list(others)}.")
    return tool_error(exc, "Je peux chercher un autre jour.")


ASK_NAME = (
    "Demandez d'abord au client le prénom et le nom sous lesquels le rendez-vous a été "
    "pris, même s'il appelle de son numéro habituel ; ne proposez aucun nom vous-même. "
    "Puis cherchez à nouveau avec ce nom."
)
NOT_CONFIRMED = (
    "Rien ne peut être confirmé pour ce nom avec ce numéro. Dites au client : « Je ne "
    "peux pas vous le confirmer par téléphone sans le code. » Proposez-lui un code par "
    "SMS, envoyé au numéro enregistré pour le rendez-vous (send_verification_code) : si "
    "ce rendez-vous existe, ce numéro le recevra. Ne dites jamais si un rendez-vous existe."
)
ASK_DAY = (
    " Si le rendez-vous a été pris avec un autre numéro, demandez aussi le jour du "
    "rendez-vous et cherchez à nouveau avant d'envoyer le code."
)
CODE_SENT = (
    "Si ce rendez-vous existe, un code vient de partir par SMS au numéro enregistré pour "
    "lui. Demandez au client de vous le lire, chiffre par chiffre."
)


def booking_lines(bookings: list[Booking], profile: SalonProfile | None = None) -> str:
    """The caller's own bookings, numbered, to read back (proven theirs only): every
    service of the visit, and the stylist."""
    lines = []
    for i, b in enumerate(bookings, start=1):
        name = profile.stylist_name(b.stylist_id) if profile is not None else None
        who = f" avec {name}" if name else ""
        lines.append(f"{i}) {' puis '.join(s.name for s in b.services)}{who}, {b.words}")
    return "Rendez-vous de l'appelant : " + " ; ".join(lines) + "."


def search_of(call: CallContext) -> BookingSearch:
    if call.search is None:
        raise ToolError(
            "Cherchez d'abord le rendez-vous avec find_my_appointment (le nom donné par "
            "le client, et le jour s'il a été pris avec un autre numéro)."
        )
    return call.search


def found_booking(call: CallContext, number: int) -> Booking:
    """One of the bookings proven the caller's; never one that is not (its handle only
    leads to the code)."""
    bookings = call.found_bookings
    if not bookings:
        search_of(call)
        raise ToolError(
            "Je ne peux pas vous le confirmer par téléphone sans le code. Proposez d'envoyer "
            "un code par SMS au numéro du rendez-vous (send_verification_code)."
        )
    if not 1 <= number <= len(bookings):
        raise ToolError(f"Choisissez un rendez-vous entre 1 et {len(bookings)}.")
    return bookings[number - 1]


def today_line(now: datetime) -> str:
    """A line for the instructions so the model resolves "samedi" to the right date."""
    return f"Nous sommes le {WEEKDAYS_FR[now.weekday()]} {now.date().isoformat()}."
