"""An exceptional closure added from the console, written back into `salon.toml`.

The file is the owner's: its comments, order and spacing stay as they are (`tomlkit`
edits the document, not a re-serialised copy). The new `[[closures]]` table goes after
the last one, taking over the comment that introduced the next section. The result is
checked with the same loader the receptionist uses before it replaces the file
(`profile_write`: atomically, and only if nobody changed it meanwhile), so a mistake never
leaves a profile the agent cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Array

from salon.profile import SalonProfile
from webhook.console.profile_write import ProfileEditRefused, append_table, rewrite_profile

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
    it is; returns the profile as the receptionist will now read it."""
    return rewrite_profile(profile_path, lambda text: with_closure(text, closure))


def with_closure(text: str, closure: NewClosure) -> str:
    """The TOML text with one more closure (comments and layout kept)."""
    try:
        doc = tomlkit.parse(text)
    except Exception as exc:  # tomlkit raises its own ParseError family
        raise ClosureRefused(f"salon.toml n'est pas lisible ({exc}).") from exc
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
    return tomlkit.dumps(doc)
