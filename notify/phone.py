"""Phone numbers for SMS: the rules on top of `salon.phone` (parsing, E.164, display).

French mobiles are 06 and 07; landlines (01-05) and 09 numbers cannot receive SMS (Twilio
answers 21614), so they are refused here with a reason the agent can say to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from salon.phone import DEFAULT_REGION, is_mobile, to_e164


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
    e164 = to_e164(raw, region=region)
    if e164 is None:
        raise InvalidPhone("ce numéro de téléphone n'est pas valide", code="invalid")
    return e164


def sms_number(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """E.164 of a number that can receive SMS (a mobile); raises `InvalidPhone` otherwise."""
    e164 = normalise(raw, region=region)
    if not is_mobile(e164):
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
