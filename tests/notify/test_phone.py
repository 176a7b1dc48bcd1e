"""Unit tier: phone numbers are normalised to E.164 and landlines are refused for SMS."""

from __future__ import annotations

import pytest

from notify.phone import InvalidPhone, check_sms_number, normalise, sms_number


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033612345678",
        "06.12.34.56.78",
        "whatsapp:+33612345678",
    ],
)
def test_french_mobiles_in_any_written_form_become_e164(raw: str) -> None:
    assert sms_number(raw) == "+33612345678"


def test_07_mobiles_and_foreign_mobiles_are_accepted() -> None:
    assert sms_number("07 56 78 90 12") == "+33756789012"
    assert sms_number("+32 470 12 34 56") == "+32470123456"


@pytest.mark.parametrize("raw", ["04 78 42 18 90", "01 42 68 53 00", "09 51 23 45 67"])
def test_landlines_and_09_numbers_are_refused_for_sms_with_a_clear_reason(raw: str) -> None:
    with pytest.raises(InvalidPhone) as caught:
        sms_number(raw)
    assert caught.value.code == "not_mobile"
    assert "portable" in caught.value.reason
    # still a valid number: normalise works for calls
    assert normalise(raw).startswith("+33")


@pytest.mark.parametrize("raw", ["", "abc", "0612", "06 12 34 56 78 90 12", "+33 0"])
def test_invalid_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidPhone) as caught:
        sms_number(raw)
    assert caught.value.code == "invalid"
    assert "pas valide" in caught.value.reason


def test_check_returns_a_result_instead_of_raising() -> None:
    ok = check_sms_number("06 12 34 56 78")
    assert ok.ok and ok.e164 == "+33612345678" and ok.reason is None
    landline = check_sms_number("04 78 42 18 90")
    assert not landline.ok and landline.e164 == "+33478421890" and landline.code == "not_mobile"
