"""Integration tier: price lists written as prose, two services and their prices per sentence.

Owners write « La coupe homme est à 22 €, et la coupe avec barbe à 30 € » or « Coupe
enfant : 14 € (moins de 10 ans), 18 € pour les ados ». Each price must be compared with
the service its own words name, never with the other service of the sentence: documents
that agree with `salon.toml` report nothing, and a price changed inside such a sentence is
reported for the right service, value, document and page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from ingest.pipeline import ingest_directory
from kb.contradictions import Contradiction, find_contradictions, for_owner, profile_of
from tests.fixtures.isolation import FIXTURE_SALON

_PROFILE = """\
[salon]
name = "Chez Lucien"
short_name = "Lucien"
address = "4 rue des Tanneurs, 67000 Strasbourg"
phone = "+33388000000"
timezone = "Europe/Paris"

[hours]
tuesday = [["09:00", "19:00"]]

[[services]]
id = "coupe-homme"
name = "Coupe homme"
duration = 30
price = 22

[[services]]
id = "coupe-barbe"
name = "Coupe homme avec barbe"
duration = 45
price = 30
aliases = ["coupe avec barbe", "coupe et barbe"]

[[services]]
id = "barbe"
name = "Taille de barbe"
duration = 15
price = 12
aliases = ["barbe"]

[[services]]
id = "coupe-enfant"
name = "Coupe enfant, moins de 10 ans"
duration = 20
price = 14
aliases = ["coupe enfant"]

[[services]]
id = "coupe-ado"
name = "Coupe ado"
duration = 30
price = 18
aliases = ["ados", "coupe adolescent"]

[[services]]
id = "couleur-racines"
name = "Couleur racines"
duration = 60
price = 39

[[services]]
id = "balayage"
name = "Balayage"
duration = 120
price = 79
price_from = true

[[services]]
id = "scb-dame"
name = "Shampoing-coupe-brushing dame"
duration = 45
price = 42
"""

_LONG_HAIR = """
[[services]]
id = "scb-dame-longs"
name = "Shampoing-coupe-brushing dame, cheveux longs"
duration = 60
price = 48
"""

# Page 1, then page 2: each sentence names two services with their prices.
_PAGES = (
    (
        "La coupe homme est à 22 €, et la coupe avec barbe à 30 €.",
        "Coupe homme : 22 €, taille de barbe : 12 €.",
        "La taille de barbe à 12 € ; pour la coupe et barbe comptez 30 €.",
        "Comptez 22 € pour une coupe homme et 30 € pour la coupe avec barbe.",
    ),
    (
        "Coupe enfant : 14 € (moins de 10 ans), 18 € pour les ados.",
        "Le shampoing-coupe-brushing dame est à 42 €, 48 € pour cheveux longs.",
        "La couleur racines est à 39 €, et le balayage à partir de 79 €.",
    ),
)
PDF = "tarifs-en-phrases.pdf"


def _build_pdf(out: Path, pages: tuple[tuple[str, ...], ...]) -> None:
    rl_config.invariant = 1  # reproducible bytes
    body = getSampleStyleSheet()["BodyText"]
    story: list = []
    for n, sentences in enumerate(pages):
        if n:
            story.append(PageBreak())
        story += [Paragraph(sentence, body) for sentence in sentences]
    SimpleDocTemplate(str(out), pagesize=A4, title="Nos prix").build(story)


def _salon(folder: Path, *, long_hair: bool, pages: tuple[tuple[str, ...], ...]) -> Path:
    folder.mkdir()
    profile = _PROFILE + (_LONG_HAIR if long_hair else "")
    (folder / "salon.toml").write_text(profile, encoding="utf-8")
    _build_pdf(folder / PDF, pages)
    return folder


def _contradictions(folder: Path) -> list[Contradiction]:
    return for_owner(find_contradictions(profile_of(folder), ingest_directory(folder).facts))


def _where(found: list[Contradiction]) -> set[tuple[str, str | None, str, str, int | None]]:
    return {(c.fact, c.profile_value, c.document_value, c.source, c.page) for c in found}


@pytest.mark.parametrize("long_hair", [True, False], ids=["both-variants", "first-only"])
def test_a_prose_price_list_naming_two_services_per_sentence_agrees_with_the_profile(
    tmp_path: Path, long_hair: bool
) -> None:
    salon = _salon(tmp_path / "salon", long_hair=long_hair, pages=_PAGES)
    assert _contradictions(salon) == []


def test_a_price_changed_inside_such_a_sentence_is_reported_for_its_own_service(
    tmp_path: Path,
) -> None:
    planted = (
        (
            "La coupe homme est à 22 €, et la coupe avec barbe à 32 €.",
            *_PAGES[0][1:],
        ),
        (
            "Coupe enfant : 14 € (moins de 10 ans), 20 € pour les ados.",
            "Le shampoing-coupe-brushing dame est à 42 €, 52 € pour cheveux longs.",
            "La couleur racines est à 39 €, et le balayage à partir de 89 €.",
        ),
    )
    salon = _salon(tmp_path / "salon", long_hair=True, pages=planted)
    assert _where(_contradictions(salon)) == {
        ("prix de Coupe homme avec barbe", "30 €", "32 €", PDF, 1),
        ("prix de Coupe ado", "18 €", "20 €", PDF, 2),
        ("prix de Shampoing-coupe-brushing dame, cheveux longs", "48 €", "52 €", PDF, 2),
        ("prix de Balayage", "à partir de 79 €", "à partir de 89 €", PDF, 2),
    }


_FIXTURE_PROSE = """\
# Nos prix, en quelques phrases

