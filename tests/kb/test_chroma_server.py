"""Integration tests: `CHROMA_HOST`/`CHROMA_PORT` store each index version as a collection
of a real Chroma server (`chroma run`, shipped with the chromadb package) on 127.0.0.1."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kb import store
from kb.indexer import reindex
from kb.retriever import Retriever
from salon.measure import free_port
from tests.kb.conftest import CountingEmbedder, paragraph_ingest

CHROMA = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if not Path(CHROMA).exists():
        pytest.skip("the chroma server binary is not installed")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [CHROMA, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=0.5)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.skip("the chroma server did not start")
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def test_versions_live_in_server_collections_and_old_ones_are_dropped(
    chroma_server: int,
    salon_sources: Path,
    tmp_path: Path,
    embedder: CountingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import chromadb

    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server))
    db = tmp_path / "kb"
    first = reindex(sources=salon_sources, db_dir=db, embedder=embedder, ingest=paragraph_ingest)
    assert first.manifest.store["kind"] == "http"
    assert not (store.versions_dir(db) / first.manifest.version / "chroma").exists()
    retriever = Retriever.open(db, embedder=embedder)
    assert "28 €" in retriever.search("coupe homme", k=1).passages[0].text

    embedder.embedded.clear()
    for n in range(4):
        (salon_sources / "compteur.md").write_text(f"Version numéro {n}.")
        latest = reindex(
            sources=salon_sources, db_dir=db, embedder=embedder, ingest=paragraph_ingest
        )
    assert len(embedder.embedded) == 4  # only the changed file, once per run
    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server)
    names = {c.name for c in client.list_collections()}
    assert latest.manifest.store["collection"] in names
    assert first.manifest.store["collection"] not in names
    assert len(names) == 1 + store.KEEP_PREVIOUS
    assert retriever.reload_if_changed() is True
    assert retriever.size == 7


def test_a_failed_build_leaves_no_collection_behind_on_the_server(
    chroma_server: int,
    salon_sources: Path,
    tmp_path: Path,
    embedder: CountingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import chromadb

    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server))
    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server)
    before = {c.name for c in client.list_collections()}

    def disk_full(*_args: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(store, "write_manifest", disk_full)
    with pytest.raises(OSError):
        reindex(sources=salon_sources, db_dir=tmp_path / "kb", embedder=embedder,
                ingest=paragraph_ingest)  # fmt: skip
    assert {c.name for c in client.list_collections()} == before
    assert store.read_current(tmp_path / "kb") is None
