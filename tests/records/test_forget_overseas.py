"""Integration tier (real SQLite): `python -m records forget` reads a national number in the
salon's own region, as its bookings and callers' numbers are (`salon.phone.region_of`). For
a Martinique salon « 0596 60 12 34 » is +596 596 60 12 34; read as a mainland number it
was +33 5 96 60 12 34, someone else, whose records were erased instead."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from records.__main__ import main as records_main
from records.store import CallRecords
from tests.fixtures.isolation import FIXTURE_SALON

CLIENT = "+596596601234"  # a Martinique landline: « 0596 60 12 34 » there
MAINLAND = "+33596601234"  # the same digits read in metropolitan France: another person
NOW = datetime.now(UTC)


@pytest.fixture
def martinique_salon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    text = (FIXTURE_SALON / "salon.toml").read_text(encoding="utf-8")
    text = text.replace("[salon]\n", '[salon]\nholidays_subdivision = "972"\n', 1)
    profile = tmp_path / "salon.toml"
    profile.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SALON_PROFILE", str(profile))
    return profile


def test_a_national_number_is_read_in_the_salons_region(
    martinique_salon: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "salon.db"
    records = CallRecords(path=db)
    records.add_text_message(channel="sms", phone=CLIENT, text="Je serai en retard", at=NOW)
    records.add_text_message(channel="sms", phone=MAINLAND, text="Rappelez-moi", at=NOW)
    records.conn.close()
    assert records_main(["forget", "0596 60 12 34", "--salon-db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Effacement de 0596 60 12 34 ({CLIENT}) :", out
    assert "      1  message de ce numéro pour le salon supprimé" in out, out
    kept = CallRecords(path=db).pending_messages()
    assert [m.callback_number for _, m in kept] == [MAINLAND]
