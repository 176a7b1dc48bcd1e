"""The building blocks of `salon.toml` fields: the error, weekdays, time intervals,
date ranges, and the checks that name the file and the field of a bad value.

The checks are worded in French at the source: the owner reads them through
`python -m booking`, `scripts/jobs`, the doctor, `scripts/reindex` and the console
(« prestation « Coupe homme » (3e bloc [[services]]), price : un prix en euros est
attendu… »). A `[[…]]` block is named by what the owner wrote in it and its position
counted from 1, as they would count the blocks in the file, never by a 0-based index."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


class ProfileError(ValueError):
    """The salon profile is missing, unreadable or has an invalid field."""


Interval = tuple[time, time]


@dataclass(frozen=True)
class Closure:
    start: date
    end: date  # inclusive
    reason: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


def _fail(path: Path, where: str, message: str) -> ProfileError:
    return ProfileError(f"{path} : {where} : {message}")


def _nth(n: int, *, feminine: bool = False) -> str:
    """`1er`/`1re`, `2e`, `3e`: a position counted from 1, as the owner counts."""
    return ("1re" if feminine else "1er") if n == 1 else f"{n}e"


def _entry(kind: str, handle: object, n: int, table: str) -> str:
    """The `n`-th (from 1) `[[table]]` block, named by `handle` (a name, a reason, a date)
    when it has one: « prestation « Coupe homme » (3e bloc [[services]]) »."""
    text = "" if handle is None or isinstance(handle, dict | list) else str(handle).strip()
    named = f" « {text} »" if text else ""
    return f"{kind}{named} ({_nth(n)} bloc [[{table}]])"


def _sub(where: str, key: str) -> str:
    """A field below `where`: `salon.phone` below a table, « …(3e bloc [[services]]),
    price » below a block named for the owner (a description has spaces, a path none)."""
    return f"{where}, {key}" if " " in where else f"{where}.{key}"


def _shown(raw: object) -> str:
    """A value as the owner wrote it in TOML (`"abc"`, `3`, `true`), or « rien »."""
    if raw is None:
        return "rien"
    return json.dumps(raw, ensure_ascii=False, default=str)


def _time(path: Path, where: str, raw: object) -> time:
    if not isinstance(raw, str):
        raise _fail(path, where, f'une heure comme "09:30" est attendue, pas {_shown(raw)}')
    try:
        return time.fromisoformat(raw)
    except ValueError as exc:
        raise _fail(
            path, where, f'une heure comme "09:30" est attendue, pas {_shown(raw)}'
        ) from exc


def _intervals(path: Path, where: str, raw: object) -> tuple[Interval, ...]:
    if not isinstance(raw, list):
        raise _fail(
            path,
            where,
            'une liste de paires [ouverture, fermeture] est attendue, comme [["09:00", "12:00"]], '
            f"pas {_shown(raw)}",
        )
    out: list[Interval] = []
    for i, pair in enumerate(raw):
        span = f"{where}, {_nth(i + 1, feminine=True)} plage"
        if not isinstance(pair, list) or len(pair) != 2:
            raise _fail(
                path, span, f"une paire [ouverture, fermeture] est attendue, pas {_shown(pair)}"
            )
        start, end = _time(path, span, pair[0]), _time(path, span, pair[1])
        if end <= start:
            raise _fail(path, span, "l'heure de fermeture doit venir après l'heure d'ouverture")
        out.append((start, end))
    return tuple(sorted(out))


def _date(path: Path, where: str, raw: object) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    if raw is None:
        raise _fail(path, where, 'la date manque : écrivez-la comme "2026-12-25"')
    raise _fail(path, where, f'une date comme "2026-12-25" est attendue, pas {_shown(raw)}')


def _required(path: Path, table: dict, key: str, where: str) -> object:
    if key not in table or table[key] in ("", None):
        raise _fail(path, _sub(where, key), "ce champ est obligatoire et il manque ou il est vide")
    return table[key]
