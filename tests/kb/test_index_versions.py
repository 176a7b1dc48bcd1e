"""Unit tests (temporary folders, real Chroma on disk): versioned, incremental, safe reindex."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kb import store
from kb.indexer import NothingToIndex, reindex
from kb.retriever import NULL_QUESTIONS, ModelMismatch, Retriever
from tests.kb.conftest import CountingEmbedder, paragraph_ingest


def build(sources: Path, db: Path, embedder: CountingEmbedder, **kwargs: object):
    return reindex(sources=sources, db_dir=db, embedder=embedder, ingest=paragraph_ingest, **kwargs)  # type: ignore[arg-type]


def test_first_reindex_builds_a_version_and_points_current_at_it(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    result = build(salon_sources, tmp_path / "kb", embedder)
    assert result.rebuilt and result.chunks == 6 and result.embedded == 6
    assert store.read_current(tmp_path / "kb") == result.manifest.version
    manifest = store.current_manifest(tmp_path / "kb")
    assert manifest.model == "fake/bag-of-words"
    assert set(manifest.files) == {"tarifs.md", "horaires.md", "faq.md"}
    assert len(manifest.chunk_ids) == 6


def test_nothing_changed_means_nothing_rebuilt_or_embedded(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    first = build(salon_sources, tmp_path / "kb", embedder)
    embedder.embedded.clear()
    again = build(salon_sources, tmp_path / "kb", embedder)
    assert not again.rebuilt
    assert embedder.embedded == []
    assert again.manifest.version == first.manifest.version


def test_unchanged_files_are_not_re_embedded_and_removed_files_disappear(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    db = tmp_path / "kb"
    build(salon_sources, db, embedder)
    embedder.embedded.clear()
    (salon_sources / "faq.md").unlink()
    (salon_sources / "horaires.md").write_text("Nocturne le jeudi jusqu'à 20 h 30.")
    result = build(salon_sources, db, embedder)
    assert result.rebuilt
    assert embedder.embedded == ["horaires\nNocturne le jeudi jusqu'à 20 h 30."]
    assert result.reused == 3  # the three price rows of tarifs.md
    retriever = Retriever.open(db, embedder=embedder)
    sources = {p.source for p in retriever.search("allergie test couleur", k=10).passages}
    assert "faq.md" not in sources
    assert retriever.size == 4


def test_the_result_lists_the_documents_removed_since_the_previous_version(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    db = tmp_path / "kb"
    first = build(salon_sources, db, embedder)
    assert first.removed_documents == []  # no previous version: nothing was removed
    (salon_sources / "faq.md").unlink()
    (salon_sources / "tarifs.md").unlink()
    (salon_sources / "nouveau.md").write_text("Parking gratuit le samedi.")
    result = build(salon_sources, db, embedder)
    assert result.removed_documents == ["faq.md", "tarifs.md"]
    assert set(result.manifest.files) == {"horaires.md", "nouveau.md"}
    again = build(salon_sources, db, embedder)
    assert not again.rebuilt and again.removed_documents == []  # said once, not every run


def test_full_reindex_re_embeds_everything(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    build(salon_sources, tmp_path / "kb", embedder)
    embedder.embedded.clear()
    result = build(salon_sources, tmp_path / "kb", embedder, full=True)
    assert result.rebuilt and len(embedder.embedded) == 6


def test_a_failing_build_leaves_the_previous_version_serving(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    db = tmp_path / "kb"
    first = build(salon_sources, db, embedder)
    (salon_sources / "nouveau.md").write_text("Soin Olaplex ajouté à une couleur : +20 €.")
    broken = CountingEmbedder(fail_after=0)
    with pytest.raises(RuntimeError, match="crashed"):
        build(salon_sources, db, broken)
    assert store.read_current(db) == first.manifest.version
    assert [v.name for v in store.versions_dir(db).iterdir()] == [first.manifest.version]
    retriever = Retriever.open(db, embedder=embedder)
    assert retriever.search("balayage cheveux longs", k=1).passages[0].source == "tarifs.md"


def test_a_failure_while_writing_removes_the_half_built_version(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "kb"
    first = build(salon_sources, db, embedder)
    (salon_sources / "tarifs.md").write_text("Coupe homme — 30 min — 30 €")

    def disk_full(*_args: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(store, "write_manifest", disk_full)
    with pytest.raises(OSError, match="No space"):
        build(salon_sources, db, embedder)
    assert store.read_current(db) == first.manifest.version
    assert [v.name for v in store.versions_dir(db).iterdir()] == [first.manifest.version]


def test_a_reader_opening_during_a_build_gets_the_complete_previous_version(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    db = tmp_path / "kb"
    first = build(salon_sources, db, embedder)
    seen: list[tuple[str, int]] = []

    def ingest_and_peek(sources: Path):
        result = paragraph_ingest(sources)
        reader = Retriever.open(db, embedder=embedder)  # mid-build
        seen.append((reader.version, reader.size))
        return result

    (salon_sources / "extra.md").write_text("Wi-Fi gratuit au salon.")
    second = reindex(sources=salon_sources, db_dir=db, embedder=embedder, ingest=ingest_and_peek)
    assert seen == [(first.manifest.version, 6)]
    assert second.manifest.version != first.manifest.version


def test_a_running_retriever_reloads_a_new_version_without_restart(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    db = tmp_path / "kb"
    build(salon_sources, db, embedder)
    retriever = Retriever.open(db, embedder=embedder)
    assert retriever.reload_if_changed() is False
    (salon_sources / "wifi.md").write_text("Le Wi-Fi est gratuit : réseau MargauxInvites.")
    new = build(salon_sources, db, embedder)
    assert retriever.reload_if_changed() is True
    assert retriever.version == new.manifest.version
    assert retriever.search("wifi gratuit reseau", k=1).passages[0].source == "wifi.md"
    assert retriever.reload_if_changed() is False


def test_reload_keeps_serving_when_the_new_version_is_unreadable(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    db = tmp_path / "kb"
    first = build(salon_sources, db, embedder)
    retriever = Retriever.open(db, embedder=embedder)
    store.switch_current(db, "20990101T000000-gone")
    assert retriever.reload_if_changed() is False
    assert retriever.version == first.manifest.version
    assert retriever.search("coupe homme", k=1).passages
    store.switch_current(db, first.manifest.version)
    (salon_sources / "wifi.md").write_text("Wi-Fi gratuit.")
    fixed = build(salon_sources, db, embedder)
    assert retriever.reload_if_changed() is True  # a later good version is picked up
    assert retriever.version == fixed.manifest.version


def test_querying_with_another_model_is_a_clear_error(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    build(salon_sources, tmp_path / "kb", embedder)
    with pytest.raises(ModelMismatch, match="fake/bag-of-words"):
        Retriever.open(tmp_path / "kb", embedder=CountingEmbedder(name="fake/other"))


def test_kb_embeddings_setting_that_differs_from_the_index_is_refused(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(salon_sources, tmp_path / "kb", embedder)
    monkeypatch.setenv("KB_EMBEDDINGS", "openai")
    with pytest.raises(ModelMismatch, match="KB_EMBEDDINGS"):
        Retriever.open(tmp_path / "kb")


def test_changing_the_model_re_embeds_instead_of_reusing_vectors(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    build(salon_sources, tmp_path / "kb", embedder)
    other = CountingEmbedder(name="fake/other")
    result = build(salon_sources, tmp_path / "kb", other)
    assert result.rebuilt and result.reused == 0 and len(other.embedded) == 6


def test_sources_without_usable_text_leave_the_current_index_untouched(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    db = tmp_path / "kb"
    first = build(salon_sources, db, embedder)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "vide.md").write_text("")
    with pytest.raises(NothingToIndex) as caught:
        build(empty, db, embedder)
    assert caught.value.reports[0].warnings == ["empty file"]
    assert store.read_current(db) == first.manifest.version
    assert Retriever.open(db, embedder=embedder).size == 6


def test_missing_index_is_reported_clearly(tmp_path: Path) -> None:
    with pytest.raises(store.IndexMissing, match="run scripts/reindex"):
        Retriever.open(tmp_path / "nothing-here")


def test_old_versions_are_pruned_but_recent_ones_kept(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    db = tmp_path / "kb"
    versions = []
    for n in range(5):
        (salon_sources / "compteur.md").write_text(f"Version numéro {n} du document.")
        versions.append(build(salon_sources, db, embedder).manifest.version)
    kept = sorted(v.name for v in store.versions_dir(db).iterdir())
    assert kept == sorted(versions[-1 - store.KEEP_PREVIOUS :])
    (store.versions_dir(db) / "20000101T000000-unfinished").mkdir()
    with store.writer_lock(db):
        removed = store.prune(db)
    assert removed == ["20000101T000000-unfinished"]


def test_only_one_reindex_runs_at_a_time(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    db = tmp_path / "kb"
    inside = threading.Event()
    release = threading.Event()

    def slow_ingest(sources: Path):
        inside.set()
        release.wait(10)
        return paragraph_ingest(sources)

    worker = threading.Thread(
        target=reindex,
        kwargs={
            "sources": salon_sources,
            "db_dir": db,
            "embedder": embedder,
            "ingest": slow_ingest,
        },
    )
    worker.start()
    try:
        assert inside.wait(10)
        with pytest.raises(store.IndexBusy):
            build(salon_sources, db, CountingEmbedder())
    finally:
        release.set()
        worker.join(10)
    assert store.read_current(db) is not None


def test_paragraphs_that_only_moved_are_not_re_embedded(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    db = tmp_path / "kb"
    build(salon_sources, db, embedder)
    embedder.embedded.clear()
    old = (salon_sources / "tarifs.md").read_text()
    (salon_sources / "tarifs.md").write_text("Frange — 15 min — 12 €\n\n" + old)
    result = build(salon_sources, db, embedder)
    assert embedder.embedded == ["tarifs\nFrange — 15 min — 12 €"]
    assert result.reused == 6 and result.chunks == 7


def test_a_file_name_with_invalid_bytes_does_not_stop_the_index(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    import os

    (salon_sources / os.fsdecode(b"caf\xe9.md")).write_text("Coupe enfant — 16 €")
    result = build(salon_sources, tmp_path / "kb", embedder)
    assert result.chunks == 7
    assert "caf\ufffd.md" in {r.path for r in result.reports}
    retriever = Retriever.open(tmp_path / "kb", embedder=embedder)
    assert retriever.search("coupe enfant", k=1).passages[0].source == "caf\ufffd.md"


def test_a_repeated_question_is_embedded_once_and_answers_the_same(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    build(salon_sources, tmp_path / "kb", embedder)
    calls: list[str] = []
    original = embedder.embed_query

    def counting(text: str):
        calls.append(text)
        return original(text)

    embedder.embed_query = counting  # type: ignore[method-assign]
    retriever = Retriever.open(tmp_path / "kb", embedder=embedder, query_cache=2)
    assert calls == list(NULL_QUESTIONS)  # the index's no-answer baseline, once
    calls.clear()
    first = retriever.search("coupe homme", k=2)
    again = retriever.search("coupe homme", k=2)
    assert calls == ["coupe homme"] and first.passages == again.passages
    retriever.search("balayage", k=1)
    retriever.search("allergie", k=1)
    retriever.search("coupe homme", k=1)  # pushed out of a 2-entry cache: embedded again
    assert calls.count("coupe homme") == 2


def test_a_fact_in_a_file_with_invalid_bytes_in_its_name_is_indexed_and_kept(
    salon_sources: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    """The real loaders read facts (a phone number) from it; the stored facts beside the
    version are UTF-8, so the file name's bad byte must not stop the whole index."""
    import os

    (salon_sources / os.fsdecode(b"contact\xff.md")).write_text(
        "# Contact\n\nTéléphone du salon : 04 78 00 00 00\n", encoding="utf-8"
    )
    result = reindex(sources=salon_sources, db_dir=tmp_path / "kb", embedder=embedder)
    assert "contact\ufffd.md" in {r.path for r in result.reports}
    retriever = Retriever.open(tmp_path / "kb", embedder=embedder)
    assert retriever.search("le numéro du salon", k=3).passages
    assert store.read_current(tmp_path / "kb") == result.manifest.version
