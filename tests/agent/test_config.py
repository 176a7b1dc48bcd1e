"""Unit tier: the agent's settings are read once into one object, and name what is wrong."""

from __future__ import annotations

import pytest

from agent.config import AgentSettings
from salon.settings import MissingSetting

pytestmark = pytest.mark.unit


def test_settings_come_from_the_environment_with_defaults_for_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LLM_MODEL", "gpt-4.1-mini")
    monkeypatch.setenv("RAG_MODE", "hook")
    monkeypatch.setenv("TELEPHONY_TRANSPORT", "STREAM")
    monkeypatch.setenv("ENDPOINTING_MAX_DELAY", "2.5")
    monkeypatch.setenv("TTS_VOICE_ID", "")  # blank counts as unset
    got = AgentSettings.from_env()
    assert got.llm_model == "gpt-4.1-mini" and got.rag.mode == "hook"
    assert got.transport == "stream" and got.endpointing_max_delay == 2.5
    assert got.tts_voice_id is None and got.stt_model == "nova-3"


def test_the_settings_object_does_not_change_when_the_environment_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LLM_MODEL", "first")
    got = AgentSettings.from_env()
    monkeypatch.setenv("LLM_MODEL", "second")
    assert got.llm_model == "first"
    with pytest.raises(AttributeError):
        got.llm_model = "third"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ENDPOINTING_MIN_DELAY", "soon"),
        ("AGENT_IDLE_PROCESSES", "two"),
        ("RAG_MODE", "sideways"),
        ("TELEPHONY_TRANSPORT", "pigeon"),
    ],
)
def test_a_malformed_setting_is_named(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        AgentSettings.from_env()


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        (
            "LLM_TIMEOUT",
            "0",
            "le réglage LLM_TIMEOUT doit être un nombre de secondes entre 0.5 et 60, pas 0.0",
        ),
        (
            "LLM_MAX_RETRY",
            "9",
            "le réglage LLM_MAX_RETRY doit être un nombre entier de 0 à 5, pas 9",
        ),
        (
            "FILLER_DELAY",
            "10",
            "le réglage FILLER_DELAY doit être un nombre de secondes entre 0 (désactivé) et 5, "
            "pas 10.0",
        ),
        (
            "TELEPHONY_TRANSPORT",
            "pigeon",
            "le réglage TELEPHONY_TRANSPORT doit être sip ou stream, pas 'pigeon'",
        ),
        ("RAG_MODE", "sideways", "le réglage RAG_MODE doit être llm_node ou hook, pas 'sideways'"),
    ],
)
def test_an_out_of_range_setting_says_in_french_what_it_must_be(
    name: str, value: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError) as refused:
        AgentSettings.from_env()
    assert str(refused.value) == says


def test_a_missing_secret_is_named_with_what_it_is_for() -> None:
    with pytest.raises(
        MissingSetting,
        match=r"^réglage manquant : DEEPGRAM_API_KEY "
        r"\(la reconnaissance de la parole par Deepgram\) ; ajoutez-le dans \.env",
    ):
        AgentSettings(openai_api_key="sk-test").require("DEEPGRAM_API_KEY")
    assert AgentSettings(openai_api_key="sk-test").require("OPENAI_API_KEY") == "sk-test"


def test_each_command_needs_its_own_secrets() -> None:
    bare = AgentSettings(openai_api_key="sk-test")
    assert [name for name, _ in bare.missing_for("start")] == [
        "LIVEKIT_URL",
        "LIVEKIT_API_KEY",
        "LIVEKIT_API_SECRET",
        "DEEPGRAM_API_KEY",
        "ELEVEN_API_KEY",
    ]
    assert [name for name, _ in bare.missing_for("console")] == [
        "DEEPGRAM_API_KEY",
        "ELEVEN_API_KEY",
    ]
    assert bare.missing_for("download-files") == [] and bare.missing_for(None) == []


def test_twilio_transfers_need_both_credentials() -> None:
    assert not AgentSettings(twilio_account_sid="AC1").twilio_configured
    assert AgentSettings(twilio_account_sid="AC1", twilio_auth_token="t").twilio_configured
