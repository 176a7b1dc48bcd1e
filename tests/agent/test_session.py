"""Unit tier: the production session is built from settings (no network is touched:
the cloud plugins only open connections when a call starts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.call_context import CallContext
from agent.config import AgentSettings
from agent.retrieval import RagOptions
from agent.session import build_voice_session, keyterms, load_turn_detector
from salon import state_db
from salon.profile import load_profile
from speech.normalise import tts_transform

KEYS = {
    "OPENAI_API_KEY": "sk-test",
    "DEEPGRAM_API_KEY": "dg-test",
    "ELEVEN_API_KEY": "el-test",
}


def test_keyterms_hold_the_salon_name_and_its_service_names() -> None:
    profile = load_profile()
    terms = keyterms(profile)
    assert profile.short_name in terms
    assert "Coupe homme" in terms
    assert len(terms) == len({t.lower() for t in terms}) <= 100
    # Deepgram stops transcribing silently past 500 keyterm tokens: stay well below
    assert sum(len(t) for t in terms) <= 1200
    assert all("(" not in t and "," not in t for t in terms)


@pytest.mark.parametrize("mode", ["llm_node", "hook"])
async def test_the_voice_session_uses_the_configured_models_and_french_speech(
    mode: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for key, value in KEYS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("LLM_MODEL", raising=False)
    profile = load_profile()
    call = CallContext(profile=profile, conn=state_db.connect(tmp_path / "s.db"))
    session = build_voice_session(
        profile=profile,
        call=call,
        vad=None,
        turn_detector="stt",
        settings=AgentSettings.from_env(),
        rag=RagOptions(mode=mode),
    )
    assert session.llm is not None and session.llm.model == "gpt-4o-mini"
    stt = session.stt
    assert stt is not None and stt.model == "nova-3"
    assert "Coupe homme" in stt._opts.keyterm  # type: ignore[attr-defined]
    assert stt._opts.language == "fr"  # type: ignore[attr-defined]
    tts = session.tts
    assert tts is not None and tts.model == "eleven_flash_v2_5"
    assert tts_transform in session.options.tts_text_transforms  # type: ignore[operator]
    preemptive = session.options.preemptive_generation["enabled"]
    assert preemptive is (mode == "llm_node")
    assert session.userdata is call


async def test_a_missing_key_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for key, value in KEYS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DEEPGRAM_API_KEY", "")
    profile = load_profile()
    call = CallContext(profile=profile, conn=state_db.connect(tmp_path / "s.db"))
    with pytest.raises(Exception, match="DEEPGRAM_API_KEY"):
        build_voice_session(
            profile=profile,
            call=call,
            vad=None,
            turn_detector="stt",
            settings=AgentSettings.from_env(),
        )


def test_the_turn_detector_is_the_local_multilingual_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TURN_DETECTOR", raising=False)
    detector = load_turn_detector(AgentSettings.from_env())
    assert detector.model == "turn-detector-v1-mini"


def test_rag_mode_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_MODE", "hook")
    assert RagOptions.from_env().mode == "hook"
    monkeypatch.setenv("RAG_MODE", "sideways")
    with pytest.raises(ValueError, match="RAG_MODE"):
        RagOptions.from_env()
