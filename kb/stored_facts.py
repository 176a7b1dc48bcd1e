"""`facts.json`: what a version keeps to compare its documents with `salon.toml` again.

The comparison depends on the day of the reindex: hours a document gives for a season are
compared with the week only while their months include that day (`kb.season_checks`). The
files do not change when the season does, so beside its manifest each version keeps the
facts its documents state, the day they were compared for, the months of the seasons that
comparison depends on and those in force that day (`kb.recheck` compares them again).
The facts are JSON, read back by their dataclass field types (`ingest.model`), and only by
the same ingestion code (the pipeline fingerprint) that made them.
"""

from __future__ import annotations

import json
import os
import types
from dataclasses import fields, is_dataclass
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from ingest.model import Fact
from kb.season_checks import dated_months
from salon.profile import SalonProfile

FACTS_FILE = "facts.json"
FORMAT = 1
_KINDS: dict[str, type] = {kind.__name__: kind for kind in get_args(Fact)}


def checked_for(profile: SalonProfile | None, facts: list[Fact], day: date) -> dict[str, Any]:
    """The day the facts were compared for, the months of the seasons the comparison
    depends on and those in force that day."""
    months = [list(m) for m in dated_months(profile, facts)]
    return {"day": day.isoformat(), "months": months, "in_force": in_force(months, day)}


def in_force(months: list[list[int]], day: date) -> list[list[int]]:
    return [m for m in months if day.month in m]


def depends_on_day(saved: dict[str, Any]) -> bool:
    """Whether some season's hours are compared only on some months."""
    return bool(saved["checked"]["months"])


def due(saved: dict[str, Any], day: date) -> bool:
    """Whether comparing the stored facts on `day` may give other contradictions: `day`
    entered or left a season whose hours are compared only then."""
    checked = saved["checked"]
    return bool(in_force(checked["months"], day) != checked["in_force"])


def save(version_dir: Path, *, facts: list[Fact], checked: dict[str, Any], pipeline: str) -> None:
    """Write `facts.json` (replaced atomically: the version may already be serving)."""
    data = {
        "format": FORMAT,
        "pipeline": pipeline,
        "checked": checked,
        "facts": [{"type": type(f).__name__, **_encode(f)} for f in facts],
    }
    _write(version_dir, data)


def save_checked(version_dir: Path, saved: dict[str, Any], checked: dict[str, Any]) -> None:
    """Record that the stored facts were compared again for another day."""
    _write(version_dir, {**saved, "checked": checked})


def _write(version_dir: Path, data: dict[str, Any]) -> None:
    tmp = version_dir / f"{FACTS_FILE}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, version_dir / FACTS_FILE)


def read(version_dir: Path, pipeline: str | None) -> dict[str, Any] | None:
    """The version's `facts.json`, or None when it has none, cannot be read or was made by
    other ingestion code (its facts would not be today's). `pipeline` None: whichever code
    made them (the facts of a document kept as it was, see `of_sources`)."""
    try:
        data = json.loads((version_dir / FACTS_FILE).read_text(encoding="utf-8"))
        if data["format"] != FORMAT or (pipeline is not None and data["pipeline"] != pipeline):
            return None
        checked = data["checked"]
        date.fromisoformat(checked["day"])
        if not isinstance(checked["months"], list) or not isinstance(checked["in_force"], list):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if isinstance(data.get("facts"), list) else None


def facts_of(saved: dict[str, Any]) -> list[Fact]:
    """The stored facts; `ValueError` when one cannot be read back."""
    found: list[Fact] = []
    for item in saved["facts"]:
        try:
            kind = _KINDS[item["type"]]
            values = {k: v for k, v in item.items() if k != "type"}
            found.append(_decode(kind, values))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"stored fact unreadable: {item!r:.200}: {exc}") from exc
    return found


def of_sources(version_dir: Path, sources: set[str]) -> list[Fact] | None:
    """The facts a version stored of these files (`Where.source`), whatever ingestion code
    read them: a file that cannot be read any more keeps serving its previous passages
    (`kb.indexer`), whose values are still compared with `salon.toml`. None when they
    cannot be read back."""
    saved = read(version_dir, None)
    if saved is None:
        return None
    items = [
        item
        for item in saved["facts"]
        if isinstance(item, dict)
        and isinstance(item.get("where"), dict)
        and item["where"].get("source") in sources
    ]
    try:
        return facts_of({"facts": items})
    except ValueError:
        return None


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, time):
        return value.isoformat()
    return value


@cache
def _hints(kind: type) -> dict[str, Any]:
    return get_type_hints(kind)


def _decode(kind: Any, value: Any) -> Any:
    """`value` read back as `kind` (a fact's field type: dataclasses, tuples, optional
    values, times, numbers, strings)."""
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in get_args(kind):
            return None
        options = [a for a in get_args(kind) if a is not type(None)]
        if len(options) != 1:
            raise TypeError(f"ambiguous type {kind}")
        return _decode(options[0], value)
    if origin is tuple:
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=True))
    if origin is Literal:
        if value not in get_args(kind):
            raise ValueError(f"{value!r} is not one of {get_args(kind)}")
        return value
    if isinstance(kind, type) and is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: _decode(hints[name], v) for name, v in value.items()})
    if kind is time:
        return time.fromisoformat(value)
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind in (int, str, bool) and type(value) is kind:
        return value
    raise TypeError(f"{value!r} is not a {kind}")
