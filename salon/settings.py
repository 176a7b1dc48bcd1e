"""Settings: an explicit argument wins, else the environment (and `.env`), else a default.

A required setting that is missing raises `MissingSetting`, whose message names the
variable and points at `.env.example`.
"""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_loaded = False


class MissingSetting(RuntimeError):
    """A required setting is absent from the arguments, the environment and `.env`."""

    def __init__(self, name: str, purpose: str = "") -> None:
        self.name = name
        why = f" ({purpose})" if purpose else ""
        super().__init__(
            f"missing setting {name}{why}: set it in the environment or in .env "
            f"(every setting is listed in .env.example)"
        )


def load_env_file(path: Path | None = None) -> None:
    """Load `.env` from the project root once; real environment variables win."""
    global _loaded
    if _loaded and path is None:
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


def get_int(name: str, default: int) -> int:
    raw = get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"setting {name} must be an integer, got {raw!r}") from exc


def get_float(name: str, default: float) -> float:
    raw = get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"setting {name} must be a number, got {raw!r}") from exc


def get_bool(name: str, default: bool) -> bool:
    raw = get(name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"setting {name} must be true or false, got {raw!r}")


def project_path(value: str | Path) -> Path:
    """A path setting: absolute as given, relative ones from the project root."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def salon_profile_path(explicit: str | Path | None = None) -> Path:
    """`sources/salon.toml` unless `SALON_PROFILE` or an argument says otherwise."""
    return project_path(explicit or get("SALON_PROFILE", "sources/salon.toml") or "")


def kb_db_path(explicit: str | Path | None = None) -> Path:
    """The knowledge-base directory: `--db`, else `KB_DB`, else `data/kb`."""
    return project_path(explicit or get("KB_DB", "data/kb") or "")


def salon_db_path(explicit: str | Path | None = None) -> Path:
    """The state database (calendar, outbox, call records): `SALON_DB`, else `data/salon.db`."""
    return project_path(explicit or get("SALON_DB", "data/salon.db") or "")
