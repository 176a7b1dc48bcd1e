"""Retrieval evaluation on a gold question file (JSONL), shared by the CLI and the benchmark.

Gold format, one JSON object per line (blank lines and lines starting with `#` skipped)::

    {"question": "c'est combien un balayage cheveux longs", "expect": ["balayage", "115"]}
    {"question": "vous faites les extensions de cils", "answerable": false}

`expect` lists fragments that must all occur in one passage (compared accent-, case- and
punctuation-folded, whole words: "115 €" matches "115€", "20h30" matches "20 h 30"). It may
also be a list of such lists, any of which is enough (a fact stated in two documents).
An optional `"source"` fragment must also occur in the passage's source path; a question
with only a `source` is a hit on any passage from that file. An unanswerable question says
`"answerable": false` (or has an empty `expect`). Aliases accepted for other tools' files:
`expected`, `fragments`, `must_contain`, `answer_contains`; `expected_source`.
"""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.retriever import Retriever, SearchOptions
from kb.types import Passage
from salon.measure import percentile
from salon.text import fold, plain_words


class GoldFileError(ValueError):
    """The gold question file is malformed; the message names the line."""


@dataclass(frozen=True)
class GoldQuestion:
    question: str
    groups: tuple[tuple[str, ...], ...] = ()  # any group whose fragments all match
    source: str = ""
    answerable: bool = True
    line: int = 0


def _flat(text: str) -> str:
    """Folded words separated by single spaces; "20h30" and "20 h 30" become the same."""
    flat = plain_words(text)
    flat = re.sub(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)", " ", flat)
    return " " + " ".join(flat.split()) + " "


_EXPECT_KEYS = ("expect", "expected", "fragments", "must_contain", "answer_contains")
_SOURCE_KEYS = ("source", "expected_source", "expect_source")


def load_gold(path: Path) -> list[GoldQuestion]:
    """Parse a gold file; `GoldFileError` naming the line on any malformed entry."""
    questions: list[GoldQuestion] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("question"), str):
            raise GoldFileError(f"{path}:{number}: expected an object with a 'question' string")
        key = next((k for k in _EXPECT_KEYS if k in data), None)
        expect = data.get(key) if key else None
        if isinstance(expect, str):
            expect = [expect]
        if not expect:
            groups: tuple[tuple[str, ...], ...] = ()
        elif all(isinstance(item, str) for item in expect):
            groups = (tuple(expect),)
        elif all(isinstance(g, list) and g and all(isinstance(i, str) for i in g) for g in expect):
            groups = tuple(tuple(g) for g in expect)
        else:
            raise GoldFileError(f"{path}:{number}: '{key}' must be strings or lists of strings")
        source = next((str(data[k]) for k in _SOURCE_KEYS if data.get(k)), "")
        if "answerable" in data:
            answerable = bool(data["answerable"])
        elif key is not None and not expect and not source:
            answerable = False  # an explicitly empty expectation: nothing should answer
        else:
            answerable = True
        if answerable and not groups and not source:
            raise GoldFileError(
                f"{path}:{number}: an answerable question needs 'expect' or 'source' "
                f'(or say "answerable": false)'
            )
        questions.append(
            GoldQuestion(
                question=data["question"],
                groups=groups,
                source=source,
                answerable=answerable,
                line=number,
            )
        )
    if not questions:
        raise GoldFileError(f"{path}: no questions")
    return questions


def is_hit(question: GoldQuestion, passage: Passage) -> bool:
    text = _flat(passage.text)
    if question.source and fold(question.source) not in fold(passage.source):
        return False
    if not question.groups:
        return bool(question.source)
    return any(all(_flat(f) in text for f in group) for group in question.groups)


