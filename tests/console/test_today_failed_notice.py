"""Integration tier (Flask test client, Twilio stub): messages the outbox gave up on show
only on the Envois page, so the « Aujourd'hui » page says how many failed lately and
links there; a message failed long ago, or sent again by the owner, no longer counts."""

from __future__ import annotations

import asyncio
import time

from flask.testing import FlaskClient

from notify.outbox import Outbox
from notify.twilio_messages import TwilioNotifier, TwilioOptions
from salon import state_db
from tests.console.conftest import Salon
from tests.stubs.twilio import TwilioStub
from webhook.console.today import failed_notice

NUMBERS = ("+33612345678", "+33698765432", "+33745454545")


def _refused(salon: Salon, stub: TwilioStub, count: int) -> list[int]:
    """`count` SMS Twilio refused for good (an invalid number), as the outbox records them."""
    options = TwilioOptions(account_sid=stub.account_sid, auth_token=stub.auth_token,
                            base_url=stub.base_url, sms_from="MMargaux")  # fmt: skip
    outbox = Outbox(notifiers=[TwilioNotifier(options)], db_path=salon.salon_db)
    ids = [
        outbox.enqueue_now(
            channel="sms",
            to=NUMBERS[n],
            body="Maison Margaux : RDV.",
            dedupe_key=f"bk{n}:booked:sms",
        ).entry.id  # fmt: skip
        for n in range(count)
    ]
    stub.fail_next(status=400, code=21211, times=count)
    asyncio.run(outbox.drain())
    asyncio.run(outbox.aclose())
    assert outbox.counts() == {"failed": count}
    return ids


def test_today_says_how_many_messages_could_not_go_out_and_links_to_envois(
    owner: FlaskClient, salon: Salon
) -> None:
    assert "pas pu partir" not in owner.get("/admin/").get_data(as_text=True)
    with TwilioStub() as stub:
        ids = _refused(salon, stub, 3)
    page = owner.get("/admin/").get_data(as_text=True)
    assert "3 SMS n&#39;ont pas pu partir ces 7 derniers jours" in page
    assert 'href="/admin/envois?statut=failed">voir Envois</a>' in page
    conn = state_db.connect(salon.salon_db)
    with state_db.write_transaction(conn):  # one gave up eight days ago: old news
        conn.execute("UPDATE notify_outbox SET updated_at = ? WHERE id = ?",
                     (time.time() - 8 * 86400, ids[0]))  # fmt: skip
    assert Outbox(conn=conn).retry(ids[1])  # one the owner sent again: no longer failed
    page = owner.get("/admin/").get_data(as_text=True)
    assert "1 SMS n&#39;a pas pu partir ces 7 derniers jours" in page


def test_the_notice_names_each_channel_in_french() -> None:
    assert failed_notice({}) is None
    assert failed_notice({"email": 1}) == "1 e-mail n'a pas pu partir ces 7 derniers jours"
    assert failed_notice({"email": 2, "sms": 2, "whatsapp": 1}) == (
        "2 SMS, 1 message WhatsApp et 2 e-mails n'ont pas pu partir ces 7 derniers jours"
    )
