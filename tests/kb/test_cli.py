"""Integration tests: the CLI contracts of scripts/reindex, scripts/ask and
scripts/eval-retrieval, run as subprocesses on a small temporary sources folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from kb import store

ROOT = Path(__file__).resolve().parents[2]

FILES = {
    "tarifs.md": (
        "# Tarifs\n\n## Mèches et balayage\n\nBalayage, cheveux longs — 2 h 30 — 115 €\n\n"
        "## Homme\n\nCoupe homme — 30 min — 28 €\n"
    ),
    "horaires.md": (
        "# Horaires\n\n## Semaine\n\nOuvert du mardi au samedi de 9 h 30 à 19 h.\n\n"
        "## Fermetures\n\nFermé le dimanche et le lundi.\n"
    ),
    "faq.md": "# FAQ\n\n## Couleur\n\nTest d'allergie obligatoire 48 heures avant une couleur.\n",
}


def run(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "CHROMA_"))}
    env["BOOTSTRAP_QUIET"] = "1"
    return subprocess.run(
        [str(ROOT / "scripts" / args[0]), *args[1:]],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli")
    sources = root / "sources"
    sources.mkdir()
    for name, text in FILES.items():
        (sources / name).write_text(text, encoding="utf-8")
    (sources / "notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    (sources / "vide.md").write_text("")
    (sources / "abime.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage without end")
    (sources / "ancien.txt").write_bytes("Coupe étudiant à 25 €".encode("cp1252"))
    db = root / "kb"
    first = run("reindex", "--sources", str(sources), "--db", str(db))
    return {"root": root, "sources": sources, "db": db, "stdout": first.stdout,  # type: ignore[dict-item]
            "stderr": first.stderr, "code": first.returncode}  # fmt: skip


def test_reindex_exits_0_with_a_summary_table_even_with_bad_files(built: dict) -> None:
    assert built["code"] == 0, built["stderr"]
    table = built["stdout"]
    header = table.splitlines()[0].split()
    assert header == ["document", "état", "passages", "pages", "remarques"]  # French: the owner
    for name in ("tarifs.md", "horaires.md", "faq.md", "notes.docx", "vide.md", "abime.pdf"):
        assert name in table
    assert "remarques :" in table  # the reasons are listed under the table, in French
    assert "abime.pdf : PDF abîmé ou illisible." in table
    assert "en service : " in table and " passages de " in table
    assert "reindex:" in built["stderr"]  # progress goes to stderr


def test_reindex_again_reports_up_to_date_quietly_and_relative_paths_work(built: dict) -> None:
    result = run("reindex", "--sources", "sources", "--db", "kb", "--quiet", cwd=built["root"])
    assert result.returncode == 0, result.stderr
    assert "index à jour" in result.stdout and "rien à recalculer" in result.stdout
    assert result.stderr == ""


def test_reindex_usage_errors_exit_2(built: dict, tmp_path: Path) -> None:
    missing = run("reindex", "--sources", str(tmp_path / "absent"), "--db", str(built["db"]))
    assert missing.returncode == 2
    assert "reindex : erreur : le dossier des documents est introuvable" in missing.stderr
    as_json = run(
        "reindex", "--json", "--sources", str(tmp_path / "absent"), "--db", str(built["db"])
    )
    assert "reindex: error: sources folder not found" in as_json.stderr  # for programs
    assert run("reindex", "--no-such-flag").returncode == 2


def test_reindex_of_nothing_usable_exits_1_and_keeps_the_current_index(
    built: dict, tmp_path: Path
) -> None:
    before = store.read_current(built["db"])
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "vide.md").write_text("")
    (bad / "photo.png").write_bytes(b"\x89PNG")
    result = run("reindex", "--sources", str(bad), "--db", str(built["db"]), "--quiet")
    assert result.returncode == 1
    assert "photo.png" in result.stdout and "aucun texte utilisable" in result.stderr
    assert store.read_current(built["db"]) == before


def test_ask_json_prints_exactly_the_contract_one_line_per_question(built: dict) -> None:
    result = run(
        "ask", "--db", str(built["db"]), "-k", "2", "--json",
        "c est combien un balayage cheveux longs", "vous êtes ouverts le lundi",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert set(first) == {"question", "answerable", "passages"}
    assert first["question"] == "c est combien un balayage cheveux longs"
    assert isinstance(first["answerable"], bool)
    assert len(first["passages"]) == 2
    for passage in first["passages"]:
        assert set(passage) == {"text", "source", "score"}
        assert isinstance(passage["text"], str) and isinstance(passage["score"], float)
    scores = [p["score"] for p in first["passages"]]
    assert scores == sorted(scores, reverse=True)
    assert "115" in first["passages"][0]["text"] and first["passages"][0]["source"] == "tarifs.md"


def test_ask_reads_one_question_per_stdin_line_and_skips_blank_lines(built: dict) -> None:
    result = run("ask", "--db", str(built["db"]), "--json", stdin="coupe homme\n\ntest allergie\n")
    assert result.returncode == 0, result.stderr
    questions = [json.loads(line)["question"] for line in result.stdout.splitlines()]
    assert questions == ["coupe homme", "test allergie"]


def test_ask_without_json_prints_a_readable_listing(built: dict) -> None:
    result = run("ask", "--db", str(built["db"]), "-k", "1", "coupe homme")
    assert result.returncode == 0
    assert result.stdout.startswith("? coupe homme")
    assert "1. [" in result.stdout and "tarifs.md" in result.stdout
    verdict = result.stdout.splitlines()[1]  # in French for the owner, decimal comma
    assert re.fullmatch(
        r"  (réponse dans les documents|probablement PAS dans les documents) "
        r"\(confiance [01],\d\d\)",
        verdict,
    ), verdict


def test_ask_and_eval_on_a_missing_index_print_one_line_and_exit_1(tmp_path: Path) -> None:
    for script in ("ask", "eval-retrieval"):
        result = run(script, "--db", str(tmp_path / "none"), "question")
        if script == "eval-retrieval":
            result = run(script, "--db", str(tmp_path / "none"))
        assert result.returncode == 1
        assert result.stderr.strip().count("\n") == 0
        if script == "ask":  # the owner's command, in French; eval-retrieval is a dev tool
            assert result.stderr.startswith("ask : erreur : aucune base de connaissances")
            assert "lancez d'abord scripts/reindex" in result.stderr
        else:
            assert "run scripts/reindex" in result.stderr


def test_eval_retrieval_prints_metrics_and_misses_as_json(built: dict, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"question": "combien coute la coupe homme", "expect": ["coupe homme", "28"]}\n'
        '{"question": "vous faites les extensions de cils", "answerable": false}\n',
        encoding="utf-8",
    )
    result = run("eval-retrieval", "--db", str(built["db"]), "--questions", str(gold), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for key in ("hit@1", "hit@3", "hit@5", "mrr", "no_answer_recall", "false_flag_rate",
                "latency_p50_ms", "latency_p95_ms", "misses"):  # fmt: skip
        assert key in report
    assert report["hit@1"] == 1.0 and report["questions"] == 2
    text = run("eval-retrieval", "--db", str(built["db"]), "--questions", str(gold))
    assert "hit@1" in text.stdout and "MRR" in text.stdout


def test_eval_retrieval_with_a_missing_questions_file_is_a_usage_error(built: dict) -> None:
    result = run("eval-retrieval", "--db", str(built["db"]), "--questions", "/nonexistent.jsonl")
    assert result.returncode == 2 and "questions file not found" in result.stderr


def test_reindex_summary_lists_the_documents_removed_since_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from functools import partial

    from kb.cli import reindex as cli
    from tests.kb.conftest import CountingEmbedder, paragraph_ingest

    # the real CLI and indexer; only the embedding model is the deterministic fake
    fake = partial(cli.reindex, embedder=CountingEmbedder(), ingest=paragraph_ingest)
    monkeypatch.setattr(cli, "reindex", fake)
    sources, db = tmp_path / "sources", tmp_path / "kb"
    sources.mkdir()
    for name, text in FILES.items():
        (sources / name).write_text(text, encoding="utf-8")
    argv = ["--sources", str(sources), "--db", str(db), "--quiet"]
    assert cli.main(argv) == 0
    assert "retiré" not in capsys.readouterr().out
    (sources / "faq.md").unlink()
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "1 document retiré depuis la version précédente" in out
    assert "  - faq.md" in out and "en service" in out
    (sources / "tarifs.md").unlink()
    (sources / "horaires.md").write_text("Ouvert le dimanche matin.", encoding="utf-8")
    (sources / "autre.md").write_text("Parking gratuit.", encoding="utf-8")
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    removed = out[out.index("retiré") :]
    assert "  - tarifs.md" in removed and "faq.md" not in removed  # since the previous one


def test_reindex_warns_when_the_greeting_does_not_name_the_salon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from functools import partial

    from kb.cli import reindex as cli
    from tests.kb.conftest import CountingEmbedder

    # the real CLI, ingestion and indexer; only the embedding model is the fake
    monkeypatch.setattr(cli, "reindex", partial(cli.reindex, embedder=CountingEmbedder()))
    sources = tmp_path / "docs"
    sources.mkdir()
    (sources / "salon.toml").write_text(
        '[salon]\nname = "Atelier Nour"\nshort_name = "Nour"\naddress = "2 place Bellecour, '
        'Lyon"\nphone = "+33478000000"\ntimezone = "Europe/Paris"\n\n[greeting]\n'
        'open = "Bonjour, Maison Margaux Coiffure, je vous écoute."\n\n[hours]\n'
        'tuesday = [["09:00", "19:00"]]\n\n[[services]]\nid = "coupe"\nname = "Coupe homme"\n'
        "duration = 30\nprice = 28\n",
        encoding="utf-8",
    )
    assert cli.main(["--sources", str(sources), "--db", str(tmp_path / "kb"), "--quiet"]) == 0
    out = capsys.readouterr().out
    notes = out[out.index("remarques :") :]
    assert "salon.toml : la formule d'accueil [greeting] open ne cite pas le nom" in notes
    assert "{name}" in notes
