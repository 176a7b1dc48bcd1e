"""Hybrid retrieval over the serving index version: dense (e5) + BM25, fused by scores.

`Retriever.open(db_dir)` loads the current version from Chroma into memory once (vectors
as one numpy matrix, a BM25 index over stemmed, accent-folded words), so a query costs one
embedding, one matrix-vector product and one BM25 scoring. `reload_if_changed()` is one
`os.stat` of the CURRENT pointer; only a new version triggers a (background-free) reload.
"""

from __future__ import annotations

import bisect
import difflib
import logging
import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from kb import store
from kb.confidence import ANSWERABLE_AT, Signals, confidence
from kb.embeddings import Embedder, get_embedder, model_name_for
from kb.learned import Learned
from kb.learned import for_model as learned_for
from kb.lexicon import (
    ANSWER_KINDS,
    INCIDENTAL,
    frame_words,
    implied_days,
    normalise_spoken,
    passage_types,
    related,
    written_forms,
)
from kb.signals import answer_signals, lexical_strength
from kb.text import clean_spoken, question_hints, sounds_like, tokens
from kb.types import Passage, SearchResult
from kb.wordclass import SaidWords, said_words
from salon import settings

logger = logging.getLogger("kb")
# bm25s sets its own logger to DEBUG, which prints a line per index load on any handler.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Weighted fusion of normalised scores (FIELD-NOTES: beats RRF). Over the 25 read salons
# (kb/README.md) more weight on the dense side ranks better pooled (MRR 0.899 at 0.5,
# 0.908 at 0.6, 0.912 at 0.67), but from 0.55 up a sound-alike of a spoken slip
# (« balaillage ») no longer finds its passage (tests/kb/test_lexicon.py): kept at 0.5.
DENSE_WEIGHT = 0.5
# Questions no salon's documents answer: their best cosine is this index's baseline.
NULL_QUESTIONS = (
    "bonjour je voudrais un renseignement",
    "quelle heure est-il",
    "est-ce que vous pouvez m'aider",
    "c'est pour une question",
    "j'appelle pour savoir quelque chose",
    "allô vous m'entendez",
)
# A question asking for a kind of answer (a price, a duration, the hours, the team…)
# raises by this share the passages holding that kind: « la teinture des racines, c'est
# combien ? » prefers the price line to the FAQ on how often to redo the roots. Measured
# 0 / 0.1 / 0.2 / 0.3 / 0.5 (kb/README.md); 0.2 lost no question anywhere.
KIND_BOOST = 0.2
RELATED_WEIGHT = 0.5  # BM25 weight of a synonym against the word said
PHRASE_WEIGHT = 0.3  # BM25 weight of two words said together and written together
# A passage holding a value salon.toml contradicts (an old price list) says the same as
# the profile's own passage otherwise: ranked a little lower, the profile's comes first.
OUTDATED_WEIGHT = 0.85


class ModelMismatch(RuntimeError):
    """The index was built with another embedding model than the one selected now."""


@dataclass(frozen=True)
class SearchOptions:
    """Switches for measuring what helps (the evaluation runs with and without)."""

    clean_query: bool = True  # drop fillers, numbers said as words → digits
    fuzzy_terms: bool = True  # map unknown query words to close index words (ASR slips)
    dense_weight: float = DENSE_WEIGHT
    idf_scaled_lexical: bool = True  # common-words-only queries lean on the dense side
    question_hints: bool = True  # "où" also searches "adresse" (lexical side only)
    outdated_weight: float = OUTDATED_WEIGHT  # passages salon.toml contradicts rank lower
    lexicon: bool = True  # spoken forms ("cb") and salon synonyms ("reflets" ~ "mèches")
    answer_types: bool = True  # "combien de temps" meets "2 h 30" (kb.lexicon)
    phrases: bool = True  # adjacent words found adjacent ("sans rendez-vous") rank higher
    kind_boost: float = KIND_BOOST  # passages holding the kind of answer asked rank higher
    learned: bool = True  # the fitted e5 metric and flag (`kb.learned`) when the model has them


