"""A team member's days and hours, told apart from the salon's opening hours.

Team pages say who works when: « Léa est là du mardi au vendredi », « Karim travaille le
lundi et le jeudi de 14 h à 19 h », « Sophie : mercredi et samedi », « absente le lundi »,
« Aïssatou vous reçoit du mercredi au samedi ». Those are not the salon's hours, nor are a
person's leave dates the salon's closures. A row or sentence is about a person when

- its subject is a capitalised first name followed by a verb of presence or absence
  (travaille, est là, est présent·e, reçoit, vient, est absent·e, est en congé, en
  formation, en repos …), after a day or an apposition if any (« Le jeudi, Karim est en
  formation », « Léa, notre coloriste, est là … »);
- or it sits under a team heading (« L'équipe », « Notre équipe », « Qui sommes-nous »,
  « Nos coiffeurs »), nearer than any hours heading, and does not name the salon
  (« le salon », « nous », « ouvert »); its person is then the name it starts with
  (« Sophie : mercredi et samedi », a row's first cell), else unknown (« Il travaille … »).

Such a statement gives `StaffHoursFact`s for the person named, each day there (with its
hours when given) or off (absent, en congé, repos, ne travaille pas), and nothing when
the person is not named or the days are not plain (« sauf », « un samedi sur deux »,
« les autres jours », a dated day). « X vous accueille » stays the salon's: salons are
named after people; `kb.team_checks` tells a team member's name from the salon's.
"""

from __future__ import annotations

import re

from ingest.hours_facts import _groups, _items, _resolve
from ingest.model import Fact, StaffHoursFact, Where
from salon.text import fold

_FIRST_NAME = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?"
# "Léa", "Karim Haddad", "Léa M.", then maybe an apposition: "Karim, notre barbier,".
_NAMED = re.compile(
    rf"(?P<name>{_FIRST_NAME})(?:\s+(?:{_FIRST_NAME}|[A-Z]\.))?"
    r"(?:\s*,[^,]{1,60},|\s*\([^)]{1,60}\))?\s+"
)
# A verb saying the subject is there or not, in folded text.
_PERSON_VERB = re.compile(
    r"(?:(?:ne|n')\s*)?(?:travaille|vient|coiffe|officie|exerce|intervient)\b"
    r"|(?:vous\s+)?recoit\b"
    r"|(?:est|sera|n'est|ne\s+sera)\s+(?:pas\s+|toujours\s+|aussi\s+|egalement\s+)?"
    r"(?:la|ici|presente?|absente?|off|disponible|(?:en|de)\s+(?:conges?|vacances|formation"
    r"|repos))\b"
    r"|(?:presente?|absente?|(?:en|de)\s+(?:conges?|vacances|formation|repos))\b"
)
# Words that make the capitalised word after them part of a place's name ("Chez Léa").
_PLACE = "salon chez maison atelier institut studio espace boutique coiffure barber"
_PLACE_WORDS = frozenset(_PLACE.split())
_WORD_BEFORE = re.compile(r"([\w'’-]+)\s+$")
# Capitalised words that are no one's first name.
_COMMON = """le la les l un une des du de notre nos votre vos nous on il elle ils elles ce
    cette chaque tout toute tous toutes et ou mais puis sauf accueil horaires horaire ouverture
    fermeture ferme fermee repos conges vacances formation jours jour semaine week-end matin
    apres-midi soir midi ete hiver printemps automne rendez-vous barbier coiffeur coiffeuse
    coloriste styliste apprenti apprentie equipe lundi mardi mercredi jeudi vendredi samedi
    dimanche janvier fevrier mars avril mai juin juillet aout septembre octobre novembre
    decembre"""
_NOT_A_NAME = _PLACE_WORDS | frozenset(_COMMON.split())
_LEADING_NAME = re.compile(rf"^\W*(?P<name>{_FIRST_NAME})(?:\s+{_FIRST_NAME})?\s*(?::|—|–|-|,|\()")

