"""Integration tier: contradictions between salon.toml and the documents of a salon folder.

The fixture salon (`tests/fixtures/salon/`) is copied to a temporary folder; values are
planted in its real documents (the price-list PDF is rebuilt with one other price), and
each must be found in the right document and page, and nothing else.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ingest.pipeline import ingest_directory
from kb.contradictions import Contradiction, find_contradictions, for_owner, profile_of
from salon.profile import load_profile
from tests.fixtures.isolation import FIXTURE_SALON
from tests.fixtures.sample_docs import PDF_NAME, build_price_pdf

ROOT = Path(__file__).resolve().parents[2]


def _contradictions(folder: Path) -> list[Contradiction]:
    return for_owner(find_contradictions(profile_of(folder), ingest_directory(folder).facts))


def _where(found: list[Contradiction]) -> set[tuple[str, str | None, str, str, int | None]]:
    return {(c.fact, c.profile_value, c.document_value, c.source, c.page) for c in found}


@pytest.fixture
def salon(tmp_path: Path) -> Path:
    folder = tmp_path / "salon"
    shutil.copytree(FIXTURE_SALON, folder)
    return folder


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_the_unmodified_fixture_salon_has_no_contradiction(salon: Path) -> None:
    assert _contradictions(salon) == []


def test_planted_contradictions_are_each_found_in_their_document_and_page(salon: Path) -> None:
    profile = load_profile(salon / "salon.toml")
    # a price: the PDF (page 1, "Homme") printed with last year's price
    old_price = tuple(
        dataclasses.replace(s, price=25) if s.id == "coupe-homme" else s for s in profile.services
    )
    build_price_pdf(dataclasses.replace(profile, services=old_price), salon / PDF_NAME)
    # a duration: one CSV row
    _replace(
        salon / "tarifs-prestations.csv",
        "Balayage, cheveux longs;2 h 30;115 €",
        "Balayage, cheveux longs;2 h;115 €",
    )
    # an opening hour and a closure: the website's practical page
    acces = salon / "site" / "2026-11-25" / "infos-pratiques" / "acces.html"
    _replace(acces, "<td>Jeudi</td><td>9h30 – 20h30</td>", "<td>Jeudi</td><td>9h30 – 19h</td>")
    _replace(
        acces,
        "Fermé du lundi 9 août au lundi 23 août 2027",
        "Fermé du lundi 2 août au lundi 23 août 2027",
    )
    # the phone: the FAQ's first line
    _replace(salon / "faq-et-conditions.md", "04 78 42 18 90", "04 78 42 18 99")

    assert _where(_contradictions(salon)) == {
        ("prix de Coupe homme", "28 €", "25 €", PDF_NAME, 1),
        (
            "durée de Balayage, cheveux longs",
            "2 h 30",
            "2 h",
            "tarifs-prestations.csv",
            None,
        ),
        (
            "horaires du jeudi",
            "9h30–20h30",
            "9h30–19h",
            "site/2026-11-25/infos-pratiques/acces.html",
            None,
        ),
        (
            "fermeture exceptionnelle",
            "fermé du 9 au 23 août 2027",
            "fermé du 2 au 23 août 2027",
            "site/2026-11-25/infos-pratiques/acces.html",
            None,
        ),
        ("téléphone", "04 78 42 18 90", "04 78 42 18 99", "faq-et-conditions.md", None),
    }


def test_a_changed_profile_is_contradicted_by_every_document_still_giving_the_old_value(
    salon: Path,
) -> None:
    _replace(
        salon / "salon.toml",
        'name = "Coupe homme"\ncategory = "Homme"\nduration = 30\nprice = 28',
        'name = "Coupe homme"\ncategory = "Homme"\nduration = 30\nprice = 31',
    )
    found = [c for c in _contradictions(salon) if c.fact == "prix de Coupe homme"]
    assert {(c.source, c.page, c.profile_value, c.document_value) for c in found} == {
        (PDF_NAME, 1, "31 €", "28 €"),
        ("tarifs-prestations.csv", None, "31 €", "28 €"),
        ("site/2026-11-25/prestations.html", None, "31 €", "28 €"),
    }


def test_two_prices_for_the_same_thing_in_one_document_are_reported(salon: Path) -> None:
    (salon / "mariages.md").write_text(
        "# Mariages\n\n## Forfaits\n\nForfait cérémonie ..... 150 €\nForfait soirée ..... 90 €\n\n"
        "## Forfaits\n\nForfait cérémonie ..... 170 €\nForfait soirée ..... 90 €\n",
        encoding="utf-8",
    )
    [found] = _contradictions(salon)
    assert (found.fact, found.profile_value, found.source) == (
        "prix de « Forfait cérémonie »",
        None,
        "mariages.md",
    )
    assert {found.document_value, found.other_value} == {"150 €", "170 €"}


def test_a_profile_service_priced_twice_in_one_document_reports_the_wrong_one(salon: Path) -> None:
    (salon / "enfants.md").write_text(
        "# Enfants\n\n## En semaine\n\nCoupe enfant, moins de 10 ans ..... 16 €\n"
        "Coupe junior ..... 22 €\n\n## Le samedi\n\nCoupe enfant, moins de 10 ans ..... 18 €\n"
        "Coupe junior ..... 22 €\n",
        encoding="utf-8",
    )
    assert _where(_contradictions(salon)) == {
        ("prix de Coupe enfant, moins de 10 ans", "16 €", "18 €", "enfants.md", None)
    }


@pytest.mark.parametrize(
    "line",
    [
        "La couleur végétale est à partir de 79 € selon la longueur.",
        "Couleur végétale ..... dès 79 €",
        "Couleur végétale ..... de 79 à 99 €",
        "Couleur végétale ..... 2 h ..... à partir de 79 €",
        "Mèches, cheveux courts ..... 1h30 ..... 65 €",
        "Mèches, cheveux courts ..... 90 min ..... 65 €",
        "Mèches, cheveux courts ..... 1 h 30 min ..... 65 €",
        "Carte cadeau Éclat : soin profond réparateur à la kératine et brushing ..... 59 €",
        "Paiement en trois fois sans frais à partir de 150 €.",
        "Supplément Olaplex sur une couleur ..... +20 €",
        # a stylist's own week (salon.toml's [[team]] hours), not the salon's
        "Yanis travaille le jeudi de 11h à 20h30.",
        "Chloé ne travaille pas le jeudi.",
        "Le parking Bellecour est ouvert du lundi au dimanche de 6h à 23h.",
        "Nous serons fermés le 25 décembre.",
    ],
)
def test_values_that_agree_or_are_about_something_else_are_not_contradictions(
    salon: Path, line: str
) -> None:
    (salon / "notes.md").write_text(f"# Notes\n\n{line}\n\nFin.\n", encoding="utf-8")
    assert _contradictions(salon) == []


def test_a_sentence_giving_general_hours_is_checked_day_by_day(salon: Path) -> None:
    (salon / "notes.md").write_text(
        "# Infos\n\nLe salon est ouvert du mardi au samedi de 9h30 à 19h.\n", encoding="utf-8"
    )
    assert {c.fact for c in _contradictions(salon)} == {"horaires du jeudi", "horaires du samedi"}


def test_a_folder_without_a_profile_still_reports_prices_a_document_gives_twice(
    tmp_path: Path,
) -> None:
    (tmp_path / "tarifs.md").write_text(
        "# Tarifs\n\nCoupe homme ..... 28 €\nBrushing ..... 25 €\n\n"
        "# Tarifs\n\nCoupe homme ..... 30 €\nBrushing ..... 25 €\n",
        encoding="utf-8",
    )
    [found] = _contradictions(tmp_path)
    assert (found.fact, found.profile_value, found.document_value, found.other_value) == (
        "prix de « Coupe homme »",
        None,
        "30 €",
        "28 €",
    )


def _reindex(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "CHROMA_"))}
    env["BOOTSTRAP_QUIET"] = "1"
    return subprocess.run(
        [str(ROOT / "scripts" / "reindex"), "--quiet", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


@pytest.fixture
def small_salon(tmp_path: Path) -> Path:
    """The fixture salon's profile and CSV price list, the CSV a price behind."""
    folder = tmp_path / "petit-salon"
    folder.mkdir()
    shutil.copy(FIXTURE_SALON / "salon.toml", folder / "salon.toml")
    shutil.copy(FIXTURE_SALON / "tarifs-prestations.csv", folder / "tarifs-prestations.csv")
    _replace(
        folder / "tarifs-prestations.csv",
        "Homme;Coupe homme;30 min;28 €",
        "Homme;Coupe homme;30 min;26 €",
    )
    return folder


