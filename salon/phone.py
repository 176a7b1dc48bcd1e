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

France's overseas departments share its national plan: « 0690 12 34 56 » is a Guadeloupe
(or Saint-Martin, Saint-Barthélemy) mobile, +590 690 12 34 56, wherever in France it is
dialled. A national number that is no metropolitan number is read in the overseas
department it belongs to when only one of them has it (0590… Guadeloupe, 0594… Guyane,
0262… La Réunion), and the overseas mobile prefixes are known by prefix, as metropolitan
06/07 numbers are (`OVERSEAS_MOBILES`: 0690/0691, 0694, 0696/0697, 0692/0693, 0639; the
`phonenumbers` metadata lists only some blocks of 0691 and 0639). `region_of(subdivision)`
gives a salon in an overseas department (`holidays_subdivision = "971"`…) its own region,
in which its national numbers are read first (a Martinique salon's « 0596 … » is
+596 596…, not the metropolitan +33 5 96…).

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

# salon.toml's `holidays_subdivision` of an overseas department → its `phonenumbers` region
OVERSEAS_REGIONS = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT"}
# Overseas mobile prefixes of France's national plan (after the 0) → country code.
OVERSEAS_MOBILES = {
    "690": 590,  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "691": 590,
    "694": 594,  # Guyane
    "696": 596,  # Martinique
    "697": 596,
    "692": 262,  # La Réunion
    "693": 262,
    "639": 262,  # Mayotte
}
# The country codes whose numbers a French caller dials in national form (0…).
FRENCH_PLAN = frozenset({33, *OVERSEAS_MOBILES.values()})


def region_of(subdivision: str | None) -> str:
    """The region a salon reads national numbers in: its overseas department's
    (`holidays_subdivision = "972"` → `"MQ"`), else metropolitan France."""
    return OVERSEAS_REGIONS.get(subdivision or "", DEFAULT_REGION)


def _overseas_mobile(parsed: phonenumbers.PhoneNumber) -> bool:
    national = str(parsed.national_number)
    return len(national) == 9 and OVERSEAS_MOBILES.get(national[:3]) == parsed.country_code


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    text = raw.strip().removeprefix("whatsapp:").replace("(0)", "")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    if phonenumbers.is_valid_number(parsed) or _overseas_mobile(parsed):
        return parsed
    if text.startswith("+"):
        return None
    return _national(text, region)


def _national(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """A national number (« 0690 12 34 56 ») the salon's own region does not have: a
    metropolitan one, else the one overseas department that has it, else an overseas
    mobile by its prefix."""
    found: dict[str, phonenumbers.PhoneNumber] = {}
    for other in (DEFAULT_REGION, *OVERSEAS_REGIONS.values()):
        if other == region:
            continue
        try:
            parsed = phonenumbers.parse(text, other)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            if other == DEFAULT_REGION:
                return parsed
            found.setdefault(phonenumbers.format_number(parsed, PhoneNumberFormat.E164), parsed)
    if len(found) == 1:
        return next(iter(found.values()))
    if found:  # more than one department has it: not ours to choose
        return None
    digits = re.sub(r"\D", "", text)
    code = OVERSEAS_MOBILES.get(digits[1:4]) if len(digits) == 10 and digits[0] == "0" else None
    if code is None:
        return None
    return phonenumbers.PhoneNumber(country_code=code, national_number=int(digits[1:]))


def to_e164(raw: str | None, *, region: str = DEFAULT_REGION) -> str | None:
    """E.164 (`+33612345678`, `+590690123456` for « 0690 12 34 56 ») from any French or
    international spelling; national numbers are read in `region` first (`region_of`);
    None if invalid."""
    if not raw or not raw.strip():
        return None
    parsed = _parse(raw, region)
    if parsed is None:
        return None
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def display(number: str | None, *, unknown: str = HIDDEN, international: bool = False) -> str:
    """`04 78 42 18 90` for a French number (`0690 12 34 56` for a Guadeloupe mobile, as
    France dials it), `+44 20 7946 0958` for others (and for every number with
    `international`), the text as given when it is not a number, `unknown` when there is
    no number at all."""
    if not number or not number.strip():
        return unknown
    parsed = _parse(number, DEFAULT_REGION)
    if parsed is None:
        return number
    national = parsed.country_code in FRENCH_PLAN and not international
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
    """True for a valid mobile number (French 06/07, overseas 0690, 0694, 0696, 0692,
    0639…), which can receive SMS."""
    parsed = _parse(number, region)
    if parsed is None:
        return False
    return _overseas_mobile(parsed) or phonenumbers.number_type(parsed) in _MOBILE_TYPES
