"""Unit tier (temporary folders, real Chroma on disk, the counting embedder), and one
integration test with the bundled e5 model: every line of a many-line passage has its own
vector (`kb.lines`), kept beside the version, reused by text, and a question about one row
of a table reaches the table through it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from ingest.model import Chunk, FileReport, IngestResult
from kb import store
from kb.indexer import reindex
from kb.lines import LINES_FILE, PassageLines, best_line_cosines, body_of, lines_of
from kb.lines import load as load_lines
from kb.retriever import Retriever, SearchOptions
from tests.kb.conftest import CountingEmbedder

TABLE = (
    "Coupe aux ciseaux — 35 min — 27 €\n"
    "Taille de barbe — 25 min — 20 €\n"
    "Coupe aux ciseaux — 35 min — 27 €\n"
    "Contour de nuque — 10 min — 7 €"
)


def _ingest(passages: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    """An ingest giving exactly these (section, text) passages of one document."""

    def ingest(_sources: Path) -> IngestResult:
        chunks = [
            Chunk(text=text, title="Tarifs", section=section, source="tarifs.pdf", ordinal=n)
            for n, (section, text) in enumerate(passages)
        ]
        return IngestResult(chunks=chunks, reports=[FileReport(path="tarifs.pdf", chunks=1)])

    return ingest


def _build(root: Path, embedder: CountingEmbedder, passages: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / "tarifs.pdf").write_text(repr(passages), encoding="utf-8")
    return reindex(
        sources=root / "sources", db_dir=root / "kb", embedder=embedder, ingest=_ingest(passages)
    )


def _version_dir(db: Path) -> Path:
    return store.versions_dir(db) / str(store.read_current(db))


def test_a_passage_of_several_lines_gives_its_distinct_lines_and_a_single_line_none() -> None:
    assert lines_of(TABLE) == [
        "Coupe aux ciseaux — 35 min — 27 €",
        "Taille de barbe — 25 min — 20 €",
        "Contour de nuque — 10 min — 7 €",
    ]
    assert lines_of("Le salon est fermé le lundi.") == []
    assert lines_of("  Une ligne.\n\n   \n") == []
    assert body_of("Tarifs — Barbe\nCoupe — 27 €", "Tarifs", "Barbe") == "Coupe — 27 €"
    assert body_of("Coupe — 27 €", "", "") == "Coupe — 27 €"


def test_a_reindex_embeds_each_line_once_and_stores_it_beside_the_version(
    tmp_path: Path,
) -> None:
    embedder = CountingEmbedder()
    _build(tmp_path, embedder, [("Barbe", TABLE), ("Accès", "Métro Capitole, ligne A.")])
    lines = lines_of(TABLE)
    assert sorted(embedder.embedded) == sorted(
        ["Tarifs — Barbe\n" + TABLE, "Tarifs — Accès\nMétro Capitole, ligne A.", *lines]
    )
    stored = load_lines(_version_dir(tmp_path / "kb"), embedder.dim)
    assert stored is not None and stored.texts == lines
    for text, vector in stored.by_text().items():
        assert np.allclose(vector, embedder.embed_query(text))


def test_a_changed_table_embeds_only_its_new_lines(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    _build(tmp_path, embedder, [("Barbe", TABLE)])
    embedder.embedded.clear()
    longer = TABLE + "\nRasage au coupe-chou — 30 min — 35 €"
    result = _build(tmp_path, embedder, [("Barbe", longer)])
    assert embedder.embedded == [
        "Tarifs — Barbe\n" + longer,
        "Rasage au coupe-chou — 30 min — 35 €",
    ]
    stored = load_lines(_version_dir(tmp_path / "kb"), embedder.dim)
    assert stored is not None and stored.texts == lines_of(longer)
    assert result.embedded == 1


def test_a_version_without_line_vectors_is_served_and_the_next_reindex_adds_them(
    tmp_path: Path,
) -> None:
    """An index built before lines had vectors: searched as before, and completed by the
    next reindex, which embeds the lines only (the passages keep their vectors)."""
    embedder = CountingEmbedder()
    passages = [("Barbe", TABLE), ("Accès", "Métro Capitole, ligne A.")]
    first = _build(tmp_path, embedder, passages)
    (_version_dir(tmp_path / "kb") / LINES_FILE).unlink()
    retriever = Retriever.open(tmp_path / "kb", embedder=embedder)
    assert retriever._snapshot.lines is None
    assert retriever.search("taille de barbe").passages[0].section == "Barbe"

    embedder.embedded.clear()
    again = _build(tmp_path, embedder, passages)
    assert again.rebuilt and again.manifest.version != first.manifest.version
    assert sorted(embedder.embedded) == sorted(lines_of(TABLE))
    assert load_lines(_version_dir(tmp_path / "kb"), embedder.dim) is not None
    assert retriever.reload_if_changed() and retriever._snapshot.lines is not None


def test_an_unreadable_line_file_is_logged_and_the_version_served_without_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = CountingEmbedder()
    _build(tmp_path, embedder, [("Barbe", TABLE), ("Accès", "Métro Capitole, ligne A.")])
    (_version_dir(tmp_path / "kb") / LINES_FILE).write_bytes(b"not a numpy archive")
    with caplog.at_level(logging.WARNING, logger="kb"):
        retriever = Retriever.open(tmp_path / "kb", embedder=embedder)
    assert "line vectors unreadable" in caplog.text
    assert retriever.search("métro").passages[0].section == "Accès"


def test_a_passage_scores_its_best_line_when_a_line_is_closer_than_the_whole() -> None:
    passages = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    line_matrix = np.array([[0.0, 0.0, 1.0], [0.6, 0.8, 0.0]], dtype=np.float32)
    lines = PassageLines(line_matrix, np.array([0, 1]), np.array([1, 1]))
    query = np.array([0.0, 0.6, 0.8], dtype=np.float32)
    dense = passages @ query
    best = best_line_cosines(dense, lines, query)
    assert best.tolist() == pytest.approx([0.0, 0.8])  # passage 1's first line
    assert dense.tolist() == pytest.approx([0.0, 0.6])  # untouched
    assert best_line_cosines(dense, None, query).tolist() == pytest.approx([0.0, 0.6])


BARBER = [
    (
        "Coupes",
        "Coupe classique aux ciseaux — 35 min — 27 €\n"
        "Coupe à la tondeuse, une seule hauteur — 20 min — 18 €\n"
        "Dégradé à blanc — 45 min — 30 €\n"
        "Coupe cheveux longs — 1 h — 42 €\n"
        "Coupe junior (moins de 12 ans) — 25 min — 17 €",
    ),
    (
        "Barbe et rasage",
        "Rasage à l'ancienne, serviette chaude — 45 min — 35 €\n"
        "Taille de barbe — 25 min — 20 €\n"
        "Barbe sculptée au rasoir — 40 min — 28 €\n"
        "Entretien moustache — 10 min — 8 €\n"
        "Crâne lisse au rasoir — 30 min — 25 €\n"
        "Contour de nuque — 10 min — 7 €",
    ),
    (
        "Couleur homme",
        "Camouflage cheveux blancs — 30 min — 29 €\n"
        "Coloration complète — 1 h — à partir de 45 €\n"
        "Décoloration platine — 2 h 30 — à partir de 95 €",
    ),
    ("Bon à savoir", "Cheveux au-delà des épaules : + 10 € sur toute coupe ou couleur."),
    ("Accès", "Métro Saint-Cyprien, ligne A ; arceaux à vélos devant la vitrine."),
    ("Paiement", "Carte bancaire et sans contact uniquement, pas d'espèces ni de chèques."),
    ("Retard", "Au-delà de dix minutes de retard, le rendez-vous est raccourci ou reporté."),
    ("Enfants", "Les enfants sont les bienvenus dès trois ans, accompagnés d'un adulte."),
    (
        "Horaires",
        "Mardi au vendredi : 9 h – 19 h\nSamedi : 8 h – 17 h\nDimanche et lundi : fermé",
    ),
    ("Le Comptoir", "En attendant, un café ou un thé vous est offert au comptoir."),
]


def test_a_question_about_one_row_raises_its_table_through_that_row(tmp_path: Path) -> None:
    """The bundled e5 model: « tout passer à la machine, pareil partout » shares no word
    with « Coupe à la tondeuse, une seule hauteur », and the table's one vector averages
    five services; the row's own vector brings the table into the three passages given."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "tarifs.pdf").write_text("carte", encoding="utf-8")
    reindex(sources=tmp_path / "sources", db_dir=tmp_path / "kb", ingest=_ingest(BARBER))
    retriever = Retriever.open(tmp_path / "kb", query_cache=0)
    question = "je veux juste tout passer à la machine pareil partout ça fait combien"

    def rank(options: SearchOptions) -> int:
        found = retriever.search(question, k=len(BARBER), options=options).passages
        return [p.section for p in found].index("Coupes") + 1

    assert rank(SearchOptions()) <= 3 < rank(SearchOptions(line_weight=0))
