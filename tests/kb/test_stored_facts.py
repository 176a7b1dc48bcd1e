"""Unit tier (temporary folders): the facts a version keeps in `facts.json` read back equal,
and a file that does not fit (other ingestion code, damaged) is never used."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest

from ingest.model import (
    AddressFact,
    ClosureFact,
    DayOfYear,
    Fact,
    HoursFact,
    PriceFact,
    Season,
    StaffHoursFact,
    Where,
)
from ingest.pipeline import ingest_directory
from kb import stored_facts

FIXTURE_SALON = Path(__file__).resolve().parents[1] / "fixtures" / "salon"
_WHERE = Where(source="infos.md", page=None, section="Horaires", text="…")
_CHECKED = {"day": "2027-01-15", "months": [[5, 6, 7, 8, 9]], "in_force": []}


def _save_and_read(folder: Path, facts: list[Fact]) -> list[Fact]:
    stored_facts.save(folder, facts=facts, checked=_CHECKED, pipeline="abc")
    saved = stored_facts.read(folder, "abc")
    assert saved is not None and saved["checked"] == _CHECKED
    return stored_facts.facts_of(saved)


def test_every_fact_of_the_fixture_salon_reads_back_equal(tmp_path: Path) -> None:
    facts = ingest_directory(FIXTURE_SALON).facts
    assert len({type(f) for f in facts}) >= 5
    assert _save_and_read(tmp_path, facts) == facts


def test_seasons_open_intervals_pages_and_staff_hours_read_back_equal(tmp_path: Path) -> None:
    facts: list[Fact] = [
        HoursFact(
            where=Where(source="horaires.pdf", page=2, section="", text="Samedi — Été : 8h"),
            weekday=5,
            closed=False,
            intervals=((time(8, 0), None), (None, time(13, 30))),
            season=Season(name="été", months=(5, 6, 7, 8, 9), explicit=True),
        ),
        StaffHoursFact(where=_WHERE, person="Inès", weekday=2, absent=True),
        ClosureFact(where=_WHERE, start=DayOfYear(12, 24), end=DayOfYear(1, 2, 2028)),
        PriceFact(where=_WHERE, label="Coupe homme", euros=24, high=30.5, from_price=True),
        AddressFact(where=_WHERE, street="3 place du marché", postcode=None),
    ]
    back = _save_and_read(tmp_path, facts)
    assert back == facts
    assert isinstance(back[3], PriceFact) and isinstance(back[3].euros, float)


def test_facts_of_other_ingestion_code_or_a_damaged_file_are_not_used(tmp_path: Path) -> None:
    assert stored_facts.read(tmp_path, "abc") is None  # none stored
    stored_facts.save(tmp_path, facts=[], checked=_CHECKED, pipeline="abc")
    assert stored_facts.read(tmp_path, "other") is None
    (tmp_path / stored_facts.FACTS_FILE).write_text("{not json", encoding="utf-8")
    assert stored_facts.read(tmp_path, "abc") is None


def test_a_stored_fact_that_does_not_fit_its_type_is_an_error_not_a_wrong_fact(
    tmp_path: Path,
) -> None:
    stored_facts.save(
        tmp_path,
        facts=[HoursFact(where=_WHERE, weekday=5, closed=True)],
        checked=_CHECKED,
        pipeline="abc",
    )
    path = tmp_path / stored_facts.FACTS_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["facts"][0]["weekday"] = "samedi"
    path.write_text(json.dumps(data), encoding="utf-8")
    saved = stored_facts.read(tmp_path, "abc")
    assert saved is not None
    with pytest.raises(ValueError, match="stored fact unreadable"):
        stored_facts.facts_of(saved)


def test_only_the_seasons_whose_months_include_the_day_are_in_force() -> None:
    months = [[10, 11, 12, 1, 2, 3, 4], [5, 6, 7, 8, 9], [7, 8]]
    assert stored_facts.in_force(months, date(2027, 1, 15)) == [[10, 11, 12, 1, 2, 3, 4]]
    assert stored_facts.in_force(months, date(2027, 7, 15)) == [[5, 6, 7, 8, 9], [7, 8]]
    saved = {"checked": {"day": "2027-06-01", "months": months, "in_force": [[5, 6, 7, 8, 9]]}}
    assert not stored_facts.due(saved, date(2027, 6, 30))
    assert stored_facts.due(saved, date(2027, 7, 1))
