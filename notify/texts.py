"""French confirmation texts that fit one SMS segment (GSM-7, at most 160 characters).

Each builder tries the richest wording first (full service name, "mardi 3 décembre à
14h30") and falls back to shorter forms ("mar. 3 déc. à 14h30", the service name without
its details, then cut at a word) until the text fits. Every text names the salon, the
service, the day and time, and how to change the appointment (call the salon).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

from notify.gsm7 import SINGLE_SEGMENT, fits_one_segment, to_gsm7
from salon.french import short_slot_words, slot_words, time_words
from salon.phone import display as display_phone
from salon.profile import SalonProfile

CODE_VALIDITY_MINUTES = 10


def service_forms(name: str) -> Iterator[str]:
    """The service name without its parenthesised details, then cut before the first comma.

    "Coupe étudiant (sur présentation de la carte…)" -> "coupe étudiant";
    "Coupe et brushing femme, cheveux longs" -> itself, then "coupe et brushing femme".
    """
    no_parens = re.sub(r"\s*\([^)]*\)", "", name).strip() or name.strip()
    forms = [no_parens, no_parens.split(",")[0].strip()]
    seen: set[str] = set()
    for form in forms:
        lowered = _lower_first(form)
        if lowered and lowered not in seen:
            seen.add(lowered)
            yield lowered


def _lower_first(text: str) -> str:
    """`Coupe homme` -> `coupe homme` (mid-sentence), but keep acronyms like `UV`."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


_DANGLING = {
    "de",
    "des",
    "du",
    "d'",
    "et",
    "ou",
    "à",
    "au",
    "aux",
    "avec",
    "pour",
    "la",
    "le",
    "les",
    "l'",
    "en",
    "sur",
    "sans",
    "un",
    "une",
}


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, without a dangling "de", "et", "ou"…"""
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for word in text.split():
        if len(" ".join([*kept, word])) > limit:
            break
        kept.append(word)
    while len(kept) > 1 and kept[-1].lower() in _DANGLING:
        kept.pop()
    if not kept:  # one word longer than the room: cut inside it
        return text[:limit].rstrip()
    return " ".join(kept).rstrip(",;:-")


Render = Callable[[str, Callable[[datetime], str]], str]  # (service form, date words) -> text


def _of(name: str) -> str:
    """`de Léo Martin`, `d'Alice Dupont` (French elides "de" before a vowel or an h)."""
    return f"d'{name}" if name[:1].lower() in "aeiouyhàâäéèêëîïôöùûü" else f"de {name}"


def name_forms(name: str | None) -> list[str]:
    """How the text names the person, richest first: " de Léo Martin", " de Léo"; [""]
    when there is no name. One phone may book for several people (a parent and a child):
    each SMS says whose appointment it is."""
    words = " ".join((name or "").split())
    if not words:
        return [""]
    first = words.split()[0][:20]
    forms = [f" {_of(words)}"] if len(words) <= 40 else []
    if f" {_of(first)}" not in forms:
        forms.append(f" {_of(first)}")
    return forms


def _fit_service(render: Render, service: str, *, cut: bool) -> str | None:
    """The first rendering that fits one GSM-7 segment, richest first; with `cut`, the
    shortest service form cut at a word as a last resort."""
    for form in service_forms(service):
        for when in (slot_words, short_slot_words):
            text = to_gsm7(render(form, when))
            if fits_one_segment(text):
                return text
    if not cut:
        return None
    shortest = list(service_forms(service))[-1]
    frame = to_gsm7(render("x", short_slot_words))
    shortest = to_gsm7(shortest)
    # Extension characters (€ [ ]…) count twice: shrink until the septets fit.
    for room in range(SINGLE_SEGMENT - (len(frame) - 1), 0, -1):
        piece = _cut(shortest, room)
        text = to_gsm7(render(piece, short_slot_words))
        if piece and fits_one_segment(text):
            return text
    return None


def _fit(render: Callable[[str], Render], service: str, name: str | None = None) -> str:
    """The richest text that fits one segment; `render(who)` builds the text for one form
    of the person's name (see `name_forms`). The name is kept over service details."""
    whos = name_forms(name)
    for who in whos:
        text = _fit_service(render(who), service, cut=False)
        if text is not None:
            return text
    text = _fit_service(render(whos[-1]), service, cut=True)
    if text is None:
        raise ValueError("the salon name or phone is too long for a one-segment SMS")
    return text


