"""Integration tier: a document the serving index had read that cannot be read any more
(the owner copies a truncated PDF over the good one) loses nothing. The new version keeps
serving its previous passages, as they were (no embedding), its values are still compared
with salon.toml, and the report says so in French (« non lu, ancienne version gardée »,
what to do) and in `--json` (`kept_previous`). A readable copy replaces them as usual; a
deleted document is « retiré »; a new unreadable document is only reported.

The end-to-end test runs the owner's commands, `scripts/reindex` and `scripts/ask`, as
processes with the bundled model on a temporary copy of the fixture salon's profile and
price-list PDF; the others run the CLI's `main` with the counting embedder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from ingest.model import IngestResult
from ingest.pipeline import BUDGET_GONE
from kb import store
from kb.cli import reindex as cli
from kb.documents import indexed_state
from kb.indexer import reindex
from kb.report_fr import document_lines, reason_fr
from kb.retriever import Retriever
from tests.fixtures.isolation import FIXTURE_SALON
from tests.kb.conftest import CountingEmbedder, paragraph_ingest

ROOT = Path(__file__).resolve().parents[2]
PDF = "tarifs-maison-margaux-2026.pdf"
# only the PDF states this price (not salon.toml, the CSV, the website or the FAQ)
ONLY_IN_THE_PDF = "Shampoing soin déjaunissant pour cheveux blonds — +8 €"
KEPT_LINE = (
    f"  {PDF} : L'ancienne version de ce document (16 passages) reste servie : remplacez le "
    "fichier par une copie lisible puis relancez scripts/reindex."
)


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "CHROMA_"))}
    env["BOOTSTRAP_QUIET"] = "1"
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _truncate(path: Path) -> None:
    """What the tester did: `head -c 3000 good.pdf > sources/tarifs.pdf`."""
    path.write_bytes(path.read_bytes()[:3000])


def _document(report: dict[str, Any], path: str) -> dict[str, Any]:
    [found] = [d for d in report["documents"] if d["path"] == path]
    return found


def test_a_truncated_pdf_keeps_its_passages_served_until_a_good_copy_or_its_deletion(
    tmp_path: Path,
) -> None:
    sources, db = tmp_path / "sources", tmp_path / "kb"
    sources.mkdir()
    good = (FIXTURE_SALON / PDF).read_bytes()
    (sources / PDF).write_bytes(good)
    # salon.toml raised the men's cut to 31 €: the PDF's 28 € is a contradiction
    profile = (FIXTURE_SALON / "salon.toml").read_text(encoding="utf-8")
    (sources / "salon.toml").write_text(
        profile.replace('name = "Coupe homme"\ncategory = "Homme"\nduration = 30\nprice = 28',
                        'name = "Coupe homme"\ncategory = "Homme"\nduration = 30\nprice = 31'),
        encoding="utf-8",
    )  # fmt: skip
    args = ("--sources", str(sources), "--db", str(db))
    first = _run("reindex", "--json", "--quiet", *args)
    assert first.returncode == 0, first.stderr
    built = json.loads(first.stdout)
    assert _document(built, PDF)["chunks"] == 16
    assert [(c["fact"], c["source"]) for c in built["contradictions"]] == [
        ("prix de Coupe homme", PDF)
    ]

    _truncate(sources / PDF)
    done = _run("reindex", "--quiet", *args)
    assert done.returncode == 0, done.stderr  # an index is serving: as for any unread file
    [row] = [line for line in done.stdout.splitlines() if line.startswith(PDF)]
    assert row.split()[1:] == ["non", "lu,", "ancienne", "version", "gardée", "16", "-", "2"]
    assert f"  {PDF} : PDF abîmé ou illisible." in done.stdout.splitlines()
    assert KEPT_LINE in done.stdout.splitlines()
    assert "retiré" not in done.stdout
    assert "prix de Coupe homme" in done.stdout  # its values are still compared
    assert "(0 calculé, 31 repris" in done.stdout  # nothing embedded again

    asked = _run("ask", "--db", str(db), "--json", "-k", "3", "shampoing déjaunissant")
    assert asked.returncode == 0, asked.stderr
    passages = json.loads(asked.stdout)["passages"]
    assert passages[0]["source"] == PDF and ONLY_IN_THE_PDF in passages[0]["text"]
    outdated = json.loads(
        _run("ask", "--db", str(db), "--json", "-k", "3", "prix coupe homme").stdout
    )["passages"]
    assert any(p["source"] == PDF and "outdated" in p for p in outdated)

    again = _run("reindex", "--json", "--quiet", *args)  # nothing changed: up to date
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["rebuilt"] is False
    kept = _document(report, PDF)
    assert (kept["status"], kept["chunks"], kept["kept_previous"]) == ("error", 16, 16)
    assert kept["error"].startswith("corrupt or unreadable PDF")
    assert kept["warnings"] == [
        "previous version kept: its 16 passages from the last index are still served; "
        "replace the file with a readable copy and run scripts/reindex again"
    ]
    # the console's Documents page reads the manifest's reports as they are
    state = indexed_state(db)
    assert state is not None and state.reports[PDF].kept_previous == 16
    [line] = [d for d in document_lines(report["documents"]) if d.path == PDF]
    assert line.status_fr == "non lu, ancienne version gardée"
    assert line.reasons == ["PDF abîmé ou illisible.", KEPT_LINE.split(" : ", 1)[1]]

    (sources / PDF).write_bytes(good)  # a readable copy: read and indexed as usual
    restored = json.loads(_run("reindex", "--json", "--quiet", *args).stdout)
    document = _document(restored, PDF)
    assert (document["status"], document["chunks"], document["kept_previous"]) == ("ok", 16, 0)
    assert document["pages"] == 5 and restored["embedded"] == 0

    (sources / PDF).unlink()  # deleted: its passages go, as always
    removed = _run("reindex", "--quiet", *args)
    assert removed.returncode == 0, removed.stderr
    assert "1 document retiré depuis la version précédente" in removed.stdout
    assert f"  - {PDF}" in removed.stdout
    left = json.loads(_run("ask", "--db", str(db), "--json", "shampoing déjaunissant").stdout)
    assert all(p["source"] != PDF for p in left["passages"])


@pytest.fixture
def salon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A copy of the fixture salon with a first version serving (counting embedder)."""
    embedder = CountingEmbedder()
    monkeypatch.setattr(cli, "reindex", partial(cli.reindex, embedder=embedder))
    sources, db = tmp_path / "sources", tmp_path / "kb"
    shutil.copytree(FIXTURE_SALON, sources)
    assert cli.main(["--sources", str(sources), "--db", str(db), "--quiet"]) == 0
    return {"sources": sources, "db": db}


