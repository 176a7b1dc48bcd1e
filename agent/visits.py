"""What the booking tools need to hear « avec Chloé » and « une couleur et une coupe ».

- `visit_or_question`: the caller's words → the services of one visit (a salon's own
  package, « forfait couleur et coupe », wins over two separate services);
- `stylist_or_question`: « Chloé » → her id; « peu importe » → None (anyone qualified);
- (`booking.hours.off_words` says why a stylist has no slot on a day: « Chloé ne
  travaille pas le jeudi », « Chloé n'est pas au salon du … au … (congés) »;)
- `visit_words` / `slot_lines`: the visit and the slots as the model reads them back. A
  stylist the caller did not ask for is given apart, to be named only if asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.call_context import CallContext
from agent.tool_support import calendar_of, service_or_question
from booking import Slot
from salon.french import duration_words, visit_price_words
from salon.matching import is_package, tokens
from salon.profile import SalonProfile, Service, TeamMember
from salon.text import fold

_ANYONE = ("peu importe", "n importe", "pas de preference", "indifferent", "egal", "personne")
_SPLIT = re.compile(r"\s*(?:,|;|\+|\bet puis\b|\bpuis\b|\bet\b|\bplus\b|\bavec\b)\s*")


@dataclass(frozen=True)
class Wanted:
    """One search: the visit's services in order and the stylist asked for (None: any)."""

    services: tuple[Service, ...]
    stylist: TeamMember | None = None
    replacing: str | None = None  # the uid of the booking being moved

    @property
    def first(self) -> Service:
        return self.services[0]

    @property
    def extra(self) -> tuple[Service, ...]:
        return self.services[1:]


def visit_or_question(
    call: CallContext, service: str, also: str | None
) -> tuple[Service, ...] | str:
    """The services of the visit, or a French question to ask the caller."""
    said = [service] + ([also] if also and also.strip() else [])
    found: list[Service] = []
    for text in said:
        chosen = service_or_question(call, text)
        parts = [p for p in _SPLIT.split(text) if p.strip()]
        package = _package_for(call, parts) if len(parts) >= 2 else None
        if package is not None:  # « coupe homme et barbe »: the salon's own package
            found.append(package)
            continue
        alone = [service_or_question(call, p) for p in parts] if len(parts) >= 2 else []
        # « couleur racines et coupe homme » is two services. A whole that names one
        # service stays whole (a package « couleur et coupe », « coupe et brushing… »)
        # unless the words say more: « une couleur racines et une coupe » matches
        # Couleur racines, and the coupe must not be dropped.
        if not alone or (not isinstance(chosen, str) and not _more_than(chosen, parts, alone)):
            if isinstance(chosen, str):
                return chosen
            found.append(chosen)
            continue
        for one in alone:
            if isinstance(one, str):  # the whole's own question is the more precise one
                return chosen if isinstance(chosen, str) else one
            found.append(one)
    unique = tuple(dict.fromkeys(found))
    return unique


def _package_for(call: CallContext, parts: list[str]) -> Service | None:
    """The one package of the salon whose name or an alias holds every word of every
    part (« coupe homme » + « barbe » → Coupe homme et taille de barbe), if any."""
    wanted = [set(tokens(p)) for p in parts]
    if any(not w for w in wanted):
        return None
    hits = []
    for svc in calendar_of(call).services():
        if not is_package(svc):
            continue
        words = set(tokens(" ".join((svc.name, *svc.aliases))))
        if all(w <= words for w in wanted):
            hits.append(svc)
    return hits[0] if len(hits) == 1 else None


def _more_than(whole: Service, parts: list[str], alone: list[Service | str]) -> bool:
    """Whether the caller's words say more than `whole`, the service they match as a
    whole: it is not itself a combination (a package the salon named « couleur et
    coupe », « coupe et brushing… »: its name or an alias joins two things), it is what
    one part says alone, and another part has a word that is none of its name or
    aliases (« une coupe » beside Couleur racines)."""
    if is_package(whole) or whole not in alone:
        return False
    known = set(fold(" ".join((whole.name, *whole.aliases))).replace(",", " ").split())
    return any(
        any(len(w) > 3 and w not in known for w in fold(part).split())
        for part, one in zip(parts, alone, strict=True)
        if one != whole
    )


def stylist_or_question(profile: SalonProfile, said: str | None) -> TeamMember | None | str:
    """The stylist named, None for « peu importe » or nothing said, or a French note
    for the model when no one of the team has that name."""
    if not said or not said.strip():
        return None
    folded = fold(said).replace("'", " ")
    if any(word in folded for word in _ANYONE):
        return None
    if not profile.stylists:
        return "Le salon ne prend pas les rendez-vous par coiffeur : cherchez sans nom."
    member = profile.find_stylist(said)
    if member is not None:
        return member
    team = ", ".join(m.first_name for m in profile.stylists)
    return (
        f"Personne ne s'appelle « {said.strip()} » dans l'équipe ({team}). Demandez au client "
        "avec qui il souhaite son rendez-vous, ou proposez n'importe quel membre de l'équipe."
    )


def qualified_note(profile: SalonProfile, wanted: Wanted) -> str | None:
    """When the stylist asked for does not do the visit: who does, for the model."""
    member = wanted.stylist
    if member is None or all(member.does(s.id) for s in wanted.services):
        return None
    others = profile.stylists_for([s.id for s in wanted.services])
    names = ", ".join(m.first_name for m in others) or "personne dans l'équipe"
    return (
        f"{member.first_name} ne réalise pas {visit_name(wanted.services)}. Le font : {names}. "
        "Proposez au client l'une de ces personnes, ou n'importe qui de qualifié."
    )


def visit_name(services: tuple[Service, ...]) -> str:
    """« Couleur racines puis Coupe homme »."""
    return " puis ".join(s.name for s in services)


def visit_words(services: tuple[Service, ...]) -> str:
    """The visit with its total length and price, for the recap."""
    total = sum(s.duration for s in services)
    price = visit_price_words(services) or "gratuit"
    if len(services) == 1:
        return f"{services[0].name} ({duration_words(total)}, {price})"
    return f"{visit_name(services)}, en un seul rendez-vous ({duration_words(total)} au total, {price} au total)"


def slot_lines(profile: SalonProfile, slots: list[Slot]) -> str:
    """Numbered slots; the stylist beside each when the caller asked for them, else in a
    note the model says only when asked « avec qui ? »."""
    lines = []
    for i, slot in enumerate(slots, start=1):
        who = profile.stylist_name(slot.stylist_id)
        lines.append(
            f"{i}) {slot.words}" + (f" avec {who}" if who and slot.stylist_requested else "")
        )
    text = " ; ".join(lines)
    hidden = [
        f"{i}) {profile.stylist_name(s.stylist_id)}"
        for i, s in enumerate(slots, start=1)
        if s.stylist_id and not s.stylist_requested
    ]
    names = {profile.stylist_name(s.stylist_id) for s in slots if s.stylist_id}
    if hidden:
        who = next(iter(names)) if len(names) == 1 else ", ".join(hidden)
        text += (
            f". Le client n'a demandé personne : ne nommez le coiffeur que s'il le demande ({who})"
        )
    return text


def stylist_words(profile: SalonProfile, slot: Slot, stylist_id: str | None = None) -> str:
    """« avec Chloé » when the caller asked for her; for anyone qualified, a note that
    names them only if the caller asks."""
    who = profile.stylist_name(stylist_id or slot.stylist_id)
    if who is None:
        return ""
    if slot.stylist_requested:
        return f" avec {who}"
    return f" (coiffeur : {who}, à ne dire que si le client demande avec qui)"