@dataclass
class EvalReport:
    questions: int = 0
    answerable: int = 0
    unanswerable: int = 0
    hit_at: dict[int, float] = field(default_factory=dict)
    mrr: float = 0.0
    no_answer_recall: float = 0.0  # unanswerable questions flagged as such
    false_flag_rate: float = 0.0  # answerable questions wrongly flagged unanswerable
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            "hit@1": self.hit_at.get(1, 0.0),
            "hit@3": self.hit_at.get(3, 0.0),
            "hit@5": self.hit_at.get(5, 0.0),
            "mrr": self.mrr,
            "no_answer_recall": self.no_answer_recall,
            "false_flag_rate": self.false_flag_rate,
            "latency_p50_ms": self.latency_p50_ms,
            "latency_p95_ms": self.latency_p95_ms,
            "misses": self.misses,
        }


def evaluate(
    retriever: Retriever,
    questions: list[GoldQuestion],
    *,
    depth: int = 10,
    options: SearchOptions | None = None,
) -> EvalReport:
    """Run every question once (after one warm-up search) and score the results."""
    retriever.search("bonjour", k=1, options=options)  # warm caches before timing
    report = EvalReport(questions=len(questions))
    hits = {1: 0, 3: 0, 5: 0}
    reciprocal = 0.0
    flagged_right = 0
    flagged_wrong = 0
    latencies: list[float] = []
    for gold in questions:
        result = retriever.search(gold.question, k=depth, options=options)
        latencies.append(result.elapsed_ms)
        if not gold.answerable:
            report.unanswerable += 1
            if not result.answerable:
                flagged_right += 1
            else:
                report.misses.append(
                    {
                        "question": gold.question,
                        "line": gold.line,
                        "problem": "flagged answerable but the sources do not answer it",
                        "confidence": result.confidence,
                        "top": result.passages[0].text[:120] if result.passages else "",
                    }
                )
            continue
        report.answerable += 1
        rank = next((n for n, p in enumerate(result.passages, start=1) if is_hit(gold, p)), None)
        for cut in hits:
            if rank is not None and rank <= cut:
                hits[cut] += 1
        reciprocal += 1.0 / rank if rank else 0.0
        if not result.answerable:
            flagged_wrong += 1
        if rank is None or rank > 3 or not result.answerable:
            problem = "not in top 3" if rank is None or rank > 3 else "flagged unanswerable"
            report.misses.append(
                {
                    "question": gold.question,
                    "line": gold.line,
                    "problem": problem,
                    "rank": rank,
                    "confidence": result.confidence,
                    "top": result.passages[0].text[:120] if result.passages else "",
                }
            )
    n = max(report.answerable, 1)
    report.hit_at = {cut: round(count / n, 4) for cut, count in hits.items()}
    report.mrr = round(reciprocal / n, 4)
    report.no_answer_recall = round(flagged_right / max(report.unanswerable, 1), 4)
    report.false_flag_rate = round(flagged_wrong / n, 4)
    report.latency_p50_ms = round(statistics.median(latencies), 2) if latencies else 0.0
    report.latency_p95_ms = round(percentile(latencies, 0.95), 2)
    return report


def format_report(report: EvalReport) -> str:
    lines = [
        f"questions: {report.questions} ({report.answerable} answerable, "
        f"{report.unanswerable} without an answer in the sources)",
        f"hit@1 {report.hit_at.get(1, 0):.3f}   hit@3 {report.hit_at.get(3, 0):.3f}   "
        f"hit@5 {report.hit_at.get(5, 0):.3f}   MRR {report.mrr:.3f}",
        f"no-answer recall {report.no_answer_recall:.3f}   "
        f"false-flag rate {report.false_flag_rate:.3f}",
        f"latency p50 {report.latency_p50_ms:.1f} ms   p95 {report.latency_p95_ms:.1f} ms",
    ]
    if report.misses:
        lines.append(f"misses ({len(report.misses)}):")
        for miss in report.misses:
            extra = ""
            if "rank" in miss:
                extra = f" (rank {miss['rank']})" if miss["rank"] else " (not retrieved)"
            lines.append(
                f"  line {miss['line']}: {miss['question']!r}: {miss['problem']}{extra}, "
                f"confidence {miss['confidence']:.2f}"
            )
    else:
        lines.append("misses: none")
    return "\n".join(lines)
