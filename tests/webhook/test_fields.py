"""Unit tests of the Twilio form checks (`webhook.fields`): what Twilio sends passes, what it
would never send is refused with a message naming the field."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from tests.webhook.conftest import call_form
from webhook.fields import MAX_FIELDS, MAX_VALUE, InvalidField, check_form

pytestmark = pytest.mark.unit

# Real shapes of Twilio voice webhook fields (status callback, <Dial action>, anonymous caller).
GENUINE = [
    {},
    {
        "CallStatus": "in-progress",
        "SequenceNumber": "0",
        "Timestamp": "Sat, 12 Dec 2026 13:15:00 +0000",
    },
    {"CallStatus": "completed", "CallDuration": "3600", "SequenceNumber": "4", "Duration": "60"},
    {"DialCallStatus": "no-answer", "DialCallSid": "CA" + "b" * 32, "DialCallDuration": "0"},
    {"From": "anonymous", "Caller": "+266696687", "FromCountry": "", "CallerName": ""},
    {"From": "client:Élodie", "To": "sip:CA0123@abc123.sip.livekit.cloud;transport=tcp"},
    {
        "Direction": "outbound-dial",
        "ParentCallSid": "CA" + "c" * 32,
        "StirVerstat": "TN-Validation-Passed-A",
    },
    {"CallToken": "%7B%22parentCallInfoToken%22%3A%22" + "e" * 1500 + "%22%7D"},
]


@pytest.mark.parametrize("extra", GENUINE)
def test_what_twilio_sends_passes(extra: dict[str, str]) -> None:
    check_form(MultiDict(call_form(**extra)), required=("CallSid", "From"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("CallSid", "CA" + "0" * 31),
        ("CallSid", "CA" + "0" * 32 + "\n"),
        ("AccountSid", "AC123"),
        ("DialCallSid", "../../etc/passwd"),
        ("CallStatus", "x" * 50_000),
        ("CallStatus", "Completed"),
        ("CallStatus", "completed; DROP TABLE"),
        ("DialCallStatus", "completed\nINFO forged"),
        ("SequenceNumber", "9" * 40),
        ("SequenceNumber", "-1"),
        ("CallDuration", "1e3"),
        ("DialCallDuration", "12 "),
        ("ApiVersion", "2010-04-01'"),
        ("From", "+33" + "6" * 200),
        ("From", "+33612345678\r\nX: y"),
        ("To", " +33478421890"),
        ("CallerName", "x" * (MAX_VALUE + 1)),
    ],
)
def test_what_twilio_never_sends_is_refused_naming_the_field(field: str, value: str) -> None:
    with pytest.raises(InvalidField) as refused:
        check_form(MultiDict(call_form(**{field: value})), required=("CallSid",))
    assert refused.value.field == field
    assert str(refused.value).startswith(field)
    assert value not in str(refused.value)


@pytest.mark.parametrize("missing", ["CallSid", "CallStatus"])
def test_a_missing_or_empty_required_field_is_named(missing: str) -> None:
    form = call_form(CallStatus="completed")
    form[missing] = ""
    with pytest.raises(InvalidField, match=f"missing {missing}"):
        check_form(MultiDict(form), required=("CallSid", "CallStatus"))


def test_too_many_fields_or_an_unprintable_name_is_refused() -> None:
    many = MultiDict(call_form())
    for index in range(MAX_FIELDS):
        many.add(f"Extra{index}", "x")
    with pytest.raises(InvalidField, match="more than"):
        check_form(many)
    with pytest.raises(InvalidField, match="field name"):
        check_form(MultiDict({**call_form(), "Bad\nName": "x"}))
    with pytest.raises(InvalidField, match="field name"):
        check_form(MultiDict({**call_form(), "N" * 65: "x"}))
