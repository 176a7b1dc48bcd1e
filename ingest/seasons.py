"""Hours given for a season or for some months only, and which season each statement is for.

Salons publish another season's hours beside the current ones: a table with the columns
« Hiver (octobre-avril) » and « Été (mai-septembre) », « En été (juillet-août), nous fermons
à 13 h le samedi », « Horaires d'été : … », « De mai à septembre, nocturne le jeudi ».

- `season_in(text)`: the season its words name: été, estival, hiver, hivernal, printemps,
  automne, haute/basse/pleine/hors saison, vacances (scolaires, de Noël…), les fêtes; and
  months (« juillet-août », « de mai à septembre », « du 1er mai au 30 septembre », « en
  août »). « été » is the season after « en », « l' », « d' », « cet », « pendant »… or
  opening a label, never the verb (« a été », « ont été modifiés »). « Toute l'année »,
  « été comme hiver » say no season.
- `label_cells(row, header)`: a table row under a header naming periods is written
  "Samedi — Hiver (octobre-avril) : 8h – 16h — Été (mai-septembre) : 8h – 13h", so the
  passage says which schedule each value is for, as spreadsheet rows already do.
- `SeasonReader`: the parts of a row or sentence to read hours from, each with its
  season: one part per seasonal column; else the sentence's own season, or the one of a
  lead-in (« Horaires d'été : ») or of an earlier clause of the same paragraph carried to
  what follows when it starts with a day (« …, le samedi de 8h à 12h »), or the heading's.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.model import Fact, HoursFact, Season
from salon.text import fold

_MONTHS = (
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
    "octobre", "novembre", "decembre",
)  # fmt: skip
_MONTH = "|".join(_MONTHS)
# A month standing alone (not "Champ-de-Mars"), with its day when it is a date.
_MONTH_MENTION = re.compile(
    rf"(?:(?<=mi-)|(?<![\w-]))(?:(?:\d{{1,2}})(?:er)?\s+)?(?P<month>{_MONTH})\b"
    rf"|(?<=[\w)])(?<!mi)\s*[-–/]\s*(?P<after>{_MONTH})\b"
)
# What joins two months of one range: « juillet-août », « de mai à (fin) septembre ».
_RANGE_JOIN = re.compile(
    r"^\s*(?:et\s+)?(?:-|–|—|/|a|au|jusqu'\s?(?:a|au|en))\s*"
    r"(?:(?:debut|mi|fin)\s*-?\s*(?:d')?)?\s*$"
)
# « Depuis septembre », « à partir de mai »: when hours changed, not a season.
_SINCE = re.compile(
    r"(?:depuis|a partir d[e']|des|a compter d[e'])\s*(?:(?:le )?(?:mois|debut|mi|fin)\s*"
    r"(?:de|d'|-)?\s*)?$"
)
_DEFAULT_MONTHS = {
    "été": (7, 8),
    "hiver": (12, 1, 2),
    "printemps": (4, 5),
    "automne": (10, 11),
    "fêtes de fin d'année": (12,),
}
_SEASON_WORDS = (
    (re.compile(r"\b(?:en|cet|pendant|durant|tout)\s+(?:l')?ete\b|\b[ld]'\s?ete\b"), "été"),
    (re.compile(r"^[\W\d]*ete\b|[(—–|:;,]\s*ete\b"), "été"),
    (re.compile(r"\bestiva(?:l|le|les|ux)\b"), "été"),
    (re.compile(r"\bhiver\b|\bhiverna(?:l|le|les|ux)\b"), "hiver"),
    (re.compile(r"\bprintemps\b|\bprintanier"), "printemps"),
    (re.compile(r"\bautomn(?:e|al|ale|ales|aux)\b"), "automne"),
    (re.compile(r"\b(?:haute|basse|pleine|moyenne|hors)[- ]saison\b"), ""),
    (re.compile(r"\bsaison (?:touristique|des mariages)\b"), ""),
    (
        re.compile(r"\bvacances(?: scolaires| de (?:noel|paques|la toussaint|fevrier|printemps))?"),
        "",
    ),
    (re.compile(r"\b(?:periode des|les) fetes\b|\bfetes de fin d'annee\b"), "fêtes de fin d'année"),
)
_PROPER = {
    "vacances de noel": "vacances de Noël",
    "vacances de paques": "vacances de Pâques",
    "vacances de la toussaint": "vacances de la Toussaint",
    "vacances de fevrier": "vacances de février",
}
_YEAR_ROUND = re.compile(
    r"toute l'annee|tout au long de l'annee|toutes (?:les )?saisons|en toute saison|"
    r"quelle que soit la saison|ete comme hiver|hiver comme ete|ete et hiver|hiver et ete|"
    r"(?:hors|en dehors des?) (?:periode (?:de |des )?)?vacances|"
    # « même en juillet et août », « y compris l'été »: all year, that season included
    r"meme (?:en|pendant|l)|y compris (?:en|pendant|l)"
)
# In a column's name « Été » may follow any word (« Horaires été »), but not the verb's.
_LABEL_SUMMER = re.compile(r"\bete\b")
_VERB_SUMMER = re.compile(
    r"\b(?:a|ont|avons|avez|aura|auront|avait|avaient|ayant|aurait|auraient)\s+(?:\w+\s+)?ete\b"
)
_CLOCK = re.compile(r"\b\d{1,2}\s?h\b|\b\d{1,2}\s?h\s?\d\d|\b\d{1,2}:\d\d|€")
_DAY_WORDS = (
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?\b|(?:lun|mar|mer|jeu|ven|sam|dim)\."
)
_STARTS_WITH_DAY = re.compile(
    rf"^[\W\d]*(?:(?:et|puis|mais)\s+)?(?:(?:le|les|du|de|tous les|chaque)\s+)?(?:{_DAY_WORDS})"
)
_HAS_DAY = re.compile(rf"\b(?:{_DAY_WORDS})")
_LABELLED_CELL = re.compile(r"^(?P<head>[^:]{1,80}?)\s:\s(?P<value>.*)$")


def _months(folded: str) -> tuple[int, ...]:
    """The months the words name, ranges expanded (« octobre-avril »: 10, 11, 12, 1…4)."""
    mentions: list[tuple[int, int, int]] = []
    for m in _MONTH_MENTION.finditer(folded):
        if m.group("after") and not (mentions and mentions[-1][1] == m.start()):
            continue  # "Champ-de-Mars": a dash after a word that is no month
        mentions.append((m.start(), m.end(), _MONTHS.index(m.group("month") or m.group("after"))))
    months: list[int] = []
    i = 0
    while i < len(mentions):
        _, end, first = mentions[i]
        following = mentions[i + 1] if i + 1 < len(mentions) else None
        if following is not None and (
            following[0] == end or _RANGE_JOIN.match(folded[end : following[0]])
        ):
            span = (following[2] - first) % 12 + 1
            months += [(first + k) % 12 + 1 for k in range(span)]
            i += 2
        else:
            if not _SINCE.search(folded[: mentions[i][0]]):
                months.append(first + 1)
            i += 1
    return tuple(dict.fromkeys(months))


def season_in(text: str, *, label: bool = False) -> Season | None:
    """The season or months `text` gives its hours for, or None (see the module doc).
    `label`: `text` names a table column, where « été » may follow any word."""
    folded = fold(text)
    if not folded.strip() or _YEAR_ROUND.search(folded):
        return None
    name = None
    for pattern, season in _SEASON_WORDS:
        match = pattern.search(folded)
        if match is not None:
            words = " ".join(match.group(0).replace("-", " ").split())
            name = season or _PROPER.get(words, words)
            break
    if name is None and label and _LABEL_SUMMER.search(folded):
        name = None if _VERB_SUMMER.search(folded) else "été"
    months = _months(folded)
    if name is None and not months:
        return None
    if months:
        return Season(name or "", months, explicit=True)
    return Season(name or "", _DEFAULT_MONTHS.get(name or "", ()))


def _column_head(cell: str) -> tuple[str, str, Season] | None:
    """ "Été (mai-septembre) : 8h – 13h" → its header, value and season."""
    match = _LABELLED_CELL.match(cell.strip())
    if match is None or _CLOCK.search(match.group("head")):
        return None
    season = season_in(match.group("head"), label=True)
    return (match.group("head"), match.group("value"), season) if season else None


def period_header(header: list[str]) -> bool:
    """A table header whose columns after the first name seasons or months (and hold no
    hours or prices: a data row is no header)."""
    cells = [c for c in header[1:] if c.strip()]
    return (
        bool(cells)
        and not any(_CLOCK.search(c) for c in header)
        and any(season_in(c, label=True) is not None for c in cells)
    )


def leading_period_header(rows: list[list[str]]) -> bool:
    """The first row is a `period_header` over rows holding hours or prices (a loader
    that keeps a header with digits, « Hiver (du 1er octobre au 30 avril) »)."""
    return (
        len(rows) > 1
        and period_header(rows[0])
        and any(_CLOCK.search(cell) for row in rows[1:] for cell in row)
    )


def label_cells(row: list[str], header: list[str]) -> list[str]:
    """The row's cells, each under a season column prefixed with that column's header;
    a row that does not line up with the header is left as it is."""
    if len(row) != len(header):
        return row
    return [
        f"{head} : {cell}" if i and cell and season_in(head, label=True) is not None else cell
        for i, (cell, head) in enumerate(zip(row, header, strict=True))
    ]


def unlabelled(text: str) -> str:
    """A row without its season labels ("Samedi — 8h – 16h — 8h – 13h"): for reading
    prices, closures and contacts, never a column header's dates."""
    cells = text.split(" — ")
    heads = [_column_head(c) for c in cells]
    if not any(heads):
        return text
    return " — ".join(h[1] if h else c for c, h in zip(cells, heads, strict=True))


