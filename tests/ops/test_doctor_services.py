"""Integration tier: the doctor's Cal.com, OpenAI, Deepgram, ElevenLabs and SMTP checks,
each against a local stub speaking the vendor's wire format, with each failure it reports."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.ops.conftest import doctor, problems_of
from tests.stubs.calcom import API_KEY as CAL_KEY
from tests.stubs.calcom import CalComStub
from tests.stubs.deepgram import DeepgramStub
from tests.stubs.elevenlabs import ElevenLabsStub
from tests.stubs.openai import OpenAIStub
from tests.stubs.smtp import SmtpServer

pytestmark = pytest.mark.usefixtures("doctor_env")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ----------------------------------------------------------------------------- Cal.com


@pytest.fixture
def calcom(monkeypatch: pytest.MonkeyPatch) -> Iterator[CalComStub]:
    with CalComStub() as stub:
        stub.add_event_type(id=301, slug="coupe-homme", length=30)
        stub.add_event_type(id=302, slug="brushing", length=45)
        stub.add_event_type(id=303, slug="balayage", length=120)
        monkeypatch.setenv("CAL_API_KEY", CAL_KEY)
        monkeypatch.setenv("CAL_API_URL", stub.url)
        yield stub


async def test_calcom_is_ok_when_every_service_has_an_event_type_of_its_length(
    calcom: CalComStub,
) -> None:
    result = (await doctor())["Cal.com"]
    assert result.status == "ok", result
    assert result.detail == "clé valide, les 3 prestations réservables ont leur type d'événement"
    assert calcom.spec_errors == []


async def test_calcom_names_each_service_whose_event_type_is_missing_or_of_another_length(
    calcom: CalComStub,
) -> None:
    calcom.add_event_type(id=302, slug="brushing", length=60)
    del calcom.event_types[303]
    result = (await doctor())["Cal.com"]
    assert result.problems == [
        "brushing : dure 60 min dans Cal.com mais 45 min dans salon.toml",
        "balayage : type d'événement 303 introuvable dans Cal.com",
    ]


async def test_calcom_reports_a_refused_key_once_naming_cal_api_key(
    calcom: CalComStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAL_API_KEY", "cal_live_wrong")
    assert problems_of((await doctor())["Cal.com"]) == (
        "Cal.com refuse CAL_API_KEY (401) : vérifiez la clé"
    )


async def test_calcom_unreachable_names_cal_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAL_API_KEY", CAL_KEY)
    monkeypatch.setenv("CAL_API_URL", f"http://127.0.0.1:{closed_port()}/v2")
    text = problems_of((await doctor())["Cal.com"])
    assert text.startswith("impossible de joindre Cal.com à http://127.0.0.1:")
    assert "(CAL_API_URL)" in text


# ------------------------------------------------------------------------------ OpenAI


async def test_openai_is_ok_when_the_key_works_and_the_model_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with OpenAIStub(api_key="sk-good") as stub:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-good")
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("KB_EMBEDDINGS", "openai")
        result = (await doctor())["OpenAI"]
    assert result.status == "ok"
    assert result.detail == "clé valide, gpt-4o-mini et text-embedding-3-small disponibles"


async def test_openai_names_llm_model_when_the_model_is_not_available(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with OpenAIStub(api_key="sk-good") as stub:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-good")
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("LLM_MODEL", "gpt-9-imaginary")
        text = problems_of((await doctor())["OpenAI"])
    assert text.startswith(
        "le modèle gpt-9-imaginary (LLM_MODEL) n'est pas accessible avec cette clé : "
        "choisissez un autre modèle"
    )


async def test_openai_names_the_key_when_it_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with OpenAIStub(api_key="sk-good") as stub:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-bad")
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        text = problems_of((await doctor())["OpenAI"])
    assert text == "OpenAI refuse OPENAI_API_KEY (401) : vérifiez la clé"


async def test_openai_unreachable_names_openai_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-good")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed_port()}/v1")
    assert problems_of((await doctor())["OpenAI"]).startswith(
        "impossible de joindre OPENAI_BASE_URL (http://127.0.0.1:"
    )


# ---------------------------------------------------------------------------- Deepgram


async def test_deepgram_is_ok_with_a_working_key(monkeypatch: pytest.MonkeyPatch) -> None:
    with DeepgramStub(api_key="dg-good", projects=2) as stub:
        monkeypatch.setenv("DEEPGRAM_API_KEY", "dg-good")
        monkeypatch.setenv("DEEPGRAM_API_URL", stub.base_url)
        result = (await doctor())["Deepgram"]
        assert stub.requests == [("GET", "/v1/projects", "Token dg-good")]
    assert (result.status, result.detail) == ("ok", "clé valide (2 projets)")


async def test_deepgram_names_the_key_when_it_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with DeepgramStub(api_key="dg-good") as stub:
        monkeypatch.setenv("DEEPGRAM_API_KEY", "dg-bad")
        monkeypatch.setenv("DEEPGRAM_API_URL", stub.base_url)
        text = problems_of((await doctor())["Deepgram"])
    assert text == (
        "Deepgram refuse DEEPGRAM_API_KEY (401 : Invalid credentials.) : vérifiez la clé"
    )


async def test_deepgram_reports_a_server_error_and_an_unreachable_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEEPGRAM_API_KEY", "dg-good")
    with DeepgramStub(api_key="dg-good") as stub:
        stub.fail_status = 503
        monkeypatch.setenv("DEEPGRAM_API_URL", stub.base_url)
        assert problems_of((await doctor())["Deepgram"]).startswith(
            "Deepgram a répondu HTTP 503 : "
        )
    monkeypatch.setenv("DEEPGRAM_API_URL", f"http://127.0.0.1:{closed_port()}/v1")
    text = problems_of((await doctor())["Deepgram"])
    assert text.startswith("impossible de joindre Deepgram à http://127.0.0.1:")
    assert "(DEEPGRAM_API_URL)" in text


# -------------------------------------------------------------------------- ElevenLabs


@pytest.fixture
def eleven(monkeypatch: pytest.MonkeyPatch) -> Iterator[ElevenLabsStub]:
    with ElevenLabsStub(api_key="xi-good", voices={"VoixClaire01": "Claire"}) as stub:
        monkeypatch.setenv("ELEVEN_API_KEY", "xi-good")
        monkeypatch.setenv("ELEVEN_API_URL", stub.base_url)
        monkeypatch.setenv("TTS_VOICE_ID", "VoixClaire01")
        yield stub


async def test_elevenlabs_is_ok_with_a_french_model_and_an_existing_voice(
    eleven: ElevenLabsStub,
) -> None:
    result = (await doctor())["ElevenLabs"]
    assert result.status == "ok"
    assert result.detail == "clé valide, eleven_flash_v2_5 parle français, voix Claire trouvée"


async def test_elevenlabs_names_a_voice_id_that_does_not_exist(
    eleven: ElevenLabsStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTS_VOICE_ID", "NoSuchVoice")
    text = problems_of((await doctor())["ElevenLabs"])
    assert text == (
        "TTS_VOICE_ID=NoSuchVoice n'est pas une voix de ce compte ElevenLabs : "
        "ajoutez la voix à My Voices ou corrigez l'identifiant"
    )


async def test_elevenlabs_names_a_model_without_french_or_unknown(
    eleven: ElevenLabsStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTS_MODEL", "eleven_flash_v2")
    text = problems_of((await doctor())["ElevenLabs"])
    assert text == (
        "TTS_MODEL=eleven_flash_v2 ne parle pas français : utilisez eleven_flash_v2_5 "
        "ou eleven_multilingual_v2"
    )
    monkeypatch.setenv("TTS_MODEL", "eleven_imaginary")
    text = problems_of((await doctor())["ElevenLabs"])
    assert text == (
        "TTS_MODEL=eleven_imaginary n'est pas un modèle ElevenLabs de ce compte : "
        "utilisez eleven_flash_v2_5"
    )


async def test_elevenlabs_names_the_key_when_it_is_refused(
    eleven: ElevenLabsStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELEVEN_API_KEY", "xi-bad")
    text = problems_of((await doctor())["ElevenLabs"])
    assert text == "ElevenLabs refuse ELEVEN_API_KEY (401) : vérifiez la clé"


# -------------------------------------------------------------------------------- SMTP


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    with SmtpServer(credentials=("salon", "s3cret")) as server:
        monkeypatch.setenv("SMTP_HOST", server.host)
        monkeypatch.setenv("SMTP_PORT", str(server.port))
        monkeypatch.setenv("SMTP_STARTTLS", "false")
        monkeypatch.setenv("SMTP_USERNAME", "salon")
        monkeypatch.setenv("SMTP_PASSWORD", "s3cret")
        yield server


async def test_smtp_logs_in_and_sends_nothing(smtp: SmtpServer) -> None:
    result = (await doctor())["SMTP"]
    assert result.status == "ok", result
    assert result.detail == (
        f"connexion à {smtp.host}:{smtp.port} réussie avec l'identifiant salon"
    )
    assert smtp.logins == 1 and smtp.messages == []


async def test_smtp_names_the_login_when_it_is_refused(
    smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "wrong")
    text = problems_of((await doctor())["SMTP"])
    assert text.startswith(f"le serveur SMTP {smtp.host}:{smtp.port} refuse ")
    assert "SMTP_USERNAME/SMTP_PASSWORD (535) : vérifiez l'identifiant" in text


async def test_smtp_names_a_missing_password_and_a_missing_sender(
    smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch, doctor_env: object
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "")
    monkeypatch.setenv("SALON_PROFILE", "/nonexistent/salon.toml")
    result = (await doctor())["SMTP"]
    assert result.problems == [
        "SMTP_PASSWORD n'est pas réglé alors que SMTP_USERNAME l'est : réglez les deux",
        "aucune adresse d'expéditeur : réglez SMTP_FROM (ou email dans salon.toml)",
    ]


async def test_smtp_unreachable_names_smtp_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(closed_port()))
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    assert problems_of((await doctor())["SMTP"]).startswith(
        "impossible de joindre SMTP_HOST 127.0.0.1:"
    )


async def test_smtp_starttls_refused_says_what_to_change(smtp: SmtpServer, monkeypatch) -> None:
    monkeypatch.setenv("SMTP_STARTTLS", "true")
    text = problems_of((await doctor())["SMTP"])
    assert "ne propose pas STARTTLS ou AUTH : ne mettez SMTP_STARTTLS=false que" in text
