"""The evidence, computed per search, that the best passages answer the question.

See `kb.confidence` for what each signal means and how they are combined. Everything here
is general: it looks at the question's words and the index, never at a list of questions.

The newest signal, `unknown`, answers « does this salon's material ever speak of what the
caller names? ». A topic word said by the caller that no passage of the whole index holds
— not as written, not as a longer word it starts, not as a look-alike (a speech
recognition slip), not through a word meaning the same in a salon (`kb.lexicon.related`) —
is evidence that the documents do not answer: « une coupe pour mon chien » shares
« coupe » with the price list, but nothing anywhere speaks of dogs. A paraphrase the
lexicon knows (« carte bleue » / « carte bancaire », « reflets » / « balayage ») is not
unknown. Time and quantity words and -ment adverbs that no passage uses (« jeudi soir »,
« la veille », « facilement », `kb.wordclass`) are not topic words at all: documents
state times and amounts their own way. Verbs a document happens not to use
(« arriver ») are unknown, which is why the signal is weighed against coverage and the
dense scores by the calibrated model rather than used as a rule.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from kb.confidence import Signals
from kb.lexicon import OTHER_SERVICES, related
from kb.wordclass import SaidWords

NO_WORDS = SaidWords()  # no word of the question sorted: every word is a topic word
SLIP_WEIGHT = 0.5  # a look-alike (ASR slip) found in a passage counts half
IDF_FULL = float(np.log(10))  # a word in at most 10% of passages counts fully


class IndexView(Protocol):
    """What the signals read from a loaded index version (`kb.retriever._Snapshot`)."""

    idf: dict[str, float]
    unknown_idf: float
    doc_terms: list[frozenset[str]]
    by_initial: dict[str, list[str]]
    null_top: float

    def closest_term(self, term: str) -> str | None: ...

    def starts_a_term(self, term: str) -> bool: ...


def answer_signals(
    snap: IndexView,
    terms: list[str],
    order: np.ndarray,
    dense: np.ndarray,
    *,
    synonyms: bool = True,
    words: SaidWords = NO_WORDS,
) -> Signals:
    """General evidence that the best passages answer the question (see kb.confidence).
    A word counts as found when the passage has it, a longer word it starts, or (with
    `synonyms`) a word meaning the same in a salon (`kb.lexicon.related`)."""
    said = list(dict.fromkeys(t for t in terms if not t.isdigit()))
    alike = {t: related(t) | words.derived.get(t, frozenset()) for t in said}
    if not synonyms:
        alike = {t: frozenset() for t in said}
    # A time or quantity word, or an adverb, that no passage uses is not a topic word:
    # the documents state times and amounts their own way (kb.wordclass).
    content = [t for t in said if t not in words.minor or known_anywhere(snap, t, alike[t])]
    weights = {t: min(snap.idf.get(t, snap.unknown_idf), IDF_FULL) for t in content}
    total = sum(weights.values())
    # A word no passage has, close to one a passage has (a speech-recognition slip,
    # « brouching »), counts half: weaker evidence than the word itself.
    slips = {t: snap.closest_term(t) for t in content if t not in snap.idf}
    shares = []
    for i in order[:3]:
        present = snap.doc_terms[int(i)]
        covered = sum(
            w
            if t in present or prefix_in(t, present) or not alike[t].isdisjoint(present)
            else SLIP_WEIGHT * w
            if slips.get(t) in present
            else 0.0
            for t, w in weights.items()
        )
        shares.append((covered / total if total else 0.0, present))
    coverage = max((share for share, _ in shares), default=0.0)
    # « le parking, il coûte combien de l'heure ? »: no passage that speaks of the
    # parking as much as any holds a price at all.
    kind_missing = float(
        bool(words.kinds)
        and all(present.isdisjoint(words.kinds) for share, present in shares if share >= coverage)
    )
    gap = 0.0
    if synonyms:  # a service many salons do not offer, that no best passage mentions
        for t in content:
            if t in OTHER_SERVICES and not any(
                t in snap.doc_terms[int(i)] or not alike[t].isdisjoint(snap.doc_terms[int(i)])
                for i in order[:3]
            ):
                gap = 1.0
    missing = {t for t in content if not known_anywhere(snap, t, alike[t])}
    # A word only said in the story told before the question (« j'ai une crinière
    # énorme, est-ce que… ») is weaker evidence than one said in the question itself.
    told = missing & words.story
    missing -= told
    absent = sum(weights[t] for t in missing)
    absent_nouns = sum(weights[t] for t in missing & words.nouns)
    absent_modifiers = sum(weights[t] for t in missing & words.modifiers)
    best = float(dense.max()) - snap.null_top if len(dense) else 0.0
    ranked = np.sort(dense)[::-1]
    spread = float(ranked[0] - np.median(ranked)) if len(ranked) > 1 else 0.0
    known = sum(1 for t in content if t in snap.idf) / len(content) if content else 0.0
    return Signals(
        coverage=coverage,
        dense_top=best,
        dense_spread=spread,
        known_terms=known,
        gap=gap,
        unknown=absent / total if total else 0.0,
        unknown_noun=absent_nouns / total if total else 0.0,
        unknown_modifier=absent_modifiers / total if total else 0.0,
        kind_missing=kind_missing,
        unknown_story=sum(weights[t] for t in told) / total if total else 0.0,
    )


def known_anywhere(snap: IndexView, term: str, alike: frozenset[str]) -> bool:
    """Whether some passage of the index speaks of `term`: the word itself, a longer word
    it starts ("tram" / "tramway"), a look-alike (an ASR slip, "cératine"), or a word
    meaning the same in a salon (`alike`)."""
    if term in snap.idf or any(word in snap.idf for word in alike):
        return True
    if len(term) >= 4 and snap.starts_a_term(term):
        return True
    return snap.closest_term(term) is not None


def prefix_in(term: str, present: frozenset[str]) -> bool:
    """A said word that starts an indexed word ("tram" / "tramway"), 4 letters or more."""
    return len(term) >= 4 and any(word.startswith(term) for word in present)


def lexical_strength(idf: dict[str, float], terms: list[str]) -> float:
    """How much the words of a query can tell passages apart, in [0, 1].

    BM25 scores are normalised by the query's best score, which would give a query made
    only of words found everywhere ("salon" in a salon's documents) full weight. The
    rarest known query word decides: a word in at most 10% of the passages (IDF ≥ ln 10)
    gives full weight, a commoner one proportionally less.
    """
    known = [idf[t] for t in terms if t in idf]
    return min(1.0, max(known) / IDF_FULL) if known else 0.0