class _Snapshot:
    """One loaded index version; immutable once built, swapped as a whole on reload."""

    def __init__(self, manifest: store.Manifest, rows: dict[str, Any]) -> None:
        self.manifest = manifest
        self.ids: list[str] = rows["ids"]
        self.texts: list[str] = rows["documents"]
        self.metas: list[dict[str, Any]] = rows["metadatas"]
        self.matrix: np.ndarray = rows["embeddings"]
        self.outdated = np.array([bool(m.get("outdated")) for m in self.metas], dtype=bool)
        self.null_top = 0.0  # set by the retriever (`_measure_baseline`)
        # The kinds of value a passage holds (a duration, a price…) are one token each,
        # which a question asking for that kind of answer also searches (kb.lexicon).
        corpus = [
            tokens(written_forms(text)) + passage_types(text) + implied_days(text)
            for text in self.texts
        ]
        # Adjacent words as one more token ("sans rendez-vous", "jour de l'an"), so a
        # phrase said as written ranks above passages holding its words apart.
        # One string object per distinct token across passages, not one per occurrence:
        # the term sets below are most of a large index's memory.
        distinct: dict[str, str] = {}
        corpus = [[distinct.setdefault(t, t) for t in words + pairs(words)] for words in corpus]
        del distinct
        self.bm25 = bm25s.BM25()
        self.bm25.index([doc or [""] for doc in corpus], show_progress=False)
        # Built from a set, each gets the table its size needs: a frozenset grown token by
        # token may end with one twice as big (8 KB instead of 4 for 110 tokens).
        self.doc_terms = [frozenset(set(doc)) for doc in corpus]
        # Which passages hold each kind of answer, once per version rather than per query.
        self.holds_kind = {
            kind: np.array([kind in terms for terms in self.doc_terms], dtype=bool)
            for kind in ANSWER_KINDS
        }
        n = max(len(corpus), 1)
        df: dict[str, int] = {}
        for terms in self.doc_terms:
            for term in terms:
                df[term] = df.get(term, 0) + 1
        # One float object per passage count, shared by the words of that count.
        weight = {c: math.log(1 + (n - c + 0.5) / (c + 0.5)) for c in set(df.values())}
        self.idf = {t: weight[c] for t, c in df.items()}
        # An unknown word weighs like a word found in one passage: no more informative.
        self.unknown_idf = math.log(1 + (n - 1 + 0.5) / 1.5)
        self.by_initial: dict[str, list[str]] = {}
        self.by_sound: dict[str, str] = {}
        # The commonest word first, then alphabetical: a sound two words share maps to the
        # same one in every process (a set's order changes with Python's hash seed).
        for term in sorted(df, key=lambda t: (-df[t], t)):
            if len(term) >= 4 and not term.isdigit():
                self.by_initial.setdefault(term[0], []).append(term)
                self.by_sound.setdefault(sounds_like(term), term)
        # For look-alikes: each pool word's letters counted, so difflib's two quick bounds
        # are applied to a whole pool at once; every word sorted, to find a said word that
        # starts an indexed one by bisection.
        letters = sorted({c for words in self.by_initial.values() for w in words for c in w})
        self._alphabet = {c: i for i, c in enumerate(letters)}
        self._pools: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        for initial, words in self.by_initial.items():
            counts = np.zeros((len(words), len(letters)), dtype=np.uint8)
            for row, word in enumerate(words):
                for c in word:
                    counts[row, self._alphabet[c]] += 1
            lengths = np.array([len(w) for w in words], dtype=np.int64)
            self._pools[initial] = (words, lengths, counts)
        self.sorted_terms = sorted(w for words in self.by_initial.values() for w in words)
        self._fuzzy_cache: dict[str, str | None] = {}

    def _candidates(self, term: str) -> list[str]:
        """The pool words that difflib's two quick bounds (`real_quick_ratio`,
        `quick_ratio`) keep for `term` at cutoff 0.8: the same answer, far fewer ratios."""
        entry = self._pools.get(term[0])
        if entry is None:
            return []
        words, lengths, counts = entry
        said = np.zeros(counts.shape[1], dtype=np.uint8)
        for c in term:
            column = self._alphabet.get(c)
            if column is not None:
                said[column] += 1
        total = lengths + len(term)
        matches = np.minimum(counts, said).sum(axis=1)
        keep = (2.0 * np.minimum(lengths, len(term)) / total >= 0.8) & (
            2.0 * matches / total >= 0.8
        )
        return [words[i] for i in np.flatnonzero(keep)]

    def starts_a_term(self, term: str) -> bool:
        """Whether `term` starts an indexed word of 4 letters or more ("tram" / "tramway")."""
        i = bisect.bisect_left(self.sorted_terms, term)
        return i < len(self.sorted_terms) and self.sorted_terms[i].startswith(term)

    def closest_term(self, term: str) -> str | None:
        """An index word close to an unknown query word (ASR slip), or None: 80 % alike
        in spelling, or sounding the same (`kb.text.sounds_like`)."""
        if term in self._fuzzy_cache:
            return self._fuzzy_cache[term]
        match = None
        if len(term) >= 5 and not term.isdigit():
            near = difflib.get_close_matches(term, self._candidates(term), n=1, cutoff=0.8)
            match = near[0] if near else self.by_sound.get(sounds_like(term))
        if len(self._fuzzy_cache) < 10_000:
            self._fuzzy_cache[term] = match
        return match


