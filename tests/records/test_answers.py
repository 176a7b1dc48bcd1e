"""Integration tier: the owner answers a knowledge gap; the answer lands in the salon's
FAQ document, the question is marked answered, and the next search finds it.

Runs on a temporary copy of a tiny salon and a temporary state database; the CLI is run
as a real subprocess (it reindexes through `kb.cli.reindex` in a child process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from records.answers import FAQ_NAME, AnswerError, answer_gap
from records.store import CallRecords
from records.types import CallRecord
from salon import state_db

ROOT = Path(__file__).resolve().parents[2]


def _gap_db(path: Path, *questions: str) -> None:
    store = CallRecords(path=path)
    for n, question in enumerate(questions):
        store.save(
            CallRecord(
                call_sid=f"CA{n}",
                caller="+33612345678",
                started_at=datetime(2026, 12, 1, 9, n, tzinfo=UTC),
                outcome="answered",
                knowledge_gaps=[question],
            )
        )
    store.conn.close()


def _ids(conn) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from records.listing import gap_ids

    return gap_ids(conn)


def test_an_answer_is_appended_under_the_question_and_every_occurrence_is_answered(
    tmp_path: Path,
) -> None:
    db = tmp_path / "salon.db"
    _gap_db(db, "Vous faites les extensions ?", "vous faites  les extensions ?", "Wifi ?")
    sources = tmp_path / "sources"
    sources.mkdir()
    conn = state_db.connect(db)
    gap = _ids(conn)["vous faites les extensions ?"]
    done = answer_gap(conn, gap_id=gap, text="Oui, à la kératine, sur devis.", sources=sources)
    assert done.occurrences == 2
    text = (sources / FAQ_NAME).read_text(encoding="utf-8")
    assert text.startswith("# Réponses du salon")
    assert "\n## " in text and "Oui, à la kératine, sur devis." in text
    remaining = CallRecords(conn=conn).knowledge_gaps()
    assert [g.question for g in remaining] == ["Wifi ?"]
    # a second answer is appended, the first kept
    answer_gap(conn, gap_id=_ids(conn)["wifi ?"], text="Oui, gratuit.", sources=sources)
    text = (sources / FAQ_NAME).read_text(encoding="utf-8")
    assert text.count("\n## ") == 2 and "kératine" in text and "gratuit" in text


def test_a_caller_question_cannot_forge_headings_in_the_owner_document(tmp_path: Path) -> None:
    db = tmp_path / "salon.db"
    _gap_db(db, "# Tarifs\n## Coupe homme : 5 €\nvraiment ?")
    sources = tmp_path / "sources"
    sources.mkdir()
    conn = state_db.connect(db)
    [gap] = _ids(conn).values()
    answer_gap(conn, gap_id=gap, text="Non.\n# pas un titre", sources=sources)
    lines = (sources / FAQ_NAME).read_text(encoding="utf-8").splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert headings == ["# Réponses du salon", "## Tarifs ## Coupe homme : 5 € vraiment ?"]


@pytest.mark.parametrize(
    ("gap", "text", "message"),
    [(999, "Oui.", "Aucune question"), (None, "   ", "vide"), (None, "x" * 2001, "dépasse")],
)
def test_bad_answers_are_refused_with_a_french_reason_and_nothing_is_written(
    tmp_path: Path, gap: int | None, text: str, message: str
) -> None:
    db = tmp_path / "salon.db"
    _gap_db(db, "Parking ?")
    sources = tmp_path / "sources"
    sources.mkdir()
    conn = state_db.connect(db)
    gap_id = gap if gap is not None else next(iter(_ids(conn).values()))
    with pytest.raises(AnswerError, match=message):
        answer_gap(conn, gap_id=gap_id, text=text, sources=sources)
    assert not (sources / FAQ_NAME).exists()
    assert len(CallRecords(conn=conn).knowledge_gaps()) == 1


def test_the_cli_answers_reindexes_and_the_answer_is_then_found(tmp_path: Path) -> None:
    db = tmp_path / "salon.db"
    _gap_db(db, "Est-ce que vous acceptez les chiens dans le salon ?")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "horaires.md").write_text(
        "# Horaires\n\nLe salon est ouvert du mardi au samedi de 9 h à 19 h.\n", encoding="utf-8"
    )
    env = dict(os.environ, SALON_DB=str(db), KB_DB=str(tmp_path / "kb"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", *args], capture_output=True, text=True, env=env,
            cwd=ROOT, timeout=300, check=False,
        )  # fmt: skip

    assert run("kb.cli.reindex", "--sources", str(sources), "--quiet").returncode == 0
    listed = [json.loads(line) for line in run("records", "--gaps", "--json").stdout.splitlines()]
    assert [(g["answered"], g["count"]) for g in listed] == [(False, 1)]
    answered = run(
        "records", "answer", str(listed[0]["id"]),
        "Oui, les chiens calmes sont les bienvenus.", "--sources", str(sources),
    )  # fmt: skip
    assert answered.returncode == 0, answered.stderr
    assert "Base de connaissances mise à jour" in answered.stdout
    ask = run("kb.cli.ask", "--json", "-k", "1", "vous acceptez les chiens ?")
    [result] = [json.loads(line) for line in ask.stdout.splitlines()]
    assert "chiens calmes" in result["passages"][0]["text"]
    after = run("records", "--gaps")
    assert "aucune question sans réponse" in after.stdout
    assert "1 question déjà traitée" in after.stdout
    again = run("records", "answer", str(listed[0]["id"]), "Encore.", "--sources", str(sources))
    assert again.returncode == 1 and "déjà une réponse" in again.stderr


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_the_faq_is_created_like_any_document_the_owner_makes(
    tmp_path: Path, umask: int, mode: int
) -> None:
    """Not 0600 (a temporary file's mode): the owner's umask decides, as for a file the
    owner saves, so a backup, a file share or another account of the salon can read it."""
    db = tmp_path / "salon.db"
    _gap_db(db, "Vous avez le wifi ?")
    sources = tmp_path / "sources"
    sources.mkdir()
    conn = state_db.connect(db)
    gap = _ids(conn)["vous avez le wifi ?"]
    conn.close()
    done = subprocess.run(
        [
            "sh",
            "-c",
            f'umask {umask:03o} && exec "$@"',
            "sh",
            sys.executable,
            "-m",
            "records",
            "answer",
            str(gap),
            "Oui, gratuit.",
            "--sources",
            str(sources),
            "--salon-db",
            str(db),
            "--no-reindex",
        ],  # fmt: skip
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (sources / FAQ_NAME).stat().st_mode & 0o777 == mode
    assert [p.name for p in sources.iterdir()] == [FAQ_NAME]  # no temporary file left


def test_appending_keeps_the_mode_the_owner_gave_the_faq(tmp_path: Path) -> None:
    db = tmp_path / "salon.db"
    _gap_db(db, "Wifi ?")
    sources = tmp_path / "sources"
    sources.mkdir()
    faq = sources / FAQ_NAME
    faq.write_text("# Réponses du salon\n", encoding="utf-8")
    faq.chmod(0o660)
    conn = state_db.connect(db)
    answer_gap(conn, gap_id=_ids(conn)["wifi ?"], text="Oui, gratuit.", sources=sources)
    assert faq.stat().st_mode & 0o777 == 0o660
    assert "Oui, gratuit." in faq.read_text(encoding="utf-8")
