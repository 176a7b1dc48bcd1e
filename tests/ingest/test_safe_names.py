"""Unit tier: names and reasons reach the owner's terminal with their control characters
escaped (issue 13: a file named with an escape sequence cleared the screen)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.__main__ import main as preview
from ingest.model import FileReport, printable
from kb.cli.reindex import removed_lines, summary_table

NASTY = "tarifs\x1b[2J\x1b[31m\u202egpj.md"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("tarifs.md", "tarifs.md"),
        ("Coupe & brushing — 28 €.pdf", "Coupe & brushing — 28 €.pdf"),
        ("a\x1b[31mb", "a\\x1b[31mb"),
        ("a\x9bb", "a\\x9bb"),  # the 8-bit CSI
        ("facture\u202eexe.pdf", "facture\\u202eexe.pdf"),
        ("ligne\nsuivante", "ligne\\x0asuivante"),
        ("nom\udcffinvalide", "nom\\udcffinvalide"),  # an undecodable byte in a file name
    ],
)
def test_printable_escapes_what_a_terminal_would_obey(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_printable_can_keep_line_breaks_of_a_multi_line_text() -> None:
    assert printable("a\x1b\nb", keep_newlines=True) == "a\\x1b\nb"


def test_the_preview_cli_prints_a_hostile_file_name_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / NASTY).write_text("# Tarifs\n\nCoupe homme : 28 €.\n", encoding="utf-8")
    assert preview(["--sources", str(tmp_path), "--show"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "tarifs\\x1b[2J\\x1b[31m\\u202egpj.md" in out


def test_the_reindex_summary_escapes_names_and_reasons_and_keeps_its_columns() -> None:
    reports = [
        FileReport(path=NASTY, chunks=2),
        FileReport(
            path="produits.xlsx",
            status="warning",
            warnings=["sheet '\x1b]0;pwned\x07' has no table (header + rows)"],
        ),
    ]
    table = summary_table(reports)
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table
    assert "la feuille « \\x1b]0;pwned\\x07 » ne contient pas de tableau" in table
    rule = table.splitlines()[1]
    assert len(rule.split("  ")[0]) == len("tarifs\\x1b[2J\\x1b[31m\\u202egpj.md")
    assert "\x1b" not in removed_lines([NASTY])