def _load_rows(db_dir: Path, manifest: store.Manifest) -> dict[str, Any]:
    """Every row of a version's Chroma collection, paged to bound peak memory."""
    client = store.chroma_client(db_dir, manifest.version, manifest.store)
    try:
        collection = client.get_collection(manifest.store["collection"])
        total = collection.count()
        matrix = np.empty((total, manifest.dim), dtype=np.float32)
        ids: list[str] = []
        documents: list[str] = []
        metadatas: list[dict[str, Any]] = []
        for offset in range(0, total, 500):
            got = collection.get(
                include=["embeddings", "documents", "metadatas"], limit=500, offset=offset
            )
            count = len(got["ids"])
            matrix[offset : offset + count] = np.asarray(got["embeddings"], dtype=np.float32)
            ids += got["ids"]
            documents += got["documents"]
            metadatas += [dict(m or {}) for m in got["metadatas"]]
    finally:
        store.close_client(client)
    if len(ids) != total or total != len(manifest.chunk_ids):
        raise store.IndexMissing(
            f"index version {manifest.version} is incomplete "
            f"({len(ids)} rows, manifest lists {len(manifest.chunk_ids)})"
        )
    return {"ids": ids, "documents": documents, "metadatas": metadatas, "embeddings": matrix}


class Retriever:
    """Searches the serving version of a knowledge-base directory."""

    def __init__(
        self, db_dir: Path, embedder: Embedder, snapshot: _Snapshot, *, query_cache: int = 64
    ) -> None:
        self.db_dir = db_dir
        self.embedder = embedder
        self._snapshot = snapshot
        self._null_vectors: np.ndarray | None = None  # embedded once, reused on reload
        self._measure_baseline(snapshot)
        self._pointer_stat = self._stat_pointer()
        self._lock = threading.Lock()
        self._cache_size = query_cache
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._fit: Learned | None = None  # `use_fit`: instead of the shipped one

    def use_fit(self, fit: Learned | None) -> None:
        """Search with `fit` instead of the model's shipped `kb.learned` file (None: the
        shipped one again); `python -m kb.fit_learned` reads its rows this way."""
        self._fit = fit

    @classmethod
    def open(
        cls,
        db_dir: Path | str | None = None,
        *,
        embedder: Embedder | None = None,
        query_cache: int = 64,
    ) -> Retriever:
        """Load the current version; `store.IndexMissing` or `ModelMismatch` if unusable.

        `query_cache` keeps the vectors of the last questions: the agent may search the
        same turn twice (preemptive generation), the second time costs no embedding.
        """
        path = settings.kb_db_path(db_dir)
        manifest = store.current_manifest(path)
        chosen = embedder or _embedder_for(manifest)
        _check_model(manifest, chosen)
        snapshot = _Snapshot(manifest, _load_rows(path, manifest))
        return cls(path, chosen, snapshot, query_cache=query_cache)

    def _measure_baseline(self, snap: _Snapshot) -> None:
        """The best cosine this index gives questions no salon document answers (the
        median over `NULL_QUESTIONS`): e5's cosine band moves with the documents, so the
        `answerable` signal is the best cosine above this salon's own baseline. The
        questions are embedded once per retriever: a reload during a call costs only
        the products."""
        if not snap.ids:
            return
        if self._null_vectors is None:
            self._null_vectors = np.vstack([self.embedder.embed_query(q) for q in NULL_QUESTIONS])
        tops = (snap.matrix @ self._null_vectors.T).max(axis=0)
        snap.null_top = float(np.median(tops))

    def _embed_query(self, text: str) -> np.ndarray:
        if self._cache_size <= 0:
            return self.embedder.embed_query(text)
        with self._cache_lock:
            vector = self._cache.get(text)
            if vector is not None:
                self._cache.move_to_end(text)
                return vector
        vector = self.embedder.embed_query(text)
        with self._cache_lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    @property
    def version(self) -> str:
        return self._snapshot.manifest.version

    @property
    def size(self) -> int:
        return len(self._snapshot.ids)

    def _stat_pointer(self) -> tuple[int, int, int] | None:
        try:
            info = os.stat(store.current_pointer(self.db_dir))
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def reload_if_changed(self) -> bool:
        """Switch to a newer version if CURRENT moved; one stat when nothing changed.

        A version that cannot be loaded (pruned meanwhile, other model) is logged and the
        loaded one keeps serving. Returns True when a new version was loaded.
        """
        seen = self._stat_pointer()
        if seen == self._pointer_stat:
            return False
        with self._lock:
            if seen == self._pointer_stat:
                return False
            try:
                version = store.read_current(self.db_dir)
                if version is None or version == self.version:
                    self._pointer_stat = seen
                    return False
                manifest = store.read_manifest(self.db_dir, version)
                _check_model(manifest, self.embedder)
                snapshot = _Snapshot(manifest, _load_rows(self.db_dir, manifest))
                self._measure_baseline(snapshot)
            except (store.IndexMissing, ModelMismatch, OSError) as exc:
                # Not retried until CURRENT moves again: a broken version must not cost a
                # failed load on every question.
                logger.warning("kb reload failed; the loaded version keeps serving: %s", exc)
                self._pointer_stat = seen
                return False
            self._snapshot = snapshot
            self._pointer_stat = seen
            logger.info("kb reloaded", extra={"kb_version": version})
            return True

    def _rank(
        self, snap: _Snapshot, query: str, opts: SearchOptions
    ) -> tuple[list[str], np.ndarray, np.ndarray, SaidWords, np.ndarray] | None:
        """Words as said, dense cosines, fused scores over every passage, the words
        said by kind (`kb.wordclass.said_words`) and the question's vector; None for an
        empty question.

        Look-alike index words (ASR slips) help the ranking only: the answerable signals
        use the words as said, since a look-alike is weaker evidence than the word itself
        (measured: no-answer recall 0.82 → 0.86 on the sample, same false flags).
        """
        text = clean_spoken(query) if opts.clean_query else query.strip()
        if opts.lexicon:
            text = normalise_spoken(text)
        if not text or not snap.ids:
            return None
        if opts.fuzzy_terms:
            text = rejoin_split_words(text, snap)
        query_vector = self._embed_query(text)
        dense = snap.matrix @ query_vector
        words = said_words(text)
        said = tokens(text)
        kinds = list(words.kinds) if opts.answer_types else []
        phrases = [p for p in pairs(said) if p in snap.idf] if opts.phrases else []
        if kinds:  # "ça prend combien de temps": the kind of answer, not the topic
            framing = frame_words(kinds)
            said = [t for t in said if t not in framing]
        terms = said
        if opts.fuzzy_terms:
            terms = [t if t in snap.idf else (snap.closest_term(t) or t) for t in said]
        if opts.question_hints:
            hints = question_hints(text)
            terms = terms + hints
            # A hint is evidence only when nothing else was said ("vous êtes où ?"):
            # documents need not use the hinted word ("l'atelier se trouve au…").
            said = said or hints
        if opts.lexicon:  # "un parking à côté": "côté" names nothing a passage would
            said = [t for t in said if t not in INCIDENTAL] or said
        synonyms: list[str] = []
        groups: list[list[str]] = []  # per word said, its synonyms the index holds
        if opts.lexicon:
            for t in dict.fromkeys(terms + said):  # a slip mapped away keeps its own
                alike = related(t) | words.derived.get(t, frozenset())
                group = sorted(r for r in alike if r in snap.idf and r not in terms)
                if group:
                    groups.append(group)
            synonyms = sorted({r for group in groups for r in group})
        fused = opts.dense_weight * _minmax(dense)
        if terms or synonyms or phrases:
            lexical = np.zeros(len(snap.ids), dtype=np.float32)
            if terms or kinds:
                lexical += np.asarray(snap.bm25.get_scores(terms + kinds), dtype=np.float32)
            # A word's synonyms count once, by the best of them: a price table naming
            # « mèches, balayage, ombré » is not three times about « balayage ».
            for group in groups:
                best = np.max([snap.bm25.get_scores([r]) for r in group], axis=0)
                lexical += RELATED_WEIGHT * np.asarray(best, dtype=np.float32)
            if phrases:
                together = np.asarray(snap.bm25.get_scores(phrases), dtype=np.float32)
                lexical += PHRASE_WEIGHT * together
            top_lexical = float(lexical.max())
            if top_lexical > 0:
                strength = 1.0
                if opts.idf_scaled_lexical:
                    strength = lexical_strength(snap.idf, terms + synonyms)
                weight = (1 - opts.dense_weight) * strength
                fused = fused + weight * (lexical / top_lexical)
        if kinds and opts.kind_boost:
            holds = np.logical_or.reduce([snap.holds_kind[kind] for kind in kinds])
            fused = np.where(holds, fused * (1 + opts.kind_boost), fused)
        learned = self._learned(snap, opts)
        if learned is not None:
            fused = learned.rerank(fused, snap.matrix, query_vector)
        if opts.outdated_weight != 1.0 and snap.outdated.any():
            fused = np.where(snap.outdated, fused * opts.outdated_weight, fused)
        return said, dense, fused, words, query_vector

    def _learned(self, snap: _Snapshot, opts: SearchOptions) -> Learned | None:
        """The fitted metric and flag of this index's model, when asked for and fitted."""
        if not opts.learned:
            return None
        return self._fit or learned_for(snap.manifest.model)

    def search(
        self, query: str, k: int = 5, *, options: SearchOptions | None = None
    ) -> SearchResult:
        """The k best passages for a spoken question, best first, with `answerable`."""
        started = time.perf_counter()
        snap = self._snapshot
        ranked = self._rank(snap, query, options or SearchOptions())
        if ranked is None or k <= 0:
            return SearchResult(query=query, elapsed_ms=_ms(started))
        terms, dense, fused, words, query_vector = ranked
        opts = options or SearchOptions()
        # The signals read the best three whatever k is (as they were fitted): asking for
        # one passage gave « tram » 0.12 where asking for two gave 0.86.
        count = min(max(k, 3), len(fused))
        if count < len(fused):
            candidates = np.argpartition(-fused, count - 1)[:count]
        else:
            candidates = np.arange(len(fused))
        order = candidates[np.argsort(-fused[candidates], kind="stable")]
        top = max(float(fused[order[0]]), 1e-9) if len(order) else 1.0
        signals = answer_signals(snap, terms, order, dense, synonyms=opts.lexicon, words=words)
        learned = self._learned(snap, opts)
        if learned is not None and len(order):
            score = learned.probability(signals, query_vector, snap.matrix[order[0]])
            threshold = learned.threshold
        else:
            score = confidence(signals, model=snap.manifest.model)
            threshold = ANSWERABLE_AT
        return SearchResult(
            query=query,
            # Scores relative to the best: the kind boost can lift fused scores above 1,
            # which clipped several passages to the same « 1.000 » in `scripts/ask`.
            passages=[_passage(snap, int(i), float(fused[i]) / top) for i in order[:k]],
            answerable=score >= threshold,
            confidence=round(score, 4),
            elapsed_ms=_ms(started),
        )

    def signals(self, query: str, *, options: SearchOptions | None = None) -> Signals | None:
        """The raw confidence signals of a query (used to calibrate `kb.confidence`)."""
        scored = self.scored(query, options=options)
        return None if scored is None else scored[2]

    def scored(
        self, query: str, *, options: SearchOptions | None = None
    ) -> tuple[np.ndarray, np.ndarray, Signals] | None:
        """Fused scores over every passage, the question's vector and its signals (for
        fitting `kb.learned`: `python -m kb.fit_learned`)."""
        snap = self._snapshot
        opts = options or SearchOptions()
        ranked = self._rank(snap, query, opts)
        if ranked is None:
            return None
        terms, dense, fused, words, query_vector = ranked
        top = np.argsort(-fused)[:3]
        signals = answer_signals(snap, terms, top, dense, synonyms=opts.lexicon, words=words)
        return fused, query_vector, signals

    @property
    def matrix(self) -> np.ndarray:
        """The loaded version's passage vectors, one row per passage."""
        return self._snapshot.matrix


