"""French number words for speech: cardinals with gender, ordinals, clock times, euros, pairs.

Everything returns words (never digits): ElevenLabs flash v2.5 does no normalisation, and
a digit read in the wrong language or as a year is worse than a slightly formal phrasing.
"""

from __future__ import annotations

import re

from num2words import num2words

from salon.french import MONTHS_FR

MONTHS = MONTHS_FR

_DIGITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")
_FINAL_UN = re.compile(r"(^|[\s-])un$")


def cardinal(number: int, *, feminine: bool = False) -> str:
    """`54` → "cinquante-quatre"; with `feminine`, `21` → "vingt et une" (une heure)."""
    words = str(num2words(number, lang="fr"))
    if feminine:
        words = _FINAL_UN.sub(r"\1une", words)
    return words


def digits(text: str) -> str:
    """`"007"` → "zéro zéro sept": one word per digit, for codes and leading zeros."""
    return " ".join(_DIGITS[int(d)] for d in text if d.isdigit())


def number(text: str, *, feminine: bool = False) -> str:
    """A written integer (may carry thousands spaces or leading zeros) as words."""
    raw = re.sub(r"\D", "", text)
    if not raw:
        return text
    if len(raw) > 1 and raw.startswith("0"):
        return digits(raw)
    return cardinal(int(raw), feminine=feminine)


def decimal(integer: str, fraction: str) -> str:
    """`12,5` → "douze virgule cinq"; `0,05` → "zéro virgule zéro cinq"."""
    whole = number(integer)
    if fraction.startswith("0"):
        return f"{whole} virgule {digits(fraction)}"
    return f"{whole} virgule {cardinal(int(fraction))}"


def ordinal(value: int, *, feminine: bool = False) -> str:
    """`1` → "premier"/"première", `2` → "deuxième", `21` → "vingt et unième"."""
    if value == 1:
        return "première" if feminine else "premier"
    return str(num2words(value, lang="fr", to="ordinal"))


def pair(two_digits: str) -> str:
    """One pair of a phone number: `06` → "zéro six", `00` → "zéro zéro", `12` → "douze"."""
    if two_digits.startswith("0"):
        return digits(two_digits)
    return cardinal(int(two_digits))


def phone(national: str) -> str:
    """A 10-digit French number read in pairs, separated by commas (short pauses)."""
    pairs = [national[i : i + 2] for i in range(0, len(national), 2)]
    return ", ".join(pair(p) if len(p) == 2 else digits(p) for p in pairs)


def clock(hour: int, minute: int = 0, *, as_duration: bool = False) -> str:
    """`14, 30` → "quatorze heures trente"; `12` → "midi"; `1` → "une heure".

    `as_duration` keeps "douze heures" and "zéro heure" instead of "midi" and "minuit".
    """
    if not as_duration and hour == 12:
        head = "midi"
    elif not as_duration and hour == 0:
        head = "minuit"
    else:
        unit = "heure" if hour in (0, 1) else "heures"
        head = f"{cardinal(hour, feminine=True)} {unit}"
    if minute == 0:
        return head
    return f"{head} {cardinal(minute, feminine=True)}"


def minutes(count: int) -> str:
    """`45` → "quarante-cinq minutes", `1` → "une minute"."""
    return f"{cardinal(count, feminine=True)} {'minute' if count == 1 else 'minutes'}"


def euros(integer: str, cents: str | None = None) -> str:
    """`"12", "50"` → "douze euros cinquante"; `"1"` → "un euro"; `"0", "50"` → "cinquante
    centimes"; `"1 000 000"` → "un million d'euros"."""
    whole = int(re.sub(r"\D", "", integer) or "0")
    cent_value = int((cents or "0").ljust(2, "0")[:2])
    if whole == 0 and cent_value:
        return f"{cardinal(cent_value)} {'centime' if cent_value == 1 else 'centimes'}"
    words = cardinal(whole)
    if words.endswith(("million", "millions", "milliard", "milliards")):
        text = f"{words} d'euros"
    else:
        text = f"{words} {'euro' if whole <= 1 else 'euros'}"
    return f"{text} {cardinal(cent_value)}" if cent_value else text


def month(value: int) -> str:
    return MONTHS[value - 1]


def year(value: int) -> str:
    """`2026` → "deux mille vingt-six"."""
    return cardinal(value)
