"""French wording of dates, times and prices, shared by SMS texts, slot lists and speech.

Written forms (for SMS and text): "mardi 3 décembre", "14h30", "9h", "54 €", "12,50 €".
Spoken forms live in `speech.normalise`, which expands these for text-to-speech.
"""

from __future__ import annotations

from datetime import date, datetime, time

from salon.profile import WEEKDAYS_FR

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def day_words(day: date, *, with_weekday: bool = True) -> str:
    """`mardi 3 décembre`, `lundi 1er juin` (French writes "1er" for the first)."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS_FR[day.month - 1]}"
    return f"{WEEKDAYS_FR[day.weekday()]} {text}" if with_weekday else text


def time_words(moment: time | datetime) -> str:
    """`14h30`, `9h`, `12h05`."""
    return f"{moment.hour}h" if moment.minute == 0 else f"{moment.hour}h{moment.minute:02d}"


def slot_words(start: datetime) -> str:
    """`mardi 3 décembre à 14h30` (the datetime must already be in the salon's zone)."""
    return f"{day_words(start.date())} à {time_words(start)}"


def price_words(euros: float, *, from_price: bool = False) -> str:
    """`54 €`, `12,50 €`, `à partir de 79 €`, `gratuit`."""
    if euros == 0:
        return "gratuit"
    text = (
        f"{int(euros)} €" if float(euros).is_integer() else f"{euros:.2f}".replace(".", ",") + " €"
    )
    return f"à partir de {text}" if from_price else text


def duration_words(minutes: int) -> str:
    """`45 minutes`, `1 heure`, `1 heure 30`, `2 heures`."""
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} minutes"
    unit = "heure" if hours == 1 else "heures"
    return f"{hours} {unit}" if rest == 0 else f"{hours} {unit} {rest:02d}"
