"""Weekly hours and dated closures stated by documents, compared with `salon.toml`.

- Weekly hours: a day the document says is closed while the profile opens it (or the
  reverse), or other opening/closing times. A document giving only a closing time
  ("le jeudi jusqu'à 20h30") is compared on that time only.
- Closures: a date the document says the salon is closed, on which the profile opens
  (not an exceptional closure, not a weekly closed day, not a public holiday when the
  salon closes on them); or a profile closure the document shortens with a range of its
  own ("fermé du 9 au 16 août" when the profile says 9 to 23). Dates without a year take the year of the
  profile closure they overlap; dates listed in one sentence are read as one run
  ("le 25 et le 26 décembre").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, time, timedelta
from functools import lru_cache

from ingest.model import ClosureFact, DayOfYear, HoursFact
from salon.french import MONTHS_FR, time_words
from salon.profile import WEEKDAYS, WEEKDAYS_FR, Closure, SalonProfile

Finding = tuple[str, str, str]  # fact, profile value, document value


def _span_words(opens: time | None, closes: time | None) -> str:
    if opens is None and closes is not None:
        return f"jusqu'à {time_words(closes)}"
    if closes is None and opens is not None:
        return f"dès {time_words(opens)}"
    assert opens is not None and closes is not None
    return f"{time_words(opens)}–{time_words(closes)}"


def _hours_words(intervals: tuple[tuple[time | None, time | None], ...]) -> str:
    return " et ".join(_span_words(a, b) for a, b in intervals) if intervals else "fermé"


def hours_finding(profile: SalonProfile, fact: HoursFact) -> Finding | None:
    """The disagreement between the profile's weekly hours and this statement, if any."""
    expected = profile.hours[WEEKDAYS[fact.weekday]]
    said: tuple[tuple[time | None, time | None], ...] = () if fact.closed else fact.intervals
    if fact.closed:
        agrees = not expected
    elif not expected:
        agrees = False
    elif all(a is not None and b is not None for a, b in said):
        agrees = tuple(said) == tuple(expected)
    else:  # only an opening or only a closing time: compare what is said
        first, last = said[0], said[-1]
        agrees = (first[0] is None or first[0] == expected[0][0]) and (
            last[1] is None or last[1] == expected[-1][1]
        )
    if agrees:
        return None
    return (
        f"horaires du {WEEKDAYS_FR[fact.weekday]}",
        _hours_words(tuple(expected)),
        _hours_words(said),
    )


@lru_cache(maxsize=64)
def _holidays(year: int, subdivision: str | None) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("FR", subdiv=subdivision, years=year))


def _closed_by_profile(profile: SalonProfile, day: date) -> bool:
    if profile.closure_on(day) is not None or not profile.hours[WEEKDAYS[day.weekday()]]:
        return True
    return profile.closed_on_public_holidays and day in _holidays(
        day.year, profile.holidays_subdivision
    )


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _overlapping(profile: SalonProfile, month: int, day: int) -> Closure | None:
    for closure in profile.closures:
        for when in _days(closure.start, closure.end):
            if (when.month, when.day) == (month, day):
                return closure
    return None


def _dated(profile: SalonProfile, ref: DayOfYear, hint: int | None) -> date | None:
    """A document's day as a date: its own year, the year of the profile closure on the
    same day and month, or the year the rest of its sentence gives."""
    year = ref.year
    if year is None:
        closure = _overlapping(profile, ref.month, ref.day)
        year = closure.start.year if closure is not None else hint
        if closure is not None and closure.end.year != closure.start.year and ref.month == 1:
            year = closure.end.year
    if year is None:
        return None
    try:
        return date(year, ref.month, ref.day)
    except ValueError:
        return None


def _runs(days: list[date]) -> list[tuple[date, date]]:
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] <= timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _span_text(first: date, last: date, *, year: bool = True) -> str:
    def words(day: date, with_month: bool = True) -> str:
        number = "1er" if day.day == 1 else str(day.day)
        return f"{number} {MONTHS_FR[day.month - 1]}" if with_month else number

    tail = f" {last.year}" if year else ""
    if first == last:
        return f"le {words(first)}{tail}"
    same_month = (first.year, first.month) == (last.year, last.month)
    return f"du {words(first, not same_month)} au {words(last)}{tail}"


def closure_findings(
    profile: SalonProfile, facts: list[ClosureFact]
) -> list[tuple[ClosureFact, Finding]]:
    """Closures one sentence states that the profile does not have, or shortens."""
    by_sentence: dict[tuple[str, int | None, str], list[ClosureFact]] = defaultdict(list)
    for fact in facts:
        by_sentence[(fact.where.source, fact.where.page, fact.where.text)].append(fact)
    found: list[tuple[ClosureFact, Finding]] = []
    for sentence in by_sentence.values():
        hint = next((f.end.year or f.start.year for f in sentence if f.end.year), None)
        days: list[date] = []
        undated: list[DayOfYear] = []
        for fact in sentence:
            first, last = _dated(profile, fact.start, hint), _dated(profile, fact.end, hint)
            if first is None or last is None or last < first or (last - first).days > 366:
                undated.append(fact.start)
                continue
            days += list(_days(first, last))
        for first, last in _runs(days):
            finding = _run_finding(profile, first, last, written_year=hint is not None)
            if finding is not None:
                found.append((sentence[0], finding))
        for ref in undated:  # no year anywhere: only a fixed-date holiday can excuse it
            if _overlapping(profile, ref.month, ref.day) is None and not any(
                (h.month, h.day) == (ref.month, ref.day)
                for h in _holidays(2027, profile.holidays_subdivision)
            ):
                text = f"le {ref.day} {MONTHS_FR[ref.month - 1]}"
                found.append((sentence[0], ("fermeture exceptionnelle", "ouvert", f"fermé {text}")))
    return found


def _run_finding(
    profile: SalonProfile, first: date, last: date, *, written_year: bool
) -> Finding | None:
    said = f"fermé {_span_text(first, last, year=written_year)}"
    open_days = [d for d in _days(first, last) if not _closed_by_profile(profile, d)]
    overlapping = [c for c in profile.closures if c.start <= last and c.end >= first]
    if open_days:
        profile_value = (
            "; ".join(f"fermé {_span_text(c.start, c.end)}" for c in overlapping)
            if overlapping
            else f"ouvert {_span_text(open_days[0], open_days[-1])}"
        )
        return ("fermeture exceptionnelle", profile_value, said)
    if first == last:
        return None  # "fermé le 25 décembre" does not say the 26th is open
    for closure in overlapping:
        missing = [
            d
            for d in _days(closure.start, closure.end)
            if not (first <= d <= last)
            and profile.hours[WEEKDAYS[d.weekday()]]
            and d not in _holidays(d.year, profile.holidays_subdivision)
        ]
        if missing:
            return (
                "fermeture exceptionnelle",
                f"fermé {_span_text(closure.start, closure.end)}",
                said,
            )
    return None
