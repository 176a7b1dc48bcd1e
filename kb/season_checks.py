"""Hours a document gives for a season or some months only, compared with `salon.toml`.

Salons publish another season's hours beside the current ones (a table's « Été
(mai-septembre) » column, « En été (juillet-août), nous fermons à 13 h le samedi »);
`ingest.seasons` labels those hours with their season. `salon.toml` holds one week: the
week in force on the day of the reindex (`today`). Hours labelled with a season are:

- compared with the profile's special hours of those months when the profile keeps that
  season as special hours: two or more special days on that weekday within those months,
  with the same hours (a lone special day, such as the 14th of July, is an exception, not
  a season);
- else compared with the week when those months include today: the week is that season's
  (the current column of a winter/summer table is still checked);
- else not compared: another season's hours contradict nothing, and a schedule whose
  months are not written (school holidays, high season) never does.

Hours with no season are compared with the week (`kb.calendar_checks.hours_finding`).
A finding names the season: « horaires du samedi, été (juillet-août) ».
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from ingest.model import Fact, HoursFact
from kb.calendar_checks import Finding, hours_finding
from salon.french import day_words
from salon.profile import WEEKDAYS, WEEKDAYS_FR, Interval, SalonProfile, SpecialHours

MIN_SPECIAL_DAYS = 2  # special days on one weekday that make a season, not an exception


def _special_period(
    profile: SalonProfile, weekday: int, months: tuple[int, ...]
) -> tuple[tuple[Interval, ...], list[SpecialHours]] | None:
    """The hours the profile's special days give this weekday within `months`, when at
    least `MIN_SPECIAL_DAYS` of them agree, with those days in date order."""
    days = [
        s
        for s in profile.special_hours
        if s.day.month in months and s.day.weekday() == weekday and not profile.closure_on(s.day)
    ]
    if not days:
        return None
    hours, count = Counter(s.hours for s in days).most_common(1)[0]
    if count < MIN_SPECIAL_DAYS:
        return None
    return hours, sorted((s for s in days if s.hours == hours), key=lambda s: s.day)


def _days_text(weekday: int, first: date, last: date) -> str:
    """« les samedis du 3 juillet au 21 août 2027 »."""
    same_year = first.year == last.year
    start = day_words(first, with_weekday=False) + ("" if same_year else f" {first.year}")
    return f"les {WEEKDAYS_FR[weekday]}s du {start} au {day_words(last, with_weekday=False)} {last.year}"


def dated_months(profile: SalonProfile | None, facts: Iterable[Fact]) -> list[tuple[int, ...]]:
    """The months of the seasons whose hours are compared with the week only while today
    falls in them: the comparison changes when today enters or leaves one of them (a
    reindex with unchanged files then computes the contradictions again)."""
    if profile is None:
        return []
    return sorted(
        {
            fact.season.months
            for fact in facts
            if isinstance(fact, HoursFact)
            and fact.season is not None
            and fact.season.months
            and _special_period(profile, fact.weekday, fact.season.months) is None
        }
    )


def seasonal_finding(profile: SalonProfile, fact: HoursFact, *, today: date) -> Finding | None:
    """The disagreement between the profile and hours a document states (for a season or
    not), if any; see the module docstring for what a season's hours are compared with."""
    season = fact.season
    if season is None:
        return hours_finding(profile, fact)
    what = f"horaires du {WEEKDAYS_FR[fact.weekday]}, {season.label}"
    period = _special_period(profile, fact.weekday, season.months)
    if period is not None:
        hours, days = period
        week = {**profile.hours, WEEKDAYS[fact.weekday]: hours}
        finding = hours_finding(replace(profile, hours=week), fact)
        if finding is None:
            return None
        return (
            what,
            f"{finding[1]} {_days_text(fact.weekday, days[0].day, days[-1].day)}",
            finding[2],
        )
    if today.month not in season.months:
        return None
    finding = hours_finding(profile, fact)
    return None if finding is None else (what, finding[1], finding[2])
