"""Unit and integration tiers: the doctor's `salon.toml` check loads the profile as the
agent and `scripts/reindex` do, and a file that does not load is a problem in the same
French sentence (the file, the line or the block and field, what is wrong)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.isolation import FIXTURE_PROFILE
from tests.ops.conftest import doctor, problems_of

pytestmark = pytest.mark.usefixtures("doctor_env")

ROOT = Path(__file__).resolve().parents[2]
CONSEQUENCE = (
    " ; corrigez salon.toml : tant qu'il ne se lit pas, l'assistante ne peut pas démarrer et "
    "scripts/reindex garde l'index précédent"
)


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture salon's profile, to break; SALON_PROFILE names it."""
    copy = tmp_path / "fixture" / "salon.toml"
    copy.parent.mkdir()
    shutil.copy(FIXTURE_PROFILE, copy)
    monkeypatch.setenv("SALON_PROFILE", str(copy))
    return copy


async def test_the_test_salon_and_the_fixture_salon_load(
    doctor_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = (await doctor())["salon.toml"]
    assert result.status == "ok"
    assert result.detail == f"Salon Doctor Coiffure : 3 prestations ({doctor_env})"
    monkeypatch.setenv("SALON_PROFILE", str(FIXTURE_PROFILE))
    result = (await doctor())["salon.toml"]
    assert result.status == "ok" and result.detail.startswith(
        "Maison Margaux Coiffure : 44 prestations, 4 personnes dans l'équipe"
    )


async def test_a_missing_closing_quote_is_a_problem_naming_the_line(broken: Path) -> None:
    lines = broken.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith('name = "Balayage'))
    lines[n] = lines[n].rstrip('"')
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert problems_of((await doctor())["salon.toml"]) == (
        f"{broken} : ligne {n + 1}, colonne {len(lines[n]) + 1} : guillemet non fermé : un "
        'texte ouvert par " (ou \') se referme sur la même ligne, comme name = "Balayage" '
        "(détail du lecteur TOML : Illegal character '\\n')" + CONSEQUENCE
    )


async def test_a_price_written_as_text_is_a_problem_naming_the_service(broken: Path) -> None:
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("price = 64", 'price = "64 euros"', 1), encoding="utf-8")
    assert problems_of((await doctor())["salon.toml"]) == (
        f"{broken} : prestation « Coupe et brushing femme, cheveux longs » (3e bloc "
        "[[services]]), price : un prix en euros est attendu, écrit comme un nombre sans "
        'guillemets (price = 24), pas "64 euros"' + CONSEQUENCE
    )


async def test_a_missing_profile_is_a_problem_saying_where_it_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALON_PROFILE", str(tmp_path / "absent.toml"))
    assert problems_of((await doctor())["salon.toml"]) == (
        f"{tmp_path / 'absent.toml'} : profil du salon introuvable ; créez ce fichier ou "
        "indiquez son chemin dans SALON_PROFILE" + CONSEQUENCE
    )


def test_scripts_doctor_exits_1_on_a_broken_profile_and_prints_the_line(
    broken: Path, tmp_path: Path
) -> None:
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("[hours]", "[hours", 1), encoding="utf-8"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONPATH": str(ROOT),
        "SALON_ISOLATED": "1",
        "SALON_PROFILE": str(broken),
    }
    done = subprocess.run(
        [sys.executable, "-m", "ops.doctor"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"problème   salon.toml         {broken} : ligne 30, colonne 7 : ")
    assert "crochet fermant ] manquant" in first
