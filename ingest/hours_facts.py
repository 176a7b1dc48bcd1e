"""Weekly hours and dated closures stated in a row or a sentence.

Weekly hours: "Mardi — 9h30 – 19h", "Lundi : fermé", « ouvert du mardi au samedi de 9h30 à
19h, le jeudi jusqu'à 20h30 », "Fermé le dimanche et le lundi", "9h-12h et 14h-19h".
Days (single, lists, "du … au …" ranges) are paired with spans, opening-only ("dès 9h"),
closing-only ("jusqu'à 20h30") or "fermé"; a later, narrower statement in the same sentence
refines a broader one. Read only where the words are about the salon's opening: the
sentence or its heading says ouvert/fermé/horaires/accueil, and nothing says the sentence
is about something else (parking, a team member's days, walk-in times, a morning or an
afternoon only, a dated day such as "lundi 21 décembre").

One « sauf » naming weekdays is an exception to the days before it: « du mardi au
vendredi de 9h à 18h30, sauf le jeudi : de 10h à 19h » gives Thursday its own hours;
« ouvert du mardi au samedi de 9h à 19h sauf le mercredi » closes Wednesday; « ouvert du
mardi au samedi sauf le jeudi, de 9h à 19h » gives the hours to the other days; « sauf le
mercredi après-midi » leaves Wednesday unsaid. « sauf les jours fériés » changes nothing
weekly; « sauf en août », « sauf pendant les vacances » (a season or a date) and a second
« sauf » leave the sentence unread, as before. « Tous les jours » is every day.

Closures: a sentence saying fermé/fermeture/congés/vacances with dates: "du 9 au 23 août
2027", "le 25 et le 26 décembre", "le 1er mai", "du 24/12 au 02/01". Years are kept when
written, else left out (the comparison then uses day and month).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time

from ingest.model import ClosureFact, DayOfYear, Fact, HoursFact, Where
from salon.text import fold

_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_ABBREVIATIONS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}  # fmt: skip
_MONTH = "|".join(_MONTHS)
_DAY = (
    r"(?:(?P<{g}>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?\b"
    r"|(?P<{g}_abbr>lun|mar|mer|jeu|ven|sam|dim)\.)"
)
_TIME = r"(?P<{p}_h>[01]?\d|2[0-4])\s?(?:h(?:eures?)?|:)\s?(?P<{p}_m>[0-5]\d)?(?![\w])"


def _time(name: str) -> str:
    return _TIME.format(p=name)


_DATED_DAY = rf"(?=\s+\d{{1,2}}(?:er)?\s+(?:{_MONTH})\b)"
_ITEM = re.compile(
    "|".join(
        [
            rf"(?P<date>\b\d{{1,2}}(?:er)?\s+(?:{_MONTH})\b|\b\d{{1,2}}/\d{{1,2}}\b)",
            rf"\b(?:du|de)\s+{_DAY.format(g='r1')}\s+(?:au|a)\s+{_DAY.format(g='r2')}",
            rf"\b{_DAY.format(g='d1')}\s*(?:-|–|au|a)\s*{_DAY.format(g='d2')}",
            rf"(?P<close>(?:jusqu'?(?:a|au)|fermeture\s+a|ferme\s+a|fermons\s+a)\s*{_time('c')})",
            rf"(?P<open>(?:des|a\s+partir\s+de|ouverture\s+a|ouvre\s+a|ouvrons\s+a)\s*{_time('o')})",
            rf"(?P<span>(?:de\s+)?{_time('a')}\s*(?:a|-|–|—|au)\s*{_time('b')})",
            rf"\b{_DAY.format(g='day')}(?!{_DATED_DAY})",
            r"(?P<closed>\b(?:fermee?s?|fermeture|clos|close|repos)\b)",
            r"(?P<partial>\b(?:matins?|apres[- ]midis?|soirs?|midi)\b)",
        ]
    )
)
_DAYS_JOIN = re.compile(r"^[\s,]*(?:et|ou|&|ainsi que|puis)?[\s,]*(?:le|les|l')?\s*$")
_OPENING_WORDS = re.compile(r"ouvert|ouvre|ouverture|ferm|horaire|accueil|nocturne")
_NOT_OPENING_HOURS = re.compile(
    r"parking|stationnement|metro|tram|\bbus\b|gare|travaille|present|recoit|disponible|"
    r"sans rendez|\bexcepte|\bhors\b|telephon|standard|assistante|en ligne|livraison"
)
_EXCEPT = re.compile(r"\bsauf\b")
_EVERY_DAY = re.compile(
    r"\btous les jours\b(?!\s+(?:ferie|ouvr|de\b|d'|du\b))"
    r"|\b7\s?j(?:ours)?\s?(?:/|sur)\s?7\b"
)  # every day of the week; not « tous les jours fériés / ouvrés / de la semaine »
# An exception that is a season or dates, not weekdays: the weekly hours are not plain.
_SEASONAL = re.compile(
    rf"\b(?:{_MONTH})\b|vacances|\bete\b|hiver|printemps|automne|periode|saison|pendant"
    r"|semaines?\b|\bmois\b|\d{1,2}/\d{1,2}|\b\d{1,2}(?:er)?\b(?!\s?(?:h|:))"
)


@dataclass
class _Group:
    days: set[int]
    partial: bool = False
    specs: list[tuple[str, time | None, time | None]] = field(default_factory=list)


def _day_index(match: re.Match[str], group: str) -> int:
    name = match.group(group) or match.group(f"{group}_abbr")
    return (_WEEKDAYS if len(name) > 3 else _ABBREVIATIONS).index(name)


def _days_between(first: int, last: int) -> set[int]:
    return {(first + i) % 7 for i in range((last - first) % 7 + 1)}


def _clock(match: re.Match[str], prefix: str) -> time | None:
    hour = int(match.group(f"{prefix}_h"))
    minute = int(match.group(f"{prefix}_m") or 0)
    if hour == 24 and minute == 0:
        return time(23, 59)
    return time(hour, minute) if hour < 24 else None


def _items(folded: str) -> list[tuple[str, object, int, int]]:
    """(kind, value, start, end) in order: days, span, open, close, closed, partial, date."""
    items: list[tuple[str, object, int, int]] = []
    for m in _ITEM.finditer(folded):
        if m.group("date"):
            items.append(("date", None, m.start(), m.end()))
        elif m.group("r1") or m.group("r1_abbr"):
            days = _days_between(_day_index(m, "r1"), _day_index(m, "r2"))
            items.append(("days", days, m.start(), m.end()))
        elif m.group("d1") or m.group("d1_abbr"):
            days = _days_between(_day_index(m, "d1"), _day_index(m, "d2"))
            items.append(("days", days, m.start(), m.end()))
        elif m.group("day") or m.group("day_abbr"):
            items.append(("days", {_day_index(m, "day")}, m.start(), m.end()))
        elif m.group("span"):
            items.append(("span", (_clock(m, "a"), _clock(m, "b")), m.start(), m.end()))
        elif m.group("open"):
            items.append(("open", (_clock(m, "o"), None), m.start(), m.end()))
        elif m.group("close"):
            items.append(("close", (None, _clock(m, "c")), m.start(), m.end()))
        elif m.group("closed"):
            items.append(("closed", None, m.start(), m.end()))
        elif m.group("partial"):
            items.append(("partial", None, m.start(), m.end()))
    return items


_CLOSED_BEFORE_DAYS = re.compile(r"^\s*(?:le|les|l'|tous les|chaque)?\s*$")


def _closes_the_days_after(folded: str, items: list[tuple[str, object, int, int]], n: int) -> bool:
    """« fermé le samedi » mid-sentence: the closed word is about the days right after it,
    not the ones before (« ouvert du lundi au vendredi, fermé le samedi »)."""
    if n == 0 or n + 1 >= len(items) or items[n + 1][0] != "days":
        return False  # first in the sentence: the bind-right rule already does it
    return bool(_CLOSED_BEFORE_DAYS.match(folded[items[n][3] : items[n + 1][2]]))


def _groups(folded: str, items: list[tuple[str, object, int, int]]) -> list[_Group]:
    """Day groups with the specs bound to them (to the left, or to the right when the
    sentence starts with a spec: "fermé le lundi", "de 9h à 19h du mardi au samedi")."""
    groups: list[_Group] = []
    pending: list[tuple[str, time | None, time | None]] = []
    first_kind = next((kind for kind, *_ in items if kind != "partial"), "")
    bind_right = first_kind in ("span", "open", "close", "closed")
    closed_ahead: list[tuple[str, time | None, time | None]] = []
    last_kind, last_end = "", -1
    for n, (kind, value, start, end) in enumerate(items):
        if kind == "days":
            assert isinstance(value, set)
            if groups and last_kind == "days" and _DAYS_JOIN.match(folded[last_end:start]):
                groups[-1].days |= value
            else:
                groups.append(_Group(days=set(value)))
            if bind_right and pending:
                groups[-1].specs += pending
                pending = []
            if closed_ahead:
                groups[-1].specs += closed_ahead
                closed_ahead = []
        elif kind == "closed" and _closes_the_days_after(folded, items, n):
            closed_ahead.append((kind, None, None))  # « …, fermé le samedi et le dimanche »
        elif kind == "partial":
            if groups and last_kind == "days" and start - last_end <= 2:
                groups[-1].partial = True
        else:
            opens, closes = value if isinstance(value, tuple) else (None, None)
            spec = (kind, opens, closes)
            if bind_right and (not groups or groups[-1].specs):
                pending.append(spec)
            elif groups:
                groups[-1].specs.append(spec)
        last_kind, last_end = kind, end
    return [g for g in groups if g.specs and not g.partial]


def _resolve(groups: list[_Group]) -> dict[int, tuple[bool, list[tuple[time | None, time | None]]]]:
    """Per weekday: closed, or intervals; later, narrower groups refine earlier ones."""
    days: dict[int, tuple[bool, list[tuple[time | None, time | None]]]] = {}
    for group in sorted(groups, key=lambda g: -len(g.days)):
        for day in group.days:
            closed, intervals = days.get(day, (False, []))
            fresh: list[tuple[time | None, time | None]] = []
            for kind, opens, closes in group.specs:
                if kind == "closed":
                    closed, fresh = True, []
                elif kind == "span":
                    closed = False
                    fresh.append((opens, closes))
                elif kind == "open" and intervals:
                    intervals = [(opens, intervals[0][1]), *intervals[1:]]
                elif kind == "close" and intervals:
                    intervals = [*intervals[:-1], (intervals[-1][0], closes)]
                elif kind in ("open", "close"):
                    closed = False
                    fresh.append((opens, closes))
            if fresh or closed:
                intervals = fresh
            days[day] = (closed, intervals)
    return days


def _plain_groups(folded: str) -> list[_Group] | None:
    items = _items(folded)
    if any(kind == "date" for kind, *_ in items) or not any(k == "days" for k, *_ in items):
        return None
    return _groups(folded, items)


def _leading_days(items: list[tuple[str, object, int, int]]) -> tuple[set[int], bool]:
    """The weekdays an exception names first, and whether it names others after."""
    days: set[int] = set()
    others = False
    seen_other_item = False
    for kind, value, *_ in items:
        if kind == "days" and isinstance(value, set):
            if not seen_other_item or value <= days:
                days |= value
            else:
                others = True
        elif kind != "partial":
            seen_other_item = True
    return days, others


def _groups_with_exception(folded: str) -> list[_Group] | None:
    """The sentence's day groups, one « sauf <weekdays> » applied; None: not plain."""
    excepts = list(_EXCEPT.finditer(folded))
    if not excepts:
        return _plain_groups(folded)
    if len(excepts) > 1:
        return None
    main, rest = folded[: excepts[0].start()], folded[excepts[0].end() :]
    rest_items = _items(rest)
    except_days, others = _leading_days(rest_items)
    if not except_days:  # « sauf les jours fériés »: nothing weekly; a season: not plain
        return None if _SEASONAL.search(rest) else _plain_groups(main)
    if others or _SEASONAL.search(rest) or any(k == "date" for k, *_ in rest_items):
        return None
    main_items = _items(main)
    if any(k == "date" for k, *_ in main_items):
        return None
    main_days: set[int] = set()
    for kind, value, *_ in main_items:
        if kind == "days" and isinstance(value, set):
            main_days |= value
    if not main_days:
        return None
    partial = any(kind == "partial" for kind, *_ in rest_items)
    rest_specs = [
        (kind, *value) if isinstance(value, tuple) else (kind, None, None)
        for kind, value, *_ in rest_items
        if kind in ("span", "open", "close", "closed")
    ]
    main_groups = _groups(main, main_items)
    if not main_groups:
        # « ouvert du mardi au samedi sauf le jeudi, de 9h à 19h »: the hours are the
        # other days'; the excepted days are closed (unless only part of them is meant)
        if not rest_specs or "closed" in (kind for kind, *_ in rest_specs) or partial:
            return None
        groups = [_Group(days=main_days - except_days, specs=list(rest_specs))]
        return [*groups, _Group(days=except_days, specs=[("closed", None, None)])]
    own = _groups(rest, rest_items)
    if own and not partial and all(k in ("open", "close") for g in own for k, *_ in g.specs):
        return main_groups + own  # « sauf le samedi jusqu'à 17h »: refines the main hours
    for group in main_groups:
        group.days -= except_days
    groups = [g for g in main_groups if g.days]
    if partial:
        return groups  # « sauf le mercredi après-midi »: Wednesday unsaid
    if own:
        return groups + own  # « sauf le jeudi : de 10h à 19h »
    opening = all(kind != "closed" for g in main_groups for kind, *_ in g.specs)
    if opening:  # « ouvert … de 9h à 19h sauf le mercredi »
        return [*groups, _Group(days=except_days, specs=[("closed", None, None)])]
    return groups  # « fermé le dimanche et le lundi sauf … »: the exception is unsaid


