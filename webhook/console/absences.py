"""A stylist's absence (illness, holidays, training) added from the console, written as a
`[[team.absences]]` table under that member in `salon.toml`, or an upcoming one removed.

The file is edited the way closures are (`profile_write`: comments and layout kept, the
result checked by the receptionist's loader, replaced atomically unless someone else
changed it meanwhile). The calendars read absences from the profile, so the receptionist
stops offering that stylist on those days as soon as the file is written.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Array, Table
from tomlkit.toml_document import TOMLDocument

from salon.french import day_words
from salon.profile import ProfileError, SalonProfile, parse_profile
from salon.team import TeamMember
from webhook.console.profile_write import (
    ProfileEditRefused,
    append_table,
    dated_index,
    lines_only,
    parse_document,
    remove_table,
    rewrite_profile,
    take_trailing,
)

MAX_REASON = 100
MAX_DAYS = 366


class AbsenceRefused(ProfileEditRefused):
    """The absence cannot be added or removed; the message is French, for the owner."""


@dataclass(frozen=True)
class NewAbsence:
    stylist_id: str
    start: date
    end: date
    reason: str

    @classmethod
    def from_form(
        cls,
        *,
        stylist: str,
        start: str,
        end: str,
        reason: str,
        today: date,
        profile: SalonProfile,
    ) -> NewAbsence:
        """Check the form's fields; raises `AbsenceRefused` with a French message."""
        member = stylist_named(profile, stylist)
        first = _day(start, "La date de début")
        last = _day(end, "La date de fin") if end.strip() else first
        if last < first:
            raise AbsenceRefused("La date de fin est avant la date de début.")
        if last < today:
            raise AbsenceRefused("Cette absence est déjà passée.")
        if first < today:
            raise AbsenceRefused(
                "La date de début est passée : une absence se note à partir d'aujourd'hui."
            )
        if (last - first).days >= MAX_DAYS:
            raise AbsenceRefused("Une absence dure au plus un an.")
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in reason.strip()):
            raise AbsenceRefused(
                "Le motif tient sur une ligne, sans caractères invisibles (retour à la ligne, "
                "tabulation…)."
            )
        text = " ".join(reason.split())
        if len(text) > MAX_REASON:
            raise AbsenceRefused(f"Le motif fait au plus {MAX_REASON} caractères.")
        taken = next((a for a in member.absences if a.start <= last and first <= a.end), None)
        if taken is not None:  # two absences over the same days: removing one leaves her off
            why = f" ({taken.reason})" if taken.reason else ""
            raise AbsenceRefused(
                f"{member.first_name} a déjà une absence {dates_words(taken.start, taken.end)}"
                f"{why} : retirez cette absence ou choisissez d'autres dates."
            )
        return cls(stylist_id=member.id, start=first, end=last, reason=text)


def dates_words(start: date, end: date) -> str:
    """« le 17 décembre », « du 16 au 18 décembre », « du 28 novembre au 2 décembre »,
    « du 28 décembre 2026 au 3 janvier 2027 »."""
    last = day_words(end, with_weekday=False)
    if start == end:
        return f"le {last}"
    if start.year != end.year:
        return f"du {day_words(start, with_weekday=False)} {start.year} au {last} {end.year}"
    if start.month != end.month:
        return f"du {day_words(start, with_weekday=False)} au {last}"
    return f"du {'1er' if start.day == 1 else start.day} au {last}"


def stylist_named(profile: SalonProfile, stylist_id: str) -> TeamMember:
    """The member of the team who takes appointments, by id; French refusal otherwise."""
    wanted = stylist_id.strip()
    for member in profile.stylists:
        if member.id == wanted:
            return member
    raise AbsenceRefused("Choisissez une personne de l'équipe qui prend des rendez-vous.")


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AbsenceRefused(f"{what} n'est pas une date (AAAA-MM-JJ).") from None


def add_absence(profile_path: Path, absence: NewAbsence) -> SalonProfile:
    """Write `absence` under its member in `profile_path`; returns the new profile."""
    return rewrite_profile(profile_path, lambda text: with_absence(text, absence))


def remove_absence(profile_path: Path, *, stylist_id: str, start: date, end: date) -> SalonProfile:
    """Remove that member's absence `start`–`end` from `profile_path`."""
    return rewrite_profile(
        profile_path,
        lambda text: without_absence(text, stylist_id=stylist_id, start=start, end=end),
    )


def with_absence(text: str, absence: NewAbsence) -> str:
    """The TOML text with one more absence under the member (comments and layout kept)."""
    doc = parse_document(text)
    member = _member_table(doc, text, absence.stylist_id)
    entry = tomlkit.table()
    entry.add("start", absence.start.isoformat())
    entry.add("end", absence.end.isoformat())
    if absence.reason:
        entry.add("reason", absence.reason)
    existing = member.get("absences")
    if existing is None:
        trailing = take_trailing(member)
        tables = tomlkit.aot()
        tables.append(entry)
        member.append("absences", tables)
        member["absences"][0].trivia.indent = ""  # tomlkit's own blank line, not the file's
        member["absences"][0].value.body.extend(trailing)
    elif isinstance(existing, AoT):
        append_table(existing, entry, blank_line=False)
    elif isinstance(existing, Array):
        inline = tomlkit.inline_table()
        inline.update(entry.unwrap())
        existing.append(inline)
    else:
        raise AbsenceRefused(
            "Dans salon.toml, les « absences » de ce membre ne sont pas une liste : "
            "corrigez le fichier puis recommencez."
        )
    return _checked(text, tomlkit.dumps(doc), kept="insert")


def without_absence(text: str, *, stylist_id: str, start: date, end: date) -> str:
    """The TOML text without that member's absence `start`–`end` (the rest kept)."""
    doc = parse_document(text)
    member = _member_table(doc, text, stylist_id)
    index = dated_index(member.get("absences"), start, end)
    if index is None:
        raise AbsenceRefused("Cette absence n'est plus dans salon.toml : rien n'a été modifié.")
    remove_table(member, "absences", index)
    return _checked(text, tomlkit.dumps(doc), kept="delete")


def _checked(before: str, after: str, *, kept: str) -> str:
    """`after`, unless tomlkit moved the owner's text (a `[[team]]` list written in
    several places is regrouped)."""
    refused = AbsenceRefused(
        "salon.toml est organisé d'une façon que la console ne sait pas modifier sans "
        "déplacer d'autres lignes (l'équipe y est écrite en plusieurs endroits ?) : "
        "rien n'a été modifié ; notez l'absence directement dans le fichier."
    )
    return lines_only(before, after, kept=kept, refused=refused)


def _member_table(doc: TOMLDocument, text: str, stylist_id: str) -> Table:
    """The `[[team]]` table of `stylist_id` (ids may be implicit: the loader's rule)."""
    try:
        profile = parse_profile(tomllib.loads(text), Path("salon.toml"))
    except (ProfileError, tomllib.TOMLDecodeError) as exc:
        raise AbsenceRefused(f"salon.toml n'est pas lisible ({exc}).") from exc
    ids = [m.id for m in profile.team]
    team = doc.get("team")
    if stylist_id not in ids:
        raise AbsenceRefused("Cette personne n'est plus dans l'équipe de salon.toml.")
    if not isinstance(team, AoT) or len(team) != len(ids):
        raise AbsenceRefused(
            "Dans salon.toml, l'équipe n'est pas écrite en tables [[team]] : ajoutez "
            "l'absence à la main dans le fichier."
        )
    table = team[ids.index(stylist_id)]
    assert isinstance(table, Table)
    return table
