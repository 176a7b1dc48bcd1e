"""Integration tier: `POST /sms`, signed like `/voice` — « ANNULER » from the right and from
a wrong number, an ambiguous one, « OUI » with nothing offered, other texts kept for the
salon, WhatsApp opening its window, Twilio's retries handled once, forged requests refused;
and the same answers under the real Hypercorn server."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from flask.testing import FlaskClient

from booking import waitlist
from booking.calendar import Booking, Customer, Slot
from booking.hours import opening_hours
from booking.local import LocalCalendar
from notify.outbox import Outbox
from notify.twilio_messages import TwilioNotifier, TwilioOptions
from notify.whatsapp_window import WhatsAppWindow
from records.__main__ import main as records_main
from records.store import CallRecords
from salon import state_db
from salon.french import slot_words
from salon.profile import SalonProfile, load_profile
from salon.utc import utc_text
from tests.stubs.twilio import TwilioStub
from tests.webhook.conftest import PROFILE, AppFactory, post_signed, sign
from tests.webhook.real_server import running_webhook
from webhook.sms import classify

ALICE = "+33612345678"
MALLORY = "+33698765432"
BOB = "+33687654321"
_n = iter(range(1, 100_000))


def sms_form(sender: str, body: str, sid: str | None = None) -> dict[str, str]:
    return {
        "MessageSid": sid or f"SM{next(_n):032x}",
        "SmsSid": sid or f"SM{next(_n):032x}",
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+33757000001",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("ANNULER", "cancel"),
        ("annuler svp", "cancel"),
        ("Annulé", "cancel"),
        ("  AnNuLeR !!", "cancel"),
        ("Je voudrais annuler mon RDV de demain", "cancel"),
        ("je ne veux pas annuler", "message"),
        ("OUI", "accept"),
        ("oui merci !", "accept"),
        ("Ouiii", "accept"),
        ("OK", "accept"),
        ("ok merci à demain", "accept"),
        ("je confirme", "accept"),
        ("Je confirme !", "accept"),
        ("d'accord", "accept"),
        ("Oui, n'annulez pas", "message"),  # a negation: the salon reads it
        ("Oui annuler", "cancel"),  # cancelling wins when both are said
        ("oui je veux annuler svp", "cancel"),
        ("OK pour annuler", "cancel"),
        ("oui mais pas à cette heure-là", "message"),
        ("STOP", "stop"),
        ("Bonjour, vous faites les mèches ?", "message"),
        ("", "message"),
    ],
)
def test_texts_are_read_by_their_first_words_whatever_the_case_or_accents(
    body: str, kind: str
) -> None:
    assert classify(body) == kind


@pytest.fixture
def profile() -> SalonProfile:
    return load_profile(PROFILE)


def soon(profile: SalonProfile, *, after_days: int = 2) -> date:
    day = datetime.now(profile.timezone).date() + timedelta(days=after_days)
    while not opening_hours(profile, day):
        day += timedelta(days=1)
    return day


async def book(db: Path, profile: SalonProfile, day: date, hour: int, phone: str) -> Booking:
    calendar = LocalCalendar(profile, db=db)
    service = profile.service("coupe-homme")
    start = datetime.combine(day, datetime.min.time(), tzinfo=profile.timezone).replace(hour=hour)
    try:
        return await calendar.book(
            service=service,
            slot=Slot(service.id, start, start + timedelta(minutes=30)),
            customer=Customer(name="Alice Durand", phone=phone),
        )
    finally:
        await calendar.aclose()


async def sent_by_twilio(db: Path) -> list[str]:
    """Drain the outbox through the Twilio stub: the bodies the client's phone gets."""
    conn = state_db.connect(db)
    with TwilioStub() as stub:
        options = TwilioOptions(
            account_sid=stub.account_sid,
            auth_token=stub.auth_token,
            base_url=stub.base_url,
            sms_from="+33757000001",
        )
        outbox = Outbox(notifiers=[TwilioNotifier(options)], conn=conn)
        await outbox.drain()
        await outbox.aclose()
        return [m["body"] for m in stub.messages]


def status_of(db: Path, uid: str) -> str:
    row = sqlite3.connect(db).execute("SELECT status FROM local_bookings WHERE uid = ?", (uid,))
    return str(row.fetchone()[0])


def outbox_to(db: Path, phone: str) -> list[tuple[str, str]]:
    rows = sqlite3.connect(db).execute(
        "SELECT dedupe_key, body FROM notify_outbox WHERE recipient = ? ORDER BY id", (phone,)
    )
    return [(r[0], r[1]) for r in rows]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "salon.db"


