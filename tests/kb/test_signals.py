"""Unit and integration tiers: the `unknown` signals of the answerable flag (`kb.signals`).

A topic word the caller says that no passage of the index speaks of — not as written, not
as a longer word, not as a look-alike, not through a salon synonym — is evidence that the
documents do not answer; more so when it is a noun (said after a determiner). The index
uses the deterministic bag-of-words embedder (the model-independent weights), and one
case runs on the real e5 model with its own calibration.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb.confidence import ANSWERABLE_AT, Signals, confidence
from kb.indexer import reindex
from kb.lexicon import passage_types
from kb.retriever import Retriever
from kb.signals import answer_signals
from kb.text import tokens
from kb.wordclass import SaidWords, said_words
from tests.kb.conftest import SALON_FILES, paragraph_ingest, retriever_over

PASSAGES = [
    ("tarifs.csv", "Femme", "Coupe femme et brushing — 45 min — 48 €"),
    ("tarifs.csv", "Homme", "Coupe homme — 30 min — 28 €"),
    ("tarifs.csv", "Enfants", "Coupe enfant, moins de 10 ans — 20 min — 16 €"),
    ("tarifs.csv", "Couleur", "Balayage, cheveux longs — 2 h 30 — 115 €"),
    ("faq.md", "Paiement", "Nous acceptons la carte bancaire et les espèces."),
    ("faq.md", "Accès", "Parking Bellecour à 300 mètres, ouvert jour et nuit."),
    ("faq.md", "Horaires", "Ouvert du mardi au samedi, de 9 h 30 à 19 h."),
]


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    return retriever_over(PASSAGES, tmp_path_factory.mktemp("kb-signals"))


@pytest.mark.parametrize(
    ("said", "nouns"),
    [
        ("c'est combien une coupe pour mon chien", {"coupe", "chien"}),
        ("il va faire beau pour la météo de demain", {"météo"}),  # "demain": a time word
        ("l'âge minimum pour les enfants", {"enfants"}),  # "âge": a time word
        ("le tarif des tresses africaines", {"tarif", "tresses"}),
        ("je peux annuler facilement", set()),
    ],
)
def test_the_nouns_said_are_the_words_after_a_determiner(said: str, nouns: set[str]) -> None:
    assert said_words(said).nouns == {t for word in nouns for t in tokens(word)}


def test_a_key_noun_no_passage_mentions_is_flagged(retriever: Retriever) -> None:
    result = retriever.search("c'est combien une coupe pour mon chien", k=3)
    assert "Coupe" in result.passages[0].text  # "coupe" is found: the retrieval is not empty
    assert not result.answerable
    signals = retriever.signals("c'est combien une coupe pour mon chien")
    assert signals is not None and signals.unknown_noun > 0
    # The unknown-word evidence is what pulls it down: the shared "coupe" scores higher.
    plain = Signals(**{**signals.__dict__, "unknown": 0.0, "unknown_noun": 0.0})
    model = "fake/bag-of-words"
    assert confidence(plain, model=model) > confidence(signals, model=model) + 0.3
    assert result.confidence < ANSWERABLE_AT


@pytest.mark.parametrize(
    "question",
    [
        "c'est combien une coupe pour mon fils",  # "fils" ~ "enfant"
        "combien coûtent les reflets",  # "reflets" ~ "balayage"
        "vous prenez la carte bleue",  # spoken form of "carte bancaire"
        "je peux garer ma voiture",  # "garer", "voiture" ~ "parking"
    ],
)
def test_a_paraphrase_through_the_lexicon_is_not_unknown(
    retriever: Retriever, question: str
) -> None:
    signals = retriever.signals(question)
    assert signals is not None and signals.unknown == signals.unknown_noun == 0.0
    assert retriever.search(question, k=3).answerable


def test_a_speech_recognition_slip_is_not_an_unknown_word(retriever: Retriever) -> None:
    signals = retriever.signals("c'est combien le balayache")
    assert signals is not None and signals.unknown == 0.0


def test_an_unknown_verb_weighs_as_unknown_but_not_as_a_noun(retriever: Retriever) -> None:
    signals = retriever.signals("je peux payer en carte bancaire en sortant")
    assert signals is not None and signals.unknown > 0 and signals.unknown_noun == 0.0


class _Index:
    """The least an index view needs: two passages' words."""

    def __init__(self, passages: list[str]) -> None:
        self.doc_terms = [frozenset(tokens(p) + passage_types(p)) for p in passages]
        words = {t for terms in self.doc_terms for t in terms}
        self.idf = dict.fromkeys(words, 1.0)
        self.unknown_idf = 1.0
        self.by_initial: dict[str, list[str]] = {}
        for word in words:
            self.by_initial.setdefault(word[0], []).append(word)
        self.null_top = 0.0

    def closest_term(self, term: str) -> str | None:
        return None

    def starts_a_term(self, term: str) -> bool:
        return any(w.startswith(term) for w in self.by_initial.get(term[0], ()))