def with_season(facts: list[Fact], season: Season | None) -> list[Fact]:
    if season is None:
        return facts
    return [replace(f, season=season) if isinstance(f, HoursFact) else f for f in facts]


class SeasonReader:
    """Which season each row or sentence of one document gives its hours for, in order."""

    def __init__(self) -> None:
        self._carried: Season | None = None
        self._lead_in = False

    def next_block(self, *, heading: bool = False) -> None:
        """A heading ends a carried season; another block keeps only a lead-in's."""
        if heading or not self._lead_in:
            self._carried, self._lead_in = None, False

    def parts(
        self, text: str, *, context: str, section: str, row: bool = False
    ) -> list[tuple[str, str, Season | None]]:
        """(text, context, season) to read hours from: one per season column of a row,
        else `text` with its own, carried or heading season."""
        if row:
            cells = text.split(" — ")
            heads = [_column_head(c) for c in cells]
            if any(heads):
                # The row's own label (« Samedi ») goes with each season's value; a value
                # under a column that names no season (« Horaires habituels ») is the
                # regular week's, read on its own rather than mixed into a season's.
                label = cells[0] if heads[0] is None else ""
                plain = [
                    c for i, (c, h) in enumerate(zip(cells, heads, strict=True)) if i and h is None
                ]
                parts: list[tuple[str, str, Season | None]] = [
                    (f"{label} {h[1]}", f"{context} {h[0]}", h[2]) for h in heads if h
                ]
                if plain:
                    parts.insert(0, (" ".join([label, *plain]), context, None))
                return parts
        folded = fold(text)
        own = season_in(text)
        if own is None and (_YEAR_ROUND.search(folded) or not _STARTS_WITH_DAY.match(folded)):
            self._carried, self._lead_in = None, False
        if _YEAR_ROUND.search(folded):
            return [(text, context, None)]
        season = own or self._carried or season_in(section)
        if own is not None and (text.rstrip().endswith(":") or _HAS_DAY.search(folded)):
            self._carried, self._lead_in = own, text.rstrip().endswith(":")
        return [(text, context, season)]
