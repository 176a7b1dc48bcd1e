"""The returning client: « la même prestation qu'en octobre avec Yanis ? ».

The caller's number may have past bookings. What they were is personal: it is told to
the model only when the number is visible and the bookings on it are one person's, or
once the caller said a name that matches the bookings' name; with several people on one
number (a family phone), nothing before the caller says who they are. A name the caller
says that matches none of them gets the same answer as a number with no history. The
caller's name itself is never given to the model: it asks for it as usual.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from livekit.agents import RunContext, function_tool
from pydantic import Field

from agent.call_context import CallContext
from agent.filler import while_waiting
from agent.tool_support import calendar_of, call_of, tool_error
from booking import Booking, CalendarError
from booking.helpers import names_match
from salon.french import MONTHS_FR
from salon.profile import SalonProfile
from salon.text import fold

NOTHING = "Pas de rendez-vous habituel connu : demandez simplement la prestation souhaitée."
HIDDEN = (
    "Numéro masqué : aucune prestation habituelle ne peut être proposée. Demandez simplement "
    "la prestation souhaitée."
)
WHO_FIRST = (
    "Plusieurs personnes ont pris rendez-vous avec ce numéro. Demandez d'abord au client "
    "son prénom et son nom, sans en proposer aucun, puis rappelez cet outil avec ce nom."
)


@function_tool
async def usual_appointment(
    context: RunContext[CallContext],
    name: Annotated[
        str | None, Field(description="prénom et nom donnés par le client, s'il les a dits")
    ] = None,
) -> str:
    """Le dernier rendez-vous passé de l'appelant, pour lui proposer « la même chose » :
    à utiliser quand il veut prendre rendez-vous ou parle de son rendez-vous habituel."""
    call = call_of(context)
    call.used_tool("usual_appointment")
    if not call.caller:
        return HIDDEN
    try:
        async with while_waiting(context, "check"):
            past = await calendar_of(call).past_bookings(
                phone=call.caller, before=datetime.now(UTC)
            )
    except CalendarError as exc:
        raise tool_error(exc) from exc
    return usual_words(call.profile, past, name)


def usual_words(profile: SalonProfile, past: list[Booking], said: str | None) -> str:
    """What the model may be told about `past` (newest first), given the name said."""
    people = {fold(b.customer.name) for b in past if b.customer is not None}
    if said and said.strip():
        past = [b for b in past if b.customer is not None and names_match(said, b.customer.name)]
    elif len(people) > 1:
        return WHO_FIRST
    if not past:
        return NOTHING
    last = past[0]
    month = MONTHS_FR[last.start.astimezone(profile.timezone).month - 1]
    what = " puis ".join(s.name for s in last.services)
    name = profile.stylist_name(last.stylist_id)  # None when no longer on the team
    who = f" avec {name}" if name else ""
    still = [s for s in last.services if s.bookable and any(x.id == s.id for x in profile.services)]
    if len(still) != len(last.services):
        return NOTHING
    search = f"service « {last.services[0].name} »"
    if len(last.services) > 1:
        search += f", also « {' et '.join(s.name for s in last.services[1:])} »"
    if who:
        search += f", stylist « {who.removeprefix(' avec ')} »"
    return (
        f"Dernier rendez-vous : {what}{who}, en {month}. Vous pouvez proposer au client « la "
        f"même prestation qu'en {month}{who} ? », sans rien dire d'autre de ses rendez-vous. "
        f"S'il accepte, cherchez les créneaux par find_slots : {search}."
    )
