"""Phone numbers, in one place: parse to E.164, show as a French caller dials them, mask.

- `to_e164("06 12 34 56 78")` → `"+33612345678"` (region FR unless the number says
  otherwise; `+33 (0)6…`, `0033 6…` and `whatsapp:+33…` are understood); None when the
  text is not a valid number.
- `display("+33478421890")` → `"04 78 42 18 90"`: the national form for French numbers,
  the international one (`+44 20 7946 0958`) for others, the text unchanged when it is not
  a number, and "numéro masqué" (or the `unknown` wording given) when there is none;
  `international=True` gives `"+33 4 78 42 18 90"` for every number.
- `mask("+33612345678")` → `"+336******78"`: **the one masked form** used in logs, the
  webhook's call log, the command-line listings and call-record summaries. The E.164 number
  keeps its first four characters (country and kind of line) and its last two, every other
  character becomes `*`; text that is not a number is cut the same way, and five
  characters or fewer become all stars. Enough to tell calls apart, never enough to call
  back.
- `is_mobile(number)`: whether the number is a mobile (SMS-capable) line.

SMS rules built on these (landlines refused with a French reason) live in `notify.phone`.
"""

from __future__ import annotations

import re
from typing import overload

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

DEFAULT_REGION = "FR"
HIDDEN = "numéro masqué"
_E164 = re.compile(r"\+\d{6,15}")
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    text = raw.strip().removeprefix("whatsapp:").replace("(0)", "")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None


def to_e164(raw: str | None, *, region: str = DEFAULT_REGION) -> str | None:
    """E.164 (`+33612345678`) from any French or international spelling; None if invalid."""
    if not raw or not raw.strip():
        return None
    parsed = _parse(raw, region)
    if parsed is None:
        return None
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def display(number: str | None, *, unknown: str = HIDDEN, international: bool = False) -> str:
    """`04 78 42 18 90` for a French number, `+44 20 7946 0958` for others (and for every
    number with `international`), the text as given when it is not a number, `unknown`
    when there is no number at all."""
    if not number or not number.strip():
        return unknown
    parsed = _parse(number, DEFAULT_REGION)
    if parsed is None:
        return number
    national = parsed.country_code == 33 and not international
    return phonenumbers.format_number(
        parsed, PhoneNumberFormat.NATIONAL if national else PhoneNumberFormat.INTERNATIONAL
    )


@overload
def mask(number: str) -> str: ...
@overload
def mask(number: None) -> None: ...
def mask(number: str | None) -> str | None:
    """`+336******78` (see the module docstring); None stays None."""
    if number is None:
        return None
    text = number.strip()
    if not _E164.fullmatch(text):
        text = to_e164(text) or text
    if len(text) <= 5:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 6) + text[-2:]


def is_mobile(number: str, *, region: str = DEFAULT_REGION) -> bool:
    """True for a valid mobile number (French 06/07), which can receive SMS."""
    parsed = _parse(number, region)
    return parsed is not None and phonenumbers.number_type(parsed) in _MOBILE_TYPES
