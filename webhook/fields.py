"""What a Twilio voice or messaging webhook's form may hold: each field's size and format.

Checked once the signature is valid, before any value is used, stored or logged: a form
Twilio would never send gets a 400 naming the field, never a traceback or a 500. The
fields the webhook reads have a strict format; every other field (Twilio sends some forty,
`CallToken` and `StirVerstat` among them, and adds new ones) only a size bound, so a new
Twilio field does not break calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from werkzeug.datastructures import MultiDict

MAX_FIELDS = 100  # Twilio's voice webhooks carry 20-45 fields
MAX_NAME = 64
MAX_VALUE = 4096  # the longest Twilio value (CallToken) is about 1-2 KiB
MAX_ADDRESS = 128  # E.164 is 16 characters; "client:…" and "sip:…@…" addresses are longer

_SID = {prefix: re.compile(prefix + r"[0-9a-fA-F]{32}") for prefix in ("CA", "AC", "MG")}
_MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-fA-F]{32}")  # an SMS, or a message with media
_STATUS = re.compile(r"[a-z][a-z-]{0,31}")  # in-progress, no-answer, outbound-dial…
_COUNT = re.compile(r"[0-9]{1,9}")  # seconds or a sequence number: fits any integer column
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class InvalidField(ValueError):
    """A form field Twilio would never send; the message names it (safe to answer)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _pattern(regex: re.Pattern[str], what: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if regex.fullmatch(value) else what

    return check


def _address(value: str) -> str | None:
    """From, To, Caller, Called: `+33612345678`, `anonymous`, `client:…`, `sip:…@…`."""
    if len(value) > MAX_ADDRESS:
        return f"longer than {MAX_ADDRESS} characters"
    if not value.isprintable() or value != value.strip():
        return "not a phone number or address (control characters or spaces around)"
    return None


CHECKS: dict[str, Callable[[str], str | None]] = {
    "CallSid": _pattern(_SID["CA"], "not a Twilio call SID (CA + 32 hex digits)"),
    "ParentCallSid": _pattern(_SID["CA"], "not a Twilio call SID (CA + 32 hex digits)"),
    "DialCallSid": _pattern(_SID["CA"], "not a Twilio call SID (CA + 32 hex digits)"),
    "AccountSid": _pattern(_SID["AC"], "not a Twilio account SID (AC + 32 hex digits)"),
    "CallStatus": _pattern(_STATUS, "not a call status (lowercase letters and '-')"),
    "DialCallStatus": _pattern(_STATUS, "not a call status (lowercase letters and '-')"),
    "Direction": _pattern(_STATUS, "not a call direction (lowercase letters and '-')"),
    "SequenceNumber": _pattern(_COUNT, "not a whole number of at most 9 digits"),
    "CallDuration": _pattern(_COUNT, "not a whole number of at most 9 digits"),
    "DialCallDuration": _pattern(_COUNT, "not a whole number of at most 9 digits"),
    "Duration": _pattern(_COUNT, "not a whole number of at most 9 digits"),
    "ApiVersion": _pattern(_DATE, "not an API version (YYYY-MM-DD)"),
    # Messaging webhooks (/sms)
    "MessageSid": _pattern(_MESSAGE_SID, "not a Twilio message SID (SM/MM + 32 hex digits)"),
    "SmsSid": _pattern(_MESSAGE_SID, "not a Twilio message SID (SM/MM + 32 hex digits)"),
    "SmsMessageSid": _pattern(_MESSAGE_SID, "not a Twilio message SID (SM/MM + 32 hex digits)"),
    "MessagingServiceSid": _pattern(_SID["MG"], "not a Messaging Service SID (MG + 32 hex)"),
    "SmsStatus": _pattern(_STATUS, "not a message status (lowercase letters and '-')"),
    "NumSegments": _pattern(_COUNT, "not a whole number of at most 9 digits"),
    "NumMedia": _pattern(_COUNT, "not a whole number of at most 9 digits"),
    "From": _address,
    "To": _address,
    "Caller": _address,
    "Called": _address,
}


def check_form(form: MultiDict[str, str], *, required: Iterable[str] = ()) -> None:
    """Raise `InvalidField` for the first field that is missing, too big or malformed.

    Args:
        form: the request's form, signature already checked.
        required: fields that must be present and non-empty.
    """
    missing = [name for name in required if not form.get(name)]
    if missing:
        raise InvalidField(missing[0], f"missing {', '.join(missing)}")
    for count, (name, value) in enumerate(form.items(multi=True), start=1):
        if count > MAX_FIELDS:
            raise InvalidField("", f"more than {MAX_FIELDS} form fields")
        if len(name) > MAX_NAME or not name.isprintable():
            raise InvalidField("", f"a field name is not printable or longer than {MAX_NAME}")
        if len(value) > MAX_VALUE:
            raise InvalidField(name, f"{name} is longer than {MAX_VALUE} characters")
        check = CHECKS.get(name)
        if check is not None and value:
            problem = check(value)
            if problem:
                raise InvalidField(name, f"{name} is {problem}")
