"""Booking back-ends with no LiveKit dependency: the `Calendar` protocol, its value types
and errors (`agent.booking.calendar`), the embedded SQLite calendar and the Cal.com client.

`open_calendar(profile)` picks `CalComCalendar` when `CAL_API_KEY` is set, else
`LocalCalendar`.
"""

from agent.booking.calendar import (
    Booking,
    BookingNotFound,
    Calendar,
    CalendarError,
    CalendarUnavailable,
    CodeSender,
    Customer,
    InvalidRequest,
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

__all__ = [
    "Booking",
    "BookingNotFound",
    "Calendar",
    "CalendarError",
    "CalendarUnavailable",
    "CodeSender",
    "Customer",
    "InvalidRequest",
    "NotAllowed",
    "ServiceMatch",
    "Slot",
    "SlotPreferences",
    "SlotTaken",
    "TooManyAttempts",
    "VerificationFailed",
    "VerificationRequired",
    "Window",
]
