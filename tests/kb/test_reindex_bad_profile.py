"""Integration tier: a salon.toml that does not load stops `scripts/reindex` before
anything is read. The previous version keeps serving (the salon's own hours, prices and
phone come from salon.toml: an index without them answered callers from stale
documents); the owner reads one French line naming the file, the line or the block, what
is wrong, and what to do; `--json` carries the error; the exit code is 1.

The salon is a temporary copy of the fixture salon; its first version is built by the
real CLI, ingestion and indexer with only the embedding model faked."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from kb import store
from kb.cli import reindex as cli
from kb.report_fr import error_fr
from tests.fixtures.isolation import FIXTURE_SALON
from tests.kb.conftest import CountingEmbedder

ROOT = Path(__file__).resolve().parents[2]
KEPT = "l'index précédent reste en service ; corrigez salon.toml puis relancez scripts/reindex"


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    """The owner's command, `scripts/reindex`, as a process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "CHROMA_"))}
    env["BOOTSTRAP_QUIET"] = "1"
    return subprocess.run(
        [str(ROOT / "scripts" / "reindex"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def salon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A copy of the fixture salon with a first version serving."""
    monkeypatch.setattr(cli, "reindex", partial(cli.reindex, embedder=CountingEmbedder()))
    sources, db = tmp_path / "sources", tmp_path / "kb"
    shutil.copytree(FIXTURE_SALON, sources)
    assert cli.main(["--sources", str(sources), "--db", str(db), "--quiet"]) == 0
    return {"sources": sources, "db": db, "profile": sources / "salon.toml"}


def _break_line(profile: Path, starts: str, nth: int, new: str | Callable[[str], str]) -> int:
    """Replace the `nth` line starting with `starts`; its line number, from 1."""
    lines = profile.read_text(encoding="utf-8").splitlines()
    index = [i for i, line in enumerate(lines) if line.startswith(starts)][nth]
    lines[index] = new(lines[index]) if callable(new) else new
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index + 1


def test_a_syntax_error_keeps_the_previous_version_serving_and_names_the_line(
    salon: dict[str, Path],
) -> None:
    before = store.read_current(salon["db"])
    good = _sha(salon["profile"])
    # the owner's slip: the closing quote of a service's name is gone
    line = _break_line(salon["profile"], 'name = "Balayage', 0, lambda text: text.rstrip('"'))
    column = len(salon["profile"].read_text(encoding="utf-8").splitlines()[line - 1]) + 1

    done = _script("--sources", str(salon["sources"]), "--db", str(salon["db"]))
    assert done.returncode == 1
    assert done.stdout == ""  # no table: nothing was read
    assert done.stderr.splitlines() == [
        f"reindex : erreur : {salon['profile']} : ligne {line}, colonne {column} : guillemet "
        "non fermé : un texte ouvert par \" (ou ') se referme sur la même ligne, comme "
        "name = \"Balayage\" (détail du lecteur TOML : Illegal character '\\n') ; " + KEPT
    ]
    assert store.read_current(salon["db"]) == before
    assert store.current_manifest(salon["db"]).files["salon.toml"] == good

    as_json = _script("--json", "--sources", str(salon["sources"]), "--db", str(salon["db"]))
    assert as_json.returncode == 1
    payload = json.loads(as_json.stdout)
    assert payload["version"] is None and payload["serving"] == before
    assert payload["documents"] == [] and payload["contradictions"] == []
    assert payload["error"].startswith(
        f"salon.toml cannot be read: {salon['profile']} : ligne {line}, colonne {column} : "
        "guillemet non fermé"
    )
    assert payload["error"].endswith(
        "; the previous index keeps serving; fix salon.toml and run scripts/reindex again"
    )
    assert as_json.stderr == f"reindex: error: {payload['error']}\n"  # for the console
    # the console translates that line: the owner reads the same French as in the terminal
    assert f"reindex : erreur : {error_fr(payload['error'])}" == done.stderr.rstrip("\n")
    assert store.read_current(salon["db"]) == before


def test_a_price_written_as_text_names_the_service_and_changes_nothing(
    salon: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    before = store.read_current(salon["db"])
    _break_line(salon["profile"], "price = ", 2, 'price = "24 euros"')
    argv = ["--sources", str(salon["sources"]), "--db", str(salon["db"]), "--quiet"]
    assert cli.main(argv) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"reindex : erreur : {salon['profile']} : prestation « Coupe et brushing femme, "
        "cheveux longs » (3e bloc [[services]]), price : un prix en euros est attendu, écrit "
        'comme un nombre sans guillemets (price = 24), pas "24 euros" ; ' + KEPT + "\n"
    )
    assert store.read_current(salon["db"]) == before

    assert cli.main([*argv, "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["serving"] == before and "(3e bloc [[services]]), price" in payload["error"]


def test_with_no_index_yet_nothing_is_built_and_the_owner_is_told_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "reindex", partial(cli.reindex, embedder=CountingEmbedder()))
    sources, db = tmp_path / "sources", tmp_path / "kb"
    shutil.copytree(FIXTURE_SALON, sources)
    (sources / "salon.toml").write_text("[salon]\nname = Maison\n", encoding="utf-8")
    assert cli.main(["--sources", str(sources), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"reindex : erreur : {sources / 'salon.toml'} : ligne 2, colonne 8 : valeur non reconnue"
    )
    assert err.endswith(
        " ; rien n'a été indexé (il n'y a pas encore d'index) ; corrigez salon.toml puis "
        "relancez scripts/reindex\n"
    )
    assert store.read_current(db) is None


def test_once_fixed_the_next_reindex_serves_the_new_file(salon: dict[str, Path]) -> None:
    before = store.read_current(salon["db"])
    good = salon["profile"].read_text(encoding="utf-8")
    _break_line(salon["profile"], "price = ", 2, "price = 24 euros")
    argv = ["--sources", str(salon["sources"]), "--db", str(salon["db"]), "--quiet"]
    assert cli.main(argv) == 1
    salon["profile"].write_text(good.replace("price = 64", "price = 66", 1), encoding="utf-8")
    assert cli.main(argv) == 0
    assert store.read_current(salon["db"]) != before
    assert store.current_manifest(salon["db"]).files["salon.toml"] == _sha(salon["profile"])
