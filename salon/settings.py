"""Settings: an explicit argument wins, else the environment (and `.env`), else a default.

A required setting that is missing raises `MissingSetting`, whose message names the
variable and points at `.env.example`; a malformed number or yes/no setting a `ValueError`
naming it, a number out of its range a `SettingOutOfRange`. These messages reach the
salon's owner (through `python -m booking`, `scripts/jobs`, `scripts/doctor`…), so they
are French, the variable's name as it is.

`SALON_ISOLATED=1` (set by the test session, the benchmarks and `scripts/chat --demo`)
marks a process that must keep off the salon's own files: resolving a path inside the
checkout's `data/` or `sources/` raises `CheckoutStateUsed`, and the checkout's `.env`
is not read.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_loaded = False
T = TypeVar("T")


class MissingSetting(RuntimeError):
    """A required setting is absent from the arguments, the environment and `.env`."""

    def __init__(self, name: str, purpose: str = "") -> None:
        self.name = name
        why = f" ({purpose})" if purpose else ""
        super().__init__(
            f"réglage manquant : {name}{why} ; ajoutez-le dans .env ou dans l'environnement "
            f"(tous les réglages sont décrits dans .env.example)"
        )


class SettingOutOfRange(ValueError):
    """A number setting outside what it may be: « le réglage X doit être <what>, pas '…' ».

    A settings object checks its fields, which hold numbers (`0.0`); its `from_env`
    re-raises `typed()`, which quotes the value as the owner wrote it (`'0'`), or says
    the value was the default when the variable is unset."""

    def __init__(self, name: str, what: str, value: float | str, *, unset: bool = False) -> None:
        self.name, self.what, self.value = name, what, value
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        said = f"{shown} (sa valeur par défaut)" if unset else repr(shown)
        super().__init__(f"le réglage {name} doit être {what}, pas {said}")

    def typed(self) -> SettingOutOfRange:
        """The same error, with the value as written in the environment or `.env`."""
        raw = get(self.name)
        if raw is None:
            return SettingOutOfRange(self.name, self.what, self.value, unset=True)
        return SettingOutOfRange(self.name, self.what, raw)


class CheckoutStateUsed(RuntimeError):
    """An isolated process (`SALON_ISOLATED`) reached the checkout's `data/` or `sources/`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} is in the salon's own data/ or sources/, and this process is isolated "
            f"(SALON_ISOLATED is set: tests, benchmarks and demos use temporary state and "
            f"the fixture salon tests/fixtures/salon); pass a path or set SALON_PROFILE, "
            f"SALON_DB and KB_DB"
        )


def isolated() -> bool:
    """True when `SALON_ISOLATED` is set (read from the real environment only)."""
    return os.environ.get("SALON_ISOLATED", "").strip() not in ("", "0")


def check_isolation(path: Path) -> Path:
    """`path`, unless this process is isolated and `path` is in the checkout's `data/` or
    `sources/`: then `CheckoutStateUsed`."""
    if isolated():
        resolved = path.resolve()
        for folder in ("data", "sources"):
            if resolved.is_relative_to((PROJECT_ROOT / folder).resolve()):
                raise CheckoutStateUsed(path)
    return path


def load_env_file(path: Path | None = None) -> None:
    """Load `.env` from the project root once; real environment variables win. An
    isolated process never reads the checkout's `.env`."""
    global _loaded
    if _loaded and path is None:
        return
    if path is None and isolated():
        _loaded = True
        return
    load_dotenv(path or PROJECT_ROOT / ".env", override=False)
    _loaded = True


def get(name: str, default: str | None = None) -> str | None:
    """The value of a setting, or `default` when it is unset or blank."""
    load_env_file()
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def require(name: str, purpose: str = "") -> str:
    """The value of a required setting; raises `MissingSetting` naming it when absent."""
    value = get(name)
    if value is None:
        raise MissingSetting(name, purpose)
    return value


def _parsed(name: str, default: T, parse: Callable[[str], T], what: str) -> T:
    """`parse` of the setting, `default` when unset; a `ValueError` naming it otherwise."""
    raw = get(name)
    if raw is None:
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise ValueError(f"le réglage {name} doit être {what}, pas {raw!r}") from exc


def get_int(name: str, default: int) -> int:
    return _parsed(name, default, int, "un nombre entier")


def get_float(name: str, default: float) -> float:
    return _parsed(name, default, float, "un nombre")


def get_bool(name: str, default: bool) -> bool:
    raw = get(name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"le réglage {name} doit être true ou false, pas {raw!r}")


def project_path(value: str | Path) -> Path:
    """A path setting: absolute as given, relative ones from the project root."""
    path = Path(value)
    return check_isolation(path if path.is_absolute() else PROJECT_ROOT / path)


def salon_profile_path(explicit: str | Path | None = None) -> Path:
    """`sources/salon.toml` unless `SALON_PROFILE` or an argument says otherwise."""
    return project_path(explicit or get("SALON_PROFILE", "sources/salon.toml") or "")


def kb_db_path(explicit: str | Path | None = None) -> Path:
    """The knowledge-base directory: `--db`, else `KB_DB`, else `data/kb`."""
    return project_path(explicit or get("KB_DB", "data/kb") or "")


def salon_db_path(explicit: str | Path | None = None) -> Path:
    """The state database (calendar, outbox, call records): `SALON_DB`, else `data/salon.db`."""
    return project_path(explicit or get("SALON_DB", "data/salon.db") or "")
