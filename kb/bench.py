"""Knowledge-base benchmark (`scripts/bench kb`): prints one JSON object.

Measures, on this machine:
- full reindex of the fixture salon (`tests/fixtures/salon/`, the sample salon the gold
  set is written for; never the checkout's `sources/`) into a fresh directory, then a
  reindex with nothing changed;
- retrieval quality on the gold set (hit@1/3/5, MRR, no-answer recall, false-flag rate)
  and the same with each retrieval option switched off; the same quality on a second
  salon (`eval/transfer-salon/`) that was never used for calibration, and on the two
  held-out salons (`eval/holdout-salon/`, `eval/holdout-salon-2/`);
- warm query latency p50/p95 (whole search: clean-up, embedding, BM25, fusion), over
  several passes of the gold questions, on the sample index and on an index of 10 000
  synthetic chunks (random vectors stored through the real Chroma path; the query is
  embedded by the real model, so the cost is the real one);
- peak RSS (VmHWM) of a fresh process that opens the retriever and answers questions.

Targets (issue 2): hit@3 ≥ 0.95, MRR ≥ 0.90, no-answer recall ≥ 0.75 with false flags
≤ 0.15, p95 ≤ 20 ms (≤ 40 ms at 10 000 chunks), full reindex ≤ 20 s, no-change ≤ 2 s,
peak RSS ≤ 400 MB.

It runs isolated (`tests.fixtures.isolation`): temporary state, the fixture salon, no
outside service; nothing in the checkout's `data/` is read or written.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ingest.model import Chunk, FileReport, IngestResult
from kb.embeddings import LOCAL_MODEL, get_embedder
from kb.evaluate import evaluate, load_gold
from kb.indexer import reindex
from kb.retriever import Retriever, SearchOptions
from salon import settings
from salon.measure import percentile

# The probe's own peak is VmHWM. Linux keeps ru_maxrss across execve, and the probe is
# started by vfork from this process: ru_maxrss reported the benchmark's own peak (436
# MB measured at 10 000 chunks where the probe itself peaked at 341 MB).
_RSS_PROBE = """
import resource, sys
from kb.retriever import Retriever
r = Retriever.open(sys.argv[1])
for q in sys.argv[2:]:
    r.search(q, k=5)
try:
    with open("/proc/self/status") as status:
        peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
except (OSError, StopIteration):  # no /proc (not Linux): ru_maxrss, the best there is
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak / 1024)
"""


class _RandomEmbedder:
    """Unit random vectors under the local model's name (synthetic index only)."""

    name = LOCAL_MODEL
    dim = 384

    def __init__(self) -> None:
        self._rng = np.random.default_rng(7)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        matrix = self._rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)

    def embed_query(self, text: str) -> np.ndarray:  # pragma: no cover - never queried
        return self.embed_passages([text])[0]


def _synthetic(words: list[str], count: int) -> IngestResult:
    rng = random.Random(11)
    chunks = [
        Chunk(
            text=" ".join(rng.choices(words, k=rng.randint(25, 90))),
            title=f"Document {i // 50}",
            section=" ".join(rng.choices(words, k=3)),
            source=f"synthetic/doc-{i // 50:04d}.md",
            ordinal=i % 50,
        )
        for i in range(count)
    ]
    return IngestResult(chunks=chunks, reports=[FileReport(path="synthetic", chunks=count)])


def _summary(report: dict[str, object]) -> dict[str, object]:
    keys = ("questions", "hit@1", "hit@3", "mrr", "no_answer_recall", "false_flag_rate")
    return {k: report[k] for k in keys}


def _latency(retriever: Retriever, questions: list[str], passes: int) -> dict[str, float]:
    for question in questions[:5]:
        retriever.search(question, k=5)
    times = []
    for _ in range(passes):
        for question in questions:
            started = time.perf_counter()
            retriever.search(question, k=5)
            times.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "queries": len(times),
    }


