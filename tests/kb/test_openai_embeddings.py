"""Integration tests: `KB_EMBEDDINGS=openai` through the real `openai` SDK against a local
/v1/embeddings stub on 127.0.0.1 that speaks OpenAI's wire format (float and base64)."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kb import embeddings
from kb.embeddings import OPENAI_MODEL, EmbeddingError, OpenAIEmbedder
from kb.indexer import reindex
from kb.retriever import ModelMismatch, Retriever
from salon.settings import MissingSetting
from tests.kb.conftest import paragraph_ingest

DIM = 16


def _vector(text: str) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [float(b) + 1.0 for b in digest[:DIM]]  # deliberately not normalised


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []

    def log_message(self, *_args: object) -> None:
        pass

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        self.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        if self.path != "/v1/embeddings":
            self._reply(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            return
        if self.headers.get("Authorization") != "Bearer test-key":
            self._reply(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})
            return
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        if any("REFUSE" in text for text in inputs):
            self._reply(
                400, {"error": {"message": "input refused", "type": "invalid_request_error"}}
            )
            return
        data = []
        for index, text in enumerate(inputs):
            vector = _vector(text)
            if body.get("encoding_format") == "base64":
                encoded: Any = base64.b64encode(np.array(vector, dtype="<f4").tobytes()).decode()
            else:
                encoded = vector
            data.append({"object": "embedding", "index": index, "embedding": encoded})
        data.reverse()  # the API does not promise order; `index` does
        self._reply(
            200,
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            },
        )


@pytest.fixture
def stub_url() -> Iterator[str]:
    _Handler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_passages_come_back_normalised_and_in_input_order(stub_url: str) -> None:
    embedder = OpenAIEmbedder(api_key="test-key", base_url=stub_url)
    matrix = embedder.embed_passages(["un", "deux", "trois"])
    assert matrix.shape == (3, DIM)
    expected = np.array(_vector("deux"), dtype=np.float32)
    assert np.allclose(matrix[1], expected / np.linalg.norm(expected), atol=1e-6)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    sent = _Handler.requests[0]
    assert sent["model"] == "text-embedding-3-small" and sent["auth"] == "Bearer test-key"


def test_a_refused_request_becomes_an_embedding_error(stub_url: str) -> None:
    embedder = OpenAIEmbedder(api_key="test-key", base_url=stub_url)
    with pytest.raises(EmbeddingError, match="OpenAI embeddings request failed"):
        embedder.embed_query("REFUSE this")


def test_a_missing_key_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "")
    with pytest.raises(MissingSetting) as missing:
        OpenAIEmbedder()
    assert str(missing.value).startswith(
        "réglage manquant : OPENAI_API_KEY (demandé par KB_EMBEDDINGS=openai pour chercher "
        "dans les documents) ; ajoutez-le dans .env"
    )


def test_openai_setting_builds_and_queries_an_index_recorded_with_its_model(
    stub_url: str, salon_sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embeddings, "_cache", {})
    monkeypatch.setenv("KB_EMBEDDINGS", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", stub_url)
    result = reindex(sources=salon_sources, db_dir=tmp_path / "kb", ingest=paragraph_ingest)
    assert result.manifest.model == OPENAI_MODEL and result.manifest.dim == DIM
    retriever = Retriever.open(tmp_path / "kb")
    found = retriever.search("coupe homme", k=1)
    assert "Coupe homme" in found.passages[0].text
    monkeypatch.setenv("KB_EMBEDDINGS", "local")
    with pytest.raises(ModelMismatch, match="openai/text-embedding-3-small"):
        Retriever.open(tmp_path / "kb")
