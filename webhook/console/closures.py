"""An exceptional closure added from the console, written back into `salon.toml`.

The file is the owner's: its comments, order and spacing stay as they are (`tomlkit`
edits the document, not a re-serialised copy). The new `[[closures]]` table goes after
the last one, taking over the comment that introduced the next section. The result is
checked with the same loader the receptionist uses before it replaces the file
(atomically: a temporary file beside it, then a rename), so a mistake never leaves a
profile the agent cannot read.
"""

from __future__ import annotations

import os
import tempfile
import threading
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Array, Table, Whitespace

from salon.profile import ProfileError, SalonProfile, parse_profile

MAX_REASON = 100
MAX_DAYS = 366
_write_lock = threading.Lock()


class ClosureRefused(ValueError):
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
    with _write_lock:
        original = profile_path.read_text(encoding="utf-8")
        updated = with_closure(original, closure)
        try:
            profile = parse_profile(tomllib.loads(updated), profile_path)
        except (ProfileError, tomllib.TOMLDecodeError) as exc:
            raise ClosureRefused(f"salon.toml ne serait plus lisible : {exc}") from exc
        _replace(profile_path, updated)
        return profile


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
        _append_table(existing, entry)
    elif isinstance(existing, Array):
        inline = tomlkit.inline_table()
        inline.update(entry.unwrap())
        existing.append(inline)
    else:
        raise ClosureRefused("Dans salon.toml, « closures » n'est pas une liste de fermetures.")
    return tomlkit.dumps(doc)


def _append_table(tables: AoT, entry: Table) -> None:
    """Append `entry` after the last table, moving the last table's trailing blank lines
    and comments (which introduce the next section) after the new one."""
    if len(tables) == 0:
        tables.append(entry)
        return
    body = tables[-1].value.body
    trailing: list[tuple[Any, Any]] = []
    while body and body[-1][0] is None:
        trailing.insert(0, body.pop())
    body.append((None, Whitespace("\n")))
    tables.append(entry)
    new_body = tables[-1].value.body
    new_body.extend(trailing)


def _replace(path: Path, text: str) -> None:
    handle, tmp = tempfile.mkstemp(prefix=".salon.toml.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
