"""What a document states about prices, durations, hours, closures, phone and address.

`extract_facts(doc, source=…)` reads a loaded `Document` block by block and returns the
facts it states, each with where it says it (file, page, heading path, the row or
sentence). It knows nothing of `salon.toml`: `kb.contradictions` matches the labels to
the profile's services and compares the values. Precision comes first, so a value is
read only where its meaning is plain:

- a table row: the first text cell is the label, one price cell and/or one duration cell
  ("Coupe homme — 30 min — 28 €", "Prestation : Coupe homme — Prix : 28 €");
- a line or a clause: the text before a price is its label ("Coupe enfant : 16 €",
  "La coupe étudiant est à 25 €"); a duration right before the price goes with it. The
  words after a price, up to the next comma (or « et »), narrow it: its `qualifier`
  ("58 € sur cheveux courts, 72 € sur cheveux longs"), never the next price's label; a
  price with no label of its own takes the clause's earlier one as `subject`
  ("Le brushing est à 29 €, 36 € pour cheveux longs").
  Supplements ("+10 €"), per-unit prices ("0,60 € par kilomètre"), gift values
  ("valeur 25 €") and approximate durations ("environ deux heures") are not read.
  « à partir de 79 € » is a « from » price, "de 79 à 99 €" a range;
- weekly hours and closures: see `ingest.hours_facts`; hours said for a season or some
  months (a table's « Été » column, « en été, … ») carry it (`ingest.seasons`); a team
  member's days and leave (« Léa est là du mardi au vendredi ») are theirs, not the
  salon's: `ingest.staff_hours`;
- phone numbers anywhere; street addresses with a postcode or an address word nearby.
"""

from __future__ import annotations

import re

from ingest.document import Document
from ingest.hours_facts import closure_facts, hours_facts
from ingest.model import AddressFact, DurationFact, Fact, PhoneFact, PriceFact, Where
from ingest.seasons import SeasonReader, unlabelled, with_season
from ingest.staff_hours import staff_hours_facts, staff_subject, team_section
from salon.phone import to_e164

_NUM = r"\d{1,4}(?:[.,]\d{1,2})?"
_EURO = r"(?:€|euros?\b|eur\b)"
PRICE = re.compile(
    rf"(?<![\w.,+])(?P<from>(?:[àa]\s+partir\s+de|dès)\s+)?"
    rf"(?:(?:de\s+|entre\s+)?(?P<low>{_NUM})\s*(?:{_EURO}\s*)?(?:à|a|-|–|et)\s*)?"
    rf"(?:(?P<amount>{_NUM})\s*{_EURO}|€\s*(?P<amount2>{_NUM}))",
    re.IGNORECASE,
)
_FREE_CELL = re.compile(r"^(?:gratuite?s?|offerte?s?|0\s*€)$", re.IGNORECASE)
# "45 min", "1 h", "1 h 30", "1h30", "2 heures", "1 heure 30", "90 minutes", "45 à 60 min".
_ONE_DURATION = (
    r"(?:(?P<h{n}>\d{{1,2}})\s?(?:h|heures?)(?:\s?(?P<hm{n}>[0-5]\d)(?:\s?min\.?)?)?"
    r"|(?P<m{n}>\d{{1,3}})\s?(?:min(?:utes?)?|mn)\.?)(?![\w])"
)
DURATION = re.compile(
    r"(?<![\w.,:])"
    + _ONE_DURATION.format(n=1)
    + r"(?:\s*(?:à|a|-|–|ou)\s*"
    + _ONE_DURATION.format(n=2)
    + r")?",
    re.IGNORECASE,
)
_BARE_RANGE = re.compile(
    r"(?<![\w.,])(?P<low>\d{1,3})\s*(?:à|-|–)\s*(?P<high>\d{1,3})\s?(?:min(?:utes?)?|mn)\b",
    re.IGNORECASE,
)
_APPROXIMATE = re.compile(
    r"(?:environ|env\.?|~|≈|au moins|au maximum|max\.?|jusqu'?[àa]|moins de|plus de|"
    r"compter|comptez|prévoir|prévoyez)\s*$",
    re.IGNORECASE,
)
_NOT_A_PRICE_BEFORE = re.compile(
    r"(?:\+|valeur|supplément|suppl\.|remise|réduction|acompte|caution|moins|économisez)"
    r"\s*(?:de\s*)?$",
    re.IGNORECASE,
)
_NOT_A_PRICE_AFTER = re.compile(
    r"^\s*(?:/|par\b|de l'heure|l'heure|le km|du km|ht\b|de réduction|de remise|"
    r"offerts?\b|de moins\b|de plus\b|d'acompte)",
    re.IGNORECASE,
)
_CLOCK_BEFORE = re.compile(r"\b(?:à|a|de|dès|vers|jusqu'?à)\s*$", re.IGNORECASE)
_HEADER_PREFIX = re.compile(r"^(?P<name>[^\d:]{1,30}?)\s?:\s+(?P<value>.+)$")
_NAME_COLUMN = re.compile(
    r"^\s*(?:prestations?|services?|soins?|désignation|designation|libellé|libelle|nom|"
    r"produits?|articles?|formules?|forfaits?|intitulé|intitule)\s?:",
    re.IGNORECASE,
)
_LABEL_TRIM = " \t:–—-,.(…·|/*•"
# What ends the words narrowing a price: a comma or semicolon, else a conjunction.
_STRONG_BREAK = re.compile(r"\s*[,;]\s*|\s+[—–]\s+")
_WEAK_BREAK = re.compile(r"(?:^|\s+)(?:et|ou|mais|puis)\s+", re.IGNORECASE)
_LEADING_JOIN = re.compile(r"^(?:et|ou|mais|puis)\s+", re.IGNORECASE)
# A label that only narrows the clause's subject: "La coupe est à 28 €, avec la barbe 42 €".
_NARROWING = re.compile(r"^(?:avec|sans|sur|en)\b", re.IGNORECASE)
# Words that introduce a price and are not what is priced: "… est à", "comptez", "coûte".
_PRICE_VERB = re.compile(
    r"(?:\s*\b(?:comptez|compter|prévoyez|prévoir|coûtent|coûte|revient|reviennent|"
    r"est|sont|c'est|c’est|facturée?s?|à|de)\b)+\s*$",
    re.IGNORECASE,
)
_MAX_LABEL_WORDS = 12
CLAUSE_BREAK = re.compile(r"(?<=[.!?;])\s+|\s+•\s+|\n+")


