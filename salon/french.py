"""French wording of dates, times and prices, shared by SMS texts, slot lists and speech.

Written forms (for SMS and text): "mardi 3 décembre", "mar. 3 déc.", "14h30", "9h",
"de 9h30 à 19h", "54 €", "12,50 €", "à partir de 134 €" (a visit's total), "1 heure 30"
or "1 h 30", "2,5" (any number, with the decimal comma). Clock times said aloud where no
speech normalisation runs after (Twilio's <Say>, greetings): "9 heures 30", "midi".
Reading any text aloud (numbers as words) is `speech.normalise`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from salon.profile import WEEKDAYS_FR, Interval, Service

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


WEEKDAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
MONTHS_SHORT = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
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


def short_slot_words(start: datetime) -> str:
    """`mar. 3 déc. à 14h30` (the datetime must already be in the salon's zone)."""
    day = "1er" if start.day == 1 else str(start.day)
    weekday, month = WEEKDAYS_SHORT[start.weekday()], MONTHS_SHORT[start.month - 1]
    return f"{weekday} {day} {month} à {time_words(start)}"


def spoken_time(moment: time | datetime) -> str:
    """`9 heures 30`, `19 heures`, `1 heure 5`, `midi`, `midi 15`, `minuit`: a clock time
    as said aloud, read well by any French voice (minutes are never zero-padded, which a
    voice would read "zéro cinq")."""
    if moment.hour == 12:
        words = "midi"
    elif moment.hour == 0:
        words = "minuit"
    else:
        words = f"{moment.hour} heure" if moment.hour == 1 else f"{moment.hour} heures"
    return words if moment.minute == 0 else f"{words} {moment.minute}"


def spans_words(intervals: tuple[Interval, ...], *, spoken: bool = False) -> str:
    """`de 9h30 à 12h et de 14h à 19h`; spoken: `de 9 heures 30 à midi et de 14 heures à
    19 heures`."""
    said = spoken_time if spoken else time_words
    return " et ".join(f"de {said(a)} à {said(b)}" for a, b in intervals)


def agree(n: int, singular: str, plural: str | None = None) -> str:
    """The word agreeing with `n`: French takes the singular below 2 (« 0 message »,
    « 1 appel marqué », « 2 appels marqués »)."""
    return singular if n < 2 else (plural or singular + "s")


def count_fr(n: int, singular: str, plural: str | None = None) -> str:
    """`0 passage`, `1 passage`, `2 passages`: a count and its word, never « passage(s) »."""
    return f"{n} {agree(n, singular, plural)}"


def decimal_words(value: float, *, digits: int | None = None) -> str:
    """`2,5`, `30`, `0,05`: a number with the French decimal comma, as few decimals as
    needed; `digits` fixes them (`2,50`, `3,0`). For seconds, euros, sizes the owner reads."""
    text = f"{value:g}" if digits is None else f"{value:.{digits}f}"
    return text.replace(".", ",")


def price_words(euros: float, *, from_price: bool = False) -> str:
    """`54 €`, `12,50 €`, `à partir de 79 €`, `gratuit`."""
    if euros == 0:
        return "gratuit"
    text = f"{int(euros)} €" if float(euros).is_integer() else decimal_words(euros, digits=2) + " €"
    return f"à partir de {text}" if from_price else text


def duration_words(minutes: int, *, short: bool = False) -> str:
    """`45 minutes`, `1 heure`, `1 heure 30`, `2 heures`; short: `45 min`, `1 h`, `1 h 30`
    (as price lists write them)."""
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} min" if short else f"{rest} minutes"
    unit = "h" if short else "heure" if hours == 1 else "heures"
    return f"{hours} {unit}" if rest == 0 else f"{hours} {unit} {rest:02d}"


def visit_price_words(services: Sequence[Service]) -> str | None:
    """The total price of a visit: `95 €`, `à partir de 134 €` when any of its services
    is priced « à partir de »; None when the visit costs nothing (a free service adds
    nothing, and a free visit says nothing about price)."""
    total = round(sum(s.price for s in services), 2)
    if total <= 0:
        return None
    return price_words(total, from_price=any(s.price_from for s in services))


_VOWELS = "aeiouàâäéèêëîïôöùûü"


def of_name(name: str) -> str:
    """`de Léo Martin`, `d'Alice Dupont`, `d'Hugo`, `d'Yves` but `de Yanis` (French elides
    "de" before a vowel or an h; a y before a vowel is a consonant)."""
    first, second = name[:1].lower(), name[1:2].lower()
    elides = first in _VOWELS + "h" or (first == "y" and second not in _VOWELS)
    return f"d'{name}" if elides else f"de {name}"


EVENING_FROM = time(18, 0)
NIGHT_UNTIL = time(5, 0)


def salutation(text: str, moment: datetime) -> str:
    """`text` starting « Bonsoir » from 18h until 5h (`moment` local), else « Bonjour »:
    the agent's greeting and the webhook's fallback say the same."""
    local = moment.time()
    evening = local >= EVENING_FROM or local < NIGHT_UNTIL
    if evening and text.startswith("Bonjour"):
        return "Bonsoir" + text[len("Bonjour") :]
    if not evening and text.startswith("Bonsoir"):
        return "Bonjour" + text[len("Bonsoir") :]
    return text