def hours_facts(where: Where, text: str, *, context: str) -> list[Fact]:
    """Weekly hours stated in `text` (a row or a sentence); `context` is the document
    title and heading path, which may carry the "horaires" word the row lacks."""
    folded = fold(text)
    if not _OPENING_WORDS.search(folded) and not _OPENING_WORDS.search(fold(context)):
        return []
    if _NOT_OPENING_HOURS.search(folded):
        return []
    folded = _EVERY_DAY.sub("du lundi au dimanche", folded)
    groups = _groups_with_exception(folded)
    if groups is None:
        return []
    facts: list[Fact] = []
    for day, (closed, intervals) in sorted(_resolve(groups).items()):
        valid = tuple(
            (a, b) for a, b in intervals if (a is None or b is None or a < b) and (a or b)
        )
        if closed or valid:
            facts.append(HoursFact(where, day, closed, () if closed else valid))
    return facts


# ------------------------------------------------------------------ dated closures

_CLOSING_WORDS = re.compile(r"\bferm|\bconges?\b|\bvacances\b|\bclos\b")
_REOPENING_WORDS = re.compile(r"\bouvert|\bouverture|\brouvr|\breouvert|\bouvre")
_NOT_CLOSURE = re.compile(r"parking|metro|tram|\bbus\b|gare|\bsauf\b|telephon|en ligne")
# Closing at a time, or on a weekday every week: hours between those dates, not a
# closure (« du 1er juillet au 31 août, nous fermons à 13h le samedi / fermé le lundi »).
_HOURS_NOT_CLOSURE = re.compile(
    r"\bferm\w*\s+(?:a|des|vers)\s+\d{1,2}\s?(?:h|heures?\b|:)"
    rf"|\b(?:ferm\w*|clos)\s+(?:le|les|tous les|chaque)\s+(?:{'|'.join(_WEEKDAYS)})s?\b(?!\s+\d)"
)
_DATE = re.compile(
    r"\b(?P<nday>\d{1,2})/(?P<nmonth>\d{1,2})(?:/(?P<nyear>(?:20)?\d\d))?\b"
    rf"|\b(?P<day>\d{{1,2}})(?:er)?\b(?!\s*(?:h\b|h\d|heures?|:|/|ans?\b|min|%|€|euros?))"
    rf"(?:\s+(?P<month>{_MONTH})\b(?:\s+(?P<year>20\d\d)\b)?)?"
)
_DATE_JOIN = re.compile(
    r"^(?:\s|,|et|au|a|-|–|ainsi que|jusqu'au|jusqu'a|le|les|l'|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)*$"
)
_RANGE_WORD = re.compile(r"\bau\b|jusqu'|-|–|\ba\b")


