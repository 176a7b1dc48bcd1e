"""The human fallback: what a caller hears when the agent cannot take the call.

While the salon is open, with a `transfer_number` in `salon.toml`: a short French message,
then a `<Dial>` to that human, whose `action` (`/transfer-done`) hangs up after a
conversation or says that nobody is available when nobody answered. Without one: a spoken
message with the salon's opening hours, and its phone number unless that is the number the
caller just dialled. While the salon is closed (closures, special hours and public holidays
included, in the salon's time zone), nobody is rung: the caller hears that the salon is
closed and when it reopens. « Bonsoir » from 18h, as in the agent's greeting. Without a
readable profile at all: a generic apology (the webhook still never answers Twilio with an
error).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from booking.hours import is_open, reopening_words
from salon.french import salutation, spans_words
from salon.phone import display as display_phone
from salon.phone import region_of, to_e164
from salon.profile import WEEKDAYS, WEEKDAYS_FR, Interval, SalonProfile
from webhook import twiml

logger = logging.getLogger("webhook")

GENERIC_SORRY = (
    "Bonjour. Nous ne pouvons pas prendre votre appel pour le moment. "
    "Merci de rappeler un peu plus tard. Au revoir."
)
TRANSFER_INTRO = "Je vous mets en relation avec un membre de l'équipe. Un instant, s'il vous plaît."
NOBODY_ANSWERED = (
    "Personne n'est disponible pour le moment. Merci de rappeler un peu plus tard. Au revoir."
)
CLOSED_NOW = "Le salon est fermé pour le moment."
# DialCallStatus of a <Dial> that reached nobody; `completed` (and `answered`, for a
# conference) mean the caller talked to the salon.
DIAL_NOT_REACHED = frozenset({"busy", "no-answer", "failed", "canceled"})
Pair = tuple[str, str]


def hours_sentence(profile: SalonProfile) -> str:
    """`Le salon est ouvert du mardi au vendredi de 9 heures 30 à 19 heures, et le samedi…`."""
    runs: list[tuple[int, int, tuple[Interval, ...]]] = []
    for index, day in enumerate(WEEKDAYS):
        hours = profile.hours.get(day, ())
        if not hours:
            continue
        if runs and runs[-1][1] == index - 1 and runs[-1][2] == hours:
            runs[-1] = (runs[-1][0], index, hours)
        else:
            runs.append((index, index, hours))
    if not runs:
        return ""
    pieces = []
    for first, last, hours in runs:
        if first == last:
            days = f"le {WEEKDAYS_FR[first]}"
        elif last == first + 1:
            days = f"le {WEEKDAYS_FR[first]} et le {WEEKDAYS_FR[last]}"
        else:
            days = f"du {WEEKDAYS_FR[first]} au {WEEKDAYS_FR[last]}"
        pieces.append(f"{days} {spans_words(hours, spoken=True)}")
    listed = pieces[0] if len(pieces) == 1 else ", ".join(pieces[:-1]) + ", et " + pieces[-1]
    return f"Le salon est ouvert {listed}."


def _hello(profile: SalonProfile, now: datetime) -> str:
    """« Bonjour, vous êtes bien chez … », « Bonsoir » at the hours the agent says it."""
    return salutation(
        f"Bonjour, vous êtes bien chez {profile.name}.", now.astimezone(profile.timezone)
    )


def _closed_words(profile: SalonProfile, now: datetime) -> str:
    """« Le salon est fermé pour le moment. Nous rouvrons demain à 9 heures 30. Merci de
    nous rappeler à ce moment-là. Au revoir. »"""
    reopening = reopening_words(profile, now)
    if reopening is None:  # nothing within two months: no day to name
        return f"{CLOSED_NOW} Merci de rappeler un peu plus tard. Au revoir."
    return f"{CLOSED_NOW} {reopening} Merci de nous rappeler à ce moment-là. Au revoir."


def dialled_the_salon_phone(profile: SalonProfile, called: str | None) -> bool:
    """The caller dialled the very number `salon.toml` gives as the salon's `phone` (so
    reading it back to them is no help); False when the dialled number is unknown."""
    region = region_of(profile.holidays_subdivision)
    said = to_e164(profile.phone, region=region)
    return said is not None and said == to_e164(called, region=region)


def fallback_twiml(
    profile: SalonProfile | None,
    *,
    now: datetime | None = None,
    called: str | None = None,
    action_url: str | None = None,
) -> str:
    """The TwiML for a call the agent cannot take (LiveKit down, slow or misconfigured).

    Args:
        now: the moment of the call (the current time when None).
        called: the number the caller dialled (Twilio's `To`), when known.
        action_url: the transfer `<Dial>`'s action (`/transfer-done`); without one the
            closing sentence follows the `<Dial>` (heard after any end of the call).
    """
    if profile is None:
        return twiml.message_only(text=GENERIC_SORRY)
    moment = now or datetime.now(UTC)
    hello = _hello(profile, moment)
    if not is_open(profile, moment):
        return twiml.message_only(text=f"{hello} {_closed_words(profile, moment)}")
    if profile.transfer_number:
        return twiml.dial_human(
            intro=f"{hello} Notre assistante n'est pas disponible pour le moment. "
            + TRANSFER_INTRO,
            number=profile.transfer_number,
            after=NOBODY_ANSWERED,
            action_url=action_url,
        )
    parts = [hello, "Nous ne pouvons pas prendre votre appel pour le moment."]
    hours = hours_sentence(profile)
    if hours:
        parts.append(hours)
    if profile.phone and not dialled_the_salon_phone(profile, called):
        parts.append(f"Vous pouvez nous rappeler au {display_phone(profile.phone)}.")
    else:
        parts.append("Vous pouvez nous rappeler un peu plus tard.")
    parts.append("Merci de votre appel, et à bientôt.")
    return twiml.message_only(text=" ".join(parts))


def transfer_twiml(
    profile: SalonProfile | None,
    *,
    now: datetime | None = None,
    called: str | None = None,
    action_url: str | None = None,
) -> str:
    """After the agent asked for a human: dial the transfer number while the salon is open
    (say it is closed and when it reopens otherwise; without a number, how to call)."""
    if profile is None or not profile.transfer_number:
        return fallback_twiml(profile, now=now, called=called, action_url=action_url)
    moment = now or datetime.now(UTC)
    if not is_open(profile, moment):
        return twiml.message_only(text=_closed_words(profile, moment))
    return twiml.dial_human(
        intro=TRANSFER_INTRO,
        number=profile.transfer_number,
        after=NOBODY_ANSWERED,
        action_url=action_url,
    )


def transfer_done_twiml(profile: SalonProfile | None, dial_status: str) -> str:
    """The answer to the transfer `<Dial>`'s action: when nobody was reached (`busy`,
    `no-answer`, `failed`, `canceled`), say so with the opening hours; otherwise (the caller
    talked to the salon: `completed`, or `answered` for a conference) hang up."""
    if dial_status not in DIAL_NOT_REACHED:
        return twiml.hangup()
    parts = ["Personne n'est disponible pour le moment."]
    hours = hours_sentence(profile) if profile is not None else ""
    if hours:
        parts.append(hours)
    parts.append("Merci de rappeler un peu plus tard. Au revoir.")
    return twiml.message_only(text=" ".join(parts))


class FallbackAnswers:
    """The fallback and transfer answers of one version of the profile, rendered once a
    minute for each dialled number and action URL: a burst of calls while LiveKit is down
    costs one rendering, not one per call."""

    def __init__(self, profile: SalonProfile | None) -> None:
        self.profile = profile
        # (minute, its answers), replaced as one: a rendering that began in the minute
        # before lands in that minute's dict, never in the next one's
        self._cache: tuple[datetime | None, dict[tuple[str | None, str | None], Pair]] = (
            None,
            {},
        )

    def at(self, now: datetime, *, called: str | None, action_url: str | None) -> Pair:
        """(fallback, transfer) TwiML at `now` for a call to `called`."""
        minute = now.replace(second=0, microsecond=0)
        cached_minute, rendered = self._cache
        if cached_minute != minute:
            rendered = {}
            self._cache = (minute, rendered)
        key = (called, action_url)
        found = rendered.get(key)
        if found is None:
            found = (
                fallback_twiml(self.profile, now=now, called=called, action_url=action_url),
                transfer_twiml(self.profile, now=now, called=called, action_url=action_url),
            )
            rendered[key] = found
        return found
