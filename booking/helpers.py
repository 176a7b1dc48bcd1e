"""Small shared helpers of the calendars: names, slot spreading.

UTC text (state db and Cal.com wire) is `salon.utc`."""

from __future__ import annotations

from datetime import datetime, timedelta

from booking.services import _similar, fold


def names_match(said: str, registered: str) -> bool:
    """Every word the caller said (≥ 2 letters) is in the registered name, give or take
    an accent or a slip; at least one of them has 3 letters or more."""
    said_tokens = [t for t in fold(said).split() if len(t) >= 2]
    reg_tokens = fold(registered).split()
    if not said_tokens or not any(len(t) >= 3 for t in said_tokens):
        return False
    return all(any(_similar(s, r) for r in reg_tokens) for s in said_tokens)


def spread(starts: list[datetime], *, limit: int, one_day: bool, earliest: bool) -> list[datetime]:
    """Pick at most `limit` starts worth reading aloud: the earliest ones an hour apart,
    or spread over one day, or the first start of successive days."""
    if limit <= 0 or not starts:
        return []
    starts = sorted(starts)
    if earliest:
        chosen = [starts[0]]
        for s in starts[1:]:
            if len(chosen) == limit:
                break
            if s - chosen[-1] >= timedelta(hours=1):
                chosen.append(s)
        return chosen
    if one_day:
        if len(starts) <= limit:
            return starts
        step = (len(starts) - 1) / (limit - 1) if limit > 1 else 0
        return sorted({starts[round(i * step)] for i in range(limit)})
    chosen, days = [], set()
    for s in starts:
        if s.date() not in days:
            days.add(s.date())
            chosen.append(s)
            if len(chosen) == limit:
                return chosen
    for s in starts:  # fewer days than wanted: add spaced starts on the same days
        if len(chosen) == limit:
            break
        if all(abs(s - c) >= timedelta(minutes=90) for c in chosen):
            chosen.append(s)
    return sorted(chosen)