def _peak_rss(db_dir: Path, questions: list[str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _RSS_PROBE, str(db_dir), *questions[:20]],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.PROJECT_ROOT,
    )
    return round(float(out.stdout.strip().splitlines()[-1]), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench kb", description=__doc__)
    parser.add_argument(
        "--sources", metavar="DIR", default=None, help="documents (default: tests/fixtures/salon)"
    )
    parser.add_argument("--questions", metavar="FILE", default=None)
    parser.add_argument("--synthetic", type=int, default=10_000, metavar="N")
    parser.add_argument("--passes", type=int, default=3, help="latency passes over the gold set")
    args = parser.parse_args(argv)
    from tests.fixtures.isolation import FIXTURE_SALON, isolated_state

    sources = Path(args.sources).resolve() if args.sources else FIXTURE_SALON
    with isolated_state(prefix="kb-bench-"):
        result = _measure(args, sources)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _measure(args: argparse.Namespace, sources: Path) -> dict[str, object]:
    gold_path = (
        Path(args.questions).resolve()
        if args.questions
        else settings.project_path("eval/gold-questions.jsonl")
    )
    gold = load_gold(gold_path)
    questions = [q.question for q in gold]
    result: dict[str, object] = {"model": LOCAL_MODEL, "sources": str(sources)}

    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        db_dir = Path(tmp) / "kb"
        started = time.perf_counter()
        built = reindex(sources=sources, db_dir=db_dir, full=True)
        result["full_reindex_s"] = round(time.perf_counter() - started, 2)
        result["chunks"] = built.chunks
        started = time.perf_counter()
        again = reindex(sources=sources, db_dir=db_dir)
        result["nochange_reindex_s"] = round(time.perf_counter() - started, 3)
        result["nochange_rebuilt"] = again.rebuilt
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kb.cli.reindex", "--quiet", "--sources", str(sources),
             "--db", str(db_dir)],
            check=True, capture_output=True, cwd=settings.PROJECT_ROOT,
        )  # fmt: skip
        result["nochange_reindex_cli_s"] = round(time.perf_counter() - started, 3)

        # No query cache: every timed search embeds its question, as a new caller would.
        retriever = Retriever.open(db_dir, query_cache=0)
        report = evaluate(retriever, gold).to_dict()
        result["quality"] = {k: v for k, v in report.items() if k != "misses"}
        result["misses"] = len(report["misses"])
        ablations = {
            "without_query_cleanup": SearchOptions(clean_query=False),
            "without_fuzzy_words": SearchOptions(fuzzy_terms=False),
            "without_idf_scaled_lexical": SearchOptions(idf_scaled_lexical=False),
            "without_question_hints": SearchOptions(question_hints=False),
            "without_lexicon": SearchOptions(lexicon=False),
            "without_answer_types": SearchOptions(answer_types=False),
            "without_phrases": SearchOptions(phrases=False),
            "without_learned": SearchOptions(learned=False),  # kb.learned's metric and flag
            "dense_only": SearchOptions(dense_weight=1.0),
            "bm25_only": SearchOptions(dense_weight=0.0),
        }
        result["ablations"] = {
            name: _summary(evaluate(retriever, gold, options=options).to_dict())
            for name, options in ablations.items()
        }
        for name in ("transfer-salon", "holdout-salon", "holdout-salon-2"):
            other = settings.project_path(f"eval/{name}")
            if not (other / "sources").is_dir():
                continue
            # Other salons (fitting salons of `kb.calibrate` and `kb.learned` since): transfer.
            other_dir = Path(tmp) / f"kb-{name}"
            reindex(sources=other / "sources", db_dir=other_dir)
            other_retriever = Retriever.open(other_dir, query_cache=0)
            other_gold = load_gold(other / "gold-questions.jsonl")
            runs = {"default": SearchOptions(), **ablations}
            result[f"quality_{name.replace('-', '_')}"] = {
                label: _summary(evaluate(other_retriever, other_gold, options=options).to_dict())
                for label, options in runs.items()
            }
        result["latency_sample"] = _latency(retriever, questions, args.passes)
        result["peak_rss_mb_sample"] = _peak_rss(db_dir, questions)

        if args.synthetic > 0:
            words = sorted({w for t in retriever._snapshot.texts for w in t.split() if w.isalpha()})
            big_dir = Path(tmp) / "kb-synthetic"
            started = time.perf_counter()
            reindex(
                sources=sources,
                db_dir=big_dir,
                embedder=_RandomEmbedder(),
                ingest=lambda _path: _synthetic(words, args.synthetic),
            )
            result["synthetic_build_s"] = round(time.perf_counter() - started, 2)
            started = time.perf_counter()
            big = Retriever.open(big_dir, embedder=get_embedder(), query_cache=0)
            result["synthetic_open_s"] = round(time.perf_counter() - started, 2)
            result["synthetic_chunks"] = big.size
            result["latency_synthetic"] = _latency(big, questions, 1)
            result["peak_rss_mb_synthetic"] = _peak_rss(big_dir, questions)
    return result


if __name__ == "__main__":
    sys.exit(main())
