"""Integration tier: the doctor's Twilio checks and `--fix`, against the Twilio stub (every
request and answer checked against Twilio's OpenAPI description when it is present)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ops.doctor.twilio import point_number
from tests.ops.conftest import doctor, problems_of
from tests.stubs.twilio import TwilioStub

pytestmark = pytest.mark.usefixtures("doctor_env")

NUMBER = "+33478421890"
OTHER = "+33478000099"
BASE = "https://salon-test.ngrok.app"
GOOD = {
    "voice_url": f"{BASE}/voice",
    "status_callback": f"{BASE}/status",
    "sms_url": f"{BASE}/sms",
}


@pytest.fixture
def twilio(monkeypatch: pytest.MonkeyPatch) -> Iterator[TwilioStub]:
    with TwilioStub() as stub:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", stub.account_sid)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", stub.auth_token)
        monkeypatch.setenv("TWILIO_API_BASE_URL", stub.base_url)
        monkeypatch.setenv("TWILIO_PHONE_NUMBER", "04 78 42 18 90")
        monkeypatch.setenv("PUBLIC_BASE_URL", BASE)
        yield stub
        assert stub.violations == []


async def test_all_three_are_ok_when_the_number_already_points_at_the_webhook(
    twilio: TwilioStub,
) -> None:
    twilio.add_number(NUMBER, **GOOD)
    report = await doctor()
    assert report["Twilio"].status == "ok"
    assert report["Twilio number"].status == "ok"
    assert report["Twilio number"].detail == (
        f"+33 4 78 42 18 90 est relié à {BASE} (/voice, /status, /sms, POST)"
    )
    assert report["SMS sender"].detail == (
        "nom d'expéditeur 'SalonDoc' (sms_sender de salon.toml) : en France, les clients ne "
        "peuvent pas répondre à ces SMS"
    )


async def test_wrong_credentials_name_both_settings_and_skip_the_rest(
    twilio: TwilioStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-the-token")
    report = await doctor()
    assert problems_of(report["Twilio"]) == (
        "Twilio refuse TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN (20003) : recopiez les deux "
        "depuis la console Twilio"
    )
    assert report["Twilio number"].status == "skipped"
    assert report["SMS sender"].status == "skipped"


async def test_half_the_credentials_names_the_missing_setting(
    twilio: TwilioStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "")
    assert problems_of((await doctor())["Twilio"]) == (
        "TWILIO_AUTH_TOKEN n'est pas réglé alors que TWILIO_ACCOUNT_SID l'est : "
        "réglez-le aussi (ou retirez TWILIO_ACCOUNT_SID)"
    )


async def test_the_token_alone_says_calls_are_answered_but_texts_and_transfers_are_not(
    twilio: TwilioStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's first call needs only TWILIO_AUTH_TOKEN (the webhook's signatures);
    the doctor told the owner to remove it, which would stop every call."""
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "")
    report = await doctor()
    assert problems_of(report["Twilio"]) == (
        "TWILIO_ACCOUNT_SID n'est pas réglé : les appels sont bien reçus (TWILIO_AUTH_TOKEN "
        "suffit au webhook), mais les SMS (confirmations, rappels) ne partent pas : "
        "recopiez l'Account SID (AC…) de la console Twilio dans TWILIO_ACCOUNT_SID"
    )
    assert report["Twilio number"].detail == "TWILIO_ACCOUNT_SID n'est pas réglé"
    assert report["SMS sender"].status == "skipped"
    # the stream route transfers through Twilio's REST API, which needs the SID too
    monkeypatch.setenv("TELEPHONY_TRANSPORT", "stream")
    assert "ni les SMS (confirmations, rappels) ni les transferts vers le salon ne partent" in (
        problems_of((await doctor())["Twilio"])
    )


async def test_a_suspended_account_is_a_problem(twilio: TwilioStub) -> None:
    twilio.account_status = "suspended"
    twilio.add_number(NUMBER, **GOOD)
    assert problems_of((await doctor())["Twilio"]) == (
        "le compte Twilio n'est pas actif (suspended) : réactivez-le"
    )


async def test_a_number_outside_the_account_is_named_with_its_setting(twilio: TwilioStub) -> None:
    twilio.add_number(OTHER, **GOOD)
    text = problems_of((await doctor())["Twilio number"])
    assert text.startswith("TWILIO_PHONE_NUMBER +33 4 78 42 18 90 n'est pas un numéro du compte")
    assert text.endswith(": vérifiez le numéro ou TWILIO_ACCOUNT_SID")


