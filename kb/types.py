"""What retrieval returns: the contract between `kb` and its readers (CLIs, the agent)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Passage:
    text: str
    source: str
    score: float  # fused, normalised relevance in [0, 1]; higher is better
    title: str = ""
    section: str = ""
    kind: str = "other"
    page: int | None = None
    outdated: str = ""  # values in it that salon.toml contradicts (kb.contradictions), if any


@dataclass(frozen=True)
class SearchResult:
    query: str
    passages: list[Passage] = field(default_factory=list)  # best first
    answerable: bool = False  # is the best passage good enough to answer from?
    confidence: float = 0.0  # the calibrated score behind `answerable`, in [0, 1]
    elapsed_ms: float = 0.0