def _euros(text: str) -> float:
    return float(text.replace(",", "."))


def _minutes(match: re.Match[str], n: int) -> int:
    if match.group(f"m{n}"):
        return int(match.group(f"m{n}"))
    return int(match.group(f"h{n}")) * 60 + int(match.group(f"hm{n}") or 0)


def _price_ok(text: str, match: re.Match[str]) -> bool:
    """False for supplements, discounts, gift values and per-unit prices."""
    before, after = text[: match.start()], text[match.end() :]
    return not _NOT_A_PRICE_BEFORE.search(before) and not _NOT_A_PRICE_AFTER.match(after)


def _price_fact(
    where: Where, label: str, match: re.Match[str], *, qualifier: str = "", subject: str = ""
) -> PriceFact:
    amount = _euros(match.group("amount") or match.group("amount2"))
    low = match.group("low")
    ranged = low is not None and _euros(low) < amount
    return PriceFact(
        where,
        label,
        _euros(low) if ranged else amount,
        high=amount if ranged else None,
        from_price=not ranged and bool(match.group("from")),
        qualifier=qualifier,
        subject=subject,
    )


def _is_clock_time(text: str, match: re.Match[str]) -> bool:
    """ "à 9h30", "de 10h à 18h", "9h30 – 19h": times of day, not durations."""
    if _CLOCK_BEFORE.search(text[: match.start()]):
        return True
    high = match.group("h2") or match.group("m2")
    return bool(high) and _minutes(match, 1) >= 300 and _minutes(match, 2) >= 300


def _duration_fact(
    where: Where, label: str, match: re.Match[str], *, qualifier: str = ""
) -> DurationFact:
    low = _minutes(match, 1)
    high = _minutes(match, 2) if match.group("h2") or match.group("m2") else None
    high = high if high and high > low else None
    return DurationFact(where, label, low, high=high, qualifier=qualifier)


def clean_label(text: str, *, headed: bool = False) -> str:
    """The designation before a value, without separators, brackets left open, or (in a
    spreadsheet row whose cells say "Column : value") the column name."""
    label = text.strip(_LABEL_TRIM)
    if label.count("(") > label.count(")"):
        label = label[: label.rfind("(")].strip(_LABEL_TRIM)
    if headed:
        label = _value_of(label, headed=True).strip(_LABEL_TRIM)
    return label if 0 < len(label.split()) <= _MAX_LABEL_WORDS else ""


def _value_of(cell: str, *, headed: bool) -> str:
    header = _HEADER_PREFIX.match(cell) if headed else None
    if header and len(header.group("name").split()) <= 3:
        return header.group("value").strip()
    return cell.strip()


def _cell_kind(value: str) -> str:
    if _FREE_CELL.match(value):
        return "free"
    price = PRICE.fullmatch(value)
    if price and _price_ok(value, price):
        return "price"
    duration = DURATION.fullmatch(value)
    if (duration and not _is_clock_time(value, duration)) or _BARE_RANGE.fullmatch(value):
        return "duration"
    return "text"