@pytest.fixture
def sms_client(make_app: AppFactory) -> FlaskClient:
    return make_app().test_client()


async def test_annuler_from_the_booking_number_cancels_it_and_confirms(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    booking = await book(db, profile, soon(profile), 11, ALICE)
    response = post_signed(sms_client, "/sms", sms_form(ALICE, "Annuler svp"))
    assert response.status_code == 200
    assert response.mimetype == "text/xml" and response.text.endswith("<Response />")
    assert status_of(db, booking.uid) == "cancelled"
    [(key, body)] = outbox_to(db, ALICE)
    assert key == f"{booking.uid}:cancelled:sms"
    assert "RDV d'Alice Durand du" in body and "est annulé" in body
    assert booking.stylist_id is not None  # the fixture salon books by stylist
    assert f"avec {profile.stylist(booking.stylist_id).first_name})" in body, body


async def test_annuler_from_a_number_that_owns_no_booking_cancels_nothing(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    booking = await book(db, profile, soon(profile), 11, ALICE)
    response = post_signed(sms_client, "/sms", sms_form(MALLORY, "ANNULER"))
    assert response.status_code == 200
    assert status_of(db, booking.uid) == "accepted"
    [(_, body)] = outbox_to(db, MALLORY)
    assert "nous ne trouvons pas de RDV à venir pour ce numéro" in body
    assert outbox_to(db, ALICE) == []


async def test_annuler_with_two_upcoming_bookings_changes_nothing_and_says_to_call(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    first = await book(db, profile, soon(profile), 11, ALICE)
    second = await book(db, profile, soon(profile, after_days=3), 15, ALICE)
    post_signed(sms_client, "/sms", sms_form(ALICE, "annuler"))
    assert {status_of(db, first.uid), status_of(db, second.uid)} == {"accepted"}
    [(_, body)] = outbox_to(db, ALICE)
    assert "plusieurs RDV à venir, rien n'est annulé" in body


async def test_the_booking_that_got_a_reminder_is_the_one_cancelled(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    reminded = await book(db, profile, soon(profile), 11, ALICE)
    other = await book(db, profile, soon(profile, after_days=3), 15, ALICE)
    state_db.connect(db).execute(
        "INSERT INTO booking_reminders (uid, start_utc, outcome, first_seen_at, decided_at) "
        "VALUES (?, ?, 'queued', ?, ?)",
        (reminded.uid, utc_text(reminded.start), utc_text(datetime.now(UTC)),
         utc_text(datetime.now(UTC))),
    )  # fmt: skip
    post_signed(sms_client, "/sms", sms_form(ALICE, "ANNULER"))
    assert status_of(db, reminded.uid) == "cancelled"
    assert status_of(db, other.uid) == "accepted"


async def test_a_booking_more_than_a_week_ahead_without_reminder_is_not_cancelled_by_sms(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    """The policy stands (a reminded booking, or the one in the next 7 days), but the
    answer is true: it names the booking and says to call; the salon keeps the request."""
    far = await book(db, profile, soon(profile, after_days=12), 11, ALICE)
    post_signed(sms_client, "/sms", sms_form(ALICE, "ANNULER"))
    assert status_of(db, far.uid) == "accepted"
    when = slot_words(far.start.astimezone(profile.timezone))
    [body] = await sent_by_twilio(db)
    assert "nous ne trouvons pas" not in body
    assert body.startswith(f"Maison Margaux : le RDV d'Alice Durand du {when} (coupe homme")
    assert body.endswith("n'est pas annulé par SMS. Pour l'annuler, appelez le 04 78 42 18 90.")
    [message] = [m for _, m in CallRecords(path=db).pending_messages()]
    assert (message.caller_name, message.callback_number, message.channel) == (
        "Alice Durand", ALICE, "sms",
    )  # fmt: skip
    assert message.text == f"ANNULER — pas annulé par SMS : RDV du {when}, à plus de 7 jours"


async def test_an_annuler_that_cancels_nothing_is_kept_for_the_salon(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    await book(db, profile, soon(profile), 11, ALICE)
    await book(db, profile, soon(profile, after_days=3), 15, ALICE)
    post_signed(sms_client, "/sms", sms_form(ALICE, "annuler svp"))
    post_signed(sms_client, "/sms", sms_form(MALLORY, "ANNULER"))
    kept = [(m.callback_number, m.caller_name, m.text)
            for _, m in CallRecords(path=db).pending_messages()]  # fmt: skip
    assert kept == [
        (ALICE, "Alice Durand", "annuler svp — rien n'est annulé : plusieurs RDV à venir"),
        (MALLORY, None, "ANNULER — rien n'est annulé : aucun RDV à venir pour ce numéro"),
    ]


def remind(db: Path, booking: Booking) -> None:
    """As scripts/jobs records a reminder it queued."""
    state_db.connect(db).execute(
        "INSERT INTO booking_reminders (uid, start_utc, outcome, first_seen_at, decided_at) "
        "VALUES (?, ?, 'queued', ?, ?)",
        (booking.uid, utc_text(booking.start), utc_text(datetime.now(UTC)),
         utc_text(datetime.now(UTC))),
    )  # fmt: skip


async def test_oui_after_a_reminder_thanks_the_client_for_their_booking(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    booking = await book(db, profile, soon(profile), 11, ALICE)
    remind(db, booking)
    post_signed(sms_client, "/sms", sms_form(ALICE, "Ouiii"))
    assert status_of(db, booking.uid) == "accepted"
    [body] = await sent_by_twilio(db)
    when = slot_words(booking.start.astimezone(profile.timezone))
    assert "aucun créneau" not in body and "Pour prendre RDV" not in body
    assert body.startswith(f"Maison Margaux : merci ! Nous attendons Alice Durand le {when} (")
    assert CallRecords(path=db).pending_messages() == []  # a bare yes asks nothing of the salon
    # a yes that says more is kept under the client's name; no second thanks the same day
    post_signed(sms_client, "/sms", sms_form(ALICE, "ok, 10 min de retard"))
    [message] = [m for _, m in CallRecords(path=db).pending_messages()]
    assert (message.caller_name, message.text) == ("Alice Durand", "ok, 10 min de retard")
    assert len(outbox_to(db, ALICE)) == 1


async def test_oui_annuler_cancels_instead_of_accepting(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    booking = await book(db, profile, soon(profile), 11, ALICE)
    remind(db, booking)
    post_signed(sms_client, "/sms", sms_form(ALICE, "Oui annuler"))
    assert status_of(db, booking.uid) == "cancelled"
    [(key, _)] = outbox_to(db, ALICE)
    assert key == f"{booking.uid}:cancelled:sms"


async def test_ok_still_accepts_a_waitlist_offer(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    day = soon(profile)
    start = datetime.combine(day, datetime.min.time(), tzinfo=profile.timezone).replace(hour=15)
    conn = state_db.connect(db)
    now = datetime.now(UTC)
    entry, _ = waitlist.join(
        conn, phone=BOB, name="Bob Martin", service_id="coupe-homme", day=day, now=now
    )
    waitlist.create_offer(
        conn, entry_id=entry.id, service_id="coupe-homme", start=start,
        end=start + timedelta(minutes=30), expires_at=now + timedelta(hours=1), now=now,
    )  # fmt: skip
    post_signed(sms_client, "/sms", sms_form(BOB, "OK"))
    [(key, body)] = outbox_to(db, BOB)
    assert key.endswith(":booked:sms") and "RDV de Bob Martin confirmé" in body


def test_oui_with_no_offer_waiting_books_nothing(sms_client: FlaskClient, db: Path) -> None:
    post_signed(sms_client, "/sms", sms_form(ALICE, "OUI"))
    [(_, body)] = outbox_to(db, ALICE)
    assert "aucun créneau n'attend votre réponse" in body


async def test_a_text_from_a_client_is_kept_under_the_name_of_their_booking(
    sms_client: FlaskClient, db: Path, profile: SalonProfile, capsys: pytest.CaptureFixture[str]
) -> None:
    await book(db, profile, soon(profile), 11, ALICE)
    post_signed(sms_client, "/sms", sms_form(ALICE, "Bonjour, je peux venir avec ma fille ?"))
    post_signed(sms_client, "/sms", sms_form(MALLORY, "Vous êtes ouverts lundi ?"))
    kept = [(m.caller_name, m.callback_number) for _, m in CallRecords(path=db).pending_messages()]
    assert kept == [("Alice Durand", ALICE), (None, MALLORY)]
    assert records_main(["--messages", "--salon-db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "  Alice Durand  06 12 34 56 78  « Bonjour, je peux venir avec ma fille ? »" in out


def test_any_other_text_is_kept_for_the_salon_and_answered_once_a_day(
    sms_client: FlaskClient, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post_signed(sms_client, "/sms", sms_form(ALICE, "Bonjour, je serai 10 min en retard"))
    post_signed(sms_client, "/sms", sms_form(ALICE, "Merci !"))
    messages = [m for _, m in CallRecords(path=db).pending_messages()]
    assert [(m.text, m.channel, m.callback_number) for m in messages] == [
        ("Bonjour, je serai 10 min en retard", "sms", ALICE),
        ("Merci !", "sms", ALICE),
    ]
    [(_, body)] = outbox_to(db, ALICE)  # one polite line, not one per text
    assert "votre message est transmis au salon" in body
    assert records_main(["--messages", "--salon-db", str(db)]) == 0
    assert "« Bonjour, je serai 10 min en retard »  (SMS)" in capsys.readouterr().out


async def test_a_message_twilio_delivers_twice_is_handled_once(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    booking = await book(db, profile, soon(profile), 11, ALICE)
    form = sms_form(ALICE, "ANNULER", sid="SM" + "ab" * 16)
    for _ in range(2):
        assert post_signed(sms_client, "/sms", form).status_code == 200
    assert status_of(db, booking.uid) == "cancelled"
    assert len(outbox_to(db, ALICE)) == 1


def test_a_forged_sms_is_refused_and_changes_nothing(sms_client: FlaskClient, db: Path) -> None:
    form = sms_form(ALICE, "ANNULER")
    forged = sms_client.post("/sms", data=form, headers={"X-Twilio-Signature": "bm90IGl0"})
    unsigned = sms_client.post("/sms", data=form)
    assert forged.status_code == 403 and unsigned.status_code == 403
    count = state_db.connect(db).execute("SELECT count(*) FROM sms_inbound").fetchone()[0]
    assert count == 0


def test_a_malformed_message_sid_gets_a_400_naming_it(sms_client: FlaskClient) -> None:
    response = post_signed(sms_client, "/sms", sms_form(ALICE, "OUI", sid="SM123"))
    assert response.status_code == 400 and "MessageSid" in response.text


async def test_a_whatsapp_text_opens_the_window_so_the_confirmation_is_free_text(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    booking = await book(db, profile, soon(profile), 11, ALICE)
    conn = state_db.connect(db)
    assert not WhatsAppWindow(conn).is_open(ALICE)
    post_signed(sms_client, "/sms", sms_form(f"whatsapp:{ALICE}", "annuler"))
    assert WhatsAppWindow(conn).is_open(ALICE)
    assert status_of(db, booking.uid) == "cancelled"
    with TwilioStub() as stub:
        options = TwilioOptions(
            account_sid=stub.account_sid,
            auth_token=stub.auth_token,
            base_url=stub.base_url,
            whatsapp_from="whatsapp:+33757000001",
            whatsapp_content_sid="HX" + "a" * 32,
        )
        outbox = Outbox(notifiers=[TwilioNotifier(options, window=WhatsAppWindow(conn))], conn=conn)
        report = await outbox.drain()
        await outbox.aclose()
        [sent] = stub.messages
    assert report.sent == 1
    assert sent["to"] == f"whatsapp:{ALICE}" and sent["_content_sid"] is None
    assert "est annulé" in sent["body"]


@pytest.mark.integration
async def test_under_the_real_server_sms_answers_empty_twiml_and_forgeries_403(
    tmp_path: Path, profile: SalonProfile
) -> None:
    with running_webhook(tmp_path) as server:
        booking = await book(server.salon_db, profile, soon(profile), 16, ALICE)
        response = server.post_signed("/sms", sms_form(ALICE, "ANNULER"))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        assert response.text.endswith("<Response />")
        other = server.post_signed("/sms", sms_form(MALLORY, "Vous êtes ouverts lundi ?"))
        assert other.status_code == 200 and other.text.endswith("<Response />")
        form = sms_form(ALICE, "OUI")
        forged = {"X-Twilio-Signature": sign(server.base + "/sms", {**form, "Body": "x"})}
        refused = httpx.post(server.base + "/sms", data=form, headers=forged, timeout=10)
        assert refused.status_code == 403
        log = server.log()
    assert status_of(server.salon_db, booking.uid) == "cancelled"
    assert "Traceback" not in log and "Error in ASGI Framework" not in log
    assert "text message handled" in log and ALICE not in log  # masked in the log
