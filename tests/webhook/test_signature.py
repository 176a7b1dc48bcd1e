"""Unit tests for the Twilio signature check, against Twilio's official vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from webhook.signature import SignatureChecker, public_url

pytestmark = pytest.mark.unit

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
VECTORS = SHARED / "specs" / "twilio-signature-vectors.json"


def _vectors() -> list[dict[str, Any]]:
    if not VECTORS.exists():
        return []
    return list(json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"])


def _params(vector: dict[str, Any]) -> Any:
    if vector["params_kind"] == "multi":
        return MultiDict([tuple(pair) for pair in vector["params"]])
    return vector["params"]


needs_vectors = pytest.mark.skipif(
    not VECTORS.exists(),
    reason=f"Twilio signature vectors not found at {VECTORS} (the shared folder is absent)",
)


@needs_vectors
@pytest.mark.parametrize(
    "vector",
    [v for v in _vectors() if v["check"] == "compute_signature"],
    ids=lambda v: v["id"],
)
def test_the_computed_signature_matches_the_official_vector(vector: dict[str, Any]) -> None:
    checker = SignatureChecker(auth_token=vector["auth_token"])
    assert checker.sign(url=vector["url"], params=_params(vector)) == (vector["expected_signature"])
    assert checker.is_valid(
        url=vector["url"], params=_params(vector), signature=vector["expected_signature"]
    )


@needs_vectors
@pytest.mark.parametrize(
    "vector", [v for v in _vectors() if v["check"] == "validate"], ids=lambda v: v["id"]
)
def test_validation_accepts_or_refuses_like_the_official_vector(vector: dict[str, Any]) -> None:
    checker = SignatureChecker(auth_token=vector["auth_token"])
    valid = checker.is_valid(
        url=vector["url"], params=_params(vector), signature=vector["expected_signature"]
    )
    assert valid is vector["expected_valid"]


@needs_vectors
def test_the_vector_file_holds_both_valid_and_invalid_cases() -> None:
    outcomes = {v["expected_valid"] for v in _vectors()}
    assert outcomes == {True, False}


@pytest.mark.parametrize("signature", [None, "", "not-base64", "RSOYDt4T1cUTdK1PDd93/VVr8B8"])
def test_a_missing_or_malformed_signature_is_never_valid(signature: str | None) -> None:
    checker = SignatureChecker(auth_token="12345")
    params = {"CallSid": "CA1", "From": "+33612345678"}
    assert not checker.is_valid(url="https://x.fr/voice", params=params, signature=signature)


def test_an_empty_auth_token_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="auth token"):
        SignatureChecker(auth_token="")


@pytest.mark.parametrize(
    ("base", "path", "query", "expected"),
    [
        (None, "/voice", "", "http://127.0.0.1:8000/voice"),
        ("https://abcd.ngrok-free.app", "/voice", "", "https://abcd.ngrok-free.app/voice"),
        ("https://abcd.ngrok-free.app/", "/voice", "a=1", "https://abcd.ngrok-free.app/voice?a=1"),
        ("https://proxy.fr/salon", "/voice", "", "https://proxy.fr/salon/voice"),
    ],
)
def test_the_signed_url_is_rebuilt_from_the_public_base_url(
    base: str | None, path: str, query: str, expected: str
) -> None:
    assert (
        public_url(
            request_url="http://127.0.0.1:8000/voice",
            path=path,
            query=query,
            public_base_url=base,
        )
        == expected
    )
