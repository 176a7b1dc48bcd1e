"""Function tools of the receptionist: availability, booking, changes, transfer, messages.

Every tool reads the call's state from `RunContext.userdata` (`CallContext`). Back-end
errors become `ToolError` carrying the error's caller-safe French sentence and an
alternative, so nothing technical reaches the caller. Tools that change the calendar
first call `disallow_interruptions()`: a caller speaking over the agent cannot cancel a
booking half-way. Confirmations are queued in the outbox (persisted before any send).
A calendar call still pending after a short quiet gets one spoken line meanwhile
(`agent.filler.while_waiting`: « Je regarde les disponibilités… »).
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from typing import Annotated

from livekit.agents import RunContext, ToolError, function_tool
from pydantic import Field

from agent.call_context import BookingSearch, CallContext
from agent.day_words import parse_day
from agent.filler import while_waiting
from agent.messaging import queue_confirmation, queue_salon_message
from agent.returning_client import usual_appointment
from agent.slot_tools import check_availability, find_slots
from agent.telephony import end_call_soon, transfer_call
from agent.tool_support import (
    ASK_DAY,
    ASK_NAME,
    CODE_SENT,
    NOT_CONFIRMED,
    after_slot_taken,
    booking_lines,
    calendar_of,
    call_of,
    found_booking,
    offered_slot,
    search_of,
    today_line,
    tool_error,
)
from agent.visits import stylist_words, visit_name, visit_words
from agent.waitlist_tool import join_waitlist
from booking import Booking, CalendarError, Customer, LockedBooking, SlotTaken
from booking.hours import is_open, reopening_words
from records.types import TakenMessage
from salon.french import of_name

logger = logging.getLogger("agent")


@function_tool
async def book_appointment(
    context: RunContext[CallContext],
    slot_number: Annotated[int, Field(description="numéro du créneau proposé (1, 2 ou 3)")],
    customer_name: Annotated[str, Field(description="nom et prénom du client")],
    confirmed: Annotated[
        bool, Field(description="true seulement si le client a dit oui au récapitulatif")
    ],
    phone: Annotated[
        str | None, Field(description="numéro du client s'il est différent de l'appelant")
    ] = None,
) -> str:
    """Réserve le créneau choisi. Avant, récapitule (prestation, jour, heure, nom) et attends
    un oui explicite du client ; sinon confirmed=false."""
    call = call_of(context)
    call.used_tool("book_appointment")
    call.note_intent("booking")
    slot = offered_slot(call, slot_number)
    visit = tuple(call.profile.service(x) for x in slot.service_ids)
    if not confirmed:
        who = stylist_words(call.profile, slot)
        return (
            f"Récapitulez et demandez une confirmation explicite : {visit_words(visit)}, "
            f"{slot.words}{who}, au nom {of_name(customer_name)} ?"
        )
    number = phone or call.caller
    if not number:
        return "Demandez le numéro de téléphone du client pour la confirmation par SMS."
    service = visit[0]
    context.disallow_interruptions()
    try:
        async with while_waiting(context, "booking"):
            booking: Booking = await calendar_of(call).book(
                service=service, slot=slot, customer=Customer(name=customer_name, phone=number)
            )
    except SlotTaken as exc:
        async with while_waiting(context, "slots"):  # none if the booking had its line
            raise await after_slot_taken(call, exc, slot) from exc
    except CalendarError as exc:
        raise tool_error(
            exc, "Je peux prendre un message pour que le salon vous rappelle."
        ) from exc
    call.set_outcome("booked")
    call.offered_slots = []
    sms = await queue_confirmation(call, kind="booked", booking=booking, phone=number)
    who = stylist_words(call.profile, slot, booking.stylist_id)
    return f"Rendez-vous confirmé : {visit_name(booking.services)}, {booking.words}{who}. {sms}"


@function_tool
async def find_my_appointment(
    context: RunContext[CallContext],
    name: Annotated[
        str | None, Field(description="prénom et nom donnés par le client pour ce rendez-vous")
    ] = None,
    day: Annotated[str | None, Field(description="jour du rendez-vous si besoin")] = None,
) -> str:
    """Retrouve les rendez-vous à venir de l'appelant : il faut le nom qu'il donne (même
    depuis son numéro habituel) et, pour un rendez-vous pris avec un autre numéro, le jour."""
    call = call_of(context)
    call.used_tool("find_my_appointment")
    call.found_bookings, call.search = [], None
    if not name or not name.strip():
        return ASK_NAME
    wanted = parse_day(day, call.profile.now().date())
    if day and wanted is None:
        raise ToolError(f"Je n'ai pas compris le jour « {day} ». Donnez une date (AAAA-MM-JJ).")
    try:
        async with while_waiting(context, "check"):
            found = await calendar_of(call).find_bookings(
                caller_phone=call.caller, name=name, day=wanted
            )
    except CalendarError as exc:
        raise tool_error(exc, "Je peux prendre un message pour le salon.") from exc
    mine = [b for b in found if isinstance(b, Booking)]
    if mine:
        call.found_bookings, call.search = mine, BookingSearch(name=name, day=wanted)
        return booking_lines(mine, call.profile)
    # Not proven theirs, or nothing at all: the same answer, and a handle for the code
    # that looks the same either way (a booking's uid, or a random one).
    locked = [b.uid for b in found if isinstance(b, LockedBooking)]
    handle = locked[0] if locked else secrets.token_urlsafe(12)
    call.search = BookingSearch(name=name, day=wanted, handle=handle)
    return NOT_CONFIRMED + ("" if wanted else ASK_DAY)


@function_tool
async def send_verification_code(context: RunContext[CallContext]) -> str:
    """Envoie un code par SMS au numéro enregistré du rendez-vous cherché avec
    find_my_appointment, quand il n'a pas pu être confirmé. Ne révèle jamais ce numéro."""
    call = call_of(context)
    call.used_tool("send_verification_code")
    search = search_of(call)
    if search.handle is None:
        return "Pas besoin de code : les rendez-vous trouvés sont bien ceux de l'appelant."
    try:
        async with while_waiting(context, "check"):
            await calendar_of(call).send_verification_code(
                booking_uid=search.handle, caller_phone=call.caller
            )
    except CalendarError as exc:
        raise tool_error(exc) from exc
    return CODE_SENT