def _local(profile: SalonProfile, moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("appointment times must be timezone-aware")
    return moment.astimezone(profile.timezone)


def booked_text(
    *, profile: SalonProfile, service: str, start: datetime, name: str | None = None
) -> str:
    """`Maison Margaux : RDV de Léo Martin confirmé le mardi 3 décembre à 14h30 pour coupe
    homme. …` (`RDV confirmé le …` without a name)."""
    local, phone = _local(profile, start), display_phone(profile.phone)
    return _fit(
        lambda who: (
            lambda svc, when: (
                f"{profile.short_name} : RDV{who} confirmé le {when(local)}"
                + (f" pour {svc}" if svc else "")
                + f". Pour le modifier ou l'annuler, appelez le {phone}."
            )
        ),
        service,
        name,
    )


def moved_text(
    *,
    profile: SalonProfile,
    service: str,
    start: datetime,
    previous: datetime | None = None,
    name: str | None = None,
) -> str:
    """`Maison Margaux : le RDV de Léo Martin est déplacé au mardi 3 décembre à 14h30
    (coupe homme). …` (`votre RDV` without a name)."""
    local, phone = _local(profile, start), display_phone(profile.phone)
    before = _local(profile, previous) if previous else None

    def render(who: str) -> Render:
        def text(svc: str, when: Callable[[datetime], str]) -> str:
            moved = f"du {when(before)} est déplacé au" if before else "est déplacé au"
            return (
                f"{profile.short_name} : {'le' if who else 'votre'} RDV{who} {moved} "
                f"{when(local)}"
                + (f" ({svc})" if svc else "")
                + f". Pour le modifier, appelez le {phone}."
            )

        return text

    try:
        return _fit(render, service, name)
    except ValueError:
        if before is None:
            raise
        return moved_text(profile=profile, service=service, start=start, name=name)


def cancelled_text(
    *, profile: SalonProfile, service: str, start: datetime, name: str | None = None
) -> str:
    """`Maison Margaux : le RDV de Léo Martin du mardi 3 décembre à 14h30 (coupe homme) est
    annulé. …` (`votre RDV` without a name)."""
    local, phone = _local(profile, start), display_phone(profile.phone)
    return _fit(
        lambda who: (
            lambda svc, when: (
                f"{profile.short_name} : {'le' if who else 'votre'} RDV{who} du {when(local)}"
                + (f" ({svc})" if svc else "")
                + f" est annulé. Pour en reprendre un, appelez le {phone}."
            )
        ),
        service,
        name,
    )


def template_vars(
    *, profile: SalonProfile, service: str, start: datetime, event: str
) -> dict[str, str]:
    """The variables of the WhatsApp content template (`TWILIO_WHATSAPP_CONTENT_SID`),
    which carries a message outside the 24-hour window: {{1}} the salon, {{2}} the
    service, {{3}} the day and time, {{4}} the salon's phone, {{5}} the event (booked,
    moved, cancelled, reminder, offer)."""
    return {
        "1": profile.short_name,
        "2": service,
        "3": slot_words(_local(profile, start)),
        "4": display_phone(profile.phone),
        "5": event,
    }


def code_text(*, profile: SalonProfile, code: str) -> str:
    """`Maison Margaux : votre code de vérification est 482913. …`"""
    if not re.fullmatch(r"\d{4,8}", code):
        raise ValueError("a verification code has 4 to 8 digits")
    text = to_gsm7(
        f"{profile.short_name} : votre code de vérification est {code}. Il est valable "
        f"{CODE_VALIDITY_MINUTES} minutes. Ne le communiquez à personne."
    )
    if not fits_one_segment(text):
        raise ValueError("the salon name is too long for a one-segment SMS")
    return text


# ----------------------------------------------------- between calls (scripts/jobs, /sms)

CANCEL_WORD = "ANNULER"
ACCEPT_WORD = "OUI"


def _how_to_cancel(profile: SalonProfile, *, replies: bool) -> str:
    """Reply ANNULER when the sender can receive replies (a number, WhatsApp); an
    alphanumeric sender ID is one-way, so then: call the salon."""
    if replies:
        return f"Répondez {CANCEL_WORD} pour annuler."
    return f"Pour annuler, appelez le {display_phone(profile.phone)}."


def reminder_text(
    *,
    profile: SalonProfile,
    service: str,
    start: datetime,
    name: str | None = None,
    replies: bool,
) -> str:
    """`Maison Margaux : rappel du RDV de Léo Martin le mardi 8 décembre à 14h30 (coupe
    homme). Répondez ANNULER pour annuler.` (`rappel de votre RDV` without a name; `Pour
    annuler, appelez le …` when the sender cannot receive replies)."""
    local = _local(profile, start)
    tail = _how_to_cancel(profile, replies=replies)
    return _fit(
        lambda who: (
            lambda svc, when: (
                f"{profile.short_name} : rappel {'du' if who else 'de votre'} RDV{who} le "
                f"{when(local)}" + (f" ({svc})" if svc else "") + f". {tail}"
            )
        ),
        service,
        name,
    )


def deadline_words(deadline: datetime, *, sent: datetime) -> str:
    """`18h30` the same day as `sent`, `demain à 9h30` the next day, else `mardi 8 décembre
    à 9h30` (both in the salon's zone)."""
    days = (deadline.date() - sent.date()).days
    if days == 0:
        return time_words(deadline)
    if days == 1:
        return f"demain à {time_words(deadline)}"
    return slot_words(deadline)


def offer_text(
    *,
    profile: SalonProfile,
    service: str,
    start: datetime,
    deadline: datetime,
    sent: datetime,
    replies: bool,
) -> str:
    """`Maison Margaux : un créneau s'est libéré le mardi 8 décembre à 14h30 pour coupe
    homme. Répondez OUI avant 18h30 pour le réserver.` (`Appelez le … avant 18h30 pour le
    réserver.` when the sender cannot receive replies)."""
    local = _local(profile, start)
    until = deadline_words(_local(profile, deadline), sent=_local(profile, sent))
    if replies:
        tail = f"Répondez {ACCEPT_WORD} avant {until} pour le réserver."
    else:
        tail = f"Appelez le {display_phone(profile.phone)} avant {until} pour le réserver."
    return _fit(
        lambda _who: (
            lambda svc, when: (
                f"{profile.short_name} : un créneau s'est libéré le {when(local)}"
                + (f" pour {svc}" if svc else "")
                + f". {tail}"
            )
        ),
        service,
    )


def _line(text: str) -> str:
    out = to_gsm7(text)
    if not fits_one_segment(out):
        raise ValueError("the salon name or phone is too long for a one-segment SMS")
    return out


def reply_text(profile: SalonProfile, kind: str) -> str:
    """The one-line answer to a text message that booked or cancelled nothing.

    `kind`: no_booking (ANNULER from a number with no upcoming booking), ambiguous
    (several), cancel_failed (the calendar refused or failed), no_offer (OUI with no
    offer waiting), offer_expired (OUI too late), offer_taken (OUI, but someone booked
    the slot meanwhile), book_failed (OUI, but the calendar failed), message (anything
    else, kept for the salon).
    """
    short, phone = profile.short_name, display_phone(profile.phone)
    lines = {
        "no_booking": f"{short} : nous ne trouvons pas de RDV à venir pour ce numéro. "
        f"Pour toute question, appelez le {phone}.",
        "ambiguous": f"{short} : vous avez plusieurs RDV à venir, rien n'est annulé. "
        f"Pour choisir lequel annuler, appelez le {phone}.",
        "cancel_failed": f"{short} : nous n'avons pas pu annuler votre RDV par SMS. "
        f"Appelez le salon au {phone}.",
        "no_offer": f"{short} : aucun créneau n'attend votre réponse. "
        f"Pour prendre RDV, appelez le {phone}.",
        "offer_expired": f"{short} : le délai pour ce créneau est passé. "
        "Vous restez sur la liste d'attente.",
        "offer_taken": f"{short} : désolé, ce créneau a été réservé entre-temps. "
        "Vous restez sur la liste d'attente.",
        "book_failed": f"{short} : nous n'avons pas pu réserver ce créneau par SMS. "
        f"Appelez le salon au {phone}.",
        "message": f"{short} : merci, votre message est transmis au salon. "
        f"Pour une urgence, appelez le {phone}.",
    }
    if kind not in lines:
        raise ValueError(f"unknown reply {kind!r}; expected one of {sorted(lines)}")
    return _line(lines[kind])
