"""Integration tier: `python -m booking check`, the owner's Cal.com setup check, run
in-process against the Cal.com stub: each problem is one French line naming the service
and what to change, a refused key names CAL_API_KEY, and the exit code says whether
anything is wrong."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from booking.__main__ import main
from tests.booking.conftest import TEST_SALON, make_profile
from tests.stubs.calcom import API_KEY, CalComStub


@pytest.fixture
def stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CalComStub]:
    """A Cal.com account whose event types match the test salon, and its settings."""
    profile_path = tmp_path / "salon.toml"
    profile_path.write_text(TEST_SALON, encoding="utf-8")
    started = CalComStub(profile=make_profile()).start()
    monkeypatch.setenv("SALON_PROFILE", str(profile_path))
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    monkeypatch.setenv("CAL_API_KEY", API_KEY)
    monkeypatch.setenv("CAL_API_URL", started.url)
    yield started
    started.stop()
    assert started.spec_errors == []


def test_a_matching_account_passes_with_a_french_summary(
    stub: CalComStub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out == "4 prestations réservables vérifiées, 0 problème\n"


def test_each_problem_is_one_french_line_saying_what_to_change(
    stub: CalComStub, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.event_types[202].length = 90
    stub.event_types[201].email_required = True
    del stub.event_types[203]
    assert main(["check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "problème : coupe-homme : le type d'événement 201 exige un e-mail ; masquez le champ "
        "e-mail de la réservation ou rendez-le facultatif"
    )
    assert lines[1].endswith(" : dure 90 min dans Cal.com mais 120 min dans salon.toml")
    assert lines[2] == "problème : balayage-longs : type d'événement 203 introuvable dans Cal.com"
    assert lines[-1] == "4 prestations réservables vérifiées, 3 problèmes"


def test_a_refused_key_names_cal_api_key_in_french(
    stub: CalComStub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CAL_API_KEY", "cal_live_wrong")
    assert main(["check"]) == 1
    done = capsys.readouterr()
    assert done.err == (
        "python -m booking : erreur : Cal.com refuse CAL_API_KEY (401) : vérifiez la clé\n"
    )
    assert done.out == ""
