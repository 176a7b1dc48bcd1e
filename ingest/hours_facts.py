"""Weekly hours and dated closures stated in a row or a sentence.

Weekly hours: "Mardi — 9h30 – 19h", "Lundi : fermé", « ouvert du mardi au samedi de 9h30 à
19h, le jeudi jusqu'à 20h30 », "Fermé le dimanche et le lundi", "9h-12h et 14h-19h".
Days (single, lists, "du … au …" ranges) are paired with spans, opening-only ("dès 9h"),
closing-only ("jusqu'à 20h30") or "fermé"; a later, narrower statement in the same sentence
refines a broader one. Read only where the words are about the salon's opening: the
sentence or its heading says ouvert/fermé/horaires/accueil, and nothing says the sentence
is about something else (parking, a team member's days, walk-in times, "sauf …", a
morning or an afternoon only, a dated day such as "lundi 21 décembre").

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
    r"sans rendez|\bsauf\b|\bexcepte|\bhors\b|telephon|standard|assistante|en ligne|livraison"
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


def _groups(folded: str, items: list[tuple[str, object, int, int]]) -> list[_Group]:
    """Day groups with the specs bound to them (to the left, or to the right when the
    sentence starts with a spec: "fermé le lundi", "de 9h à 19h du mardi au samedi")."""
    groups: list[_Group] = []
    pending: list[tuple[str, time | None, time | None]] = []
    first_kind = next((kind for kind, *_ in items if kind != "partial"), "")
    bind_right = first_kind in ("span", "open", "close", "closed")
    last_kind, last_end = "", -1
    for kind, value, start, end in items:
        if kind == "days":
            assert isinstance(value, set)
            if groups and last_kind == "days" and _DAYS_JOIN.match(folded[last_end:start]):
                groups[-1].days |= value
            else:
                groups.append(_Group(days=set(value)))
            if bind_right and pending:
                groups[-1].specs += pending
                pending = []
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


def hours_facts(where: Where, text: str, *, context: str) -> list[Fact]:
    """Weekly hours stated in `text` (a row or a sentence); `context` is the document
    title and heading path, which may carry the "horaires" word the row lacks."""
    folded = fold(text)
    if not _OPENING_WORDS.search(folded) and not _OPENING_WORDS.search(fold(context)):
        return []
    if _NOT_OPENING_HOURS.search(folded):
        return []
    items = _items(folded)
    if any(kind == "date" for kind, *_ in items) or not any(k == "days" for k, *_ in items):
        return []
    facts: list[Fact] = []
    for day, (closed, intervals) in sorted(_resolve(_groups(folded, items)).items()):
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