@function_tool
async def verify_code(
    context: RunContext[CallContext],
    code: Annotated[str, Field(description="le code lu par le client, chiffres seulement")],
) -> str:
    """Vérifie le code reçu par SMS ; ensuite le rendez-vous peut être lu, déplacé ou annulé."""
    call = call_of(context)
    call.used_tool("verify_code")
    search = search_of(call)
    if search.handle is None:
        return "Pas besoin de code : les rendez-vous trouvés sont bien ceux de l'appelant."
    calendar = calendar_of(call)
    try:
        async with while_waiting(context, "check"):
            await calendar.verify_code(
                booking_uid=search.handle, caller_phone=call.caller, code=re.sub(r"\D", "", code)
            )
            found = await calendar.find_bookings(
                caller_phone=call.caller, name=search.name, day=search.day
            )
    except CalendarError as exc:
        raise tool_error(exc) from exc
    mine = [b for b in found if isinstance(b, Booking)]
    if not mine:
        return "Code correct, mais ce rendez-vous n'est plus à l'agenda. Proposez un message."
    call.found_bookings, call.search = mine, BookingSearch(name=search.name, day=search.day)
    return "Code correct. " + booking_lines(mine, call.profile)


@function_tool
async def reschedule_appointment(
    context: RunContext[CallContext],
    appointment_number: Annotated[int, Field(description="numéro donné par find_my_appointment")],
    slot_number: Annotated[int, Field(description="numéro du nouveau créneau (find_slots)")],
    confirmed: Annotated[bool, Field(description="true seulement après un oui explicite")],
) -> str:
    """Déplace un rendez-vous vers un créneau proposé par find_slots, après confirmation."""
    call = call_of(context)
    call.used_tool("reschedule_appointment")
    call.note_intent("change")
    booking = found_booking(call, appointment_number)
    slot = offered_slot(call, slot_number)
    if slot.service_ids != tuple(s.id for s in booking.services):
        return (
            "Ces créneaux ne sont pas pour ce rendez-vous : cherchez-les avec find_slots "
            f"et appointment_number={appointment_number}."
        )
    if not confirmed:
        return f"Demandez une confirmation explicite : déplacer au {slot.words} ?"
    context.disallow_interruptions()
    try:
        async with while_waiting(context, "move"):
            moved: Booking = await calendar_of(call).reschedule(
                booking_uid=booking.uid, new_slot=slot, caller_phone=call.caller
            )
    except SlotTaken as exc:
        async with while_waiting(context, "slots"):
            raise await after_slot_taken(call, exc, slot, moving=booking) from exc
    except CalendarError as exc:
        raise tool_error(exc, "Le rendez-vous actuel reste inchangé.") from exc
    call.set_outcome("changed")
    call.offered_slots = []
    call.found_bookings[appointment_number - 1] = moved
    phone = (moved.customer.phone if moved.customer else None) or call.caller
    sms = await queue_confirmation(
        call, kind="moved", booking=moved, phone=phone, previous=booking.start
    )
    return f"Rendez-vous déplacé au {moved.words}. {sms}"


