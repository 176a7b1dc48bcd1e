"""Contradictions between `salon.toml` and the salon's documents, found at reindex.

`salon.toml` is the owner's reference. `find_contradictions(profile, facts)` compares it
with what every document states (`ingest.facts`): each service's price (« à partir de »
included) and duration, matched by name and aliases the way callers' words are matched
(`salon.matching.designation`, strict: every word of the document's label must belong to
the service; in a sentence pricing two things, each price by its own words, never the
other's: « La coupe homme est à 22 €, et la coupe avec barbe à 30 € »); the weekly hours
and exceptional closures (`kb.calendar_checks`), never from a team member's days (« Léa
est là du mardi au vendredi »: compared with that person's own week when `salon.toml`
gives one, `kb.team_checks`); the phone number and the street address. A document that
gives two prices for the same thing (a service the profile does not list, or a folder
without `salon.toml`) is reported too.

Hours given for a season or some months (a table's « Été (mai-septembre) » column, « en
été, nous fermons à 13 h ») are the week's only when those months include today; else they
are compared with the profile's special hours of that season, if it keeps them, or not at
all (`kb.season_checks`), so another season's hours are never reported nor marked outdated.

Nothing is blocked: the owner reads the list (`scripts/reindex`), and at answer time the
passages holding an outdated value carry a note (`outdated_notes`, stored in the chunk's
metadata) so the receptionist says the profile's value.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ingest.facts import ADDRESS, PRICE
from ingest.model import (
    AddressFact,
    Chunk,
    ClosureFact,
    DurationFact,
    Fact,
    HoursFact,
    PhoneFact,
    PriceFact,
    StaffHoursFact,
)
from kb.calendar_checks import closure_findings
from kb.season_checks import seasonal_finding
from kb.team_checks import staff_finding, staff_view
from salon.french import duration_words, price_words
from salon.matching import designation
from salon.phone import display, to_e164
from salon.profile import WEEKDAYS_FR, ProfileError, SalonProfile, Service, load_profile
from salon.text import plain_words

PROFILE_NAME = "salon.toml"
_MIN_DESIGNATION = 0.6  # "Olaplex" alone does not name "Soin Olaplex"


@dataclass(frozen=True)
class Contradiction:
    """A value a document states that differs from `salon.toml` (`profile_value`), or from
    another value of the same document (`profile_value` is None, `other_value` set)."""

    fact: str
    profile_value: str | None
    document_value: str
    source: str
    page: int | None
    text: str = ""  # the row or sentence that says it
    other_value: str | None = None
    other_page: int | None = None

    @property
    def within_document(self) -> bool:
        return self.profile_value is None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "fact": self.fact,
            "profile_value": self.profile_value,
            "document_value": self.document_value,
            "source": self.source,
            "page": self.page,
        }
        if self.within_document:
            data["other_value"] = self.other_value
            data["other_page"] = self.other_page
        data["text"] = self.text
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contradiction:
        return cls(
            fact=str(data["fact"]),
            profile_value=data.get("profile_value"),
            document_value=str(data["document_value"]),
            source=str(data["source"]),
            page=data.get("page"),
            text=str(data.get("text", "")),
            other_value=data.get("other_value"),
            other_page=data.get("other_page"),
        )


def profile_of(sources: Path) -> SalonProfile | None:
    """The folder's `salon.toml`, or None when it has none or it is invalid (the reindex
    report already says why)."""
    path = sources / PROFILE_NAME
    if not path.is_file():
        return None
    try:
        return load_profile(path)
    except ProfileError:
        return None


def _price_text(fact: PriceFact) -> str:
    if fact.high is not None:
        return f"de {price_words(fact.euros)} à {price_words(fact.high)}".replace(" € à", " à")
    return price_words(fact.euros, from_price=fact.from_price)


def _duration_text(fact: DurationFact) -> str:
    low = duration_words(fact.minutes, short=True)
    return low if fact.high is None else f"{low} à {duration_words(fact.high, short=True)}"


class _Services:
    """The profile's services, and which one a document's label names (memoised)."""

    def __init__(self, services: tuple[Service, ...]) -> None:
        self.services = services
        self._memo: dict[str, tuple[float, Service] | None] = {}

    def named(self, label: str, *, fully: bool = False) -> Service | None:
        """The one service `label` names; `fully`: it says all of one of its names."""
        if label not in self._memo:
            ranked = sorted(
                ((designation(label, s), s) for s in self.services), key=lambda p: -p[0]
            )
            clear = len(ranked) == 1 or (len(ranked) > 1 and ranked[1][0] < ranked[0][0])
            # Two services fitting equally: not ours to guess.
            fits = bool(ranked) and ranked[0][0] >= _MIN_DESIGNATION and clear
            self._memo[label] = ranked[0] if fits else None
        best = self._memo[label]
        return best[1] if best is not None and (best[0] >= 1.0 or not fully) else None

    def _under(self, label: str, heading: str) -> Service | None:
        """The label alone, else the last heading and the label ("Homme" + "Coupe")."""
        found = self.named(label)
        if found is None and heading:
            found = self.named(f"{heading} {label}")
        return found

    def for_fact(self, fact: PriceFact | DurationFact) -> Service | None:
        """The one service the fact's words name: its label narrowed by the words after
        the value (« couleur complète » « sur cheveux courts »), else its label alone. A
        value without a label of its own (« …, 48 € pour cheveux longs ») names what the
        clause's subject and those words name, unless those words alone name another
        service; they name one alone only when they say all of one of its names."""
        heading = fact.where.section.rsplit(" > ", 1)[-1]
        if fact.label:
            narrowed = self._under(f"{fact.label} {fact.qualifier}", heading)
            if fact.qualifier and narrowed is not None:
                return narrowed
            return self._under(fact.label, heading)
        subject = fact.subject if isinstance(fact, PriceFact) else ""
        if not fact.qualifier:
            return None
        alone = self.named(fact.qualifier)
        narrowed = self._under(f"{subject} {fact.qualifier}", heading) if subject else None
        if narrowed is not None:
            return narrowed if alone in (None, narrowed) else None
        return self.named(fact.qualifier, fully=True)


def _price_agrees(service: Service, fact: PriceFact) -> bool:
    if fact.high is not None:
        return fact.euros <= service.price <= fact.high
    return abs(fact.euros - service.price) < 0.005 and fact.from_price == service.price_from


def _duration_agrees(service: Service, fact: DurationFact) -> bool:
    if fact.high is not None:
        return fact.minutes <= service.duration <= fact.high
    return fact.minutes == service.duration


def _street_key(text: str) -> str:
    words = plain_words(text).split()
    aliases = {"av": "avenue", "bd": "boulevard", "st": "saint", "ste": "sainte"}
    return " ".join(aliases.get(w, w) for w in words)


def _profile_street(profile: SalonProfile) -> tuple[str, str | None] | None:
    match = ADDRESS.search(profile.address)
    if match is None:
        return None
    return _street_key(match.group("street")), match.group("postcode")


def _against_profile(
    profile: SalonProfile, facts: list[Fact], *, today: date
) -> list[Contradiction]:
    found: list[Contradiction] = []

    def add(fact: Fact, what: str, profile_value: str, document_value: str) -> None:
        where = fact.where
        found.append(
            Contradiction(what, profile_value, document_value, where.source, where.page, where.text)
        )

    services = _Services(profile.services)
    own_numbers = {to_e164(n) for n in (profile.phone, profile.transfer_number) if n}
    street = _profile_street(profile)
    facts = staff_view(profile, facts)  # a team member's days are theirs, not the salon's
    for fact in facts:
        if isinstance(fact, PriceFact | DurationFact):
            service = services.for_fact(fact)
            if service is None:
                continue
            if isinstance(fact, PriceFact) and not _price_agrees(service, fact):
                expected = price_words(service.price, from_price=service.price_from)
                add(fact, f"prix de {service.name}", expected, _price_text(fact))
            elif isinstance(fact, DurationFact) and not _duration_agrees(service, fact):
                expected = duration_words(service.duration, short=True)
                add(fact, f"durée de {service.name}", expected, _duration_text(fact))
        elif isinstance(fact, HoursFact):
            finding = seasonal_finding(profile, fact, today=today)
            if finding is not None:
                add(fact, *finding)
        elif isinstance(fact, StaffHoursFact):
            finding = staff_finding(profile, fact)
            if finding is not None:
                add(fact, *finding)
        elif isinstance(fact, PhoneFact):
            if fact.number not in own_numbers:
                add(fact, "téléphone", display(profile.phone), fact.written)
        elif isinstance(fact, AddressFact) and street is not None:
            same_street = _street_key(fact.street) == street[0]
            same_code = fact.postcode is None or street[1] is None or fact.postcode == street[1]
            if not (same_street and same_code):
                written = f"{fact.street}, {fact.postcode}" if fact.postcode else fact.street
                add(fact, "adresse", profile.address, written)
    closures = [f for f in facts if isinstance(f, ClosureFact)]
    for fact, finding in closure_findings(profile, closures):
        add(fact, *finding)
    return found


def _price_key(fact: PriceFact) -> str:
    """What is priced, without the price: the same row or sentence read twice, the same
    words naming it (a sentence may price two things)."""
    text = PRICE.sub(" ", fact.where.text)
    return plain_words(f"{fact.where.section} {text}") + " | " + plain_words(fact.named)


def _within_documents(facts: list[Fact], profile: SalonProfile | None) -> list[Contradiction]:
    """Two prices for the same thing in one document (things the profile does not price)."""
    groups: dict[tuple[str, str], list[PriceFact]] = defaultdict(list)
    services = _Services(profile.services if profile is not None else ())
    for fact in facts:
        if not isinstance(fact, PriceFact):
            continue
        if services.for_fact(fact) is not None:
            continue  # compared with the profile instead
        groups[(fact.where.source, _price_key(fact))].append(fact)
    found: list[Contradiction] = []
    for group in groups.values():
        first = group[0]
        for other in group[1:]:
            if _price_text(other) != _price_text(first):
                found.append(
                    Contradiction(
                        fact=f"prix de « {first.named} »",
                        profile_value=None,
                        document_value=_price_text(other),
                        source=other.where.source,
                        page=other.where.page,
                        text=other.where.text,
                        other_value=_price_text(first),
                        other_page=first.where.page,
                    )
                )
                break
    return found


def find_contradictions(
    profile: SalonProfile | None, facts: list[Fact], *, today: date | None = None
) -> list[Contradiction]:
    """Every disagreement, each row or sentence once, ordered by document, page and fact.
    `today` (default: the salon's today) says which season's hours the profile's week is
    (`kb.season_checks`). `for_owner` keeps one per fact, value and page for the owner."""
    found: list[Contradiction] = []
    if profile is not None:
        found = _against_profile(profile, facts, today=today or profile.now().date())
    found += _within_documents(facts, profile)
    unique: dict[tuple[str, str, str, int | None, str], Contradiction] = {}
    for item in found:
        unique.setdefault((item.fact, item.document_value, item.source, item.page, item.text), item)
    return sorted(unique.values(), key=lambda c: (c.source, c.page or 0, _fact_order(c.fact)))


_WEEKDAY_WORD = re.compile(r"\b(?:le|du) (" + "|".join(WEEKDAYS_FR) + r")\b")


def _fact_order(fact: str) -> tuple[str, int, str]:
    """Facts in the owner's order: a week's days from Monday, not alphabetically
    (« horaires de Marie le mardi » before « … le jeudi »)."""
    day = _WEEKDAY_WORD.search(fact)
    if day is None:
        return (fact, -1, "")
    return (fact[: day.start()], WEEKDAYS_FR.index(day.group(1)), fact[day.end() :])


def for_owner(contradictions: list[Contradiction]) -> list[Contradiction]:
    """One line per fact, value, document and page (a page saying it twice is one fix)."""
    seen: set[tuple[str, str, str, int | None]] = set()
    kept: list[Contradiction] = []
    for item in contradictions:
        key = (item.fact, item.document_value, item.source, item.page)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


_SPACES = re.compile(r"\s+")


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def note_for(item: Contradiction) -> str:
    """One line for the LLM's frame: what is outdated in this passage and what holds."""
    if item.within_document:
        return (
            f"{item.fact} : ce document donne {item.document_value} et aussi "
            f"{item.other_value} ; ne donne pas ce prix, propose de faire vérifier par le salon"
        )
    return (
        f"{item.fact} : ce passage dit {item.document_value}, périmé ; la fiche du salon, "
        f"qui fait foi, dit {item.profile_value}"
    )


def outdated_notes(contradictions: list[Contradiction], chunks: list[Chunk]) -> dict[str, str]:
    """Chunk id → the notes of the outdated values the chunk holds (for its metadata)."""
    by_source: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        by_source[chunk.source].append(chunk)
    notes: dict[str, list[str]] = defaultdict(list)
    for item in contradictions:
        needle = _flat(item.text)
        if not needle:
            continue
        for chunk in by_source.get(item.source, []):
            if needle in _flat(chunk.text):
                line = note_for(item)
                if line not in notes[chunk.id]:
                    notes[chunk.id].append(line)
    return {chunk_id: " | ".join(lines) for chunk_id, lines in notes.items()}


def owner_section(contradictions: list[Contradiction]) -> str:
    """The end of `scripts/reindex`: each contradiction, as the owner reads it (French)."""
    items = for_owner(contradictions)
    if not items:
        return "Contradictions : aucune entre salon.toml et les documents."
    rows = [("fait", "salon.toml", "document", "où")]
    for item in items:
        where = item.source if item.page is None else f"{item.source}, page {item.page}"
        if item.within_document:
            other = f"page {item.other_page}" if item.other_page is not None else "ailleurs"
            document = f"{item.document_value} ({other} : {item.other_value})"
            rows.append((item.fact, "—", document, where))
        else:
            rows.append((item.fact, item.profile_value or "", item.document_value, where))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        f"Contradictions avec salon.toml ({len(items)}) : salon.toml fait foi, l'assistante "
        "donne sa valeur.",
        "Corrigez le document, ou salon.toml s'il n'est plus à jour :",
    ]
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
        )
        if n == 0:
            lines.append(
                "  ".join("-" * w for w in widths) + "  " + "-" * max(len(r[3]) for r in rows)
            )
    return "\n".join(line.rstrip() for line in lines)