## Pour eux

La coupe homme est à 28 €, et la coupe avec barbe à 42 €.

Coupe homme : 28 €, coupe et barbe : 42 €.

La taille de barbe à 18 € ; pour la coupe et barbe comptez 42 €.

La coupe homme est à 28 €, 32 € en dégradé à la tondeuse.

La coupe homme est à 28 €, 18 € pour la taille de barbe.

Une coupe homme coûte 28 €, avec la barbe c'est 42 €.

## Enfants

Coupe enfant : 16 € (moins de 10 ans), 22 € pour les ados.

## Couleurs

La couleur complète est à 58 € sur cheveux courts, 72 € sur cheveux mi-longs ou longs.

Le balayage est à 89 € sur cheveux courts à mi-longs, 115 € sur cheveux longs.

Les mèches : 65 € (cheveux courts), 85 € pour cheveux mi-longs ou longs.
"""


def test_the_fixture_salon_described_in_such_sentences_has_no_contradiction(
    tmp_path: Path,
) -> None:
    salon = tmp_path / "salon"
    shutil.copytree(FIXTURE_SALON, salon)
    (salon / "nos-prix.md").write_text(_FIXTURE_PROSE, encoding="utf-8")
    assert _contradictions(salon) == []


def test_in_the_fixture_salon_the_second_service_of_a_sentence_is_checked_too(
    tmp_path: Path,
) -> None:
    salon = tmp_path / "salon"
    shutil.copytree(FIXTURE_SALON, salon)
    planted = _FIXTURE_PROSE.replace("115 € sur cheveux longs", "119 € sur cheveux longs")
    (salon / "nos-prix.md").write_text(planted, encoding="utf-8")
    assert _where(_contradictions(salon)) == {
        ("prix de Balayage, cheveux longs", "115 €", "119 €", "nos-prix.md", None)
    }


def test_without_a_profile_two_services_of_one_sentence_are_not_one_thing_priced_twice(
    tmp_path: Path,
) -> None:
    sentences = [s for page in _PAGES for s in page]
    (tmp_path / "tarifs.md").write_text(
        "# Tarifs\n\n" + "\n\n".join(sentences) + "\n", encoding="utf-8"
    )
    assert _contradictions(tmp_path) == []
