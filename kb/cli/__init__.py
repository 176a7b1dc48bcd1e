"""Command-line entry points (`scripts/reindex`, `scripts/ask`, `scripts/eval-retrieval`)."""

from __future__ import annotations

from pathlib import Path


def user_path(value: str | None, default: Path) -> Path:
    """A path option: relative to the caller's directory when given, else `default`."""
    return Path(value).expanduser().resolve() if value else default
