"""A team member's days as documents state them, kept apart from the salon's hours.

`ingest.staff_hours` reads « Léa est là du mardi au vendredi » as Léa's days
(`StaffHoursFact`) without knowing the team. Here the profile's team is known:

- `staff_view` turns the salon-hours and closure facts of a row or sentence naming one of
  the team by first name (« Jeudi : Léa, 9h30 – 19h », « Horaires de Karim : fermé le
  samedi ») into that person's days, and drops them when it names several (« Léa et Karim
  … ») or is unclear (« nocturne avec Yanis »), and a person's leave. Not when the name is the salon's (« Maison Margaux vous accueille … ») or the
  sentence is about the whole team or the salon (« Margaux et toute l'équipe vous
  accueillent … », « le salon », « nous », « ouvert »): those stay the salon's.
- `staff_finding` compares a person's stated day with their own week in `salon.toml`
  (`[[team]] hours`): a day the document says they work and the profile gives them off,
  or the reverse, or other hours. A person without an own week follows the salon's: the
  calendar books them whenever the salon is open, so « Aïssatou est en repos le samedi »
  or « Marie vous reçoit de 9 h à 18 h » against a salon open until 19 h is a finding
  too (its profile value says « horaires du salon »). A person not in the team, or sharing
  a first name with another member, is not compared: nothing says which week is theirs.
  Dated leave is never compared.
"""

from __future__ import annotations

import re
from datetime import time

from ingest.model import ClosureFact, Fact, HoursFact, StaffHoursFact
from salon.french import of_name, time_words
from salon.profile import WEEKDAYS, WEEKDAYS_FR, SalonProfile, TeamMember
from salon.text import fold

Finding = tuple[str, str, str]  # fact, profile value, document value

_CAPITALISED = re.compile(r"\b[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?\b")
_WHOLE_SALON = re.compile(
    r"\bequipe\b|\bsalon\b|\bnous\b|\btous\b|\btoutes\b|\bensemble\b|\bon vous\b|\bouvert"
)
_WITH = re.compile(r"\bavec\b")  # "nocturne avec Yanis": the salon's and Yanis's, unclear
_OFF, _THERE = "ne travaille pas", "travaille"


def _by_first_name(profile: SalonProfile) -> dict[str, list[TeamMember]]:
    members: dict[str, list[TeamMember]] = {}
    for member in profile.team:
        members.setdefault(fold(member.first_name), []).append(member)
    return members


def _without_salon_name(profile: SalonProfile, text: str) -> str:
    """`text` with the salon's name blanked ("Maison Margaux" holds no person)."""
    for name in sorted({profile.name, profile.short_name}, key=len, reverse=True):
        if name:
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


def named_members(profile: SalonProfile, text: str) -> list[str]:
    """The team first names (folded) a row or sentence says, outside the salon's name."""
    team = _by_first_name(profile)
    found: list[str] = []
    for word in _CAPITALISED.findall(_without_salon_name(profile, text)):
        key = fold(word)
        if key in team and key not in found:
            found.append(key)
    return found


def staff_view(profile: SalonProfile, facts: list[Fact]) -> list[Fact]:
    """`facts` with the salon's hours and closures a row or sentence states about named
    team members made theirs (one person) or dropped (several)."""
    out: list[Fact] = []
    memo: dict[str, list[str]] = {}
    for fact in facts:
        if not isinstance(fact, HoursFact | ClosureFact):
            out.append(fact)
            continue
        text = fact.where.text
        if text not in memo:
            whole = _WHOLE_SALON.search(fold(_without_salon_name(profile, text)))
            memo[text] = [] if whole else named_members(profile, text)
        names = memo[text]
        if not names:
            out.append(fact)
        elif len(names) == 1 and isinstance(fact, HoursFact) and not _WITH.search(text):
            out.append(
                StaffHoursFact(fact.where, names[0], fact.weekday, fact.closed, fact.intervals)
            )
    return out


def _member(profile: SalonProfile, person: str) -> TeamMember | None:
    members = _by_first_name(profile).get(fold(person), [])
    return members[0] if len(members) == 1 else None


def _span(opens: time | None, closes: time | None) -> str:
    if opens is None and closes is None:
        return _THERE
    if opens is None:
        return f"jusqu'à {time_words(closes)}" if closes is not None else _THERE
    if closes is None:
        return f"dès {time_words(opens)}"
    return f"{time_words(opens)}–{time_words(closes)}"


def _words(intervals: tuple[tuple[time | None, time | None], ...]) -> str:
    return " et ".join(_span(a, b) for a, b in intervals) if intervals else _OFF


def staff_finding(profile: SalonProfile, fact: StaffHoursFact) -> Finding | None:
    """The disagreement between a person's own week in the profile and this day, if any."""
    member = _member(profile, fact.person)
    if member is None:
        return None
    week = profile.hours if member.hours is None else member.hours
    expected = tuple(week[WEEKDAYS[fact.weekday]])
    said = fact.intervals
    if fact.absent or not expected:
        agrees = fact.absent == (not expected)
    elif not said:  # the day only: there, at hours the document does not say
        agrees = True
    elif all(a is not None and b is not None for a, b in said):
        agrees = said == expected
    else:  # only an opening or only a closing time: compare what is said
        agrees = (said[0][0] is None or said[0][0] == expected[0][0]) and (
            said[-1][1] is None or said[-1][1] == expected[-1][1]
        )
    if agrees:
        return None
    document = _OFF if fact.absent else (_words(said) if said else _THERE)
    profile_value = _words(expected) + (" (horaires du salon)" if member.hours is None else "")
    return (
        f"horaires {of_name(member.first_name)} le {WEEKDAYS_FR[fact.weekday]}",
        profile_value,
        document,
    )
