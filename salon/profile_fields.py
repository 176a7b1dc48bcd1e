"""The building blocks of `salon.toml` fields: the error, weekdays, time intervals,
date ranges, and the checks that name the file and the field of a bad value."""

from __future__ import annotations

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
    return ProfileError(f"{path}: {where}: {message}")


def _time(path: Path, where: str, raw: object) -> time:
    if not isinstance(raw, str):
        raise _fail(path, where, f"expected a time like '09:30', got {raw!r}")
    try:
        return time.fromisoformat(raw)
    except ValueError as exc:
        raise _fail(path, where, f"expected a time like '09:30', got {raw!r}") from exc


def _intervals(path: Path, where: str, raw: object) -> tuple[Interval, ...]:
    if not isinstance(raw, list):
        raise _fail(path, where, "expected a list of [open, close] pairs")
    out: list[Interval] = []
    for i, pair in enumerate(raw):
        if not isinstance(pair, list) or len(pair) != 2:
            raise _fail(path, f"{where}[{i}]", "expected [open, close]")
        start, end = _time(path, f"{where}[{i}]", pair[0]), _time(path, f"{where}[{i}]", pair[1])
        if end <= start:
            raise _fail(path, f"{where}[{i}]", "closing time must be after opening time")
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
    raise _fail(path, where, f"expected a date like '2026-12-25', got {raw!r}")


def _required(path: Path, table: dict, key: str, where: str) -> object:
    if key not in table or table[key] in ("", None):
        raise _fail(path, where, f"missing required field '{key}'")
    return table[key]
