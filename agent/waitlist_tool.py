"""The `join_waitlist` tool: when nothing fits the day a caller asked for, put them on the
waitlist for that service and day (`booking.waitlist`). `scripts/jobs` offers them the
first slot that frees up that day by SMS; they answer « OUI » to book it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from livekit.agents import RunContext, ToolError, function_tool
from pydantic import Field

from agent.call_context import CallContext
from agent.filler import while_waiting
from agent.tool_support import (
    call_of,
    day_wanted,
    find_slots_for,
    service_or_question,
    slot_list,
)
from booking import SlotPreferences, waitlist
from notify.phone import check_sms_number
from notify.service import confirmation_channel, replies_possible
from salon.french import day_words


@function_tool
async def join_waitlist(
    context: RunContext[CallContext],
    service: Annotated[str, Field(description="la prestation, avec les mots du client")],
    day: Annotated[str, Field(description="le jour voulu : AAAA-MM-JJ, 'samedi', 'demain'…")],
    customer_name: Annotated[str, Field(description="prénom et nom du client")],
    confirmed: Annotated[
        bool, Field(description="true seulement si le client a accepté la liste d'attente")
    ],
) -> str:
    """Inscrit le client sur la liste d'attente d'une prestation pour un jour où rien n'est
    libre : si un créneau se libère ce jour-là, il reçoit un SMS pour le réserver. À
    proposer seulement quand find_slots n'a rien trouvé ce jour-là."""
    call = call_of(context)
    call.used_tool("join_waitlist")
    call.note_intent("booking")
    chosen = service_or_question(call, service)
    if isinstance(chosen, str):
        return f"Demandez au client : {chosen}"
    today = call.profile.now().date()
    wanted = day_wanted(call, day)
    if wanted is None or wanted < today:
        raise ToolError(f"Je n'ai pas compris le jour « {day} ». Donnez une date (AAAA-MM-JJ).")
    phone = check_sms_number(call.caller or "")
    if not phone.ok or phone.e164 is None:
        return (
            "Pas de liste d'attente sans numéro de portable pour le SMS : proposez un autre "
            "jour, ou de prendre un message pour le salon."
        )
    async with while_waiting(context, "slots"):
        slots = await find_slots_for(call, chosen, SlotPreferences(day=wanted), limit=3)
    if slots:
        call.offered_slots, call.service = slots, chosen
        return (
            f"Il reste des créneaux ce jour-là pour {chosen.name} : {slot_list(slots)}. "
            "Proposez-les plutôt que la liste d'attente."
        )
    when = day_words(wanted)
    if not confirmed:
        return (
            f"Demandez au client s'il veut être sur la liste d'attente pour {chosen.name} le "
            f"{when} : il recevra un SMS si un créneau se libère."
        )
    try:
        _, created = waitlist.join(
            call.conn,
            phone=phone.e164,
            name=customer_name,
            service_id=chosen.id,
            day=wanted,
            now=datetime.now(UTC),
        )
    except ValueError as exc:
        raise ToolError("À quel nom dois-je vous inscrire sur la liste d'attente ?") from exc
    how = (  # after « et qu'il » (never « que il »)
        "pourra répondre OUI pour le réserver"
        if replies_possible(confirmation_channel(), profile=call.profile)
        else "devra rappeler le salon avant l'heure indiquée pour le réserver"
    )
    already = "" if created else " (il y était déjà : il garde sa place)"
    return (
        f"Client inscrit sur la liste d'attente pour {chosen.name} le {when}{already}. "
        f"Dites-lui qu'il recevra un SMS si un créneau se libère ce jour-là, et qu'il {how}."
    )
