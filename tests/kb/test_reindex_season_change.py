"""Integration tier (real ingestion, real Chroma on disk): a plain reindex after a change of
season compares the documents with salon.toml again, without embedding anything.

Hours a document gives for a season are compared with salon.toml's week only while their
months include the day of the reindex (`kb.season_checks`). The files do not change when
the season does, so the reindex must notice by itself that the comparison would now differ,
compute the contradictions and the outdated marks again from the stored passages and
vectors, and serve them as a new version (the running receptionist reloads it by the
CURRENT pointer); within one season a reindex stays a no-op.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kb import store
from kb.indexer import ReindexResult, reindex
from kb.report_fr import progress_fr
from kb.retriever import Retriever
from kb.stored_facts import FACTS_FILE
from tests.kb.conftest import CountingEmbedder
from tests.kb.test_contradictions_seasons import _PROFILE, SITE, SUMMER_DAY, WINTER_DAY, _html

ROOT = Path(__file__).resolve().parents[2]
LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")

# The winter column is salon.toml's week but for Saturday (« 8h – 17h », planted); the
# summer column repeats it but for Saturday (« 8h – 13h », planted too).
_WEEK = (
    ("Lundi", "Fermé", "Fermé"),
    ("Mardi", "9h – 18h30", "9h – 18h30"),
    ("Mercredi", "9h – 18h30", "9h – 18h30"),
    ("Jeudi", "9h – 18h30", "9h – 18h30"),
    ("Vendredi", "9h – 18h30", "9h – 18h30"),
    ("Samedi", "8h – 17h", "8h – 13h"),
    ("Dimanche", "Fermé", "Fermé"),
)
_MARKDOWN = "# Le salon\n\nUne coupe homme coûte 24 €, shampooing compris.\n"


def _salon(folder: Path, week: tuple[tuple[str, str, str], ...] = _WEEK) -> Path:
    (folder / "site" / "2027-01-10").mkdir(parents=True)
    (folder / "salon.toml").write_text(_PROFILE, encoding="utf-8")
    (folder / SITE).write_text(_html(week), encoding="utf-8")
    (folder / "infos.md").write_text(_MARKDOWN, encoding="utf-8")
    return folder


def _run(
    salon: Path, db: Path, embedder: CountingEmbedder, today: date, said: list[str] | None = None
) -> ReindexResult:
    return reindex(
        sources=salon,
        db_dir=db,
        embedder=embedder,
        today=today,
        progress=(said if said is not None else []).append,
    )


def _marks(db: Path, embedder: CountingEmbedder) -> dict[str, str]:
    passages = Retriever.open(db, embedder=embedder).search("horaires samedi", k=100).passages
    return {p.text: p.outdated for p in passages if p.outdated}


def test_after_winter_a_plain_reindex_in_summer_checks_the_summer_column_without_embedding(
    tmp_path: Path,
) -> None:
    salon, db = _salon(tmp_path / "sources"), tmp_path / "kb"
    embedder = CountingEmbedder()
    winter = _run(salon, db, embedder, WINTER_DAY)
    assert [(c.fact, c.document_value) for c in winter.contradictions] == [
        ("horaires du samedi, hiver (octobre-avril)", "8h–17h")
    ]
    assert [m for m in _marks(db, embedder).values()] == [
        "horaires du samedi, hiver (octobre-avril) : ce passage dit 8h–17h, périmé ; "
        "la fiche du salon, qui fait foi, dit 8h–16h"
    ]
    running = Retriever.open(db, embedder=embedder)  # the receptionist, already serving
    embedded_before = len(embedder.embedded)

    said: list[str] = []
    summer = _run(salon, db, embedder, SUMMER_DAY, said)

    assert [progress_fr(line) for line in said][1:3] == [
        "la saison a changé depuis le 15 janvier 2027 : les documents sont comparés de "
        "nouveau avec salon.toml (rien à recalculer)",
        "1 valeur des documents contredit salon.toml",
    ]
    assert [(c.fact, c.document_value, c.source) for c in summer.contradictions] == [
        ("horaires du samedi, été (mai-septembre)", "8h–13h", SITE)
    ]
    assert summer.rebuilt and summer.manifest.version != winter.manifest.version
    assert store.read_current(db) == summer.manifest.version
    assert len(embedder.embedded) == embedded_before  # no passage embedded again
    assert (summer.embedded, summer.reused) == (0, winter.chunks)
    assert summer.manifest.contradictions == [c.to_dict() for c in summer.contradictions]
    marks = _marks(db, embedder)
    assert list(marks.values()) == [
        "horaires du samedi, été (mai-septembre) : ce passage dit 8h–13h, périmé ; "
        "la fiche du salon, qui fait foi, dit 8h–16h"
    ]
    assert "Été (mai-septembre) : 8h – 13h" in next(iter(marks))
    # The receptionist already serving picks the new marks up by the CURRENT pointer.
    assert running.reload_if_changed()
    assert running.version == summer.manifest.version


def test_a_reindex_within_the_same_season_stays_a_no_op(tmp_path: Path) -> None:
    salon, db = _salon(tmp_path / "sources"), tmp_path / "kb"
    embedder = CountingEmbedder()
    first = _run(salon, db, embedder, WINTER_DAY)
    embedded = len(embedder.embedded)
    for day in (date(2027, 2, 20), date(2027, 4, 30), date(2027, 10, 1)):
        again = _run(salon, db, embedder, day)
        assert not again.rebuilt, day
        assert again.manifest.version == first.manifest.version
        assert [c.to_dict() for c in again.contradictions] == first.manifest.contradictions
    summer = _run(salon, db, embedder, SUMMER_DAY)
    later = _run(salon, db, embedder, date(2027, 9, 30))
    assert summer.rebuilt and not later.rebuilt
    assert later.manifest.version == summer.manifest.version
    assert len(embedder.embedded) == embedded


def test_a_change_of_season_that_changes_no_contradiction_keeps_the_version(
    tmp_path: Path,
) -> None:
    week = tuple((d, "8h – 16h", "8h – 16h") if d == "Samedi" else (d, w, s) for d, w, s in _WEEK)
    salon, db = _salon(tmp_path / "sources", week), tmp_path / "kb"
    embedder = CountingEmbedder()
    winter = _run(salon, db, embedder, WINTER_DAY)
    summer = _run(salon, db, embedder, SUMMER_DAY)
    assert winter.contradictions == summer.contradictions == []
    assert not summer.rebuilt and summer.manifest.version == winter.manifest.version
    assert not _run(salon, db, embedder, date(2027, 8, 1)).rebuilt


def test_without_the_stored_facts_the_documents_are_read_again_but_nothing_is_embedded(
    tmp_path: Path,
) -> None:
    salon, db = _salon(tmp_path / "sources"), tmp_path / "kb"
    embedder = CountingEmbedder()
    winter = _run(salon, db, embedder, WINTER_DAY)
    (store.versions_dir(db) / winter.manifest.version / FACTS_FILE).unlink()
    embedded = len(embedder.embedded)

    summer = _run(salon, db, embedder, SUMMER_DAY)

    assert [c.document_value for c in summer.contradictions] == ["8h–13h"]
    assert summer.rebuilt and (summer.embedded, len(embedder.embedded)) == (0, embedded)
    assert (store.versions_dir(db) / summer.manifest.version / FACTS_FILE).is_file()
    assert not _run(salon, db, embedder, SUMMER_DAY).rebuilt


def _cli(salon: Path, db: Path, day: str) -> dict[str, Any]:
    """`scripts/reindex --json` as a whole process whose wall clock says `day`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "CHROMA_"))}
    env |= {
        "BOOTSTRAP_QUIET": "1",
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME": f"@{day} 10:00:00",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    }
    done = subprocess.run(
        [str(ROOT / "scripts" / "reindex"), "--sources", str(salon), "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(not LIBFAKETIME.is_file(), reason="libfaketime is not installed")
def test_the_owners_plain_reindex_on_the_salons_today_follows_the_season(tmp_path: Path) -> None:
    salon, db = _salon(tmp_path / "sources"), tmp_path / "kb"
    winter = _cli(salon, db, "2027-01-15")
    assert [c["document_value"] for c in winter["contradictions"]] == ["8h–17h"]
    same = _cli(salon, db, "2027-03-01")
    assert not same["rebuilt"] and same["version"] == winter["version"]
    summer = _cli(salon, db, "2027-07-15")
    assert [c["document_value"] for c in summer["contradictions"]] == ["8h–13h"]
    assert summer["rebuilt"] and summer["embedded"] == 0
    assert summer["reused"] == winter["chunks"]
