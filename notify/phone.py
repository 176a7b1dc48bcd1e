"""Phone numbers for SMS: parse (region FR), normalise to E.164, refuse what cannot get an SMS.

French mobiles are 06 and 07; landlines (01-05) and 09 numbers cannot receive SMS (Twilio
answers 21614), so they are refused here with a reason the agent can say to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

DEFAULT_REGION = "FR"
_SMS_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class InvalidPhone(ValueError):
    """A number that is not valid, or cannot receive SMS; `reason` is French, caller-safe."""

    def __init__(self, reason: str, *, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code  # "invalid" | "not_mobile"


@dataclass(frozen=True)
class PhoneCheck:
    e164: str | None
    ok: bool
    reason: str | None = None
    code: str | None = None


def normalise(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """E.164 for any valid number (`06 12 34 56 78`, `+33 (0)6…`, `0033 6…` -> `+336…`)."""
    text = (raw or "").strip().removeprefix("whatsapp:")
    if text.startswith("00"):
        text = "+" + text[2:]
    text = text.replace("(0)", "")
    try:
        parsed = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        raise InvalidPhone("ce numéro de téléphone n'est pas valide", code="invalid") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone("ce numéro de téléphone n'est pas valide", code="invalid")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def sms_number(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """E.164 of a number that can receive SMS (a mobile); raises `InvalidPhone` otherwise."""
    e164 = normalise(raw, region=region)
    kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
    if kind not in _SMS_TYPES:
        raise InvalidPhone(
            "ce numéro n'est pas un portable, il ne peut pas recevoir de SMS", code="not_mobile"
        )
    return e164


def check_sms_number(raw: str, *, region: str = DEFAULT_REGION) -> PhoneCheck:
    """Like `sms_number`, as a result instead of an exception."""
    try:
        return PhoneCheck(e164=sms_number(raw, region=region), ok=True)
    except InvalidPhone as exc:
        e164: str | None = None
        if exc.code == "not_mobile":
            e164 = normalise(raw, region=region)
        return PhoneCheck(e164=e164, ok=False, reason=exc.reason, code=exc.code)
