"""Unit and integration tiers: the salon vocabulary (`kb.lexicon`) and what it changes in
retrieval. The index uses the deterministic bag-of-words embedder, so only the lexical
side and the general signals decide, and each case can be switched off to show it counts.
"""

from __future__ import annotations

import pytest

from kb.lexicon import (
    ADDRESS,
    AGE,
    DURATION,
    FREQUENCY,
    HOURS,
    PRICE,
    TEAM,
    frame_words,
    implied_days,
    normalise_spoken,
    passage_types,
    question_types,
    related,
    written_forms,
)
from kb.retriever import Retriever, SearchOptions, rejoin_split_words
from kb.text import tokens
from tests.kb.conftest import retriever_over

PASSAGES = [
    ("tarifs.csv", "Mèches et balayage", "Balayage — 2 h 30 — 115 €"),
    ("tarifs.csv", "Homme", "Coupe homme — 30 min — 28 €"),
    ("faq.md", "Couleur", "Un balayage dure jusqu'à quatre mois, puis se refait."),
    ("faq.md", "Paiement", "Nous acceptons la carte bancaire, les espèces et le sans contact."),
    ("faq.md", "Accès", "Le parking Bellecour est à 300 mètres, ouvert jour et nuit."),
    ("faq.md", "Enfants", "Nous coiffons les enfants dès 3 ans, accompagnés d'un adulte."),
    ("faq.md", "Rendez-vous", "Nous prenons les clients sans rendez-vous le samedi matin."),
    (
        "faq.md",
        "Rendez-vous",
        "Rendez-vous : annulation sans frais jusqu'à 24 heures avant le rendez-vous.",
    ),
    ("equipe.html", "Karim", "Karim, barbier : dégradés à la tondeuse et taille de barbe."),
    ("site.html", "Horaires", "Le salon est ouvert du mardi au samedi, de 9 h 30 à 19 h."),
    (
        "faq.md",
        "Couleur",
        "Couleur des racines : refaire la couleur des racines toutes les six semaines.",
    ),
    ("tarifs.csv", "Couleur", "Couleur racines — 1 h — 44 €"),
]


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    return retriever_over(PASSAGES, tmp_path_factory.mktemp("kb-lexicon"))


def _top(retriever: Retriever, question: str, **options: bool) -> str:
    return retriever.search(question, k=1, options=SearchOptions(**options)).passages[0].text


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("vous prenez la carte bleue", "vous prenez carte bancaire"),
        ("je peux payer en cb", "je peux payer en carte bancaire"),
        ("prendre un rdv", "prendre un rendez-vous"),
        ("vous êtes dispo cet aprèm", "vous êtes disponible cet après-midi"),
        ("je voudrais me faire friser", "je voudrais me faire une permanente"),
        ("coiffer la mariée à la maison", "coiffer la mariée à domicile"),
        ("on passe à l'improviste", "on passe sans rendez-vous"),
        ("la wi-fi", "la wifi"),
    ],
)
def test_spoken_forms_take_their_written_form(said: str, written: str) -> None:
    assert normalise_spoken(said) == written


def test_synonyms_are_symmetric_stems_and_leave_other_words_alone() -> None:
    [meches], [reflets] = tokens("mèches"), tokens("reflets")
    assert reflets in related(meches) and meches in related(reflets)
    assert related(tokens("rendez")[0]) == frozenset()


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("le parking il coûte combien de l'heure", [PRICE]),  # a price per hour
        ("j'aurai un quart d'heure de retard", []),  # a length of time, not the hours
        ("tous les combien faut refaire un balayage", [FREQUENCY]),  # how often, no price
        ("le bus il passe toutes les combien de minutes", [FREQUENCY]),
        ("à partir de quel âge vous coupez les enfants", [AGE]),
        ("le mercredi vous faites la pause déjeuner ou c'est en continu", [HOURS]),
        ("après le déjeuner vous rouvrez à quelle heure", [HOURS]),
        ("combien de clients vous coiffez par jour", []),  # a count
        ("à quelle heure vous fermez le samedi", [HOURS]),
        ("je peux passer à 18 heures 30", [HOURS]),
        ("la coupe ça fait combien de minutes", [DURATION]),
        ("qui est-ce qui fait les couleurs", [TEAM]),
        ("c'est où le salon", [ADDRESS]),
        ("où est-ce que je peux me garer", []),  # where to park, not the address
        ("vous êtes ouverts au mois d'août", []),  # a closure, not the week's hours
        ("karim il est là le jeudi", [TEAM]),
    ],
)
def test_the_kind_of_answer_is_read_from_how_the_question_is_put(
    question: str, kinds: list[str]
) -> None:
    assert question_types(question) == kinds


def test_the_week_hours_are_several_days_or_a_range_not_one_dated_day() -> None:
    assert HOURS in passage_types("Lundi — Fermé\nMardi — 9h30 – 19h\nMercredi — 9h30 – 19h")
    assert HOURS in passage_types("Ouvert du mardi au samedi de 9 h 30 à 19 h.")
    assert HOURS not in passage_types("Le vendredi 24 décembre : ouvert de 9h à 16h.")


