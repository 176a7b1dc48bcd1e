"""Booking back-ends with no LiveKit dependency: the `Calendar` protocol, its value types
and errors (`booking.calendar`), the embedded SQLite calendar and the Cal.com client.

`open_calendar(profile)` picks `CalComCalendar` when `CAL_API_KEY` is set, else
`LocalCalendar`.
"""

import logging
import sqlite3
from pathlib import Path

from booking.calendar import (
    Booking,
    BookingNotFound,
    Calendar,
    CalendarError,
    CalendarUnavailable,
    CodeSender,
    Customer,
    InvalidRequest,
    LockedBooking,
    NotAllowed,
    ServiceMatch,
    Slot,
    SlotPreferences,
    SlotTaken,
    TooManyAttempts,
    VerificationFailed,
    VerificationRequired,
    Window,
)
from salon import settings
from salon.profile import SalonProfile

_log = logging.getLogger("booking")

__all__ = [
    "Booking",
    "BookingNotFound",
    "Calendar",
    "CalendarError",
    "CalendarUnavailable",
    "CodeSender",
    "Customer",
    "InvalidRequest",
    "LockedBooking",
    "NotAllowed",
    "ServiceMatch",
    "Slot",
    "SlotPreferences",
    "SlotTaken",
    "TooManyAttempts",
    "VerificationFailed",
    "VerificationRequired",
    "Window",
    "open_calendar",
]


def open_calendar(
    profile: SalonProfile,
    *,
    db: sqlite3.Connection | str | Path | None = None,
    send_code: CodeSender | None = None,
) -> Calendar:
    """`CalComCalendar` when `CAL_API_KEY` is set, else `LocalCalendar` (logged at INFO:
    the embedded calendar is the default, not a fault; `python -m booking` tells the owner
    in French).

    `db` is the state database (default `SALON_DB`); `send_code(phone, code)` sends the
    verification code used when a caller changes a booking made with another number.
    """
    if settings.get("CAL_API_KEY"):
        from booking.calcom import CalComCalendar

        return CalComCalendar(profile, db=db, send_code=send_code)
    from booking.local import LocalCalendar

    _log.info("CAL_API_KEY is not set: using the embedded SQLite calendar")
    return LocalCalendar(profile, db=db, send_code=send_code)
