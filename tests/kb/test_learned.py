"""Unit and integration tiers: the fitted e5 metric and answerable flag (`kb.learned`).

The unit tests run the fitting code (`kb.fit_learned`) on synthetic candidates whose
answer is known, and the re-ranking on synthetic scores. The integration tests use the
real bundled model and the shipped fit on a temporary index of the test salon.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kb import calibrate
from kb.confidence import Signals, confidence
from kb.embeddings import LOCAL_MODEL, get_embedder
from kb.fit_learned import Candidates, fit_flag, fit_metric, ranks
from kb.fit_learned import main as fit_main
from kb.learned import (
    RERANK_DEPTH,
    Learned,
    checked,
    features,
    for_model,
    load,
    path_for,
    save,
)
from kb.retriever import Retriever, SearchOptions
from tests.kb.conftest import SALON_FILES, real_retriever

DIM = 8


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v / np.linalg.norm(v), dtype=np.float32)


def test_the_shipped_fit_is_for_the_bundled_model_and_its_dimensions() -> None:
    learned = for_model(LOCAL_MODEL)
    assert learned is not None, "kb/learned-*.npz for the bundled model is missing"
    dim = get_embedder().embed_query("coupe").shape[0]
    assert learned.metric.shape == (dim,)
    signal_count = len(Signals(0.0, 0.0, 0.0, 0.0).vector())
    assert learned.flag.shape == (1 + signal_count + 2 * dim,)
    assert 0.0 < learned.threshold < 1.0


def test_a_model_without_its_own_fit_has_none() -> None:
    assert for_model("openai/text-embedding-3-small") is None


def test_a_saved_fit_loads_back_the_same(tmp_path: Path) -> None:
    learned = Learned("m/x", np.arange(DIM, dtype=np.float32), np.linspace(-1, 1, 5), 0.42)
    back = load(save(learned, tmp_path / "fit.npz"))
    assert back.model == "m/x" and back.threshold == pytest.approx(0.42)
    assert np.allclose(back.metric, learned.metric) and np.allclose(back.flag, learned.flag)


def test_an_unreadable_or_foreign_fit_is_not_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 not a zip at all")
    assert checked(broken, "m/x") is None
    assert "unreadable" in caplog.text
    fit = save(
        Learned("m/x", np.zeros(DIM, dtype=np.float32), np.zeros(3), 0.5), tmp_path / "f.npz"
    )
    assert checked(fit, "m/other") is None
    assert checked(fit, "m/x") is not None
    assert checked(tmp_path / "missing.npz", "m/x") is None


def test_the_metric_moves_only_the_fused_rankings_best_passages() -> None:
    rng = np.random.default_rng(1)
    count = RERANK_DEPTH + 20
    fused = np.linspace(2.0, 0.0, count).astype(np.float32)
    matrix = np.vstack([_unit(rng.normal(size=DIM)) for _ in range(count)])
    query = _unit(rng.normal(size=DIM))
    learned = Learned("m/x", np.full(DIM, 5.0, dtype=np.float32), np.zeros(1), 0.5)
    out = learned.rerank(fused, matrix, query)
    assert np.array_equal(out[RERANK_DEPTH:], fused[RERANK_DEPTH:])  # the rest untouched
    expected = fused[:RERANK_DEPTH] + 5.0 * (matrix[:RERANK_DEPTH] @ query)
    assert np.allclose(out[:RERANK_DEPTH], expected, atol=1e-5)
    assert np.array_equal(learned.rerank(fused[:0], matrix[:0], query), fused[:0])


def _candidates(rng: np.random.Generator, aligned: int) -> Candidates:
    """Ten passages with equal fused scores; the answer is the one that shares the
    question's sign on dimension `aligned`, the others are random."""
    query = _unit(rng.normal(size=DIM))
    passages = np.vstack([_unit(rng.normal(size=DIM)) for _ in range(10)])
    answer = int(rng.integers(10))
    passages[answer] = _unit(
        passages[answer] + 3.0 * np.eye(DIM)[aligned] * np.sign(query[aligned])
    )
    answers = np.zeros(10, dtype=bool)
    answers[answer] = True
    return Candidates(np.ones(10, dtype=np.float32), passages, query, answers)


def test_the_metric_learns_the_dimension_that_tells_the_answer() -> None:
    rng = np.random.default_rng(7)
    salons: dict[str, list[Candidates | None]] = {
        name: [_candidates(rng, aligned=2) for _ in range(40)] for name in ("a", "b")
    }
    held_out: list[Candidates | None] = [_candidates(rng, aligned=2) for _ in range(40)]
    metric = fit_metric(salons)
    assert int(np.argmax(metric)) == 2
    before, after = ranks(None, held_out), ranks(metric, held_out)
    assert after[2] > before[2] + 0.2  # MRR on questions the fit never saw


