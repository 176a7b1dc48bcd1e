"""The human fallback: what a caller hears when the agent cannot take the call.

With a `transfer_number` in `salon.toml`: a short French message, then a `<Dial>` to that
human. Without one: a spoken message with the salon's phone number and opening hours.
Without a readable profile at all: a generic apology (the webhook still never answers
Twilio with an error).
"""

from __future__ import annotations

import logging

from salon.french import spans_words
from salon.phone import display as display_phone
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


def fallback_twiml(profile: SalonProfile | None) -> str:
    """The TwiML for a call the agent cannot take (LiveKit down, slow or misconfigured)."""
    if profile is None:
        return twiml.message_only(text=GENERIC_SORRY)
    hello = f"Bonjour, vous êtes bien chez {profile.name}."
    if profile.transfer_number:
        return twiml.dial_human(
            intro=f"{hello} Notre assistante n'est pas disponible pour le moment. "
            + TRANSFER_INTRO,
            number=profile.transfer_number,
            after=NOBODY_ANSWERED,
        )
    parts = [hello, "Nous ne pouvons pas prendre votre appel pour le moment."]
    hours = hours_sentence(profile)
    if hours:
        parts.append(hours)
    if profile.phone:
        parts.append(f"Vous pouvez nous rappeler au {display_phone(profile.phone)}.")
    parts.append("Merci de votre appel, et à bientôt.")
    return twiml.message_only(text=" ".join(parts))


def transfer_twiml(profile: SalonProfile | None) -> str:
    """After the agent asked for a human: dial the transfer number (or say how to call)."""
    if profile is None or not profile.transfer_number:
        return fallback_twiml(profile)
    return twiml.dial_human(
        intro=TRANSFER_INTRO, number=profile.transfer_number, after=NOBODY_ANSWERED
    )
