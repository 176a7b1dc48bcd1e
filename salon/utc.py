"""The one way an instant is written as text in the state database (and to Cal.com).

`utc_text` gives `2026-12-01T08:30:00Z`: UTC, second precision, a trailing `Z`. Text of
one fixed width sorts like the instants it names, so SQL can compare and order it
(`started_at >= ?`, `ORDER BY start_utc`). `utc_text(moment, precise=True)` gives
`2026-12-01T08:30:00.123456Z` (always six digits) for the rare column that must order
events within one second; never mix both widths in one column.

`parse_utc` reads that text back, and also any ISO 8601 text with an offset (rows
written before schema 2 used `+00:00`), always returning an aware UTC datetime.

Timers that only machines read (the outbox's backoff and leases, the WhatsApp window,
the webhook's call log, transfer requests) stay UNIX seconds in `REAL` columns: see
migration 2 in `salon.migrations` for why.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def utc_text(moment: datetime, *, precise: bool = False) -> str:
    """`2026-12-01T08:30:00Z` (`…:00.123456Z` when `precise`); a naive datetime is refused."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()!r}: give it a time zone")
    pattern = "%Y-%m-%dT%H:%M:%S.%fZ" if precise else "%Y-%m-%dT%H:%M:%SZ"
    return moment.astimezone(UTC).strftime(pattern)


def parse_utc(text: str) -> datetime:
    """The aware UTC instant of ISO 8601 `text` (`Z` or any offset; none means UTC).

    Raises `ValueError` naming the text when it is not a date and time.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except (AttributeError, ValueError) as exc:
        raise ValueError(f"not an ISO 8601 date and time: {text!r}") from exc
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
