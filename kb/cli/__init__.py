"""Command-line entry points (`scripts/reindex`, `scripts/ask`, `scripts/eval-retrieval`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import overload


@overload
def user_path(value: str | None, default: Path) -> Path: ...
@overload
def user_path(value: str | None, default: None) -> Path | None: ...
def user_path(value: str | None, default: Path | None) -> Path | None:
    """A path option: relative to the caller's directory when given, else `default`."""
    return Path(value).expanduser().resolve() if value else default


def run(main: Callable[[], int]) -> None:
    """Exit with `main()`'s status; a closed stdout (`| head`) ends quietly."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)
