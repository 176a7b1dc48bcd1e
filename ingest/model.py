"""What ingestion produces: chunks with metadata, and a report per file.

This is the contract between `ingest` and `kb`: `kb` never parses files, it indexes
`Chunk`s, prints `FileReport`s, and compares the `Fact`s documents state (prices,
durations, hours, closures, phone, address) with `salon.toml`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import time
from typing import Literal

Kind = Literal["price", "hours", "policy", "faq", "other"]
Status = Literal["ok", "warning", "error", "skipped"]

# What a terminal must never receive from a file name or a document: C0 and C1 control
# characters (escape sequences), bidirectional overrides, line separators, and the lone
# surrogates an undecodable file name becomes.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` safe to print on a terminal: each control character becomes a visible
    escape (`\\x1b`, `\\u202e`). With `keep_newlines`, line breaks stay (multi-line output)."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if keep_newlines and char == "\n":
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(escape, text)


@dataclass(frozen=True)
class Chunk:
    """A passage ready to index.

    `text` is the passage body as a caller-facing answer would quote it (a price row stays
    "service — duration — price" on one line); `title` and `section` are the document
    title and the heading path it sits under; `source` is the file path relative to the
    sources folder; `page` is 1-based for paged documents.
    """

    text: str
    title: str
    section: str
    source: str
    kind: Kind = "other"
    page: int | None = None
    ordinal: int = 0  # position of the chunk within its file

    def indexed_text(self) -> str:
        """Text that is embedded and searched: title and section, then the body."""
        head = " — ".join(part for part in (self.title, self.section) if part)
        return f"{head}\n{self.text}" if head else self.text

    @property
    def id(self) -> str:
        digest = hashlib.sha1(
            f"{self.source}\x00{self.ordinal}\x00{self.indexed_text()}".encode()
        ).hexdigest()
        return digest[:20]


@dataclass
class FileReport:
    """What happened to one input file; warnings and errors name the reason."""

    path: str
    status: Status = "ok"
    chunks: int = 0  # passages this file adds to the index
    # passages of the file an earlier file already held (a block on every page of a
    # site, a table published twice): indexed once, with the first file
    repeated: int = 0
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    # set by `kb.indexer`: the file could not be read now, so the passages the previous
    # index version had of it are still served (`chunks` counts them)
    kept_previous: int = 0


@dataclass(frozen=True)
class Where:
    """Where a document states a fact: file, page, heading path, and the row or sentence."""

    source: str
    page: int | None
    section: str
    text: str


@dataclass(frozen=True)
class PriceFact:
    """ "Coupe homme — 28 €": `label` as written; a range has `high`; « à partir de ».

    In a sentence, `qualifier` is what follows the price and narrows it ("… 58 € sur
    cheveux courts"), and a price with no words of its own before it ("…, 48 € pour
    cheveux longs") has an empty `label` and the `subject` of the clause's earlier price.
    """

    where: Where
    label: str
    euros: float
    high: float | None = None
    from_price: bool = False
    qualifier: str = ""
    subject: str = ""

    @property
    def named(self) -> str:
        """What the document prices, in its words: "Le balayage sur cheveux longs"."""
        return " ".join(part for part in (self.label or self.subject, self.qualifier) if part)


@dataclass(frozen=True)
class DurationFact:
    """ "Balayage — 2 h 30": minutes, or a range "1 h à 1 h 30" (`high`)."""

    where: Where
    label: str
    minutes: int
    high: int | None = None
    qualifier: str = ""  # as for `PriceFact`: a duration shares its price's words


_MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


@dataclass(frozen=True)
class Season:
    """The period a schedule is given for: « été (juillet-août) », « hiver », « de mai à
    septembre », « vacances scolaires » (`ingest.seasons`). `months` (1-12, in order from
    the first) are the written ones (`explicit`), else the heart of the named season (été:
    July and August); empty when they cannot be told (school holidays, high season)."""

    name: str  # "été", "hiver", "haute saison"…; "" when only months are written
    months: tuple[int, ...] = ()
    explicit: bool = False

    @property
    def label(self) -> str:
        """« été (juillet-août) », « hiver », « octobre-avril », « août »."""
        if not self.explicit or not self.months:
            return self.name
        first, last = self.months[0], self.months[-1]
        run = all((b - a) % 12 == 1 for a, b in zip(self.months, self.months[1:], strict=False))
        names = [_MONTH_NAMES[m - 1] for m in self.months]
        months = (
            names[0]
            if len(names) == 1
            else f"{_MONTH_NAMES[first - 1]}-{_MONTH_NAMES[last - 1]}"
            if run
            else ", ".join(names)
        )
        return f"{self.name} ({months})" if self.name else months


@dataclass(frozen=True)
class HoursFact:
    """Weekly hours of one weekday (0 = Monday): closed, or intervals; an interval may
    have only its opening (`None` end) or only its closing time (`None` start). `season`:
    the hours are said for that period only (a table's « Été » column, « en été, … »)."""

    where: Where
    weekday: int
    closed: bool
    intervals: tuple[tuple[time | None, time | None], ...] = ()
    season: Season | None = None


@dataclass(frozen=True)
class StaffHoursFact:
    """A team member's weekday as a document states it (« Léa est là du mardi au
    vendredi », « Karim : repos le lundi »), never the salon's hours: `person` as written
    (a first name); off that day (`absent`), or there, with the intervals when given."""

    where: Where
    person: str
    weekday: int
    absent: bool
    intervals: tuple[tuple[time | None, time | None], ...] = ()


@dataclass(frozen=True)
class DayOfYear:
    month: int
    day: int
    year: int | None = None  # None: the document gave no year


@dataclass(frozen=True)
class ClosureFact:
    """An exceptional closure on dates, "fermé du 9 au 23 août 2027" (inclusive)."""

    where: Where
    start: DayOfYear
    end: DayOfYear


@dataclass(frozen=True)
class PhoneFact:
    where: Where
    number: str  # E.164
    written: str


@dataclass(frozen=True)
class AddressFact:
    """A street address: "18 rue de la Charité" and its postcode when given."""

    where: Where
    street: str
    postcode: str | None = None


Fact = PriceFact | DurationFact | HoursFact | StaffHoursFact | ClosureFact | PhoneFact | AddressFact


@dataclass
class IngestResult:
    chunks: list[Chunk] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)  # what the documents (not salon.toml) state