def rejoin_split_words(text: str, snap: _Snapshot) -> str:
    """A word the speech recogniser cut in two (« beau tox », « à méricain », « des
    gradés ») put back together: when one half is neither a word of the index nor close
    to one, and the two joined are a word of the index. « la coupe » stays: « coupe » is
    known; « mon petit » stays: « monpetit » is no word."""
    words = text.split(" ")
    # Per word: its tokens, and whether one of them is neither indexed nor close to an
    # indexed word (computed once, each word being the half of two candidate pairs).
    stray = [
        any(t not in snap.idf and snap.closest_term(t) is None for t in tokens(word))
        for word in words
    ]
    out: list[str] = []
    i = 0
    while i < len(words):
        first, second = words[i], words[i + 1] if i + 1 < len(words) else ""
        if second and (stray[i] or stray[i + 1]) and _one_word(first + second, snap):
            out.append(first + second)
            i += 2
            continue
        out.append(first)
        i += 1
    return " ".join(out)


def _one_word(joined: str, snap: _Snapshot) -> bool:
    """Whether two halves said apart make one word of the index."""
    if not joined.isalpha() or len(joined) < 6:
        return False
    found = tokens(joined)
    return len(found) == 1 and found[0] in snap.idf


def _embedder_for(manifest: store.Manifest) -> Embedder:
    wanted = model_name_for()
    if wanted != manifest.model:
        raise ModelMismatch(
            f"the index was built with {manifest.model} but KB_EMBEDDINGS selects {wanted}: "
            f"set KB_EMBEDDINGS back or run scripts/reindex --full"
        )
    return get_embedder()


def _check_model(manifest: store.Manifest, embedder: Embedder) -> None:
    if embedder.name != manifest.model:
        raise ModelMismatch(
            f"the index was built with {manifest.model} but the query model is "
            f"{embedder.name}: run scripts/reindex --full with the model you query with"
        )


def pairs(words: list[str]) -> list[str]:
    """Adjacent BM25 tokens joined, "sans rendez-vous" → ["san_rendez", …]."""
    return [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


def _minmax(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.zeros_like(values)
    return (values - low) / (high - low)


def _passage(snap: _Snapshot, i: int, score: float) -> Passage:
    meta = snap.metas[i]
    page = meta.get("page")
    return Passage(
        text=snap.texts[i],
        source=str(meta.get("source", "")),
        score=round(min(max(score, 0.0), 1.0), 4),
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        kind=str(meta.get("kind", "other")),
        page=int(page) if isinstance(page, int | float) else None,
        outdated=str(meta.get("outdated", "")),
    )


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
