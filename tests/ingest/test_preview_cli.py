"""Unit tier: `python -m ingest` previews a folder and exits by the contract's rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.__main__ import main


def test_json_summary_counts_chunks_by_kind_and_lists_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tarifs.csv").write_text("Prestation;Prix\nCoupe homme;28\n", encoding="utf-8")
    (tmp_path / "x.bin").write_bytes(b"\x00")
    assert main(["--sources", str(tmp_path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["chunks"] == 1 and summary["kinds"] == {"price": 1}
    assert {r["path"]: r["status"] for r in summary["reports"]} == {
        "tarifs.csv": "ok",
        "x.bin": "skipped",
    }


def test_show_prints_chunks_and_an_empty_folder_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text("# Accès\n\nMétro A.\n", encoding="utf-8")
    assert main(["--sources", str(tmp_path), "--show"]) == 0
    out = capsys.readouterr().out
    assert "--- a.md [other] Accès — " in out and "Métro A." in out
    empty = tmp_path / "vide"
    empty.mkdir()
    assert main(["--sources", str(empty)]) == 1
    with pytest.raises(SystemExit) as exc:
        main(["--sources", str(tmp_path / "absent")])
    assert exc.value.code == 2
