"""Unit tier: the reminder, the waitlist offer and the one-line replies to text messages fit
one GSM-7 segment, as written (no accent silently lost), for every service and many dates,
and say how to answer only when the sender can receive answers."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from notify.gsm7 import fits_one_segment, is_gsm7
from notify.service import replies_possible
from notify.texts import (
    deadline_words,
    not_cancelled_text,
    offer_text,
    reminder_text,
    reply_text,
    thanks_text,
)
from notify.twilio_messages import TwilioOptions
from salon.phone import display as display_phone
from salon.profile import SalonProfile

NAMES = [None, "Léo Martin", "Marie-Hélène de La Tour-d'Auvergne", "X" * 60]


def _starts(profile: SalonProfile) -> list[datetime]:
    base = datetime(2027, 3, 1, 9, 0, tzinfo=profile.timezone)
    return [base + timedelta(days=5 * i + i % 3, minutes=15 * (i % 40)) for i in range(40)]


@pytest.mark.parametrize("replies", [True, False])
def test_every_reminder_fits_one_segment_and_says_how_to_cancel(
    profile: SalonProfile, replies: bool
) -> None:
    phone = display_phone(profile.phone)
    for service in profile.services:
        for i, start in enumerate(_starts(profile)):
            name = NAMES[i % len(NAMES)]
            text = reminder_text(
                profile=profile, service=service.name, start=start, name=name, replies=replies
            )
            assert fits_one_segment(text), (len(text), text)
            assert text.startswith(f"{profile.short_name} : rappel ")
            assert f"{start.hour}h" in text
            if replies:
                assert text.endswith("Répondez ANNULER pour annuler.")
                assert phone not in text
            else:
                assert text.endswith(f"Pour annuler, appelez le {phone}.")
                assert "ANNULER" not in text


def test_a_reminder_names_the_person_when_one_phone_booked_for_two(
    profile: SalonProfile,
) -> None:
    start = datetime(2027, 3, 2, 14, 30, tzinfo=profile.timezone)
    text = reminder_text(
        profile=profile, service="Coupe homme", start=start, name="Léo Martin", replies=True
    )
    assert text == (
        "Maison Margaux : rappel du RDV de Léo Martin le mardi 2 mars à 14h30 (coupe homme). "
        "Répondez ANNULER pour annuler."
    )


def test_a_same_day_reminder_says_today_and_a_next_day_one_tomorrow(
    profile: SalonProfile,
) -> None:
    start = datetime(2027, 3, 4, 20, 0, tzinfo=profile.timezone)  # a Thursday, 20h
    today = reminder_text(
        profile=profile, service="Coupe homme", start=start, name="Léo Martin",
        replies=True, sent=start.replace(hour=9),
    )  # fmt: skip
    assert today == (
        "Maison Margaux : rappel du RDV de Léo Martin aujourd'hui à 20h (coupe homme). "
        "Répondez ANNULER pour annuler."
    )
    tomorrow = reminder_text(
        profile=profile, service="Coupe homme", start=start, replies=False,
        sent=start - timedelta(hours=23),
    )  # fmt: skip
    # the date, not « demain »: a reminder retried after midnight must not name the wrong day
    assert tomorrow.startswith("Maison Margaux : rappel de votre RDV le jeudi 4 mars à 20h")
    later = reminder_text(
        profile=profile, service="Coupe homme", start=start, replies=True,
        sent=start - timedelta(days=2),
    )  # fmt: skip
    assert "RDV le jeudi 4 mars à 20h" in later


@pytest.mark.parametrize("ahead", [timedelta(hours=3), timedelta(hours=26)])
def test_every_relative_reminder_fits_one_segment(profile: SalonProfile, ahead: timedelta) -> None:
    same_day = ahead < timedelta(hours=5)
    for service in profile.services:
        for i, start in enumerate(_starts(profile)):
            start = start.replace(hour=20, minute=15 * (i % 4))
            for replies in (True, False):
                text = reminder_text(
                    profile=profile, service=service.name, start=start,
                    name=NAMES[i % len(NAMES)], replies=replies, sent=start - ahead,
                )  # fmt: skip
                assert fits_one_segment(text), (len(text), text)
                assert f"à {start.hour}h" in text and "demain" not in text, text
                assert ("aujourd'hui à " in text) is same_day, text  # else the date


def test_every_answer_to_annuler_too_far_ahead_fits_one_segment_and_says_to_call(
    profile: SalonProfile,
) -> None:
    phone = display_phone(profile.phone)
    for service in profile.services:
        for i, start in enumerate(_starts(profile)):
            text = not_cancelled_text(
                profile=profile, service=service.name, start=start, name=NAMES[i % len(NAMES)]
            )
            assert fits_one_segment(text) and is_gsm7(text), (len(text), text)
            assert f"{start.hour}h" in text
            assert text.endswith(f"n'est pas annulé par SMS. Pour l'annuler, appelez le {phone}.")


def test_the_thanks_for_a_yes_names_the_booking_as_the_reminder_does(
    profile: SalonProfile,
) -> None:
    start = datetime(2027, 3, 4, 20, 0, tzinfo=profile.timezone)  # a Thursday, 20h
    today = thanks_text(
        profile=profile, service="Coupe homme", start=start, name="Léo Martin",
        stylist="Yanis", sent=start.replace(hour=9),
    )  # fmt: skip
    assert today == (
        "Maison Margaux : merci ! Nous attendons Léo Martin aujourd'hui à 20h "
        "(coupe homme avec Yanis)."
    )
    assert (
        thanks_text(
            profile=profile, service="Coupe homme", start=start, sent=start - timedelta(days=1)
        )
        == "Maison Margaux : merci ! Nous vous attendons le jeudi 4 mars à 20h (coupe homme)."
    )
    for service in profile.services:
        for i, when in enumerate(_starts(profile)):
            text = thanks_text(
                profile=profile, service=service.name, start=when, name=NAMES[i % len(NAMES)],
                stylist="Yanis", sent=when - timedelta(hours=(3, 20, 60)[i % 3]),
            )  # fmt: skip
            assert fits_one_segment(text) and is_gsm7(text), (len(text), text)
            assert f"{when.hour}h" in text and text.startswith("Maison Margaux : merci ! Nous ")


@pytest.mark.parametrize("replies", [True, False])
def test_every_offer_fits_one_segment_with_its_deadline(
    profile: SalonProfile, replies: bool
) -> None:
    for service in profile.services:
        for start in _starts(profile):
            sent = start - timedelta(hours=3)
            deadline = sent + timedelta(minutes=45)
            text = offer_text(
                profile=profile,
                service=service.name,
                start=start,
                deadline=deadline,
                sent=sent,
                replies=replies,
            )
            assert fits_one_segment(text), (len(text), text)
            until = deadline_words(deadline, sent=sent)
            if replies:
                assert text.endswith(f"Répondez OUI avant {until} pour le réserver.")
            else:
                assert f"avant {until} pour le réserver." in text and "OUI" not in text


def test_the_offer_reads_as_the_issue_asks(profile: SalonProfile) -> None:
    start = datetime(2027, 3, 2, 14, 30, tzinfo=profile.timezone)
    sent = start.replace(hour=17, minute=40) - timedelta(days=1)
    text = offer_text(
        profile=profile,
        service="Coupe homme",
        start=start,
        deadline=sent.replace(hour=18, minute=30),
        sent=sent,
        replies=True,
    )
    assert text == (
        "Maison Margaux : un créneau s'est libéré le mardi 2 mars à 14h30 pour coupe homme. "
        "Répondez OUI avant 18h30 pour le réserver."
    )


def test_deadline_words_say_tomorrow_or_the_date_when_not_today(profile: SalonProfile) -> None:
    sent = datetime(2027, 3, 1, 19, 50, tzinfo=profile.timezone)
    assert deadline_words(sent.replace(hour=20, minute=45), sent=sent) == "20h45"
    assert deadline_words(sent + timedelta(hours=13, minutes=40), sent=sent) == "demain à 9h30"
    assert deadline_words(sent + timedelta(days=3), sent=sent) == "jeudi 4 mars à 19h50"


@pytest.mark.parametrize(
    "kind",
    ["no_booking", "ambiguous", "cancel_failed", "no_offer", "offer_expired", "offer_taken",
     "book_failed", "message"],
)  # fmt: skip
def test_each_reply_is_one_gsm7_segment_written_with_its_accents(
    profile: SalonProfile, kind: str
) -> None:
    text = reply_text(profile, kind)
    assert fits_one_segment(text) and is_gsm7(text)
    assert text.startswith(f"{profile.short_name} : ")
    assert "\n" not in text and text.count(". ") <= 1


def test_an_unknown_reply_kind_is_refused(profile: SalonProfile) -> None:
    with pytest.raises(ValueError, match="unknown reply"):
        reply_text(profile, "bonjour")


@pytest.mark.parametrize(
    ("options", "channel", "expected"),
    [
        (TwilioOptions(sms_from="MMargaux"), "sms", False),  # alphanumeric: one-way
        (TwilioOptions(sms_from="+33757000001"), "sms", True),  # a number of the account
        (TwilioOptions(sms_from="+33757000001", messaging_service_sid="MG" + "0" * 32), "sms",
         False),
        (TwilioOptions(), "whatsapp", True),
        (TwilioOptions(sms_from="+33757000001"), "email", False),
    ],
)  # fmt: skip
def test_replies_are_possible_only_from_a_number_or_whatsapp(
    profile: SalonProfile, options: TwilioOptions, channel: str, expected: bool
) -> None:
    assert replies_possible(channel, profile=profile, options=options) is expected  # type: ignore[arg-type]


def test_without_settings_the_salon_sender_id_decides(
    profile: SalonProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_SMS_FROM", "")
    assert profile.sms_sender == "MMargaux"
    assert replies_possible("sms", profile=profile) is False
    monkeypatch.setenv("TWILIO_SMS_FROM", "+33757000001")
    assert replies_possible("sms", profile=profile) is True
