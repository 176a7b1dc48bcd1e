"""Scenario tier: whole calls from YAML, on the real turn path with a scripted model.

Each `tests/scenarios/*.yaml` runs against the embedded calendar and, when it lists
`calcom` in `backends`, against the Cal.com stub (validated against the shared OpenAPI
spec when `../shared` is present); the final calendar, outbox and call record are checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salon.profile import load_profile
from tests.scenarios.runner import SCENARIO_DIR, check, load, run_scenario, scenario_profile

PROFILE = load_profile()


def _cases() -> list[object]:
    """One case per scenario and back-end; `known_issue: <why>` marks a strict xfail that
    documents a bug owned elsewhere (it turns red the day the bug is fixed)."""
    cases = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        scenario = load(path, PROFILE)
        issue = scenario.get("known_issue")
        marks = [pytest.mark.xfail(strict=True, reason=issue)] if issue else []
        for backend in scenario.get("backends") or ["local"]:
            cases.append(pytest.param(path, backend, id=f"{path.stem}-{backend}", marks=marks))
    return cases


CASES = _cases()


@pytest.mark.parametrize(("path", "backend"), CASES)
async def test_scenario_ends_in_the_expected_state(
    path: Path, backend: str, tmp_path: Path
) -> None:
    scenario = load(path, PROFILE)
    if backend == "calcom":
        from tests.stubs.calcom import CalComStub

        with CalComStub(profile=scenario_profile(scenario, PROFILE)) as stub:
            outcome = await run_scenario(scenario, backend=backend, tmp_path=tmp_path, stub=stub)
            assert stub.spec_errors == [], stub.spec_errors
    else:
        outcome = await run_scenario(scenario, backend=backend, tmp_path=tmp_path)
    check(outcome, scenario["expect"])