def _row_facts(where: Where, cells: list[str]) -> list[Fact]:
    """One table row: the first text cell names it, with one price cell and/or one
    duration cell. A row whose values share a cell ("35 min 34 €") is read as a line."""
    headed = sum(1 for c in cells if _HEADER_PREFIX.match(c)) >= 2
    values = [_value_of(c, headed=headed) for c in cells]
    kinds = [_cell_kind(v) for v in values]
    prices = [v for v, k in zip(values, kinds, strict=True) if k in ("price", "free")]
    durations = [v for v, k in zip(values, kinds, strict=True) if k == "duration"]
    texts = [v for v, k in zip(values, kinds, strict=True) if k == "text"]
    if not prices and not durations:
        return _line_facts(where, where.text)
    if not texts:
        return []
    name = texts[0]
    if headed:  # a spreadsheet row: the column that names the item, when there is one
        named = [
            v
            for c, v, k in zip(cells, values, kinds, strict=True)
            if k == "text" and _NAME_COLUMN.match(c)
        ]
        name = named[0] if named else name
    facts: list[Fact] = []
    ending = next((m for m in DURATION.finditer(name) if m.end() == len(name.rstrip())), None)
    if ending is not None and not durations and not _is_clock_time(name, ending):
        name = name[: ending.start()]
        durations.append(ending.group(0))
    label = clean_label(name)
    if not label:
        return []
    if len(prices) == 1:
        match = PRICE.fullmatch(prices[0])
        facts.append(_price_fact(where, label, match) if match else PriceFact(where, label, 0.0))
    if len(durations) == 1:
        bare = _BARE_RANGE.fullmatch(durations[0])
        if bare:
            low, high = int(bare.group("low")), int(bare.group("high"))
            facts.append(DurationFact(where, label, low, high=high if high > low else None))
        elif match := DURATION.fullmatch(durations[0]):
            facts.append(_duration_fact(where, label, match))
    return facts


def _after_price(text: str, *, last: bool) -> tuple[str, int]:
    """The words after a price that narrow it ("(moins de 10 ans)", "sur cheveux courts"),
    and where the next price's own words start: after the first comma or semicolon, else
    the first conjunction; with neither, everything is the next price's. After the
    clause's last price, the words up to the first comma are its own ("sur cheveux
    mi-longs ou longs"), unless a conjunction follows the price."""
    tail, start = "", len(text) - len(text.lstrip())
    if text[start:].startswith("(") and ")" in text[start:]:
        close = text.index(")", start)
        tail, start = text[start + 1 : close], close + 1
    rest = text[start:]
    found = (
        _WEAK_BREAK.match(rest)  # "19 € et prend une demi-heure": nothing narrows it
        or _STRONG_BREAK.search(rest)
        or (None if last else _WEAK_BREAK.search(rest))
    )
    if found is not None:
        return f"{tail} {rest[: found.start()]}", start + found.end()
    return (f"{tail} {rest}", len(text)) if last else (tail, start)


def _own_words(text: str) -> str:
    """The label before a price, without the verb that introduces the price."""
    return clean_label(_LEADING_JOIN.sub("", _PRICE_VERB.sub("", text.strip(_LABEL_TRIM))))


def _line_facts(where: Where, text: str) -> list[Fact]:
    """A line or clause: each price labelled by the text before it (after the value before
    it and the words narrowing that one) and narrowed by the words after it; a duration
    just before a price, or ending the line, shares its label."""
    facts: list[Fact] = []
    cursor = 0
    subject = ""  # the label of the clause's latest price that had one
    prices = [m for m in PRICE.finditer(text) if _price_ok(text, m)]
    for n, match in enumerate(prices):
        segment = text[cursor : match.start()]
        end = prices[n + 1].start() if n + 1 < len(prices) else len(text)
        tail, skip = _after_price(text[match.end() : end], last=n + 1 == len(prices))
        cursor = match.end() + skip
        qualifier = clean_label(DURATION.sub(" ", tail))
        label_end = len(segment)
        durations = list(DURATION.finditer(segment))
        last = durations[-1] if durations else None
        if last is not None and not segment[last.end() :].strip(_LABEL_TRIM):
            label_end = last.start()
        label = _own_words(segment[:label_end])
        if subject and _NARROWING.match(label):
            label, qualifier = "", f"{label} {qualifier}".strip()
        if label:
            subject = label
            facts.append(_price_fact(where, label, match, qualifier=qualifier))
            if last is not None and label_end == last.start():
                head = segment[: last.start()]
                if not _APPROXIMATE.search(head) and not _is_clock_time(segment, last):
                    facts.append(_duration_fact(where, label, last, qualifier=qualifier))
        elif qualifier:
            facts.append(_price_fact(where, "", match, qualifier=qualifier, subject=subject))
    if not prices:
        durations = list(DURATION.finditer(text))
        if len(durations) == 1 and not text[durations[0].end() :].strip(_LABEL_TRIM):
            head = text[: durations[0].start()]
            label = clean_label(head)
            clock = _is_clock_time(text, durations[0])
            if label and not _APPROXIMATE.search(head) and not clock:
                facts.append(_duration_fact(where, label, durations[0]))
    return facts


