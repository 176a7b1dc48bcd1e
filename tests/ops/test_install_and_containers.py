"""Integration tier: the install script the Dockerfile runs — for real in a temporary
project, as `--check` on this checkout, and each of the Dockerfile's own install steps as a
dry run — and the shape of the Dockerfile and compose.yaml. Docker itself is only used
when a daemon answers here (it needs the base image from a registry)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.ops.conftest import ROOT

INSTALL = ROOT / "scripts" / "install"
DOCKERFILE = ROOT / "Dockerfile"


def install(*args: str, env: dict[str, str] | None = None, script: Path = INSTALL):
    return subprocess.run(
        ["bash", str(script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env or dict(os.environ),
    )


def dockerfile_install_steps() -> list[list[str]]:
    """The `scripts/install …` commands of the Dockerfile's RUN instructions."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    steps = []
    for line in text.splitlines():
        if line.startswith("RUN "):
            for command in line[4:].split("&&"):
                words = shlex.split(command)
                if words and words[0] == "scripts/install":
                    steps.append(words[1:])
    return steps


def tiny_project(root: Path) -> Path:
    """A project with this checkout's install script and a one-module pyproject."""
    (root / "scripts").mkdir(parents=True)
    shutil.copy(INSTALL, root / "scripts" / "install")
    (root / "tinypkg").mkdir()
    (root / "tinypkg" / "__init__.py").write_text("VALUE = 42\n")
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "tinypkg"\nversion = "0.1"\n'
        "[project.optional-dependencies]\ndev = []\n"
        '[tool.setuptools.packages.find]\ninclude = ["tinypkg*"]\n'
    )
    return root / "scripts" / "install"


def test_install_builds_an_environment_once_and_sees_when_pyproject_changes(
    tmp_path: Path,
) -> None:
    script = tiny_project(tmp_path / "proj")
    venv = tmp_path / "venv"
    first = install("--prod", "--venv", str(venv), script=script)
    assert first.returncode == 0, first.stderr
    assert "installing Python packages (prod" in first.stderr
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import tinypkg; print(tinypkg.VALUE)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.stdout.strip() == "42"
    stamp = (venv / ".bootstrap-stamp").read_text().split()
    assert stamp[1] == "prod" and len(stamp[0]) == 64

    again = install("--venv", str(venv), script=script)  # the kind it was built as stays
    assert again.returncode == 0 and again.stderr == ""
    check = install("--check", "--venv", str(venv), script=script)
    assert check.returncode == 0
    assert "everything is in place (prod," in check.stdout

    pyproject = tmp_path / "proj" / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1"', 'version = "0.2"'))
    stale = install("--check", "--venv", str(venv), script=script)
    assert stale.returncode == 1
    assert "missing: pip install -e" in stale.stderr


def test_install_check_passes_on_this_checkouts_environment() -> None:
    done = install("--check")
    assert done.returncode == 0, done.stderr
    assert "everything is in place" in done.stdout


def test_each_install_step_of_the_dockerfile_runs_here_as_a_dry_run(tmp_path: Path) -> None:
    steps = dockerfile_install_steps()
    assert steps == [["--prod", "--models"]]
    for args in steps:
        done = install(*args, "--venv", str(tmp_path / "image-venv"), "--dry-run")
        assert done.returncode == 0, done.stderr
        assert "would create the virtual environment" in done.stdout
        assert "would pip install -e" in done.stdout and "[dev]" not in done.stdout
        assert "would run python -m agent download-files" in done.stdout


def test_the_models_the_image_loads_at_build_time_load_offline_here() -> None:
    done = install("--check", "--models", env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr


def test_unknown_options_are_usage_errors() -> None:
    done = install("--frobnicate")
    assert done.returncode == 2 and "unknown option --frobnicate" in done.stderr


def test_the_dockerfile_runs_as_a_non_root_user_with_a_health_check() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    users = re.findall(r"^USER (\S+)$", text, re.M)
    assert users and users[-1] not in ("root", "0")
    health = re.search(r"^HEALTHCHECK .*\n?.*CMD .*", text, re.M | re.S)
    assert health and "/healthz" in health.group(0)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "data", ".env", ".git"} <= set(ignored)


def test_compose_runs_the_three_processes_on_shared_volumes_with_chroma_optional() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    commands = {name: services[name]["command"][0] for name in ("webhook", "worker", "jobs")}
    assert commands == {
        "webhook": "scripts/webhook",
        "worker": "scripts/agent",
        "jobs": "scripts/jobs",
    }
    for name in commands:
        mounts = {v.split(":")[1] for v in services[name]["volumes"]}
        assert mounts == {"/app/data", "/app/sources"}
        assert services[name]["build"] == "."
    assert services["chroma"]["profiles"] == ["chroma"]
    assert "chroma" not in {p for s in commands for p in services[s].get("profiles", [])}
    for command in commands.values():
        assert (ROOT / command).is_file() or command == "scripts/jobs"


def _docker_daemon() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "info"], capture_output=True, timeout=30)
    return probe.returncode == 0


@pytest.mark.skipif(not _docker_daemon(), reason="no Docker daemon on this machine")
def test_the_image_builds() -> None:  # pragma: no cover - needs Docker and a registry
    done = subprocess.run(
        ["docker", "build", "-q", "-t", "salon-receptionist:test", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-2000:]
