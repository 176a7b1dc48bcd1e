"""Unit and integration tiers: fitting the `answerable` model on several salons
(`kb.calibrate`): each salon weighs the same, the operating point is read from salons
left out of the fit, and the command indexes each salon into a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kb import calibrate
from kb.calibrate import SalonSignals
from kb.confidence import fit_logistic


def _salon(name: str, n: int, seed: int) -> SalonSignals:
    rng = np.random.default_rng(seed)
    y = np.array([1.0, 1.0, 1.0, 0.0] * (n // 4))
    x = (y[:, None] + rng.normal(0, 0.8, (len(y), 2))).astype(float)
    return SalonSignals(name, x, y)


def test_each_salon_weighs_the_same_however_many_questions_it_has() -> None:
    big, small = _salon("big", 80, 1), _salon("small", 8, 2)
    grouped = calibrate.fit([big, small])
    repeated = fit_logistic(
        np.vstack([big.x] + [small.x] * 10), np.concatenate([big.y] + [small.y] * 10), l2=0.1
    )
    plain = fit_logistic(np.vstack([big.x, small.x]), np.concatenate([big.y, small.y]), l2=0.1)
    assert np.allclose(grouped, repeated, atol=0.02)
    assert not np.allclose(grouped, plain, atol=0.02)


def test_the_operating_point_reaches_the_recall_asked_with_the_fewest_false_flags() -> None:
    salons = [
        SalonSignals("a", np.zeros((4, 1)), np.array([0.0, 0.0, 1.0, 1.0])),
        SalonSignals("b", np.zeros((4, 1)), np.array([0.0, 1.0, 1.0, 1.0])),
    ]
    held_out = {"a": np.array([0.2, 0.52, 0.7, 0.9]), "b": np.array([0.3, 0.62, 0.8, 0.9])}
    # Every unanswerable question is below 0.53; above 0.62 "b" starts losing an answer.
    assert calibrate._operating_point(salons, held_out) == 0.53


def test_no_threshold_reaching_the_recall_falls_back_to_the_best_difference() -> None:
    salons = [SalonSignals("a", np.zeros((4, 1)), np.array([0.0, 0.0, 1.0, 1.0]))]
    held_out = {"a": np.array([0.9, 0.4, 0.6, 0.95])}  # one no-answer scores above all
    assert 0.4 < calibrate._operating_point(salons, held_out) <= 0.6


def _tiny_salon(root: Path, city: str) -> str:
    sources = root / city / "sources"
    sources.mkdir(parents=True)
    (sources / "faq.md").write_text(
        f"# Salon de {city}\n\n## Tarifs\n\nCoupe homme — 30 min — 28 €\n\n"
        "Balayage — 2 h 30 — 115 €\n\n## Paiement\n\nNous acceptons la carte bancaire.\n\n"
        "## Accès\n\nParking à 300 mètres, ouvert jour et nuit.\n",
        encoding="utf-8",
    )
    questions = root / city / "questions.jsonl"
    lines = [
        {"question": "c est combien une coupe homme", "expect": ["coupe homme"]},
        {"question": "vous prenez la carte bleue", "expect": ["carte bancaire"]},
        {"question": "un balayage ça dure combien de temps", "expect": ["balayage"]},
        {"question": "il y a un parking", "expect": ["parking"]},
        {"question": "vous faites les ongles", "answerable": False},
        {"question": "je peux venir avec mon chien", "answerable": False},
    ]
    questions.write_text("\n".join(json.dumps(q) for q in lines), encoding="utf-8")
    return f"{city}={sources}:{questions}"


def test_the_command_fits_on_the_salons_given_and_reports_each_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sets = [_tiny_salon(tmp_path, city) for city in ("lyon", "nantes", "rennes")]
    assert calibrate.main([arg for spec in sets for arg in ("--set", spec)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["questions"] == {"lyon": [4, 2], "nantes": [4, 2], "rennes": [4, 2]}
    assert list(out["weights"]) == ["intercept", *calibrate.SIGNAL_NAMES]
    assert out["chosen_threshold"] in calibrate.THRESHOLDS
    curve = out["leave_one_salon_out"][str(out["chosen_threshold"])]
    assert set(curve["salons"]) == {"lyon", "nantes", "rennes"}
    assert not any(p.name == "data" for p in tmp_path.rglob("*"))