# Phone numbers as written in France: "04 78 42 18 90", "04.78.42.18.90", "+33 4 78 …".
PHONE = re.compile(r"(?<![\d+])(?:\+33\s?(?:\(0\)\s?)?|0033\s?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")
_STREET_TYPES = (
    r"rue|avenue|av\.|boulevard|bd|place|quai|cours|allée|allee|impasse|chemin|route|"
    r"passage|square|faubourg|esplanade|promenade|parvis|chaussée|mail|cité|villa|sentier"
)
ADDRESS = re.compile(
    rf"(?<![\w,.])(?P<street>\d{{1,4}}(?:\s?(?:bis|ter))?\s*,?\s+(?:{_STREET_TYPES})\s+"
    r"[^\W\d_][\w'’\- ]{1,60}?)"
    r"(?=\s*(?:,|—|–|·|\(|\.|;|$|\d{5}|\bà\b|\bdans\b|\bau\b|\ben\b))"
    r"(?:\s*,?\s*(?P<postcode>\d{5})\b)?",
    re.IGNORECASE,
)
_ADDRESS_WORDS = re.compile(
    r"adresse|situé|située|se trouve|nous trouver|accueill|rendez-vous au|bienvenue|salon",
    re.IGNORECASE,
)
_OTHER_PLACE = re.compile(
    r"parking|station|arrêt|métro|tram|bus\b|gare|agence|boutique|entrepôt|siège", re.IGNORECASE
)


def _contact_facts(where: Where, text: str) -> list[Fact]:
    facts: list[Fact] = []
    for match in PHONE.finditer(text):
        number = to_e164(match.group(0))
        if number is not None:
            facts.append(PhoneFact(where, number, match.group(0)))
    for match in ADDRESS.finditer(text):
        if _OTHER_PLACE.search(text[: match.start()]):
            continue
        if match.group("postcode") or _ADDRESS_WORDS.search(text):
            street = " ".join(match.group("street").split())
            facts.append(AddressFact(where, street, match.group("postcode")))
    return facts


def _calendar_facts(where: Where, text: str, *, context: str, in_team: bool) -> list[Fact]:
    """The salon's weekly hours and closures, unless the row or sentence states a team
    member's days (`ingest.staff_hours`): then theirs, never the salon's."""
    person = staff_subject(text, in_team=in_team)
    if person is not None:
        return staff_hours_facts(where, text, person=person)
    return hours_facts(where, text, context=context) + closure_facts(where, text, context=context)


def extract_facts(doc: Document, *, source: str) -> list[Fact]:
    """Every fact the document states, in reading order, with where it says it."""
    facts: list[Fact] = []
    stack: list[tuple[int, str]] = []
    seasons = SeasonReader()  # which season each statement's hours are for
    for block in doc.blocks:
        seasons.next_block(heading=block.type == "heading")
        if block.type == "heading":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text))
            continue
        section = " > ".join(text for _, text in stack)
        context = f"{doc.title} {section}"
        in_team = team_section(doc.title, section)
        if block.type == "row":
            where = Where(source, block.page, section, block.text)
            plain = unlabelled(block.text)  # "Été (du 1er mai…) : 9h" holds no closure
            cells = [c for c in plain.split(" — ") if c.strip()]
            facts += _row_facts(where, cells) if len(cells) > 1 else _line_facts(where, plain)
            for text, ctx, season in seasons.parts(
                block.text, context=context, section=section, row=True
            ):
                facts += with_season(
                    _calendar_facts(where, text, context=ctx, in_team=in_team), season
                )
            facts += _contact_facts(where, plain)
            continue
        for clause in CLAUSE_BREAK.split(block.text):
            clause = clause.strip()
            if not clause:
                continue
            where = Where(source, block.page, section, clause)
            facts += _line_facts(where, clause)
            for text, ctx, season in seasons.parts(clause, context=context, section=section):
                facts += with_season(
                    _calendar_facts(where, text, context=ctx, in_team=in_team), season
                )
            facts += _contact_facts(where, clause)
    return facts