def test_the_flag_is_balanced_across_salons_and_separates_the_classes() -> None:
    rng = np.random.default_rng(3)
    signal_count = 2

    def salon(name: str, size: int) -> calibrate.SalonSignals:
        y = (np.arange(size) % 3 != 0).astype(float)  # a third unanswerable
        x = rng.normal(size=(size, signal_count + 4)) + np.outer(y, [1.5, 0, 0, 0, 2.0, 0])
        return calibrate.SalonSignals(name, x, y)

    salons = [salon("big", 300), salon("small", 30)]
    weights = fit_flag(salons, signal_count)
    probability = calibrate.probabilities(weights, salons[1].x)
    recall, false_flags = calibrate.rates(probability, salons[1].y, 0.5)
    assert recall >= 0.8 and false_flags <= 0.2
    assert weights[1] > 0 and weights[5] > 0  # the signal and the vector dimension that tell


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    return real_retriever(tmp_path_factory.mktemp("kb-learned"))


def test_search_flags_with_the_fitted_model_and_its_operating_point(retriever: Retriever) -> None:
    learned = for_model(LOCAL_MODEL)
    assert learned is not None
    question = "vous faites les extensions de cils"
    result = retriever.search(question, k=3)
    scored = retriever.scored(question)
    assert scored is not None
    fused, query, signals = scored
    top = retriever.matrix[int(np.argmax(fused))]
    expected = learned.probability(signals, query, top)
    assert result.confidence == pytest.approx(expected, abs=1e-4)
    assert result.answerable == (expected >= learned.threshold)
    assert features(signals, query, top).shape == (learned.flag.shape[0] - 1,)


def test_without_the_fit_the_hand_weighted_flag_answers(retriever: Retriever) -> None:
    plain = SearchOptions(learned=False)
    question = "c'est combien une coupe homme"
    result = retriever.search(question, k=3, options=plain)
    signals = retriever.signals(question, options=plain)
    assert signals is not None
    assert result.confidence == pytest.approx(confidence(signals, model=LOCAL_MODEL), abs=1e-4)


@pytest.mark.parametrize(
    ("question", "answerable"),
    [
        ("euh c'est combien un balayage sur cheveux longs", True),
        ("vous êtes ouverts le samedi", True),
        ("quelle est la capitale de l'australie", False),
        ("vous faites la manucure", False),
    ],
)
def test_the_fitted_flag_tells_plain_cases_apart(
    retriever: Retriever, question: str, answerable: bool
) -> None:
    assert retriever.search(question, k=3).answerable is answerable


def _tiny_salon(root: Path, name: str, price: int) -> str:
    """A salon folder and its questions, as `--set NAME=SOURCES:QUESTIONS`."""
    sources = root / name / "sources"
    sources.mkdir(parents=True)
    for file, text in SALON_FILES.items():
        (sources / file).write_text(text.replace("28 €", f"{price} €"), encoding="utf-8")
    questions = root / name / "gold.jsonl"
    lines = [
        {"question": "c'est combien une coupe homme", "expect": ["coupe homme", f"{price}"]},
        {"question": "combien de temps pour un balayage", "expect": ["balayage", "2 h 30"]},
        {"question": "vous êtes ouverts quels jours", "expect": ["mardi", "samedi"]},
        {"question": "il faut faire un test avant la couleur", "expect": ["48 heures"]},
        {"question": "vous faites les ongles", "answerable": False},
        {"question": "il fait beau demain à lyon", "answerable": False},
    ]
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in lines) + "\n")
    return f"{name}={sources}:{questions}"


def test_fit_learned_fits_other_salons_into_another_file_and_leaves_the_shipped_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = path_for(LOCAL_MODEL).read_bytes()
    sets = [_tiny_salon(tmp_path, "a", 28), _tiny_salon(tmp_path, "b", 31)]
    out = tmp_path / "fit.npz"
    assert fit_main(["--set", sets[0], "--set", sets[1], "--out", str(out)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["flag_left_one_salon_out"]) == {"a", "b"}
    assert report["written"] == str(out)
    fit = load(out)
    assert fit.model == LOCAL_MODEL and fit.metric.shape == for_model(LOCAL_MODEL).metric.shape
    assert path_for(LOCAL_MODEL).read_bytes() == shipped
    assert fit_main(["--set", sets[0], "--set", sets[1], "--dry-run"]) == 0
    assert "written" not in json.loads(capsys.readouterr().out)


def test_fit_learned_refuses_a_single_salon(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        fit_main(["--set", _tiny_salon(tmp_path, "a", 28)])
    assert exit_.value.code == 2
