"""Unit tier: structure-aware chunking (sizes, section paths, merging, kinds)."""

from __future__ import annotations

import pytest

from ingest.chunking import ChunkingOptions, chunk_document, classify
from ingest.document import Document


def _doc() -> Document:
    doc = Document(title="Guide du salon")
    doc.heading("Guide du salon", 1)  # repeats the title: not part of the section path
    doc.text("Bienvenue au salon.")
    doc.heading("Tarifs", 2)
    doc.heading("Homme", 3)
    doc.row(["Coupe homme", "30 min", "28 €"])
    doc.row(["Taille de barbe", "20 min", "18 €"])
    doc.heading("Questions", 2)
    doc.heading("Wi-Fi ?", 3)
    doc.text("Oui, gratuit.")
    doc.heading("Chiens ?", 3)
    doc.text("Chiens guides seulement.")
    return doc


def test_sections_are_heading_paths_without_the_title() -> None:
    chunks = chunk_document(_doc(), source="guide.md")
    prices = next(c for c in chunks if "Coupe homme" in c.text)
    assert prices.section == "Tarifs > Homme"
    assert prices.title == "Guide du salon"
    assert prices.text.splitlines() == [
        "Coupe homme — 30 min — 28 €",
        "Taille de barbe — 20 min — 18 €",
    ]
    assert prices.indexed_text().startswith("Guide du salon — Tarifs > Homme\n")


def test_tiny_prose_siblings_merge_under_their_parent_keeping_their_headings() -> None:
    chunks = chunk_document(_doc(), source="guide.md")
    merged = next(c for c in chunks if "Wi-Fi" in c.text)
    assert merged.section == "Questions"
    assert merged.text == "Wi-Fi ? Oui, gratuit.\nChiens ? Chiens guides seulement."


def test_a_small_price_table_is_never_merged_away_from_its_heading() -> None:
    doc = Document(title="Tarifs")
    for category, row in (("Femme", "Frange"), ("Homme", "Barbe")):
        doc.heading(category, 2)
        doc.row([row, "15 min", "12 €"])
    chunks = chunk_document(doc, source="t.md")
    assert [(c.section, c.text) for c in chunks] == [
        ("Femme", "Frange — 15 min — 12 €"),
        ("Homme", "Barbe — 15 min — 12 €"),
    ]


def test_long_sections_split_at_sentences_and_rows_are_never_cut() -> None:
    doc = Document(title="Long")
    doc.heading("Politique", 1)
    doc.text(" ".join(f"Phrase numéro {i} sur les annulations du salon." for i in range(60)))
    doc.heading("Tarifs", 1)
    for i in range(40):
        doc.row([f"Prestation {i}", "30 min", f"{i} €"])
    opts = ChunkingOptions(max_chars=300)
    chunks = chunk_document(doc, source="long.md", options=opts)
    assert all(len(c.text) <= 300 for c in chunks)
    prose = [c for c in chunks if c.section == "Politique"]
    assert len(prose) > 3 and all(c.text.endswith("salon.") for c in prose)
    rows = [line for c in chunks if c.section == "Tarifs" for line in c.text.splitlines()]
    assert rows == [f"Prestation {i} — 30 min — {i} €" for i in range(40)]
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


def test_a_single_overlong_sentence_is_cut_at_spaces() -> None:
    doc = Document(title="X")
    doc.text("mot " * 400)
    chunks = chunk_document(doc, source="x.txt", options=ChunkingOptions(max_chars=200))
    assert all(0 < len(c.text) <= 200 for c in chunks)
    assert sum(c.text.count("mot") for c in chunks) == 400


@pytest.mark.parametrize(
    ("text", "section", "source", "kind"),
    [
        ("Coupe homme — 30 min — 28 €", "Homme", "tarifs.pdf", "price"),
        ("Diagnostic — 15 min — gratuit", "Conseil", "tarifs.pdf", "price"),
        ("Mardi — 9h30 – 19h\nJeudi — 9h30 – 20h30", "Horaires", "site/a.html", "hours"),
        ("Le mardi de 9h à 19h, le jeudi de 9h à 20h.", "Infos", "a.md", "hours"),
        ("Annulation gratuite 24 heures avant.", "Annulation et retards", "a.pdf", "policy"),
        ("Oui, gratuit.", "Accès > Y a-t-il du Wi-Fi ?", "faq.md", "faq"),
        ("Margaux a ouvert le salon en 2014.", "Margaux Delorme", "site/equipe.html", "other"),
    ],
)
def test_kinds_follow_simple_rules(text: str, section: str, source: str, kind: str) -> None:
    assert classify(text=text, section=section, title="Doc", source=source) == kind


def test_a_heading_kind_forces_the_kind_of_its_subsections() -> None:
    doc = Document(title="Fiche")
    doc.heading("Horaires", 1, kind="hours")
    doc.heading("Semaine", 2)
    doc.text("Ouvert du mardi au samedi.")
    assert chunk_document(doc, source="salon.toml")[0].kind == "hours"


def test_an_answer_under_its_own_question_is_a_passage_of_its_own() -> None:
    doc = Document(title="FAQ")
    doc.heading("Questions", 2)
    doc.heading("Puis-je venir avec mon chien ?", 3)
    doc.text("Seuls les chiens d'assistance sont admis, pour les clients allergiques.")
    doc.heading("Faut-il verser un acompte ?", 3)
    doc.text("Oui, trente pour cent pour les prestations de plus de 150 euros.")
    chunks = chunk_document(doc, source="faq.md")
    assert [c.section for c in chunks] == [
        "Questions > Puis-je venir avec mon chien ?",
        "Questions > Faut-il verser un acompte ?",
    ]