def closure_facts(where: Where, text: str, *, context: str = "") -> list[Fact]:
    """Closures on dates stated in `text`; reopening words end the part that is read."""
    folded = fold(text)
    closing = _CLOSING_WORDS.search(folded)
    if not closing or _NOT_CLOSURE.search(folded) or _HOURS_NOT_CLOSURE.search(folded):
        return []
    reopening = _REOPENING_WORDS.search(folded)
    if reopening:
        if reopening.start() < closing.start():
            return []
        folded = folded[: reopening.start()]
    mentions: list[tuple[int, int, int | None, int | None, int, int]] = []
    for m in _DATE.finditer(folded):
        if m.group("nday"):
            year = m.group("nyear")
            full_year = (
                int(year) if year and len(year) == 4 else (2000 + int(year) if year else None)
            )
            mentions.append(
                (int(m.group("nday")), int(m.group("nmonth")), full_year, None, m.start(), m.end())
            )
        else:
            month = _MONTHS[m.group("month")] if m.group("month") else 0
            year_text = m.group("year")
            mentions.append(
                (
                    int(m.group("day")),
                    month,
                    int(year_text) if year_text else None,
                    None,
                    m.start(),
                    m.end(),
                )
            )
    # A day number without a month takes the month of the next mention it is listed with.
    resolved: list[tuple[int, int, int | None, int, int]] = []
    for i in range(len(mentions) - 1, -1, -1):
        day, month, year, _, start, end = mentions[i]
        if month == 0:
            if not resolved or not _DATE_JOIN.match(folded[end : resolved[0][3]]):
                continue
            month, year = resolved[0][1], year or resolved[0][2]
        resolved.insert(0, (day, month, year, start, end))
    facts: list[Fact] = []
    i = 0
    while i < len(resolved):
        day, month, year, _, end = resolved[i]
        if not (1 <= day <= 31 and 1 <= month <= 12):
            i += 1
            continue
        first = DayOfYear(month, day, year)
        last = first
        if i + 1 < len(resolved) and _RANGE_WORD.search(folded[end : resolved[i + 1][3]]):
            d2, m2, y2, *_ = resolved[i + 1]
            if 1 <= d2 <= 31 and 1 <= m2 <= 12:
                last = DayOfYear(m2, d2, y2)
                if first.year is None and y2 is not None:
                    first = DayOfYear(month, day, y2 - 1 if month > m2 else y2)
                i += 1
        facts.append(ClosureFact(where, first, last))
        i += 1
    return facts
