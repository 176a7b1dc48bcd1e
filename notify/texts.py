"""French confirmation texts that fit one SMS segment (GSM-7, at most 160 characters).

Each builder tries the richest wording first (full service name, "mardi 3 décembre à
14h30") and falls back to shorter forms ("mar. 3 déc. à 14h30", the service name without
its details, then cut at a word) until the text fits. Every text names the salon, the
service, the day and time, and how to change the appointment (call the salon).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from notify.gsm7 import fits_one_segment, to_gsm7
from salon.french import WEEKDAYS_SHORT, of_name, short_slot_words, slot_words, time_words
from salon.phone import display as display_phone
from salon.profile import SalonProfile

CODE_VALIDITY_MINUTES = 10
_FROM = "à partir de "
_BOOKED_TAILS = ("Pour le modifier ou l'annuler,", "Pour modifier ou annuler,", "Pour changer,")


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


def name_forms(name: str | None) -> list[str]:
    """How the text names the person, richest first: " de Léo Martin", " de Léo"; [""]
    when there is no name. One phone may book for several people (a parent and a child):
    each SMS says whose appointment it is."""
    words = " ".join((name or "").split())
    if not words:
        return [""]
    first = words.split()[0][:20]
    forms = [f" {of_name(words)}"] if len(words) <= 40 else []
    if f" {of_name(first)}" not in forms:
        forms.append(f" {of_name(first)}")
    return forms


def visit_forms(services: Sequence[str]) -> list[str]:
    """How the text names a visit, richest first: every service at its richest form, then
    each at its next shorter form (see `service_forms`), joined by " + "
    ("couleur racines + coupe et brushing femme, cheveux longs", then "couleur racines +
    coupe et brushing femme"). One service gives exactly its `service_forms`."""
    forms = [list(service_forms(s)) for s in services]
    forms = [f for f in forms if f]
    if not forms:
        return [""]
    out: list[str] = []
    for level in range(max(len(f) for f in forms)):
        joined = " + ".join(f[min(level, len(f) - 1)] for f in forms)
        if joined not in out:
            out.append(joined)
    return out


def _services(service: str | Sequence[str]) -> tuple[str, ...]:
    """One service name, or the names of every service of a visit in order."""
    names = (service,) if isinstance(service, str) else tuple(service)
    return tuple(n for n in names if n.strip()) or ("",)


def _with_stylist(visit: str, stylist: str | None) -> str:
    """`couleur + coupe femme avec Chloé` (the stylist's first name, when there is one)."""
    who = " ".join((stylist or "").split())
    if not who:
        return visit
    return f"{visit} avec {who}" if visit else f"avec {who}"


def _numeric_slot_words(start: datetime) -> str:
    """`jeu. 3/12 à 14h30`: the shortest date, for a text that has no room left."""
    return f"{WEEKDAYS_SHORT[start.weekday()]} {start.day}/{start.month} à {time_words(start)}"


DATE_FORMS: tuple[Callable[[datetime], str], ...] = (
    slot_words,
    short_slot_words,
    _numeric_slot_words,
)


def _shrink(pieces: list[str], fits: Callable[[list[str]], bool]) -> list[str] | None:
    """Shorten the visit's service names until `fits`: the longest loses its last word
    first (never its first word), then, every name down to one word, all are cut inside
    the word as a last resort. None when even one letter each does not fit."""
    current = list(pieces)
    while not fits(current):
        longest = max(
            (i for i, p in enumerate(current) if " " in p),
            key=lambda i: len(current[i]),
            default=None,
        )
        if longest is None:
            break
        current[longest] = _cut(current[longest], len(current[longest]) - 1)
    else:
        return current
    for room in range(max(len(p) for p in current), 0, -1):
        cut = [_cut(p, room) for p in current]
        if all(cut) and fits(cut):
            return cut
    return None


def _fit_visit(
    render: Callable[[Any], Render],
    services: tuple[str, ...],
    *,
    stylist: str | None,
    tails: Sequence[Any],
    late_tails: Sequence[Any],
    cut: bool,
    dates: Sequence[Callable[[datetime], str]] = DATE_FORMS,
) -> str | None:
    """The first rendering that fits one GSM-7 segment, richest first: richer service
    forms before a shorter ending (`render(tail)`), before a shorter date, before the
    `late_tails` (endings that say less, only when nothing else fits). With
    `cut`, the shortest form of each service cut at a word as a last resort (the longest
    first, each keeping its first word when it can; the stylist stays whole). `dates`:
    the date's three forms, richest first (`DATE_FORMS`), the last one the shortest."""
    long_dates, numeric = dates[:2], dates[2]
    attempts = [
        *((tail, when) for tail in tails for when in long_dates),
        *((tail, numeric) for tail in tails),  # « 3/12 » after every usual ending
        *((tail, when) for tail in late_tails for when in dates),
    ]
    for form in visit_forms(services):
        for tail, when in attempts:
            text = to_gsm7(render(tail)(_with_stylist(form, stylist), when))
            if fits_one_segment(text):
                return text
    if not cut:
        return None
    shortest = [to_gsm7(f[-1]) for f in (list(service_forms(s)) for s in services) if f]
    last, when = render([*tails, *late_tails][-1]), numeric

    def build(pieces: list[str]) -> str:
        return to_gsm7(last(_with_stylist(" + ".join(pieces), stylist), when))

    if not shortest:
        return None
    # Extension characters (€ [ ]…) count twice: fits_one_segment counts septets.
    pieces = _shrink(shortest, lambda p: fits_one_segment(build(p)))
    return None if pieces is None else build(pieces)


def _fit(
    render: Callable[[str, Any], Render],
    service: str | Sequence[str],
    name: str | None = None,
    *,
    stylist: str | None = None,
    tails: Sequence[Any] = ("",),
    late_tails: Sequence[Any] = (),
    cut: bool = True,
    dates: Sequence[Callable[[datetime], str]] = DATE_FORMS,
) -> str:
    """The richest text that fits one segment; `render(who, tail)` builds the text for one
    form of the person's name (see `name_forms`) and one wording of its ending (`tails`,
    richest first: what the builder may say shorter, such as its last sentence). The name is kept over service details; a shorter last
    sentence is tried before shorter service names, which say more to the caller.
    Without `cut`, raises `ValueError` rather than cut a service name."""
    services = _services(service)
    whos = name_forms(name)
    for who in whos:
        text = _fit_visit(
            partial(render, who),
            services,
            stylist=stylist,
            tails=tails,
            late_tails=late_tails,
            cut=False,
            dates=dates,
        )
        if text is not None:
            return text
    text = _fit_visit(
        partial(render, whos[-1]),
        services,
        stylist=stylist,
        tails=tails,
        late_tails=late_tails,
        cut=cut,
        dates=dates,
    )
    if text is None:
        raise ValueError("the salon name or phone is too long for a one-segment SMS")
    return text


def _local(profile: SalonProfile, moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("appointment times must be timezone-aware")
    return moment.astimezone(profile.timezone)


def booked_text(
    *,
    profile: SalonProfile,
    service: str | Sequence[str],
    start: datetime,
    name: str | None = None,
    stylist: str | None = None,
    price: str | None = None,
) -> str:
    """`Maison Margaux : RDV de Léo Martin confirmé le mardi 3 décembre à 14h30 pour coupe
    homme. …` (`RDV confirmé le …` without a name).

    `service` is one name or every service of the visit in order (« couleur racines +
    coupe femme »); `stylist` the stylist's first name (« avec Chloé »); `price` the
    visit's total in words (`salon.french.visit_price_words`: « 95 € », « à partir de
    134 € »), shown in brackets after the visit."""
    local, phone = _local(profile, start), display_phone(profile.phone)
    cost = f" ({price})" if price else ""
    endings = [(tail, cost) for tail in _BOOKED_TAILS]
    late: list[tuple[str, str]] = []
    if price and price.startswith(_FROM):  # « dès 107 € » only when nothing else fits
        late.append((_BOOKED_TAILS[-1], f" (dès {price.removeprefix(_FROM)})"))

    def render(who: str, ending: tuple[str, str]) -> Render:
        tail, priced = ending
        return lambda svc, when: (
            f"{profile.short_name} : RDV{who} confirmé le {when(local)}"
            + (f" pour {svc}" if svc else "")
            + f"{priced}. {tail} appelez le {phone}."
        )

    return _fit(render, service, name, stylist=stylist, tails=endings, late_tails=late)


def moved_text(
    *,
    profile: SalonProfile,
    service: str | Sequence[str],
    start: datetime,
    previous: datetime | None = None,
    name: str | None = None,
    stylist: str | None = None,
) -> str:
    """`Maison Margaux : le RDV de Léo Martin est déplacé au mardi 3 décembre à 14h30
    (coupe homme avec Yanis). …` (`votre RDV` without a name)."""
    local, phone = _local(profile, start), display_phone(profile.phone)
    before = _local(profile, previous) if previous else None

    def render(who: str, _tail: str) -> Render:
        def text(svc: str, when: Callable[[datetime], str]) -> str:
            moved = f"du {when(before)} est déplacé au" if before else "est déplacé au"
            return (
                f"{profile.short_name} : {'le' if who else 'votre'} RDV{who} {moved} "
                f"{when(local)}"
                + (f" ({svc})" if svc else "")
                + f". Pour le modifier, appelez le {phone}."
            )

        return text

    if before is None:
        return _fit(render, service, name, stylist=stylist)
    try:  # the old time only while every service keeps a name that is not cut
        return _fit(render, service, name, stylist=stylist, cut=False)
    except ValueError:
        return moved_text(profile=profile, service=service, start=start, name=name, stylist=stylist)


def cancelled_text(
    *,
    profile: SalonProfile,
    service: str | Sequence[str],
    start: datetime,
    name: str | None = None,
    stylist: str | None = None,
) -> str:
    """`Maison Margaux : le RDV de Léo Martin du mardi 3 décembre à 14h30 (coupe homme
    avec Yanis) est annulé. …` (`votre RDV` without a name)."""
    local, phone = _local(profile, start), display_phone(profile.phone)
    return _fit(
        lambda who, _tail: (
            lambda svc, when: (
                f"{profile.short_name} : {'le' if who else 'votre'} RDV{who} du {when(local)}"
                + (f" ({svc})" if svc else "")
                + f" est annulé. Pour en reprendre un, appelez le {phone}."
            )
        ),
        service,
        name,
        stylist=stylist,
    )


def not_cancelled_text(
    *,
    profile: SalonProfile,
    service: str | Sequence[str],
    start: datetime,
    name: str | None = None,
    stylist: str | None = None,
) -> str:
    """`Maison Margaux : le RDV de Léo Martin du mardi 3 décembre à 14h30 (coupe homme
    avec Yanis) n'est pas annulé par SMS. Pour l'annuler, appelez le …` (`votre RDV`
    without a name): the answer to « ANNULER » for a booking too far ahead to be
    cancelled by text."""
    local, phone = _local(profile, start), display_phone(profile.phone)
    return _fit(
        lambda who, _tail: (
            lambda svc, when: (
                f"{profile.short_name} : {'le' if who else 'votre'} RDV{who} du {when(local)}"
                + (f" ({svc})" if svc else "")
                + f" n'est pas annulé par SMS. Pour l'annuler, appelez le {phone}."
            )
        ),
        service,
        name,
        stylist=stylist,
    )


def visit_names(service: str | Sequence[str], stylist: str | None = None) -> str:
    """The visit as the WhatsApp template's {{2}}: `Couleur racines + Coupe femme avec
    Chloé` (the services' own names in order, then the stylist's first name)."""
    return _with_stylist(" + ".join(" ".join(n.split()) for n in _services(service)), stylist)


def template_vars(
    *,
    profile: SalonProfile,
    service: str | Sequence[str],
    start: datetime,
    event: str,
    stylist: str | None = None,
) -> dict[str, str]:
    """The variables of the WhatsApp content template (`TWILIO_WHATSAPP_CONTENT_SID`),
    which carries a message outside the 24-hour window: {{1}} the salon, {{2}} the
    visit (`visit_names`: its services, and its stylist when there is one), {{3}} the
    day and time, {{4}} the salon's phone, {{5}} the event (booked, moved, cancelled,
    reminder, offer)."""
    return {
        "1": profile.short_name,
        "2": visit_names(service, stylist),
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


def _prefixed(prefix: str, form: Callable[[datetime], str]) -> Callable[[datetime], str]:
    return lambda moment: prefix + form(moment)


def _today_words(start: datetime) -> str:
    return f"aujourd'hui à {time_words(start)}"


def relative_date_forms(
    start: datetime, sent: datetime | None
) -> tuple[Callable[[datetime], str], ...]:
    """The forms of the appointment's day for a text sent at `sent` (both in the salon's
    zone), richest first: « aujourd'hui à 20h » the same day (a reminder or a reply is
    never retried past the appointment, so it cannot reach the client a day late); else
    « le jeudi 10 décembre à 14h30 », never « demain »: a text queued at 19h55 and retried
    after a night of outage or quiet hours would say « demain » on the day itself."""
    days = None if sent is None else (start.date() - sent.date()).days
    if days == 0:
        return (_today_words,) * 3
    return tuple(_prefixed("le ", form) for form in DATE_FORMS)


def reminder_text(
    *,
    profile: SalonProfile,
    service: str | Sequence[str],
    start: datetime,
    name: str | None = None,
    replies: bool,
    stylist: str | None = None,
    sent: datetime | None = None,
) -> str:
    """`Maison Margaux : rappel du RDV de Léo Martin le mardi 8 décembre à 14h30 (coupe
    homme avec Yanis). Répondez ANNULER pour annuler.` (`rappel de votre RDV` without a
    name; `Pour annuler, appelez le …` when the sender cannot receive replies).

    `sent`, when the reminder goes out: the same day it says « aujourd'hui à 20h »
    (`relative_date_forms`); otherwise, and without it, the date."""
    local = _local(profile, start)
    when_sent = _local(profile, sent) if sent is not None else None
    tail = _how_to_cancel(profile, replies=replies)
    return _fit(
        lambda who, _tail: (
            lambda svc, when: (
                f"{profile.short_name} : rappel {'du' if who else 'de votre'} RDV{who} "
                f"{when(local)}" + (f" ({svc})" if svc else "") + f". {tail}"
            )
        ),
        service,
        name,
        stylist=stylist,
        dates=relative_date_forms(local, when_sent),
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
        lambda _who, _tail: (
            lambda svc, when: (
                f"{profile.short_name} : un créneau s'est libéré le {when(local)}"
                + (f" pour {svc}" if svc else "")
                + f". {tail}"
            )
        ),
        service,
    )


def thanks_text(
    *,
    profile: SalonProfile,
    service: str | Sequence[str],
    start: datetime,
    name: str | None = None,
    stylist: str | None = None,
    sent: datetime | None = None,
) -> str:
    """`Maison Margaux : merci ! Nous attendons Léo Martin le mardi 8 décembre à 14h30
    (coupe homme avec Yanis).` (`Nous vous attendons` without a name; « aujourd'hui à
    20h » the same day, as the reminder says it, from `sent`): the answer to « OUI » when
    no waitlist offer waits and the number has a booking — nothing is asked of the client.
    (« à bientôt » cannot be written: ô is not in GSM-7.)"""
    local = _local(profile, start)
    when_sent = _local(profile, sent) if sent is not None else None

    def whom(who: str) -> str:  # « de Léo » / « d'Alice » -> « Léo » / « Alice »
        bare = who.strip().removeprefix("de ").removeprefix("d'")
        return f"attendons {bare}" if bare else "vous attendons"

    return _fit(
        lambda who, _tail: (
            lambda svc, when: (
                f"{profile.short_name} : merci ! Nous {whom(who)} {when(local)}"
                + (f" ({svc})" if svc else "")
                + "."
            )
        ),
        service,
        name,
        stylist=stylist,
        dates=relative_date_forms(local, when_sent),
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