def test_reindex_json_prints_the_version_the_documents_and_the_contradictions(
    small_salon: Path, tmp_path: Path
) -> None:
    done = _reindex("--json", "--sources", str(small_salon), "--db", str(tmp_path / "kb"))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["version"] and report["chunks"] > 0
    assert {d["path"] for d in report["documents"]} == {"salon.toml", "tarifs-prestations.csv"}
    assert [
        {k: c[k] for k in ("fact", "profile_value", "document_value", "source", "page")}
        for c in report["contradictions"]
    ] == [
        {
            "fact": "prix de Coupe homme",
            "profile_value": "28 €",
            "document_value": "26 €",
            "source": "tarifs-prestations.csv",
            "page": None,
        }
    ]
    again = _reindex("--json", "--sources", str(small_salon), "--db", str(tmp_path / "kb"))
    unchanged = json.loads(again.stdout)
    assert unchanged["rebuilt"] is False
    assert unchanged["contradictions"] == report["contradictions"]
    asked = subprocess.run(
        [str(ROOT / "scripts" / "ask"), "--db", str(tmp_path / "kb"), "--json", "-k", "4"],
        input="c'est combien une coupe homme\n",
        capture_output=True,
        text=True,
        env=dict(os.environ, BOOTSTRAP_QUIET="1"),
        timeout=120,
    )
    passages = json.loads(asked.stdout)["passages"]
    assert passages[0]["source"] == "salon.toml" and "outdated" not in passages[0]
    marked = [p for p in passages if "outdated" in p]
    assert [p["source"] for p in marked] == ["tarifs-prestations.csv"]
    assert marked[0]["outdated"] == (
        "prix de Coupe homme : ce passage dit 26 €, périmé ; "
        "la fiche du salon, qui fait foi, dit 28 €"
    )


