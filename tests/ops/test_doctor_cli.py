"""Integration tier: `scripts/doctor` as a process — a fresh clone, JSON, the exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.stubs.openai import OpenAIStub

ROOT = Path(__file__).resolve().parents[2]
CHECK_NAMES = {
    "salon.toml",
    "LiveKit",
    "Twilio",
    "Twilio number",
    "SMS sender",
    "Confirmations",
    "Cal.com",
    "OpenAI",
    "Deepgram",
    "ElevenLabs",
    "SMTP",
    "Public URL",
}


def run_doctor(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ops.doctor", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def clean_env() -> dict[str, str]:
    """What a fresh clone has: no settings at all (the checkout's .env not read)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONPATH": str(ROOT),
        "SALON_ISOLATED": "1",
    }


def test_a_fresh_clone_with_no_keys_skips_every_check_and_exits_0(tmp_path: Path) -> None:
    done = run_doctor(env=clean_env(), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    checks = lines[:-1]
    assert len(checks) == len(CHECK_NAMES)
    assert all(line.startswith("non réglé ") for line in checks), done.stdout
    assert lines[-1] == "12 vérifications : 0 ok, 0 problème, 12 non réglées"
    assert done.stderr == ""


def test_json_is_one_object_with_every_check_and_the_overall_verdict(tmp_path: Path) -> None:
    done = run_doctor("--json", env=clean_env(), cwd=tmp_path)
    payload = json.loads(done.stdout)
    assert payload["ok"] is True
    assert {c["name"] for c in payload["checks"]} == CHECK_NAMES
    assert {c["status"] for c in payload["checks"]} == {"skipped"}
    assert payload["summary"] == {"ok": 0, "problem": 0, "skipped": 12}
    # names and statuses stay English keys; what a check says is the owner's French
    calcom = next(c for c in payload["checks"] if c["name"] == "Cal.com")
    assert calcom["detail"] == "CAL_API_KEY n'est pas réglé (l'agenda intégré du salon est utilisé)"


def test_one_problem_is_one_line_naming_the_setting_and_the_exit_code_is_1(
    tmp_path: Path,
) -> None:
    with OpenAIStub(api_key="sk-right") as stub:
        env = clean_env() | {
            "OPENAI_API_KEY": "sk-wrong",
            "OPENAI_BASE_URL": stub.base_url,
            "DEEPGRAM_API_KEY": "",
        }
        done = run_doctor(env=env, cwd=tmp_path)
        as_json = run_doctor("--json", env=env, cwd=tmp_path)
    assert done.returncode == 1
    problems = [line for line in done.stdout.splitlines() if line.startswith("problème ")]
    assert problems == [
        "problème   OpenAI             OpenAI refuse OPENAI_API_KEY (401) : vérifiez la clé"
    ]
    assert "1 problème," in done.stdout.splitlines()[-1]
    payload = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and payload["ok"] is False
    openai = next(c for c in payload["checks"] if c["name"] == "OpenAI")
    # --json: English keys and statuses (for scripts), the owner's French sentences
    assert openai["status"] == "problem"
    assert openai["problems"] == ["OpenAI refuse OPENAI_API_KEY (401) : vérifiez la clé"]


def test_a_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    done = run_doctor("--timeout", "0", env=clean_env(), cwd=tmp_path)
    assert done.returncode == 2
    assert "erreur : --timeout doit être un nombre de secondes positif" in done.stderr