async def test_each_stale_webhook_is_one_problem_and_fix_repairs_only_this_number(
    twilio: TwilioStub,
) -> None:
    sid = twilio.add_number(
        NUMBER,
        voice_url="https://old-tunnel.ngrok.app/voice",
        voice_method="GET",
        status_callback=None,
        sms_url=f"{BASE}/sms",
    )
    other = twilio.add_number(OTHER, voice_url="https://elsewhere.example/voice")
    report = await doctor()
    assert report["Twilio number"].problems == [
        "l'adresse des appels (voice URL) de +33 4 78 42 18 90 est "
        f"https://old-tunnel.ngrok.app/voice (GET), au lieu de {BASE}/voice (POST) : "
        "lancez scripts/doctor --fix",
        "l'adresse de suivi des appels (status callback) de +33 4 78 42 18 90 est vide, "
        f"au lieu de {BASE}/status (POST) : lancez scripts/doctor --fix",
    ]
    assert twilio.number_updates == []  # without --fix nothing changes

    fixed = (await doctor(fix=True))["Twilio number"]
    assert fixed.status == "ok" and fixed.fixed == ["voice URL", "status callback"]
    assert fixed.detail.endswith("(corrigé : l'adresse des appels, l'adresse de suivi des appels)")
    assert [u["sid"] for u in twilio.number_updates] == [sid]
    update = twilio.number_updates[0]
    assert {k: v for k, v in update.items() if k != "sid"} == {
        "VoiceUrl": f"{BASE}/voice",
        "VoiceMethod": "POST",
        "StatusCallback": f"{BASE}/status",
        "StatusCallbackMethod": "POST",
        "SmsUrl": f"{BASE}/sms",
        "SmsMethod": "POST",
    }
    assert twilio.numbers[other]["voice_url"] == "https://elsewhere.example/voice"
    again = (await doctor(fix=True))["Twilio number"]
    assert again.status == "ok" and again.fixed == [] and len(twilio.number_updates) == 1


async def test_a_twiml_app_on_the_number_is_reported_and_left_to_the_owner(
    twilio: TwilioStub,
) -> None:
    app_sid = "AP" + "1" * 32
    twilio.add_number(NUMBER, voice_application_sid=app_sid, **GOOD)
    result = (await doctor(fix=True))["Twilio number"]
    assert result.problems == [
        f"les appels vont à l'application TwiML {app_sid} sur +33 4 78 42 18 90, qui remplace "
        "l'adresse des appels : retirez-la dans la console Twilio (Phone Numbers > le numéro)"
    ]
    assert twilio.number_updates == []


async def test_without_public_base_url_the_number_check_names_it(
    twilio: TwilioStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio.add_number(NUMBER, **GOOD)
    monkeypatch.setenv("PUBLIC_BASE_URL", "")
    assert problems_of((await doctor())["Twilio number"]).startswith(
        "PUBLIC_BASE_URL n'est pas réglé, Twilio ne peut donc pas être dirigé vers le webhook"
    )


async def test_without_a_number_setting_the_number_is_skipped(
    twilio: TwilioStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_PHONE_NUMBER", "")
    result = (await doctor())["Twilio number"]
    assert result.status == "skipped"
    assert result.detail == (
        "TWILIO_PHONE_NUMBER n'est pas réglé : les webhooks du numéro ne sont pas vérifiés"
    )


async def test_twilio_sms_from_as_a_number_stands_for_the_salons_number(
    twilio: TwilioStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio.add_number(NUMBER, **GOOD)
    monkeypatch.setenv("TWILIO_PHONE_NUMBER", "")
    monkeypatch.setenv("TWILIO_SMS_FROM", NUMBER)
    report = await doctor()
    assert report["Twilio number"].status == "ok"
    assert report["SMS sender"].detail == (
        "+33 4 78 42 18 90 est un numéro SMS du compte (les clients peuvent répondre)"
    )


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        ("Maison Margaux", "TWILIO_SMS_FROM 'Maison Margaux' fait 14 caractères : un nom"),
        ("Salon-Doc!", "TWILIO_SMS_FROM 'Salon-Doc!' n'est ni un nom d'expéditeur"),
        ("+33478000099", "TWILIO_SMS_FROM +33 4 78 00 00 99 n'est pas un numéro de ce compte"),
    ],
)
async def test_an_sms_sender_france_would_refuse_is_named(
    twilio: TwilioStub, monkeypatch: pytest.MonkeyPatch, sender: str, expected: str
) -> None:
    twilio.add_number(NUMBER, **GOOD)
    monkeypatch.setenv("TWILIO_SMS_FROM", sender)
    assert problems_of((await doctor())["SMS sender"]).startswith(expected)


async def test_a_number_without_sms_and_a_bad_messaging_service_are_named(
    twilio: TwilioStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio.add_number(NUMBER, **GOOD)
    twilio.add_number(OTHER, capabilities={"voice": True, "sms": False, "mms": False})
    monkeypatch.setenv("TWILIO_SMS_FROM", OTHER)
    assert problems_of((await doctor())["SMS sender"]).endswith(
        "ne peut pas envoyer de SMS (numéro sans SMS)"
    )
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "MG-not-a-sid")
    assert problems_of((await doctor())["SMS sender"]) == (
        "TWILIO_MESSAGING_SERVICE_SID 'MG-not-a-sid' n'est pas un identifiant MG…"
    )
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "MG" + "a" * 32)
    assert (await doctor())["SMS sender"].status == "ok"


async def test_point_number_aims_the_number_at_a_new_tunnel(twilio: TwilioStub) -> None:
    sid = twilio.add_number(NUMBER, **GOOD)
    result = await point_number(public_base_url="https://new-tunnel.ngrok.app/", timeout=3)
    assert result.status == "ok" and result.fixed == ["voice URL", "status callback", "SMS URL"]
    assert twilio.numbers[sid]["voice_url"] == "https://new-tunnel.ngrok.app/voice"
    assert twilio.numbers[sid]["sms_url"] == "https://new-tunnel.ngrok.app/sms"


async def test_twilio_unreachable_is_one_problem_naming_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("TWILIO_API_BASE_URL", f"http://127.0.0.1:{port}")
    report = await doctor()
    assert problems_of(report["Twilio"]).startswith(
        f"impossible de joindre Twilio (http://127.0.0.1:{port}) : "
    )
    assert report["Twilio number"].status == "skipped"
