"""An exceptional closure added from the console, written back into `salon.toml`, or an
upcoming one removed (added by mistake, or the salon opens after all).

The file is the owner's: its comments, order and spacing stay as they are (`tomlkit`
edits the document, not a re-serialised copy). The new `[[closures]]` table goes after
the last one, taking over the comment that introduced the next section. The result is
checked with the same loader the receptionist uses before it replaces the file
(`profile_write`: atomically, and only if nobody changed it meanwhile), so a mistake never
leaves a profile the agent cannot read. A removed closure's table goes with its lines
only: the comments around it stay, and adding then removing one gives the file back byte
for byte.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Array
from tomlkit.toml_document import TOMLDocument

from booking.hours import closed_reason
from salon.profile import ProfileError, SalonProfile, parse_profile
from webhook.console.profile_write import (
    ProfileEditRefused,
    append_table,
    dated_index,
    lines_only,
    parse_document,
    remove_table,
    rewrite_profile,
)

MAX_REASON = 100
MAX_DAYS = 366


class ClosureRefused(ProfileEditRefused):
    """The closure cannot be added; the message is French, for the owner."""


@dataclass(frozen=True)
class NewClosure:
    start: date
    end: date
    reason: str

    @classmethod
    def from_form(cls, *, start: str, end: str, reason: str, today: date) -> NewClosure:
        """Check the form's fields; raises `ClosureRefused` with a French message."""
        try:
            first = date.fromisoformat(start.strip())
        except ValueError:
            raise ClosureRefused("La date de début n'est pas une date (AAAA-MM-JJ).") from None
        try:
            last = date.fromisoformat(end.strip()) if end.strip() else first
        except ValueError:
            raise ClosureRefused("La date de fin n'est pas une date (AAAA-MM-JJ).") from None
        if last < first:
            raise ClosureRefused("La date de fin est avant la date de début.")
        if last < today:
            raise ClosureRefused("Cette fermeture est déjà passée.")
        if (last - first).days >= MAX_DAYS:
            raise ClosureRefused("Une fermeture exceptionnelle dure au plus un an.")
        text = " ".join(reason.split())
        if len(text) > MAX_REASON:
            raise ClosureRefused(f"Le motif fait au plus {MAX_REASON} caractères.")
        if any(not ch.isprintable() for ch in text):
            raise ClosureRefused("Le motif contient des caractères invisibles.")
        return cls(start=first, end=last, reason=text)


def add_closure(profile_path: Path, closure: NewClosure) -> SalonProfile:
    """Append `closure` to the `closures` of `profile_path`, keeping everything else as
    it is; returns the profile as the receptionist will now read it. A closure of days
    the salon is already closed on (its weekly day off, a public holiday, a closure
    already there) is refused: it would change nothing but the file."""

    def edit(text: str) -> str:
        try:
            current = parse_profile(tomllib.loads(text), profile_path)
        except (tomllib.TOMLDecodeError, ProfileError):
            current = None  # `with_closure` says what is wrong with the file
        if current is not None:
            refuse_if_already_closed(current, closure)
        return with_closure(text, closure)

    return rewrite_profile(profile_path, edit)


def refuse_if_already_closed(profile: SalonProfile, closure: NewClosure) -> None:
    """Raise `ClosureRefused` when the salon is closed on every day of `closure` anyway
    (« Le salon est déjà fermé ce jour-là (dimanche). »); a closure that takes in some
    closed days among open ones is fine."""
    days = (
        closure.start + timedelta(days=n) for n in range((closure.end - closure.start).days + 1)
    )
    reasons = [closed_reason(profile, day) for day in days]
    if any(reason is None for reason in reasons):
        return
    if closure.start == closure.end:
        why = f" ({reasons[0]})" if reasons[0] else ""
        raise ClosureRefused(f"Le salon est déjà fermé ce jour-là{why}.")
    raise ClosureRefused("Le salon est déjà fermé tous ces jours-là.")


def remove_closure(profile_path: Path, *, start: date, end: date) -> SalonProfile:
    """Remove the closure `start`–`end` from `profile_path`; returns the new profile."""
    return rewrite_profile(profile_path, lambda text: without_closure(text, start=start, end=end))


def with_closure(text: str, closure: NewClosure) -> str:
    """The TOML text with one more closure (comments and layout kept)."""
    doc = parse_document(text)
    entry = tomlkit.table()
    entry.add("start", closure.start.isoformat())
    entry.add("end", closure.end.isoformat())
    if closure.reason:
        entry.add("reason", closure.reason)
    existing = doc.get("closures")
    if existing is None:
        doc.add(tomlkit.nl())
        doc.add(tomlkit.comment("Exceptional closures, inclusive dates."))
        doc.add("closures", tomlkit.aot())
        doc["closures"].append(entry)
    elif isinstance(existing, AoT):
        append_table(existing, entry)
    elif isinstance(existing, Array):
        inline = tomlkit.inline_table()
        inline.update(entry.unwrap())
        existing.append(inline)
    else:
        raise ClosureRefused("Dans salon.toml, « closures » n'est pas une liste de fermetures.")
    return _checked(text, doc, kept="insert")


def without_closure(text: str, *, start: date, end: date) -> str:
    """The TOML text without the closure `start`–`end` (comments and layout kept)."""
    doc = parse_document(text)
    index = dated_index(doc.get("closures"), start, end)
    if index is None:
        raise ClosureRefused(
            "Cette fermeture n'est plus dans salon.toml (retirée ou modifiée entre-temps) : "
            "rien n'a été modifié. La page montre maintenant les fermetures du fichier."
        )
    remove_table(doc, "closures", index)
    return _checked(text, doc, kept="delete")


def _checked(before: str, doc: TOMLDocument, *, kept: str) -> str:
    """The edited text, unless tomlkit moved the owner's lines: it regroups `[[closures]]`
    tables written in several places of the file."""
    refused = ClosureRefused(
        "Dans salon.toml, les fermetures sont écrites en plusieurs endroits : la console ne "
        "sait pas modifier la liste sans déplacer d'autres lignes. Rien n'a été modifié ; "
        "faites la modification directement dans le fichier."
    )
    return lines_only(before, tomlkit.dumps(doc), kept=kept, refused=refused)