def _json_run(salon: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    code = cli.main(["--sources", str(salon["sources"]), "--db", str(salon["db"]), "--json"])
    assert code == 0
    return dict(json.loads(capsys.readouterr().out))


def test_an_emptied_csv_keeps_its_rows_and_a_new_unreadable_file_is_only_reported(
    salon: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    before = store.current_manifest(salon["db"])
    csv_rows = sum(1 for r in before.reports if r["path"] == "tarifs-prestations.csv")
    assert csv_rows == 1
    (salon["sources"] / "tarifs-prestations.csv").write_bytes(b"")  # a copy that failed
    _truncate(salon["sources"] / PDF)
    (salon["sources"] / "nouveau.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    report = _json_run(salon, capsys)
    csv = _document(report, "tarifs-prestations.csv")
    assert (csv["status"], csv["error"], csv["kept_previous"]) == ("skipped", "empty file", 9)
    assert _document(report, PDF)["kept_previous"] == 16
    new = _document(report, "nouveau.pdf")
    assert (new["status"], new["chunks"], new["kept_previous"], new["warnings"]) == (
        "error",
        0,
        0,
        [],
    )
    assert report["removed_documents"] == [] and report["chunks"] == len(before.chunk_ids)
    embedder = CountingEmbedder()
    retriever = Retriever.open(salon["db"], embedder=embedder)
    found = retriever.search("shampoing soin déjaunissant cheveux blonds", k=3)
    assert found.passages[0].source == PDF
    assert ONLY_IN_THE_PDF in found.passages[0].text

    # another file changes, the PDF is still broken: its passages are kept again
    with open(salon["sources"] / "faq-et-conditions.md", "a", encoding="utf-8") as faq:
        faq.write("\nLe salon prête des parapluies les jours de pluie.\n")
    later = _json_run(salon, capsys)
    assert later["rebuilt"] is True and later["embedded"] == 1
    assert _document(later, PDF)["kept_previous"] == 16
    assert _document(later, "tarifs-prestations.csv")["kept_previous"] == 9


def test_a_file_the_time_budget_left_unread_keeps_its_passages_until_it_is_read(
    salon_sources: Path, tmp_path: Path
) -> None:
    """Not the file's fault: the remark says the next reindex reads it (its hash is marked
    unfinished, so it does), not to replace it."""
    db = tmp_path / "kb"
    embedder = CountingEmbedder()
    reindex(sources=salon_sources, db_dir=db, embedder=embedder, ingest=paragraph_ingest)
    with open(salon_sources / "tarifs.md", "a", encoding="utf-8") as tarifs:
        tarifs.write("\n\nBrushing — 30 min — 29 €")  # changed, then not read in time

    def out_of_time(sources: Path) -> IngestResult:
        result = paragraph_ingest(sources)
        result.chunks = [c for c in result.chunks if c.source != "tarifs.md"]
        for report in result.reports:
            if report.path == "tarifs.md":
                report.status, report.chunks, report.error = "error", 0, BUDGET_GONE
        return result

    done = reindex(sources=salon_sources, db_dir=db, embedder=embedder, ingest=out_of_time)
    [report] = [r for r in done.reports if r.path == "tarifs.md"]
    assert (report.kept_previous, report.chunks) == (3, 3)
    assert [reason_fr(w) for w in report.warnings] == [
        "L'ancienne version de ce document (3 passages) reste servie en attendant que la "
        "prochaine réindexation lise le fichier."
    ]
    assert done.manifest.files["tarifs.md"].startswith("unfinished-")
    assert done.embedded == 0 and done.chunks == 6
    again = reindex(sources=salon_sources, db_dir=db, embedder=embedder, ingest=paragraph_ingest)
    assert again.rebuilt and [r.kept_previous for r in again.reports] == [0, 0, 0]
    assert [r.chunks for r in again.reports if r.path == "tarifs.md"] == [4]
