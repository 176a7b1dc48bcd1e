"""Integration tier (Flask test client): the call page names the receptionist's actions
in French, with the transcript e-mail's words (`records.report.ACTIONS_FR`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from records.store import CallRecords
from records.types import CallRecord
from tests.console.conftest import Salon


def test_the_call_page_names_the_actions_in_french(owner: FlaskClient, salon: Salon) -> None:
    store = CallRecords(path=salon.salon_db)
    call_id = store.save(
        CallRecord(
            call_sid="CA-actions",
            started_at=datetime.now(UTC) - timedelta(hours=1),
            outcome="booked",
            tools_used=["find_slots", "book_appointment", "find_slots", "old_tool"],
        )
    )
    store.conn.close()
    page = owner.get(f"/admin/appels/{call_id}").get_data(as_text=True)
    assert "recherche de créneaux, prise de rendez-vous, old_tool" in page
    assert "find_slots" not in page and "book_appointment" not in page