@function_tool
async def cancel_appointment(
    context: RunContext[CallContext],
    appointment_number: Annotated[int, Field(description="numéro donné par find_my_appointment")],
    confirmed: Annotated[bool, Field(description="true seulement après un oui explicite")],
    reason: Annotated[str, Field(description="motif donné par le client")] = "",
) -> str:
    """Annule un rendez-vous de l'appelant, après confirmation explicite."""
    call = call_of(context)
    call.used_tool("cancel_appointment")
    call.note_intent("cancel")
    booking = found_booking(call, appointment_number)
    if not confirmed:
        return f"Demandez une confirmation explicite : annuler le rendez-vous du {booking.words} ?"
    context.disallow_interruptions()
    try:
        async with while_waiting(context, "cancel"):
            cancelled: Booking = await calendar_of(call).cancel(
                booking_uid=booking.uid,
                caller_phone=call.caller,
                reason=reason or "annulé par téléphone",
            )
    except CalendarError as exc:
        raise tool_error(exc) from exc
    call.set_outcome("cancelled")
    phone = (cancelled.customer.phone if cancelled.customer else None) or call.caller
    sms = await queue_confirmation(call, kind="cancelled", booking=cancelled, phone=phone)
    return f"Rendez-vous du {cancelled.words} annulé. {sms}"


@function_tool
async def transfer_to_human(
    context: RunContext[CallContext],
    reason: Annotated[str, Field(description="pourquoi le client veut parler au salon")] = "",
) -> str:
    """Transfère l'appel à une personne du salon (quand le client le demande ou que tu ne
    peux pas l'aider). Dis d'abord que tu transfères."""
    call = call_of(context)
    call.used_tool("transfer_to_human")
    if not call.profile.transfer_number:
        raise ToolError(
            "Personne n'est disponible pour prendre l'appel. Je peux prendre un message "
            "pour que le salon vous rappelle."
        )
    now = call.profile.now()
    if not is_open(call.profile, now):  # nobody to ring at night: say when instead
        reopening = reopening_words(call.profile, now) or ""
        raise ToolError(
            f"Le salon est fermé en ce moment, personne ne peut prendre l'appel. {reopening} "
            "Je peux prendre un message pour que le salon vous rappelle."
        )
    context.disallow_interruptions()
    try:
        await context.wait_for_playout()  # let the caller hear "je vous passe le salon"
        await transfer_call(call, reason=reason, context=context)
    except Exception as exc:
        logger.warning("transfer failed", extra={"error": repr(exc)})
        raise ToolError(
            "Le transfert n'a pas abouti. Je peux prendre un message pour que le salon "
            "vous rappelle rapidement."
        ) from exc
    call.set_outcome("transferred")
    return "Transfert en cours : annoncez-le en une phrase courte."


@function_tool
async def take_message(
    context: RunContext[CallContext],
    caller_name: Annotated[str, Field(description="nom de la personne")],
    message: Annotated[str, Field(description="le message pour le salon")],
    callback_number: Annotated[
        str | None, Field(description="numéro de rappel s'il diffère de l'appelant")
    ] = None,
) -> str:
    """Prend un message pour le salon (rappel, question sans réponse, demande particulière)."""
    call = call_of(context)
    call.used_tool("take_message")
    number = callback_number or call.caller
    call.messages.append(
        TakenMessage(text=message, caller_name=caller_name, callback_number=number)
    )
    await queue_salon_message(call, name=caller_name, message=message, callback=number)
    call.set_outcome("message")
    return "Message transmis au salon. Dites que le salon rappellera."


@function_tool
async def end_call(context: RunContext[CallContext]) -> str:
    """Termine l'appel après avoir dit au revoir (quand le client n'a plus besoin de rien)."""
    call = call_of(context)
    call.used_tool("end_call")
    call.ended = True
    await asyncio.shield(end_call_soon(context))
    return "Appel terminé."


ALL_TOOLS = [
    check_availability,
    usual_appointment,
    find_slots,
    book_appointment,
    find_my_appointment,
    send_verification_code,
    verify_code,
    reschedule_appointment,
    cancel_appointment,
    join_waitlist,
    transfer_to_human,
    take_message,
    end_call,
]


__all__ = ["ALL_TOOLS", "parse_day", "today_line"]
