"""Unit tier: the fixture salon's documents match their generator and its `salon.toml`.

If someone edits `tests/fixtures/salon/salon.toml` (a price, a closure) without running
`scripts/make-sample-docs tests/fixtures/salon`, these tests say so before the documents
contradict the profile. The checkout's `sources/` is the salon's own and is not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.pipeline import ingest_directory
from salon.profile import load_profile
from tests.fixtures.isolation import FIXTURE_SALON
from tests.fixtures.sample_docs import build_all, price_label

SOURCES = FIXTURE_SALON


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sources")
    (folder / "salon.toml").write_bytes((SOURCES / "salon.toml").read_bytes())
    build_all(folder)
    return folder


def _texts(folder: Path, prefix: tuple[str, ...]) -> dict[str, list[str]]:
    result = ingest_directory(folder)
    out: dict[str, list[str]] = {}
    for chunk in result.chunks:
        if chunk.source.startswith(prefix):
            out.setdefault(chunk.source, []).append(chunk.indexed_text())
    return out


def test_committed_generated_documents_are_up_to_date_with_salon_toml(regenerated: Path) -> None:
    generated = ("tarifs-", "produits-", "site/")
    assert _texts(regenerated, generated) == _texts(SOURCES, generated), (
        "tests/fixtures/salon is stale: run scripts/make-sample-docs tests/fixtures/salon"
    )


@pytest.mark.parametrize(
    ("service_id", "faq_phrase"),
    [
        ("coiffure-mariee", "la coiffure du jour J ({price})"),
        ("couleur-vegetale", "La couleur végétale ({price})"),
        ("coupe-enfant-moins-10", "moins de 10 ans : {price}"),
        ("coupe-junior", "de 10 à 16 ans : {price}"),
        ("coupe-etudiant", "La coupe étudiant est à {price}"),
        ("coiffure-invitee", "({price} par invitée)"),
    ],
)
def test_prices_quoted_in_the_hand_written_faq_agree_with_salon_toml(
    service_id: str, faq_phrase: str
) -> None:
    service = load_profile(SOURCES / "salon.toml").service(service_id)
    faq = re.sub(r"\s+", " ", (SOURCES / "faq-et-conditions.md").read_text(encoding="utf-8"))
    assert faq_phrase.format(price=price_label(service)) in faq


def test_make_sample_docs_has_no_default_folder_so_it_cannot_overwrite_a_salon(
    tmp_path: Path,
) -> None:
    from tests.fixtures.sample_docs import main

    assert main([]) == 2
    assert main([str(tmp_path)]) == 2  # a folder without salon.toml is refused too
    assert list(tmp_path.iterdir()) == []
