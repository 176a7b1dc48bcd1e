"""What the day a caller asks for means: « samedi », « demain », « le 12 », « jeudi 17 »,
« 17 décembre », `2026-12-17`, turned into a date on or after today.

The model passes the caller's words (or a date it worked out) to the booking tools.
A weekday named on that very day means today while the salon can still take someone;
once today is over for bookings (« samedi » on Saturday evening, « lundi » on a Monday
it is closed) it means the same day next week, as a caller means it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from salon.french import MONTHS_FR
from salon.profile import WEEKDAYS_FR

_DAY_OFFSETS = {"aujourd'hui": 0, "aujourd hui": 0, "demain": 1, "après-demain": 2}
_NUMERIC_DAY = re.compile(r"^(\d{1,2})(?:[/.-](\d{1,2}))?(?:[/.-](\d{2,4}))?$")
_LEADING = ("le ", "ce ", "cette ", "pour ", "pour le ", "pour ce ")


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


_MONTHS = {_fold(m): i for i, m in enumerate(MONTHS_FR, start=1)}
_DAY_AND_MONTH = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS) + r")\b(?:\s+(\d{4}))?")
_DAY_NUMBER = re.compile(r"\b(\d{1,2})(?:er)?\b")


def _strip(text: str) -> str:
    raw = text.strip().lower()
    for prefix in sorted(_LEADING, key=len, reverse=True):
        if raw.startswith(prefix):
            return raw.removeprefix(prefix).strip()
    return raw


def named_weekday(text: str | None) -> int | None:
    """The weekday (0 = lundi) the words start with, else None."""
    if not text:
        return None
    raw = _strip(text)
    for i, name in enumerate(WEEKDAYS_FR):
        if raw.startswith(name):
            return i
    return None


def _next_with_day_number(number: int, today: date, weekday: int | None) -> date | None:
    """« le 12 », « jeudi 17 »: the next date with that day of the month (this month or
    a later one), on the weekday named when there is one."""
    year, month = today.year, today.month
    fallback: date | None = None
    for _ in range(14):
        try:
            found = date(year, month, number)
        except ValueError:
            found = None
        if found is not None and found >= today:
            if weekday is None or found.weekday() == weekday:
                return found
            fallback = fallback or found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return fallback


def parse_day(text: str | None, today: date) -> date | None:
    """`2026-12-05`, `samedi`, `demain`, `le 12`, `12/12`, `jeudi 17`, `17 décembre` → a
    date on or after today (None when the words name no day)."""
    if not text:
        return None
    raw = _strip(text)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    if raw in _DAY_OFFSETS:
        return today + timedelta(days=_DAY_OFFSETS[raw])
    folded = _fold(raw)
    named = _DAY_AND_MONTH.search(folded)
    if named:
        number, month = int(named.group(1)), _MONTHS[named.group(2)]
        year = int(named.group(3) or today.year)
        try:
            found = date(year, month, number)
            if found < today and not named.group(3):
                found = date(year + 1, month, number)
        except ValueError:
            return None
        return found
    weekday = named_weekday(raw)
    if weekday is not None:
        number_said = _DAY_NUMBER.search(raw)
        if number_said:  # « jeudi 17 »: the 17th, a Thursday
            return _next_with_day_number(int(number_said.group(1)), today, weekday)
        ahead = (weekday - today.weekday()) % 7
        if "prochain" in raw and ahead == 0:
            ahead = 7
        return today + timedelta(days=ahead)
    match = _NUMERIC_DAY.match(raw.split(" ")[0])
    if match:
        day = int(match.group(1))
        if not match.group(2):
            return _next_with_day_number(day, today, None) if 1 <= day <= 31 else None
        month = int(match.group(2))
        year = int(match.group(3) or today.year)
        year = year + 2000 if year < 100 else year
        try:
            found = date(year, month, day)
            if found < today and not match.group(3):  # "12/01" said in December: next year
                found = date(year + 1, month, day)
        except ValueError:
            return None
        return found
    return None


def day_asked(text: str | None, now: datetime, *, today_is_over: bool) -> date | None:
    """`parse_day`, except that a weekday named on that very day means next week's once
    today is over for bookings (`today_is_over`: nothing can start any more today)."""
    wanted = parse_day(text, now.date())
    if (
        wanted == now.date()
        and today_is_over
        and named_weekday(text) == now.weekday()
        and _DAY_NUMBER.search(_strip(text or "")) is None
    ):
        return wanted + timedelta(days=7)
    return wanted
