"""Instants as the owner reads them in the command lines: `03/12/2026 10:05`, on the
salon's clock (salon.toml's `timezone`), whatever zone the machine runs in.

A server often runs on UTC; `time.localtime` or a naive `astimezone()` would show the
owner the machine's clock, an hour or two off the salon's (and off what the console
shows). `python -m records` and `python -m notify` both write times through `owner_time`.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, tzinfo


@functools.cache
def salon_zone() -> tzinfo:
    """The salon's time zone (salon.toml); UTC, said as such by `owner_time`, when the
    profile cannot be read."""
    try:
        from salon.profile import load_profile

        return load_profile().timezone
    except Exception:
        return UTC


def owner_time(moment: datetime | float | None, *, missing: str = "-") -> str:
    """`03/12/2026 10:05` on the salon's clock (` UTC` appended when the salon's zone is
    unknown); `moment` is an aware datetime or UNIX seconds; `missing` for None."""
    if moment is None:
        return missing
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    zone = salon_zone()
    suffix = " UTC" if zone is UTC else ""
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M") + suffix