_TEAM_HEADING = re.compile(
    r"\bequipe\b|qui sommes[- ]nous|\b(?:nos|les|vos) (?:coiffeu|stylist|barbier|coloriste"
    r"|talents|experts|collaborat|professionnel)"
)
_HOURS_HEADING = re.compile(r"horaire|ouverture|\bouvert|fermeture|\bacces\b|infos? pratiques")
_SALON_SUBJECT = re.compile(r"\b(?:le|notre|du|au) salon\b|\bnous\b|\bouverte?s?\b|\bon vous\b")

_ABSENT = re.compile(
    r"\b(?:ne\s+travaille\s+pas|ne\s+vient\s+pas|n'est\s+pas\s+la|ne\s+sera\s+pas\s+la"
    r"|absente?s?|indisponible|off|(?:en|de)\s+(?:conges?|vacances|formation|repos))\b"
)
_NEITHER = re.compile(r"\bni\b")
_NOT_PLAIN = re.compile(
    r"\bsauf\b|\bexcepte|\bhors\b|autres jours|reste de la semaine|sur deux\b|\bcertains\b"
    r"|\bparfois\b|\bselon\b|alternance|\bou\b"
)


def team_section(title: str, section: str) -> bool:
    """Whether the nearest heading that says what it is about (the document's title
    last) is a team heading rather than an hours one; a heading saying both decides
    nothing and stops the search."""
    for heading in reversed([title, *section.split(" > ")]):
        folded = fold(heading)
        team, hours = bool(_TEAM_HEADING.search(folded)), bool(_HOURS_HEADING.search(folded))
        if team or hours:
            return team and not hours
    return False


def _a_name(word: str) -> bool:
    return fold(word).replace("'", "") not in _NOT_A_NAME


def _in_place_name(before: str) -> bool:
    """The word right before a name is a place word or another capitalised word: the
    name is part of a salon's ("Maison Margaux", "Chez Léa", "Coiffure Sandrine")."""
    word = _WORD_BEFORE.search(before)
    if word is None:
        return False
    key = fold(word.group(1)).replace("'", "")
    return key in _PLACE_WORDS or (word.group(1)[0].isupper() and _a_name(word.group(1)))


def person_subject(text: str) -> str | None:
    """The first name of the person `text` is about: a capitalised first name followed by
    a verb of presence or absence, not part of a place's name."""
    for match in _NAMED.finditer(text):
        name = match.group("name")
        if not _a_name(name) or _in_place_name(text[: match.start()]):
            continue
        if _PERSON_VERB.match(fold(text[match.end() :])):
            return name
    return None


def staff_subject(text: str, *, in_team: bool) -> str | None:
    """Whose days `text` states: a first name, "" for a person not named, None for the
    salon's (or no one's)."""
    named = person_subject(text)
    if named is not None:
        return named
    if not in_team:
        return None
    lead = _LEADING_NAME.match(text)
    if lead is not None and _a_name(lead.group("name")):
        return lead.group("name")
    return None if _SALON_SUBJECT.search(fold(text)) else ""


def staff_hours_facts(where: Where, text: str, *, person: str) -> list[Fact]:
    """The days `person` is there (with hours when given) or off, as `text` states them."""
    folded = fold(text)
    if not person or _NOT_PLAIN.search(folded):
        return []
    folded = _NEITHER.sub("et", _ABSENT.sub(" ferme ", folded))  # "ni le jeudi": off too
    items = _items(folded)
    if any(kind == "date" for kind, *_ in items):
        return []
    facts: list[Fact] = []
    if any(kind in ("span", "open", "close", "closed") for kind, *_ in items):
        for day, (absent, intervals) in sorted(_resolve(_groups(folded, items)).items()):
            valid = tuple(
                (a, b) for a, b in intervals if (a is None or b is None or a < b) and (a or b)
            )
            if absent or valid:
                facts.append(StaffHoursFact(where, person, day, absent, () if absent else valid))
        return facts
    days: set[int] = set()
    for n, (kind, value, _, end) in enumerate(items):
        nxt = items[n + 1] if n + 1 < len(items) else None
        part_of_day = nxt is not None and nxt[0] == "partial" and nxt[2] - end <= 2
        if kind == "days" and isinstance(value, set) and not part_of_day:
            days |= value
    return [StaffHoursFact(where, person, day, False) for day in sorted(days)]