def test_reindex_ends_with_the_contradictions_for_the_owner_and_serves_anyway(
    small_salon: Path, tmp_path: Path
) -> None:
    done = _reindex("--sources", str(small_salon), "--db", str(tmp_path / "kb"))
    assert done.returncode == 0, done.stderr
    section = done.stdout.split("Contradictions avec salon.toml (1)", 1)[1]
    row = next(line for line in section.splitlines() if line.startswith("prix de Coupe homme"))
    assert row.split() == [
        "prix",
        "de",
        "Coupe",
        "homme",
        "28",
        "€",
        "26",
        "€",
        "tarifs-prestations.csv",
    ]
    assert "en service" in done.stdout.splitlines()[-1]
    shutil.copy(FIXTURE_SALON / "tarifs-prestations.csv", small_salon / "tarifs-prestations.csv")
    fixed = _reindex("--sources", str(small_salon), "--db", str(tmp_path / "kb"))
    assert "Contradictions : aucune entre salon.toml et les documents." in fixed.stdout


def test_a_service_alias_inside_another_service_word_is_not_that_service(salon: Path) -> None:
    # « coloration » is not « décoloration »: the owner's alias for the full colour must
    # not make every « Décoloration complète » row of the documents contradict its price.
    _replace(
        salon / "salon.toml",
        'aliases = ["couleur longue", "coloration longs", "couleur complète"]',
        'aliases = ["couleur longue", "couleur complète", "coloration"]',
    )
    assert _contradictions(salon) == []
