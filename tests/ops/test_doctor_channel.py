"""Unit tier: the doctor's `Confirmations` check reads NOTIFY_CHANNEL as `scripts/jobs` does
(`notify.service.confirmation_channel`) and, for WhatsApp, names the settings it lacks."""

from __future__ import annotations

import pytest

from tests.ops.conftest import doctor, problems_of

pytestmark = pytest.mark.usefixtures("doctor_env")

SENDER = "whatsapp:+33478000001"
TEMPLATE = "HX" + "0123456789abcdef" * 2


async def test_an_unset_channel_is_not_a_problem_and_says_confirmations_go_by_sms() -> None:
    result = (await doctor())["Confirmations"]
    assert result.status == "skipped"
    assert result.detail == "NOTIFY_CHANNEL n'est pas réglé : confirmations par SMS"


async def test_sms_written_in_capitals_is_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFY_CHANNEL", "SMS")
    result = (await doctor())["Confirmations"]
    assert result.status == "ok" and result.detail.startswith("par SMS")


async def test_a_wrong_channel_is_a_problem_in_the_words_scripts_jobs_would_stop_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFY_CHANNEL", "pigeon")
    result = (await doctor())["Confirmations"]
    assert problems_of(result) == (
        "le réglage NOTIFY_CHANNEL doit être sms ou whatsapp, pas 'pigeon'"
    )


async def test_whatsapp_without_its_sender_and_template_names_both_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFY_CHANNEL", "whatsapp")
    result = (await doctor())["Confirmations"]
    assert result.status == "problem"
    assert len(result.problems) == 2
    assert "TWILIO_WHATSAPP_FROM n'est pas réglé" in result.problems[0]
    assert "TWILIO_WHATSAPP_CONTENT_SID n'est pas réglé" in result.problems[1]


async def test_whatsapp_with_a_malformed_sender_and_template_says_what_is_expected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFY_CHANNEL", "whatsapp")
    monkeypatch.setenv("TWILIO_WHATSAPP_FROM", "whatsapp:salon")
    monkeypatch.setenv("TWILIO_WHATSAPP_CONTENT_SID", "MG123")
    result = (await doctor())["Confirmations"]
    assert result.problems == [
        "TWILIO_WHATSAPP_FROM 'whatsapp:salon' n'est pas un numéro (écrivez whatsapp:+33…)",
        "TWILIO_WHATSAPP_CONTENT_SID 'MG123' n'est pas un identifiant de modèle HX…",
    ]


async def test_whatsapp_with_its_sender_and_template_is_ok(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFY_CHANNEL", "whatsapp")
    monkeypatch.setenv("TWILIO_WHATSAPP_FROM", SENDER)
    monkeypatch.setenv("TWILIO_WHATSAPP_CONTENT_SID", TEMPLATE)
    result = (await doctor())["Confirmations"]
    assert result.status == "ok", result
    assert result.detail == f"par WhatsApp depuis {SENDER}, avec le modèle HX0123…"
