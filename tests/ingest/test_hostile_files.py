"""Integration tier: hostile documents cost a bounded time and memory, each is reported
and the rest is indexed (issue 13). Every file is read in a real child process, so the
budgets are the ones production applies; the hostile files come from generators in
`tests/fixtures/bad_inputs.py`, sized so that each test takes a few seconds at most."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from ingest import table_loader
from ingest.archive import check_zip
from ingest.document import LoadError, clean_text
from ingest.model import IngestResult
from ingest.pipeline import BUDGET_CUT, BUDGET_GONE, IngestOptions, ingest_directory
from tests.fixtures import bad_inputs

MB = 1024 * 1024


def _folder(tmp_path: Path) -> Path:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "acces.md").write_text("# Accès\n\nMétro A, station Ampère.\n", encoding="utf-8")
    return sources


def _reasons(result: IngestResult) -> dict[str, tuple[str, str]]:
    return {r.path: (r.status, r.error or "; ".join(r.warnings)) for r in result.reports}


def _timed(sources: Path, options: IngestOptions | None = None) -> tuple[IngestResult, float]:
    started = time.monotonic()
    result = ingest_directory(sources, options=options or IngestOptions())
    return result, time.monotonic() - started


def test_a_workbook_whose_shared_strings_inflate_past_the_limit_is_refused_unread(
    tmp_path: Path,
) -> None:
    sources = _folder(tmp_path)
    bomb = bad_inputs.xlsx_shared_strings_bomb(sources / "tarifs.xlsx", inflated_bytes=80 * MB)
    assert bomb.stat().st_size < MB  # a small file…
    result, seconds = _timed(sources)
    status, reason = _reasons(result)["tarifs.xlsx"]
    assert status == "error"
    assert re.search(r"xl/sharedStrings\.xml would inflate to 8\d MB \(limit 64 MB\)", reason)
    assert "zip bomb" in reason
    assert _reasons(result)["acces.md"][0] == "ok"  # …and the rest is indexed
    assert seconds < 5


@pytest.mark.parametrize(
    ("inflated", "expected"),
    [
        (80 * MB, "docProps/core.xml would inflate to 8"),
        (8 * MB, "docProps/core.xml inflates"),  # under the size cap, but 1000:1
    ],
)
def test_every_part_of_a_word_document_is_checked_before_it_is_inflated(
    tmp_path: Path, inflated: int, expected: str
) -> None:
    path = bad_inputs.docx_core_bomb(tmp_path / "carte.docx", inflated_bytes=inflated)
    with pytest.raises(LoadError, match="zip bomb") as refused:
        check_zip(path, kind="Word document")
    assert expected in refused.value.reason


def test_an_honest_workbook_passes_the_archive_check(tmp_path: Path) -> None:
    path = bad_inputs.xlsx_many_rows(tmp_path / "produits.xlsx", rows=5_000)
    check_zip(path, kind="spreadsheet", streamed=("xl/worksheets/",))


def test_a_pdf_that_inflates_past_its_memory_budget_is_reported_as_such(tmp_path: Path) -> None:
    sources = _folder(tmp_path)
    bad_inputs.pdf_with_compressed_noops(sources / "tarifs.pdf", inflated_bytes=200 * MB)
    result, seconds = _timed(sources, IngestOptions(file_memory_mb=384))
    status, reason = _reasons(result)["tarifs.pdf"]
    assert status == "error"
    assert reason == (
        "not read: it needs more than 384 MB of memory to read (memory budget per file)"
    )
    assert _reasons(result)["acces.md"][0] == "ok"
    assert seconds < 10


def test_a_pdf_that_keeps_the_parser_busy_is_stopped_by_its_time_budget(tmp_path: Path) -> None:
    sources = _folder(tmp_path)
    bad_inputs.pdf_with_compressed_noops(sources / "tarifs.pdf", inflated_bytes=24 * MB)
    result, seconds = _timed(sources, IngestOptions(file_seconds=1.5))
    status, reason = _reasons(result)["tarifs.pdf"]
    assert (status, reason) == (
        "error",
        "not read: it took longer than 1.5 s to read (time budget per file)",
    )
    assert _reasons(result)["acces.md"][0] == "ok"
    assert seconds < 6


@pytest.mark.parametrize("tag", ["span", "div", "blockquote"])
def test_html_nested_twenty_thousand_levels_deep_is_read_in_linear_time(
    tmp_path: Path, tag: str
) -> None:
    sources = _folder(tmp_path)
    bad_inputs.deeply_nested_html(sources / "tarifs.html", depth=20_000, tag=tag)
    result, seconds = _timed(sources, IngestOptions(file_seconds=20))
    status, reason = _reasons(result)["tarifs.html"]
    assert status == "warning" and "nested more than 100 levels deep" in reason
    text = "\n".join(c.text for c in result.chunks)
    assert "Coupe homme : 28 euros." in text and "Brushing : 25 euros." in text
    assert seconds < 8  # was quadratic: about 160 s at this depth, hours at 100 000


def test_a_long_sheet_is_read_up_to_the_row_cap_and_never_further(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # broken XML after the 5 000 rows: reading the sheet to its end would fail
    path = bad_inputs.xlsx_many_rows(tmp_path / "produits.xlsx", rows=5_000, garbage_after=True)
    monkeypatch.setattr(table_loader, "MAX_ROWS", 100)
    doc = table_loader.load_xlsx(path)
    rows = [b.text for b in doc.blocks if b.type == "row"]
    assert len(rows) == 100
    assert rows[0] == "Produit : Produit 2 — Prix : 12 €"
    assert doc.warnings == ["more than 100 rows: the rest was not read"]


def test_a_symbolic_link_out_of_the_sources_folder_is_refused_and_never_read(
    tmp_path: Path,
) -> None:
    sources = _folder(tmp_path)
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (outside / "notes.md").write_text("# Secret\n\nroot bin bash\n", encoding="utf-8")
    os.symlink(outside / "passwd", sources / "passwd.txt")
    os.symlink("../ailleurs", sources / "dossier")
    os.symlink("acces.md", sources / "alias.md")  # inside the folder: fine
    result = ingest_directory(sources)
    reasons = _reasons(result)
    assert reasons["passwd.txt"] == (
        "error",
        "symbolic link to a file outside the sources folder: refused (copy the file itself "
        "into the sources folder to index it)",
    )
    assert (
        reasons["dossier/"][0] == "error"
        and "folder outside the sources folder" in (reasons["dossier/"][1])
    )
    assert not any("root" in c.text for c in result.chunks)
    assert any("Métro A" in c.text for c in result.chunks)


def test_reading_stops_at_the_reindex_deadline_and_says_so_for_each_file_left(
    tmp_path: Path,
) -> None:
    sources = _folder(tmp_path)
    bad_inputs.pdf_with_compressed_noops(sources / "a-lent.pdf", inflated_bytes=24 * MB)
    started = time.monotonic()
    result = ingest_directory(
        sources, options=IngestOptions(file_seconds=60), deadline=started + 1.5
    )
    assert time.monotonic() - started < 6
    reasons = _reasons(result)
    assert reasons["a-lent.pdf"] == ("error", BUDGET_CUT)
    assert reasons["acces.md"] == ("error", BUDGET_GONE)
    assert result.chunks == []


def test_control_characters_never_reach_a_passage() -> None:
    assert clean_text("Coupe\x1b[2J homme\u202e 28 €\r\nsuite\x07") == "Coupe[2J homme 28 € suite"
