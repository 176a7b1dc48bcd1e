"""Integration tier: another salon, not the sample, is indexed and answered as itself.

Every other test runs on the sample salon (`tests/fixtures/salon/`); here a different one
(Atelier Basile in Nantes: its profile in `tests/fixtures/other_salon/salon.toml`, its
documents from `eval/transfer-salon/sources/`, other name, hours, prices and services)
goes through `scripts/reindex` and `scripts/chat` (the real OpenAI plugin against the
local stub), so nothing in the product may assume the sample salon.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.stubs.openai import OpenAIStub

ROOT = Path(__file__).resolve().parents[2]
OTHER_PROFILE = ROOT / "tests" / "fixtures" / "other_salon" / "salon.toml"
OTHER_DOCUMENTS = ROOT / "eval" / "transfer-salon" / "sources"


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(
        args, input=stdin, capture_output=True, text=True, env=env, timeout=180, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_another_salon_is_indexed_and_answered_as_itself(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(OTHER_DOCUMENTS, sources)
    shutil.copy(OTHER_PROFILE, sources / "salon.toml")
    env = dict(
        os.environ,
        SALON_PROFILE=str(sources / "salon.toml"),
        SALON_DB=str(tmp_path / "salon.db"),
        KB_DB=str(tmp_path / "kb"),
        RAG_BUDGET_MS="5000",  # a loaded machine must not drop this turn's passages
        BOOTSTRAP_QUIET="1",
    )
    table = _run([str(ROOT / "scripts" / "reindex"), "--sources", str(sources)], env)
    for name in ("salon.toml", "faq.md", "horaires.html", "tarifs.csv"):
        assert (
            next(line for line in table.splitlines() if line.startswith(name)).split()[1]
            == "indexé"
        )
    assert "en service" in table

    script = [
        "Le vendredi, l'atelier est ouvert jusqu'à 21 h.",
        {"tool": "find_slots", "arguments": {"service": "coupe homme ciseaux", "day": "vendredi"}},
        "Vendredi, j'ai plusieurs créneaux. Lequel vous convient ?",
    ]
    with OpenAIStub(script) as stub:
        env.update(OPENAI_BASE_URL=stub.base_url, OPENAI_API_KEY=stub.api_key)
        lines = "Vous fermez à quelle heure le vendredi ?\nUne coupe homme ciseaux vendredi\n"
        replies = _run([str(ROOT / "scripts" / "chat"), "--caller", "06 12 34 56 78"], env, lines)
    greeting = replies.splitlines()[0]
    assert "Basile" in greeting and "Margaux" not in greeting
    system = stub.requests[0]["messages"][0]["content"]
    assert "Atelier Basile" in system and "42 quai de la Fosse" in system
    assert "Margaux" not in system and "Charité" not in system
    frame = str(stub.requests[0]["messages"][-1]["content"])
    assert "21 h" in frame  # this salon's own website snapshot answered the question
    tool = next(m for m in stub.requests[2]["messages"] if m["role"] == "tool")
    assert "Coupe homme ciseaux (30 minutes" in tool["content"]