def test_the_unknown_share_is_the_weight_of_the_words_found_nowhere() -> None:
    index = _Index(["Coupe homme — 28 €", "Tramway T1, arrêt Perrache"])
    said = tokens("coupe chien tram")  # "tram" starts "tramway": found
    signals = answer_signals(
        index,
        said,
        np.array([0, 1]),
        np.array([0.5, 0.4]),
        words=SaidWords(nouns=frozenset(tokens("chien"))),
    )
    assert signals.unknown == pytest.approx(1 / 3)
    assert signals.unknown_noun == pytest.approx(1 / 3)


def test_a_time_word_no_passage_uses_is_not_a_topic_word() -> None:
    index = _Index(["Coupe homme — 28 €", "Annulation gratuite jusqu'à 24 heures avant"])
    question = "je peux annuler la veille"
    words = said_words(question)
    signals = answer_signals(
        index, tokens(question), np.array([1, 0]), np.array([0.5, 0.4]), words=words
    )
    assert signals.unknown == signals.unknown_noun == 0.0
    assert signals.coverage == 1.0  # "annuler" (annulation) is all that was said


def test_a_time_word_the_documents_use_still_counts_where_it_is_missing() -> None:
    index = _Index(["Coupe homme — 28 €", "Ouvert le samedi de 9 h à 17 h"])
    question = "une coupe homme le samedi"
    signals = answer_signals(
        index, tokens(question), np.array([0, 1]), np.array([0.5, 0.4]), words=said_words(question)
    )
    assert 0.0 < signals.coverage < 1.0  # the price passage does not say "samedi"
    assert signals.unknown == 0.0


def test_an_unknown_noun_beside_a_time_word_is_still_unknown() -> None:
    index = _Index(["Coupe homme — 28 €", "Annulation gratuite jusqu'à 24 heures avant"])
    question = "j'ai oublié mon parapluie hier"
    signals = answer_signals(
        index, tokens(question), np.array([0, 1]), np.array([0.5, 0.4]), words=said_words(question)
    )
    assert signals.unknown_noun > 0.0  # "parapluie"; "hier" no longer counts


def _signals_of(passages: list[str], question: str) -> Signals:
    index = _Index(passages)
    order = np.arange(len(passages))
    dense = np.linspace(0.5, 0.4, len(passages))
    return answer_signals(index, tokens(question), order, dense, words=said_words(question))


def test_a_verb_said_is_found_in_the_noun_the_documents_use() -> None:
    signals = _signals_of(["Rasage à l'ancienne — 30 min — 25 €"], "me faire raser")
    assert signals.coverage == 1.0 and signals.unknown == 0.0


def test_an_unknown_word_after_a_known_noun_is_a_modifier_not_a_noun() -> None:
    signals = _signals_of(["Tresses — 1 h — 40 €"], "c'est combien des tresses africaines")
    assert signals.unknown_modifier > 0.0 and signals.unknown_noun == 0.0
    assert signals.unknown == signals.unknown_modifier


