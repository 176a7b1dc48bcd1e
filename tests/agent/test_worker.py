"""Unit tier: the worker's call identity and its per-process prewarm (real local models)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from agent.worker import call_identity, prewarm, server
from salon import settings


def test_call_identity_comes_from_the_dispatch_metadata() -> None:
    meta = json.dumps({"call_sid": "CA123", "from": "+33612345678", "to": "+33478421890"})
    attrs = {"sip.phoneNumber": "+33700000000", "sip.twilio.callSid": "CAchild"}
    identity = call_identity(meta, attrs)
    assert identity.call_sid == "CA123"
    assert identity.caller == "+33612345678"
    assert identity.called == "+33478421890"


def test_sip_attributes_are_the_fallback_when_metadata_is_missing_or_broken() -> None:
    attrs = {
        "sip.phoneNumber": "+33612345678",
        "sip.trunkPhoneNumber": "+33478421890",
        "sip.twilio.callSid": "CAchild",
    }
    for meta in (None, "", "not json", "[1, 2]"):
        identity = call_identity(meta, attrs)
        assert (identity.caller, identity.called, identity.call_sid) == (
            "+33612345678",
            "+33478421890",
            "CAchild",
        )
    assert call_identity(None, {}).caller is None


def test_the_worker_is_dispatched_explicitly_by_name() -> None:
    assert server._agent_name == (settings.get("AGENT_NAME") or "salon-receptionist")
    assert server._agent_name


def test_prewarm_loads_vad_turn_detector_profile_and_tolerates_a_missing_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_DB", str(tmp_path / "no-index"))
    proc = SimpleNamespace(userdata={})
    prewarm(proc)  # type: ignore[arg-type]
    assert proc.userdata["profile"].name == "Maison Margaux Coiffure"
    assert proc.userdata["vad"] is not None
    assert proc.userdata["turn_detector"] is not None
    assert proc.userdata["kb"] is None


def test_starting_without_credentials_names_each_missing_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from agent.worker import main

    for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "DEEPGRAM_API_KEY"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("LIVEKIT_API_SECRET", "secret")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("ELEVEN_API_KEY", "el-test")
    with pytest.raises(SystemExit) as exited:
        main(["start"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "LIVEKIT_URL" in err and "LIVEKIT_API_KEY" in err and "DEEPGRAM_API_KEY" in err
    assert "OPENAI_API_KEY" not in err