def test_how_often_and_how_old_are_kinds_a_passage_holds_or_not() -> None:
    assert FREQUENCY in passage_types("En général toutes les quatre à six semaines.")
    assert FREQUENCY in passage_types("Bus 12 : un passage toutes les 10 minutes")
    assert FREQUENCY not in passage_types("Arrêt Saint-Marc à deux minutes à pied")
    assert AGE in passage_types("Coupe enfant (moins de 10 ans) — 15 €")
    assert AGE not in passage_types("Maëlys, apprentie, le mardi et le samedi")


def test_the_weather_is_not_a_length_of_time() -> None:
    assert "météo" in normalise_spoken("quel temps il va faire demain")
    assert "météo" not in normalise_spoken("ça prend combien de temps")


def test_a_team_passage_is_known_by_its_heading_or_its_specialities() -> None:
    assert passage_types("L'équipe — Karim\nBarbier, le mardi") == [TEAM]
    assert passage_types("Karim\nSpécialités : dégradés") == [TEAM]
    assert passage_types("Le salon\nNotre salon a une équipe de quatre coiffeurs") == []


def test_questions_and_passages_share_a_token_for_the_kind_of_answer() -> None:
    assert question_types("ça prend combien de temps un balayage") == [DURATION]
    assert PRICE in question_types("c'est combien une coupe")
    assert passage_types("Balayage — 2 h 30 — 115 €") == [DURATION, PRICE]
    assert tokens("prend")[0] in frame_words([DURATION])
    assert frame_words([]) == frozenset()


@pytest.mark.parametrize(
    ("question", "expected", "switch"),
    [
        ("vous prenez la cb", "carte bancaire", "lexicon"),
        ("ça dure combien de temps un balayage", "Balayage — 2 h 30", "answer_types"),
        ("on peut venir sans rendez vous", "sans rendez-vous le samedi", "phrases"),
        ("la couleur des racines c'est combien", "Couleur racines — 1 h — 44 €", "kind_boost"),
    ],
)
def test_a_paraphrase_finds_its_passage_and_does_not_without_the_help(
    retriever: Retriever, question: str, expected: str, switch: str
) -> None:
    assert expected in _top(retriever, question)
    assert expected not in _top(
        retriever, question, **{switch: type(getattr(SearchOptions(), switch))(0)}
    )


def test_a_synonym_with_no_shared_word_finds_the_service_and_counts_as_found(
    retriever: Retriever,
) -> None:
    found = retriever.search("vous faites des reflets", k=1)
    assert "alayage" in found.passages[0].text and found.answerable
    without = retriever.search("vous faites des reflets", k=1, options=SearchOptions(lexicon=False))
    assert not without.answerable


@pytest.mark.parametrize(
    "question",
    [
        "vous prenez la carte bleue",
        "il y a un parking à côté",
        "c'est qui qui fait les dégradés",
        "vous coiffez mon fils de quatre ans",
    ],
)
def test_answerable_paraphrases_are_not_flagged(retriever: Retriever, question: str) -> None:
    assert retriever.search(question, k=3).answerable


@pytest.mark.parametrize(
    "question",
    [
        "vous faites la manucure",
        "c'est combien une épilation des sourcils",
        "vous vendez des perruques pour enfants",
        "vous faites le maquillage avec la coupe homme",
    ],
)
def test_services_the_documents_never_mention_are_flagged_even_sharing_words(
    retriever: Retriever, question: str
) -> None:
    assert not retriever.search(question, k=3).answerable


def test_a_range_of_weekdays_names_the_days_between() -> None:
    assert implied_days("Ouvert du mardi au vendredi de 9h à 19h") == tokens("mercredi jeudi")
    assert implied_days("Mardi–Samedi : 9h-19h") == tokens("mercredi jeudi vendredi")
    assert implied_days("Fermé le lundi et le mardi") == []


def test_a_day_inside_a_range_finds_the_hours_that_give_it(retriever: Retriever) -> None:
    found = retriever.search("vous êtes ouverts le mercredi", k=1)
    assert "du mardi au samedi" in found.passages[0].text


def test_a_word_the_recogniser_cut_in_two_is_put_back_together(retriever: Retriever) -> None:
    snap = retriever._snapshot
    assert rejoin_split_words("vous faites les bar bes", snap) == "vous faites les barbes"
    assert rejoin_split_words("un dé gradés", snap) == "un dégradés"
    assert rejoin_split_words("la coupe homme", snap) == "la coupe homme"  # both known
    assert rejoin_split_words("mon petit chien", snap) == "mon petit chien"  # no « monpetit »


def test_a_misspelt_service_that_sounds_right_finds_its_passage(retriever: Retriever) -> None:
    found = retriever.search("c'est combien un balaillage", k=1)
    assert "Balayage — 2 h 30" in found.passages[0].text


def test_a_document_saying_monsieur_or_madame_names_who_the_service_is_for() -> None:
    assert set(tokens("coupe homme")) <= set(tokens(written_forms("Coupe Monsieur — 25 €")))
    assert set(tokens("forfait femme")) <= set(tokens(written_forms("Forfait Madame")))
    assert tokens("bonjour madame") == []  # a caller's greeting names no one
