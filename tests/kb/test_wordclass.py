"""Unit tier: the kinds of words a caller says (`kb.wordclass`), for the answerable flag.

Time and quantity words and -ment adverbs are not topic words; nouns are the words said
right after a determiner; a -ment word after a determiner is a noun (« le paiement »).
"""

from __future__ import annotations

import pytest

from kb.lexicon import DURATION, HOURS
from kb.text import tokens
from kb.wordclass import QUANTITY_WORDS, TIME_WORDS, said_words


def _stems(*words: str) -> set[str]:
    return {t for word in words for t in tokens(word)}


@pytest.mark.parametrize(
    ("question", "minor"),
    [
        ("vous fermez à quelle heure le jeudi soir", {"heure", "jeudi", "soir"}),
        ("je peux annuler la veille", {"veille"}),
        ("et le lendemain matin", {"lendemain", "matin"}),
        ("vous êtes ouverts en août pendant les vacances de printemps", {"août", "printemps"}),
        ("j'arrive avec vingt minutes de retard", {"vingt", "minutes"}),
        ("ma fille a neuf ans", {"neuf", "ans"}),
        ("c'est moins de cinquante euros", {"cinquante", "euros"}),
        ("on peut se garer facilement", {"facilement"}),
        ("vous êtes actuellement ouverts", {"actuellement"}),
        ("c'est pour une demi-heure", {"demi", "heure"}),
        ("je peux payer en plusieurs fois", {"plusieurs"}),
    ],
)
def test_time_quantity_words_and_adverbs_are_minor(question: str, minor: set[str]) -> None:
    assert said_words(question).minor == _stems(*minor)


@pytest.mark.parametrize(
    "question",
    [
        "le paiement par fois",  # a -ment noun after a determiner; "fois" is left out
        "vous faites les coiffures de soirée",  # "soirée" is also an event a salon may serve
        "une coupe pour mon chien",
        "je peux payer en arrivant",  # a participle, not a -ment adverb
    ],
)
def test_topic_words_are_not_minor(question: str) -> None:
    assert said_words(question).minor == frozenset()


def test_a_noun_is_a_word_after_a_determiner_but_a_time_word_is_not() -> None:
    said = said_words("le paiement de la veille pour mon chien")
    assert said.nouns == _stems("paiement", "chien")
    assert said.minor == _stems("veille")


def test_a_stem_said_as_a_noun_elsewhere_stays_a_noun() -> None:
    said = said_words("vous organisez des soirées le jeudi soir")
    # "des soirées" names a thing (an event) and shares its stem with "soir"
    assert "soir" in said.nouns and "soir" not in said.minor
    assert said.minor == _stems("jeudi")


def test_the_closed_classes_are_folded_single_words() -> None:
    for word in TIME_WORDS | QUANTITY_WORDS:
        assert word == word.lower() and word.isalpha() and word.isascii(), word


@pytest.mark.parametrize(
    ("question", "story"),
    [
        (
            "j'ai une crinière énorme est-ce que la couleur me coûtera plus cher",
            {"crinière", "énorme"},
        ),
        ("mon bébé a dix-huit mois c'est qui chez vous qui a l'habitude", {"bébé"}),
        ("c'est pour mon petit il a quatre ans vous prenez combien", {"petit"}),
        # a dislocated subject tells no story: « le marché » is what is asked about
        ("le marché de la place il finit à quelle heure", set()),
        # a request names the topic before the question word
        ("je voudrais une coupe homme c'est combien", set()),
        ("vous vendez des sèche-cheveux", set()),
        # « ça » takes up the thing asked about: it is not part of the story
        ("j'ai une pause à midi le dégradé ça prend combien de temps", {"pause", "midi"}),
        ("mon fils il a peur des ciseaux", set()),  # no question word: all of it is asked
    ],
)
def test_the_story_told_before_the_question_is_told_apart(question: str, story: set[str]) -> None:
    assert _stems(*story) <= said_words(question).story
    if not story:
        assert said_words(question).story == frozenset()


def test_a_word_said_in_the_story_and_in_the_question_is_asked() -> None:
    words = said_words("j'ai une couleur ratée est-ce que vous refaites la couleur")
    assert not (_stems("couleur") & words.story)


def test_the_kind_of_answer_is_read_from_the_question_not_the_story() -> None:
    question = "j'ai une pause d'une heure à midi le dégradé ça prend combien de temps"
    assert said_words(question).kinds == (DURATION,)
    assert HOURS in said_words("vous faites la pause de midi").kinds
