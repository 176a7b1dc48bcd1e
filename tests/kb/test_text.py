"""Unit tests: French folding, BM25 tokens and spoken-query clean-up."""

from __future__ import annotations

import pytest

from kb.text import (
    action_nouns,
    clean_spoken,
    fold,
    question_hints,
    sounds_like,
    tokens,
    words_to_digits,
)


def test_fold_strips_accents_ligatures_and_case() -> None:
    assert fold("Kératine À L’ŒIL") == "keratine a l'oeil"


def test_tokens_drop_stop_words_and_meet_accented_and_plain_spellings() -> None:
    assert tokens("le soin à la kératine") == tokens("soin keratine")
    assert "combien" not in " ".join(tokens("c'est combien un balayage"))


def test_tokens_keep_numbers_without_leading_zeros() -> None:
    assert tokens("ouvert de 09h30 à 19h") == ["ouvert", "9", "30", "19"]


@pytest.mark.parametrize(
    ("spoken", "digits"),
    [
        ("vingt-cinq euros", "25 euros"),
        ("le vingt quatre décembre", "le 24 décembre"),
        ("quatre-vingt-dix", "90"),
        ("soixante et onze", "71"),
        ("deux mille vingt six", "2026"),
        ("cent vingt", "120"),
        ("mille cinq cents", "1500"),
        ("dix huit heures trente", "18 heures 30"),
    ],
)
def test_numbers_said_as_words_become_digits(spoken: str, digits: str) -> None:
    assert words_to_digits(spoken) == digits


def test_articles_un_and_une_are_not_turned_into_numbers() -> None:
    assert words_to_digits("un balayage et une coupe") == "un balayage et une coupe"


def test_clean_spoken_drops_fillers_and_converts_numbers() -> None:
    cleaned = clean_spoken("euh ben du coup c'est combien pour vingt minutes s'il vous plaît")
    assert cleaned == "c'est combien pour 20 minutes"


@pytest.mark.parametrize(
    ("said", "cleaned"),
    [
        ("ouais bonjour c'est pour une coupe", "bonjour c'est pour une coupe"),
        ("vous ouvrez à quelle heure ma petite dame", "vous ouvrez à quelle heure"),
        ("écoutez dites-moi vous faites les couleurs", "vous faites les couleurs"),
    ],
)
def test_clean_spoken_drops_discourse_markers(said: str, cleaned: str) -> None:
    assert clean_spoken(said) == cleaned


def test_compounds_also_match_their_joined_spelling() -> None:
    assert set(tokens("le wifi")) <= set(tokens("Wi-Fi gratuit"))
    assert "lentre" not in tokens("l'entrée")  # an elided article is not a compound


def test_sans_is_kept_because_it_changes_the_meaning() -> None:
    assert "san" in tokens("venir sans rendez-vous")


def test_where_questions_also_search_the_address_but_or_does_not() -> None:
    assert question_hints("vous êtes où exactement") == tokens("adresse")
    assert question_hints("Où ?") == tokens("adresse")
    assert question_hints("une coupe ou un brushing") == []


@pytest.mark.parametrize(
    ("said", "written"),
    [("ouverts", "ouverture"), ("coiffer", "coiffure"), ("teint", "teinture")],
)
def test_a_verb_or_participle_meets_its_noun_in_ure(said: str, written: str) -> None:
    assert tokens(said) == tokens(written)


@pytest.mark.parametrize(
    ("one", "other"),
    [("couleur", "couler"), ("retour", "retirer"), ("raser", "rasage"), ("sécher", "séchage")],
)
def test_words_in_eur_our_and_age_keep_their_own_stem(one: str, other: str) -> None:
    assert tokens(one) != tokens(other)


def test_short_words_ending_in_ur_are_left_whole() -> None:
    assert tokens("pur dur mur") == ["pur", "dur", "mur"]


@pytest.mark.parametrize(
    ("said", "noun"),
    [("me faire raser", "rasage"), ("vous lissez", "lissage"), ("balayer", "balayage")],
)
def test_a_verb_said_knows_the_noun_in_age_documents_use(said: str, noun: str) -> None:
    [verb] = tokens(said)
    assert action_nouns(said) == {verb: frozenset(tokens(noun))}


def test_a_noun_is_never_derived_so_a_hair_dryer_is_not_drying() -> None:
    assert action_nouns("vous vendez des sèche-cheveux") == {
        tokens("vendez")[0]: frozenset(tokens("vendage"))
    }
    assert action_nouns("un sèche-cheveux") == {}


def test_auxiliary_verbs_and_grammar_compounds_are_not_topic_words() -> None:
    assert tokens("je suis en fauteuil, je pourrai entrer ?") == tokens("fauteuil entrer")
    assert tokens("j'aurai un quart d'heure de retard") == tokens("quart heure retard")
    assert tokens("est-ce que vous avez les bons cadeaux") == tokens("cadeaux")
    assert "rendezvous" in tokens("rendez-vous")  # a compound with one stop word stays


@pytest.mark.parametrize(
    ("said", "written"),
    [("balaillage", "balayage"), ("brouching", "brushing"), ("kératyne", "kératine")],
)
def test_a_misspelling_that_sounds_the_same_has_the_same_key(said: str, written: str) -> None:
    assert sounds_like(tokens(said)[0]) == sounds_like(tokens(written)[0])


def test_words_that_sound_different_keep_different_keys() -> None:
    assert sounds_like(tokens("coupe")[0]) != sounds_like(tokens("couleur")[0])
    assert sounds_like(tokens("permanente")[0]) != sounds_like(tokens("patine")[0])
