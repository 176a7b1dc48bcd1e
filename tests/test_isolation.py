"""Unit tier: the test session keeps off the checkout's `data/` and `sources/`.

The session (tests/conftest.py) runs on the fixture salon and a temporary state folder;
the guard in `salon.settings` and the audit hook of `tests/fixtures/isolation.py` refuse
the checkout's own files, in this process and in subprocesses.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from salon import settings
from salon.profile import load_profile
from tests.fixtures.isolation import (
    CHECKOUT,
    FIXTURE_PROFILE,
    CheckoutGuard,
    changes,
    isolated_environment,
)


def test_the_session_runs_on_the_fixture_salon_and_temporary_state() -> None:
    assert Path(os.environ["SALON_PROFILE"]) == FIXTURE_PROFILE
    assert load_profile().source == FIXTURE_PROFILE
    for path in (settings.salon_db_path(), settings.kb_db_path()):
        assert not path.is_relative_to(CHECKOUT), path
    assert os.environ["TWILIO_AUTH_TOKEN"] == "" and os.environ["CAL_API_KEY"] == ""


@pytest.mark.parametrize("default", ["data/salon.db", "data/kb", "sources", "sources/salon.toml"])
def test_resolving_the_checkouts_own_files_fails_at_once(default: str) -> None:
    with pytest.raises(settings.CheckoutStateUsed, match="SALON_ISOLATED"):
        settings.project_path(default)
    with pytest.raises(settings.CheckoutStateUsed):
        settings.project_path(CHECKOUT / default)


def test_a_setting_left_at_its_default_fails_instead_of_using_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SALON_DB")
    with pytest.raises(settings.CheckoutStateUsed, match="salon.db"):
        settings.salon_db_path()
    with pytest.raises(settings.CheckoutStateUsed):
        load_profile(CHECKOUT / "sources" / "salon.toml")


def test_other_project_paths_still_resolve() -> None:
    assert (
        settings.project_path("eval/gold-questions.jsonl") == CHECKOUT / "eval/gold-questions.jsonl"
    )
    assert settings.project_path("database/x") == CHECKOUT / "database/x"


def _state_of(path: Path) -> tuple[int, int] | None:
    """Size and modification time, or None when absent (a real salon has a salon.db)."""
    return (path.stat().st_size, path.stat().st_mtime_ns) if path.exists() else None


def test_a_subprocess_inherits_the_guard() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SALON_DB"}
    code = "from salon import state_db; state_db.connect()"
    salon_db = CHECKOUT / "data" / "salon.db"
    before = _state_of(salon_db)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=CHECKOUT, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "CheckoutStateUsed" in done.stderr and "data/salon.db" in done.stderr
    assert _state_of(salon_db) == before  # neither created nor touched


def test_an_isolated_process_does_not_read_the_checkouts_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("SALON_TEST_FROM_DOTENV=leaked\n")
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(settings, "_loaded", False)
    monkeypatch.delenv("SALON_TEST_FROM_DOTENV", raising=False)
    assert settings.get("SALON_TEST_FROM_DOTENV") is None
    monkeypatch.setattr(settings, "_loaded", False)
    monkeypatch.setenv("SALON_ISOLATED", "")
    assert settings.get("SALON_TEST_FROM_DOTENV") == "leaked"  # the owner's processes do


def test_the_isolated_environment_blanks_every_documented_service(tmp_path: Path) -> None:
    env = isolated_environment(tmp_path)
    assert env["SALON_DB"] == str(tmp_path / "salon.db") and env["SALON_ISOLATED"] == "1"
    for name in ("TWILIO_ACCOUNT_SID", "SMTP_HOST", "CAL_API_KEY", "LIVEKIT_URL", "CHROMA_HOST"):
        assert env[name] == ""
    assert "OPENAI_API_KEY" not in env  # the eval tier keeps its key


def test_the_audit_guard_refuses_reads_and_writes_and_remembers_them(tmp_path: Path) -> None:
    watched = tmp_path / "data"
    watched.mkdir()
    (watched / "salon.db").write_text("x")
    guard = CheckoutGuard(folders=(watched,))
    guard.install()
    try:
        with pytest.raises(settings.CheckoutStateUsed):
            (watched / "salon.db").read_text()
        with pytest.raises(settings.CheckoutStateUsed):
            (watched / "new.txt").write_text("y")
        import sqlite3

        with pytest.raises(settings.CheckoutStateUsed):
            sqlite3.connect(watched / "other.db")
        (tmp_path / "elsewhere.txt").write_text("fine")
    finally:
        guard.active = False
    assert len(guard.violations) == 3
    assert not (watched / "new.txt").exists()


def test_the_end_of_session_check_names_what_changed(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "kept.txt").write_text("a")
    (folder / "gone.txt").write_text("b")
    guard = CheckoutGuard(folders=(folder, tmp_path / "absent"))
    before = guard.snapshot()
    (folder / "kept.txt").write_text("longer")
    (folder / "gone.txt").unlink()
    (folder / "salon.db").write_text("c")
    found = changes(before, guard.snapshot())
    assert f"created {folder / 'salon.db'}" in found
    assert f"removed {folder / 'gone.txt'}" in found
    assert f"modified {folder / 'kept.txt'}" in found
    assert changes(before, before) == []