def test_a_price_asked_of_passages_that_hold_none_is_evidence_against() -> None:
    passages = ["Parking Bellecour à 300 mètres", "Coupe homme — 30 min — 28 €"]
    assert _signals_of(passages, "le parking il coûte combien de l'heure").kind_missing == 1.0
    assert _signals_of(passages, "c'est combien une coupe homme").kind_missing == 0.0
    assert _signals_of(passages, "il y a un parking").kind_missing == 0.0  # no kind asked


def test_a_passage_equally_on_topic_that_holds_the_kind_asked_is_enough() -> None:
    passages = ["Forfait mariage : un essai un mois avant", "Forfait mariage — 2 h — 195 €"]
    assert _signals_of(passages, "le forfait mariage il coûte combien").kind_missing == 0.0


def test_an_unknown_word_only_in_the_callers_story_counts_apart() -> None:
    passages = ["Coloration — 1 h 30 — 65 €", "Coupe femme — 45 min — 38 €"]
    question = "j'ai une crinière énorme est-ce que vous faites la couleur"
    told = _signals_of(passages, question)
    assert told.unknown_story > 0.0 and told.unknown == told.unknown_noun == 0.0
    asked = _signals_of(passages, "est-ce que vous faites la couleur d'une crinière énorme")
    assert asked.unknown > 0.0 and asked.unknown_story == 0.0


def test_how_often_asked_of_a_passage_that_says_no_frequency_is_evidence_against() -> None:
    passages = ["Tram T2, arrêt Saint-Marc à deux minutes", "Coupe homme — 30 min — 28 €"]
    assert _signals_of(passages, "le tram il passe toutes les combien").kind_missing == 1.0
    passages = ["Tram T2 : un passage toutes les 6 minutes, arrêt Saint-Marc"]
    assert _signals_of(passages, "le tram il passe toutes les combien").kind_missing == 0.0


def test_a_look_alike_found_in_a_passage_counts_half() -> None:
    class _Slips(_Index):
        def closest_term(self, term: str) -> str | None:
            return tokens("brushing")[0] if term == tokens("brouching")[0] else None

    index = _Slips(["Brushing — 30 min — 25 €"])
    question = "un brouching"
    signals = answer_signals(
        index, tokens(question), np.array([0]), np.array([0.5]), words=said_words(question)
    )
    assert signals.coverage == pytest.approx(0.5)


def test_on_the_real_model_an_unknown_noun_is_flagged_and_a_synonym_is_not(
    tmp_path: Path,
) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    for name, text in SALON_FILES.items():
        (sources / name).write_text(text, encoding="utf-8")
    reindex(sources=sources, db_dir=tmp_path / "kb", ingest=paragraph_ingest)
    real = Retriever.open(tmp_path / "kb")
    assert not real.search("c'est combien une coupe pour mon chien", k=3).answerable
    assert real.search("c'est combien des reflets sur cheveux longs", k=3).answerable


def test_the_flag_reads_the_best_three_passages_whatever_k_is(tmp_path: Path) -> None:
    """Asked for one passage, the signals saw only the first (the dog answer) and the
    caller's « tram » counted as a word no passage has; asked for two, it was answerable."""
    passages = [
        *PASSAGES,
        ("faq.md", "Animaux", "Est-ce qu'on peut venir avec son chien ? Oui, bienvenus."),
        ("contact.md", "Accès", "Accès : tram B, arrêt Gambetta, à 2 minutes à pied."),
    ]
    retriever = retriever_over(passages, tmp_path)
    question = "y a un tram pour venir"
    wide = retriever.search(question, k=3)
    assert "tram" in wide.passages[1].text  # not first: the case that went wrong
    for k in (1, 2):
        narrow = retriever.search(question, k=k)
        assert [p.text for p in narrow.passages] == [p.text for p in wide.passages[:k]]
        assert (narrow.confidence, narrow.answerable) == (wide.confidence, wide.answerable)
