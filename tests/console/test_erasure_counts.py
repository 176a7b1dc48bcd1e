"""Integration tier (Flask test client): « Effacer un numéro » says each count with its
words agreeing in number, as `python -m records forget` does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from tests.console.conftest import Salon, csrf
from tests.console.seed import PHONE, save_call


def test_the_erasure_page_says_one_call_and_two_lines_each_in_its_number(
    owner: FlaskClient, salon: Salon
) -> None:
    call_id = save_call(salon.salon_db, started=datetime.now(UTC) - timedelta(days=2),
                        message="Rappelez-moi")  # fmt: skip
    page = owner.get(f"/admin/appels/{call_id}").get_data(as_text=True)
    dry = owner.post("/admin/effacer", data={"csrf_token": csrf(page), "numero": PHONE})
    shown = dry.get_data(as_text=True)
    assert "<li>1 appel (numéro retiré de la fiche)</li>" in shown, shown
    assert "<li>2 lignes de transcription supprimées</li>" in shown
    assert "<li>1 message de ce numéro pour le salon supprimé</li>" in shown
