"""Integration tests of `scripts/setup-livekit-sip` (`webhook.sip_setup`) against the
LiveKit Twirp stub, through the real livekit-api client."""

from __future__ import annotations

import json

import pytest
from livekit import api

from salon.measure import free_port
from tests.stubs.livekit_twirp import LiveKitStub
from tests.webhook.conftest import API_KEY, API_SECRET
from webhook import sip_setup

pytestmark = pytest.mark.integration


@pytest.fixture
def livekit_env(monkeypatch: pytest.MonkeyPatch, stub: LiveKitStub) -> LiveKitStub:
    monkeypatch.setenv("LIVEKIT_URL", stub.url)
    monkeypatch.setenv("LIVEKIT_API_KEY", API_KEY)
    monkeypatch.setenv("LIVEKIT_API_SECRET", API_SECRET)
    monkeypatch.setenv("LIVEKIT_SIP_USERNAME", "salon")
    monkeypatch.setenv("LIVEKIT_SIP_PASSWORD", "s3cret")
    monkeypatch.setenv("LIVEKIT_SIP_HOST", "abc123.sip.livekit.cloud")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://salon.example.ngrok.app")
    return stub


def test_running_the_setup_twice_creates_the_trunk_and_rule_once(
    livekit_env: LiveKitStub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sip_setup.main(["--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert sip_setup.main(["--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert (first["trunk_action"], first["rule_action"]) == ("created", "created")
    assert (second["trunk_action"], second["rule_action"]) == ("found", "found")
    assert second["trunk_id"] == first["trunk_id"] and second["rule_id"] == first["rule_id"]
    [trunk] = livekit_env.state.trunks
    assert (trunk.auth_username, trunk.auth_password) == ("salon", "s3cret")
    assert list(trunk.numbers) == []  # a wildcard trunk: the callee is the CallSid
    [rule] = livekit_env.state.rules
    assert rule.rule.HasField("dispatch_rule_callee")
    assert rule.rule.dispatch_rule_callee.room_prefix == ""
    assert list(rule.trunk_ids) == [trunk.sip_trunk_id]


def test_the_setup_prints_what_the_twilio_console_needs(
    livekit_env: LiveKitStub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sip_setup.main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("trunk SIP entrant     salon-receptionist-inbound")
    assert lines[0].endswith(" créé")
    assert lines[1].startswith("règle d'aiguillage    salon-receptionist-callee (callee)")
    assert lines[1].endswith(" créée")
    assert lines[3:] == [
        "Console Twilio > Phone Numbers > votre numéro > Voice Configuration :",
        "  A call comes in :      Webhook  https://salon.example.ngrok.app/voice  (HTTP POST)",
        "  Call status changes :  https://salon.example.ngrok.app/status  (HTTP POST)",
        "Console Twilio > Phone Numbers > votre numéro > Messaging Configuration :",
        "  A message comes in :   Webhook  https://salon.example.ngrok.app/sms  (HTTP POST)",
        "Ou lancez scripts/doctor --fix, qui règle les trois (avec TWILIO_ACCOUNT_SID, "
        "TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER et PUBLIC_BASE_URL dans .env)",
        "Le webhook relie les appels à sip:<CallSid>@abc123.sip.livekit.cloud;transport=tcp",
    ]
    assert sip_setup.main([]) == 0  # the second run finds both
    again = capsys.readouterr().out.splitlines()
    assert again[0].endswith(" déjà en place") and again[1].endswith(" déjà en place")


def test_without_the_sip_host_the_setup_says_where_to_find_it() -> None:
    assert sip_setup.twilio_instructions(public_base_url=None, sip_host=None) == [
        "Console Twilio > Phone Numbers > votre numéro > Voice Configuration :",
        "  A call comes in :      Webhook  https://<votre adresse publique>/voice  (HTTP POST)",
        "  Call status changes :  https://<votre adresse publique>/status  (HTTP POST)",
        "Console Twilio > Phone Numbers > votre numéro > Messaging Configuration :",
        "  A message comes in :   Webhook  https://<votre adresse publique>/sms  (HTTP POST)",
        "Ou lancez scripts/doctor --fix, qui règle les trois (avec TWILIO_ACCOUNT_SID, "
        "TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER et PUBLIC_BASE_URL dans .env)",
        "Indiquez LIVEKIT_SIP_HOST dans .env : l'hôte de l'URI SIP de votre projet LiveKit "
        "(LiveKit Cloud > Settings > SIP URI, par exemple abc123xyz.sip.livekit.cloud)",
    ]


def test_changed_credentials_update_the_existing_trunk(
    livekit_env: LiveKitStub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sip_setup.main(["--json"]) == 0
    monkeypatch.setenv("LIVEKIT_SIP_USERNAME", "salon2")
    assert sip_setup.main(["--json"]) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["trunk_action"] == "updated"
    assert [t.auth_username for t in livekit_env.state.trunks] == ["salon2"]
    assert livekit_env.state.trunk_updates == 1


async def test_another_rule_on_the_trunk_is_reported(livekit_env: LiveKitStub) -> None:
    lkapi = api.LiveKitAPI(livekit_env.url, API_KEY, API_SECRET, failover=False)
    try:
        first = await sip_setup.ensure_sip_setup(lkapi, username="salon", password="s3cret")
        await lkapi.sip.create_dispatch_rule(
            api.CreateSIPDispatchRuleRequest(
                rule=api.SIPDispatchRule(
                    dispatch_rule_individual=api.SIPDispatchRuleIndividual(room_prefix="call-")
                ),
                trunk_ids=[first.trunk_id],
                name="old rule",
            )
        )
        again = await sip_setup.ensure_sip_setup(lkapi, username="salon", password="s3cret")
    finally:
        await lkapi.aclose()
    assert again.rule_action == "found"
    assert len(again.warnings) == 1
    assert again.warnings[0].startswith("la règle d'aiguillage ")
    assert again.warnings[0].endswith(
        " (old rule) s'applique aussi à ce trunk : supprimez-la dans LiveKit pour que les "
        "appels rejoignent la salle de leur CallSid"
    )


def test_a_missing_setting_exits_2_naming_it(
    livekit_env: LiveKitStub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIVEKIT_SIP_PASSWORD", "")
    assert sip_setup.main([]) == 2
    assert capsys.readouterr().err.startswith(
        "setup-livekit-sip : erreur : réglage manquant : LIVEKIT_SIP_PASSWORD "
        "(le mot de passe du trunk SIP) ; ajoutez-le dans .env"
    )
    assert livekit_env.state.requests == 0


def test_a_wrong_secret_exits_1_with_one_clear_line(
    livekit_env: LiveKitStub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIVEKIT_API_SECRET", "wrong-secret-0123456789abcdef0123456789")
    assert sip_setup.main([]) == 1
    err = capsys.readouterr().err
    assert err == (
        "setup-livekit-sip : erreur : LiveKit refuse la clé : vérifiez LIVEKIT_API_KEY et "
        "LIVEKIT_API_SECRET dans .env (unauthenticated)\n"
    )
    assert livekit_env.state.trunks == []


def test_an_unreachable_livekit_exits_1(
    livekit_env: LiveKitStub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("LIVEKIT_URL", url)
    assert sip_setup.main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"setup-livekit-sip : erreur : LiveKit injoignable à {url} : vérifiez LIVEKIT_URL ("
    )
    assert err.count("\n") == 1
