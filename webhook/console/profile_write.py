"""Writing a change from the console back into `salon.toml`, safely.

The file is the owner's: an edit goes through `tomlkit` (the document, not a
re-serialised copy), so comments, order and spacing stay. The result is checked with the
loader the receptionist uses, then replaces the file atomically (a temporary file beside
it, then a rename) only if nobody changed the file in the meantime: a concurrent edit, an
unreadable file or a result the agent could not read is refused in French and the file
stays byte for byte as it was.
"""

from __future__ import annotations

import os
import tempfile
import threading
import tomllib
from collections.abc import Callable
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Array, Comment, InlineTable, Null, Table, Whitespace
from tomlkit.toml_document import TOMLDocument

from salon.profile import ProfileError, SalonProfile, parse_profile, toml_error_fr

_write_lock = threading.Lock()


class ProfileEditRefused(ValueError):
    """The change cannot be written; the message is French, for the owner."""


def parse_document(text: str) -> TOMLDocument:
    try:
        return tomlkit.parse(text)
    except Exception as exc:  # tomlkit raises its own ParseError family
        try:  # the owner's words for it, as scripts/reindex and scripts/doctor give them
            tomllib.loads(text)
            where = f"({exc})"
        except tomllib.TOMLDecodeError as syntax:
            where = f": {toml_error_fr(syntax, text)}"
        raise ProfileEditRefused(
            f"salon.toml n'est pas lisible {where}. Rien n'a été modifié : corrigez le fichier "
            "puis recommencez."
        ) from exc


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileEditRefused(
            "salon.toml est introuvable : rien n'a été modifié. Remettez le fichier en place "
            "puis recommencez."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileEditRefused(
            f"salon.toml ne peut pas être lu ({exc.__class__.__name__}) : rien n'a été modifié."
        ) from exc


def rewrite_profile(path: Path, edit: Callable[[str], str]) -> SalonProfile:
    """Apply `edit` (text → text) to `path` and return the profile as the receptionist
    will now read it; raises `ProfileEditRefused` (French) and leaves the file alone when
    the file is unreadable, the result is not a valid profile, or the file changed while
    the new one was being written."""
    with _write_lock:
        original = read_text(path)
        updated = edit(original)
        try:
            profile = parse_profile(tomllib.loads(updated), path)
        except tomllib.TOMLDecodeError as exc:
            reason = toml_error_fr(exc, updated)
            raise ProfileEditRefused(f"salon.toml ne serait plus lisible : {reason}") from exc
        except ProfileError as exc:
            raise ProfileEditRefused(f"salon.toml ne serait plus lisible : {exc}") from exc
        _replace_if_unchanged(path, updated, original)
        return profile


CHANGED = (
    "salon.toml vient d'être modifié par ailleurs pendant l'enregistrement : rien n'a été "
    "écrit, pour ne pas effacer cette modification. Rechargez la page et recommencez."
)


def _replace_if_unchanged(path: Path, text: str, original: str) -> None:
    handle, tmp = tempfile.mkstemp(prefix=".salon.toml.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777)
        # Another writer (the owner's editor, another process) may have saved in the
        # meantime: replacing the file now would silently drop their change.
        if read_text(path) != original:
            raise ProfileEditRefused(CHANGED)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def append_table(tables: AoT, entry: Table, *, blank_line: bool = True) -> None:
    """Append `entry` after the last table, moving the last table's trailing blank lines
    and comments (which introduce what follows) after the new one."""
    if len(tables) == 0:
        tables.append(entry)
        return
    trailing = take_trailing(tables[-1])
    if blank_line:
        tables[-1].value.body.append((None, Whitespace("\n")))
    tables.append(entry)
    tables[-1].value.body.extend(trailing)


def take_trailing(table: Table) -> list[tuple[Any, Any]]:
    """Remove and return the blank lines and comments that end `table`'s text, looking
    into its last sub-table (`[team.hours]` ends a `[[team]]` member)."""
    body = table.value.body
    if body and body[-1][0] is not None:
        last = body[-1][1]
        if isinstance(last, Table):
            return take_trailing(last)
        if isinstance(last, AoT) and len(last) > 0:
            return take_trailing(last[-1])
    trailing: list[tuple[Any, Any]] = []
    while body and body[-1][0] is None:
        trailing.insert(0, body.pop())
    return trailing


def keep_trailing(table: Table | TOMLDocument, trailing: list[tuple[Any, Any]]) -> None:
    """Put back the blank lines and comments that followed a removed table at the end of
    `table`'s text (inside its last sub-table, where the parser would have put them)."""
    if not trailing:
        return
    body = _body(table)
    while body and body[-1][0] is not None:
        last = body[-1][1]
        if isinstance(last, Table):
            body = last.value.body
        elif isinstance(last, AoT) and len(last) > 0:
            body = last[-1].value.body
        else:
            break
    if body and isinstance(body[-1][1], Comment) and not _has_comment(trailing):
        return  # a comment introducing what follows: it stays against it
    while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace):
        body.pop()  # the removed table's own spacing replaces this one
    body.extend(trailing)


def _body(table: Table | TOMLDocument) -> list[tuple[Any, Any]]:
    return table.body if isinstance(table, TOMLDocument) else table.value.body


def _has_comment(items: list[tuple[Any, Any]]) -> bool:
    return any(isinstance(item, Comment) for _, item in items)


def dated_index(entries: object, start: date, end: date) -> int | None:
    """The position in `entries` (a list of tables written in salon.toml) of the first one
    from `start` to `end` (`end` left out means one day), or None."""
    if not isinstance(entries, AoT | Array):
        return None
    for i, item in enumerate(entries):
        if not isinstance(item, Table | InlineTable):
            continue
        first = str(item.get("start"))
        if first == start.isoformat() and str(item.get("end", first)) == end.isoformat():
            return i
    return None


def remove_table(parent: Table | TOMLDocument, key: str, index: int) -> None:
    """Remove the `index`-th table of the list `key` of `parent`, an array of tables
    (`[[closures]]`) or an inline array (`absences = [{…}]`). The blank lines and comments
    that followed the removed table introduce what comes next: they stay, at the end of
    what came before it."""
    existing = parent[key]
    if isinstance(existing, Array):
        del existing[index]
        return
    assert isinstance(existing, AoT)
    trailing = take_trailing(existing[index])
    if index > 0:
        del existing[index]
        keep_trailing(existing[index - 1], trailing)
        return
    before = _table_before(parent, key)
    if len(existing) > 1:
        del existing[0]
        if before is not None:
            keep_trailing(before, trailing)
        elif _has_comment(trailing):  # only keys before: the comments lead the next table
            text = "".join(item.as_string() for _, item in trailing)
            existing[0].trivia.indent = text + existing[0].trivia.indent
        return
    del parent[key]
    keep_trailing(before if before is not None else parent, trailing)


def _table_before(parent: Table | TOMLDocument, key: str) -> Table | None:
    """The table written just before the list `key` of `parent` (its last element for a
    list of tables), or None when keys or nothing come before it."""
    body = _body(parent)
    at = next(i for i, (k, _) in enumerate(body) if k is not None and k.key == key)
    for k, item in reversed(body[:at]):
        if k is None and isinstance(item, Null):
            continue
        if isinstance(item, Table):
            return item
        if isinstance(item, AoT) and len(item) > 0:
            last = item[-1]
            assert isinstance(last, Table)
            return last
        return None
    return None


def lines_only(before: str, after: str, *, kept: str, refused: ProfileEditRefused) -> str:
    """`after`, if it only adds (`kept="insert"`) or only removes (`"delete"`) lines of
    `before`, or changes one line (an inline list, `absences = [{…}, {…}]`); raises
    `refused` otherwise: tomlkit regroups a list of tables written in several places,
    which would move the owner's text around."""
    ops = SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    changes = [(tag, i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops.get_opcodes()]
    inline = [c for c in changes if c == ("replace", 1, 1)]
    if len(inline) > 1 or any(c[0] not in ("equal", kept) for c in changes if c not in inline):
        raise refused
    return after
