"""Unit tier: the install script gives a dev environment the browser the console's tests
drive (Debian's chromium), and keeps it out of the production image."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _dry_run(*args: str, venv: Path) -> str:
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install"), *args, "--venv", str(venv), "--dry-run"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[0]


def test_a_dev_environment_gets_chromium_and_the_production_image_does_not(tmp_path: Path) -> None:
    assert "chromium" in _dry_run("--dev", venv=tmp_path / "dev")
    assert "chromium" not in _dry_run("--prod", venv=tmp_path / "prod")
    assert "chromium" in _dry_run(venv=tmp_path / "fresh")  # dev is the default
