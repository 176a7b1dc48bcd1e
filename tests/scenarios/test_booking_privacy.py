"""Scenario tier: a booking that is not proven the caller's stays private, end to end.

The privacy scenarios (a caller from another number who knows the name and the day; a
caller showing the customer's own number under another name) run on the real turn path,
on both back-ends, twice: once with the customer's booking in the calendar, once with an
empty calendar. Everything the model is given must be identical in both runs — so the
model, and the caller, cannot tell "found but not yours" from "not found" — and nothing
of the booking (time, service, day, name, number) may appear in the logs at INFO.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from salon.french import day_words
from salon.profile import load_profile
from tests.scenarios.runner import SCENARIO_DIR, Outcome, load, run_scenario

PROFILE = load_profile()
PRIVATE = ["other_customers_booking_stays_private", "spoofed_caller_number"]


async def _run(scenario: dict[str, Any], backend: str, tmp_path: Path) -> Outcome:
    if backend == "calcom":
        from tests.stubs.calcom import CalComStub

        with CalComStub(profile=PROFILE) as stub:
            outcome = await run_scenario(scenario, backend=backend, tmp_path=tmp_path, stub=stub)
            assert stub.spec_errors == [], stub.spec_errors
            return outcome
    return await run_scenario(scenario, backend=backend, tmp_path=tmp_path)


def _secrets(booking: dict[str, str]) -> list[str]:
    """What the customer's booking is: its time in every written form, its day, its
    service, her name and her number."""
    day = date.fromisoformat(booking["day"])
    start = datetime.combine(day, time.fromisoformat(booking["time"]), tzinfo=PROFILE.timezone)
    service = PROFILE.service(booking["service"])
    return [
        f"{start.hour}h{start.minute:02d}",
        start.strftime("%H:%M"),
        start.isoformat()[:16],
        start.astimezone(UTC).strftime("%H:%M"),
        day.isoformat(),
        day_words(day),
        service.id,
        service.name,
        *booking["name"].split(),
        booking["phone"],
        booking["phone"][-9:],
    ]


def _instructions(outcome: Outcome) -> str:
    return "\n".join(
        text for role, text in outcome.model.requests[0].messages() if role == "system"
    )


def _without_instructions(outcome: Outcome) -> list[str]:
    head = "system: " + _instructions(outcome)
    return [text.replace(head, "") for text in outcome.llm_text]


@pytest.mark.parametrize("backend", ["local", "calcom"])
@pytest.mark.parametrize("name", PRIVATE)
async def test_the_model_is_given_the_same_whether_the_booking_exists_or_not(
    name: str, backend: str, tmp_path: Path
) -> None:
    scenario = load(SCENARIO_DIR / f"{name}.yaml", PROFILE)
    present = await _run(scenario, backend, tmp_path / "present")
    empty = dict(scenario, setup={**scenario["setup"], "bookings": []})
    absent = await _run(empty, backend, tmp_path / "absent")
    assert present.tool_outputs == absent.tool_outputs
    # every request, word for word (the instructions aside: they tell the time of day)
    assert _without_instructions(present) == _without_instructions(absent)
    assert len(present.bookings) == 1 and absent.bookings == []


@pytest.mark.parametrize("backend", ["local", "calcom"])
@pytest.mark.parametrize("name", PRIVATE)
async def test_nothing_of_the_booking_reaches_a_tool_output_or_the_logs(
    name: str, backend: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    scenario = load(SCENARIO_DIR / f"{name}.yaml", PROFILE)
    [booking] = scenario["setup"]["bookings"]
    secrets = _secrets(booking)
    caplog.set_level(logging.INFO)
    outcome = await _run(scenario, backend, tmp_path)
    for output in outcome.tool_outputs:
        assert not [s for s in secrets if s in output], output
    # What the caller said, and the salon's own facts (its list of services), aside:
    public = " ".join(turn["caller"] for turn in scenario["turns"]) + _instructions(outcome)
    unsaid = [s for s in secrets if s not in public]
    assert unsaid, "everything is public: the check would prove nothing"
    for text in outcome.llm_text:
        assert not [s for s in unsaid if s in text]
    logged = [
        json.dumps(record.__dict__, default=str, ensure_ascii=False)
        for record in caplog.records
        if record.levelno >= logging.INFO and record.getMessage() != "booking created"
    ]  # "booking created" is the customer's own booking being made, before the call
    assert logged, "the run logged nothing at INFO: the check would prove nothing"
    for line in logged:
        assert not [s for s in secrets if s in line], line
