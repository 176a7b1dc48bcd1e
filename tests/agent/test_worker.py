"""Unit tier: the worker's call identity and its per-process prewarm (real local models)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from agent.config import AgentSettings
from agent.retrieval import PendingKnowledgeBase
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
    assert proc.userdata["profiles"].current().name == "Maison Margaux Coiffure"
    assert proc.userdata["vad"] is not None
    assert proc.userdata["turn_detector"] is not None
    # no index yet: a stand-in that loads the first one scripts/reindex builds
    assert isinstance(proc.userdata["kb"], PendingKnowledgeBase)
    assert proc.userdata["kb"].loaded is None


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
        main(["start"], settings=AgentSettings.from_env())
    assert exited.value.code == 2  # a setting to fix: scripts/serve does not restart it
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "agent : erreur : réglage manquant : LIVEKIT_URL "
        "(l'adresse du serveur LiveKit, wss://<projet>.livekit.cloud)",
        "agent : erreur : réglage manquant : LIVEKIT_API_KEY (les identifiants LiveKit)",
        "agent : erreur : réglage manquant : DEEPGRAM_API_KEY "
        "(la reconnaissance de la parole par Deepgram)",
        "agent : ajoutez-les dans .env (tous les réglages sont décrits dans .env.example)",
    ]


def test_a_malformed_setting_stops_the_worker_with_one_french_line() -> None:
    env = {**os.environ, "LLM_TIMEOUT": "0"}  # the real environment wins over .env
    done = subprocess.run(
        [sys.executable, "-m", "agent", "start"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "agent : erreur : le réglage LLM_TIMEOUT doit être un nombre de secondes entre 0.5 et "
        "60, pas 0.0 ; corrigez-le dans .env"
    ]


class FakeJob:
    """The parts of a LiveKit `JobContext` the worker touches before the session starts."""

    def __init__(
        self, metadata: str, attributes: dict[str, str], userdata: dict, *, fake: bool = False
    ) -> None:
        self.fake = fake
        self.job = SimpleNamespace(metadata=metadata)
        self.proc = SimpleNamespace(userdata=userdata)
        self.participant = SimpleNamespace(attributes=attributes)
        self.events: list[str] = []
        self.shutdown: list = []

    def is_fake_job(self) -> bool:
        return self.fake

    async def connect(self) -> None:
        self.events.append("connect")

    async def wait_for_participant(self, *, kind: object) -> SimpleNamespace:
        self.events.append("caller joined")
        return self.participant

    def add_shutdown_callback(self, callback: object) -> None:
        self.shutdown.append(callback)


async def test_a_job_becomes_a_call_with_the_dispatched_identity_and_a_saved_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.session import load_vad
    from agent.worker import prepare_call
    from salon.profile_source import ProfileSource

    for name, value in {
        "OPENAI_API_KEY": "sk-test",
        "DEEPGRAM_API_KEY": "dg-test",
        "ELEVEN_API_KEY": "el-test",
        "SALON_DB": str(tmp_path / "salon.db"),
    }.items():
        monkeypatch.setenv(name, value)
    meta = json.dumps({"call_sid": "CA42", "from": "+33612345678", "to": "+33478421890"})
    job = FakeJob(
        meta,
        {"sip.phoneNumber": "+33700000000"},
        {"profiles": ProfileSource(), "vad": load_vad(), "turn_detector": "stt", "kb": None},
    )
    prepared = await prepare_call(job, AgentSettings.from_env())  # type: ignore[arg-type]
    assert job.events == ["connect", "caller joined"]
    call = prepared.call
    assert (call.call_sid, call.caller, call.called) == ("CA42", "+33612345678", "+33478421890")
    assert "Maison Margaux Coiffure" in prepared.agent.instructions
    assert prepared.session.userdata is call
    assert len(job.shutdown) == 1
    await job.shutdown[0]("caller hung up")  # the call record is written on shutdown
    from salon import state_db

    rows = state_db.connect(tmp_path / "salon.db").execute(
        "SELECT call_sid, caller, outcome FROM call_records"
    )
    assert [tuple(r) for r in rows] == [("CA42", "+33612345678", "abandoned")]


async def test_console_mode_does_not_wait_for_a_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.worker import prepare_call
    from salon.profile_source import ProfileSource

    for name, value in {
        "OPENAI_API_KEY": "sk-test",
        "DEEPGRAM_API_KEY": "dg-test",
        "ELEVEN_API_KEY": "el-test",
        "SALON_DB": str(tmp_path / "salon.db"),
    }.items():
        monkeypatch.setenv(name, value)
    userdata = {"profiles": ProfileSource(), "vad": None, "turn_detector": "stt", "kb": None}
    job = FakeJob("", {}, userdata, fake=True)
    prepared = await prepare_call(job, AgentSettings.from_env())  # type: ignore[arg-type]
    assert job.events == []
    assert prepared.call.caller is None and prepared.call.call_sid is None
    await job.shutdown[0]("console closed")


def test_prewarm_works_off_the_main_thread_as_in_job_processes(tmp_path: Path) -> None:
    """LiveKit runs prewarm in a job thread; plugins must already be registered."""
    import os
    import subprocess
    import sys

    code = (
        "import threading, types, agent.worker as w\n"
        "p = types.SimpleNamespace(userdata={}); errors = []\n"
        "def run():\n"
        "    try: w.prewarm(p)\n"
        "    except Exception as exc: errors.append(repr(exc))\n"
        "t = threading.Thread(target=run); t.start(); t.join()\n"
        "print(errors or 'ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "KB_DB": str(tmp_path / "none")},
    )
    assert done.stdout.strip().splitlines()[-1] == "ok", done.stdout + done.stderr


async def test_a_call_follows_the_salon_toml_the_owner_saved_after_the_worker_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker is prewarmed once and lives for days; the owner renames the salon (or
    adds a closure from the console): the next call's instructions say it, no restart."""
    import os
    import shutil

    from agent.session import load_vad
    from agent.worker import prepare_call
    from salon.profile_source import ProfileSource
    from tests.fixtures.isolation import FIXTURE_SALON

    profile_path = tmp_path / "salon.toml"
    shutil.copy(FIXTURE_SALON / "salon.toml", profile_path)
    for name, value in {
        "OPENAI_API_KEY": "sk-test",
        "DEEPGRAM_API_KEY": "dg-test",
        "ELEVEN_API_KEY": "el-test",
        "SALON_DB": str(tmp_path / "salon.db"),
    }.items():
        monkeypatch.setenv(name, value)
    userdata = {
        "profiles": ProfileSource(profile_path),
        "vad": load_vad(),
        "turn_detector": "stt",
        "kb": None,
    }
    first = await prepare_call(FakeJob("{}", {}, userdata), AgentSettings.from_env())  # type: ignore[arg-type]
    assert "Maison Margaux Coiffure" in first.agent.instructions
    text = profile_path.read_text(encoding="utf-8")
    profile_path.write_text(text.replace("Maison Margaux Coiffure", "Atelier Basile", 1))
    stat = profile_path.stat()
    os.utime(profile_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = await prepare_call(FakeJob("{}", {}, userdata), AgentSettings.from_env())  # type: ignore[arg-type]
    assert "Atelier Basile" in second.agent.instructions
    for prepared in (first, second):
        prepared.call.conn.close()
