"""Integration tier: `POST /sms`, signed like `/voice` — « ANNULER » from the right and from
a wrong number, an ambiguous one, « OUI » with nothing offered, other texts kept for the
salon, WhatsApp opening its window, Twilio's retries handled once, forged requests refused;
and the same answers under the real Hypercorn server."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from flask.testing import FlaskClient

from booking import waitlist
from booking.calendar import Booking, Customer, Slot
from booking.hours import fits_hours, opening_hours
from booking.local import LocalCalendar
from notify.gsm7 import to_gsm7
from notify.outbox import Outbox
from notify.texts import DATE_FORMS
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
from webhook.sms import CANCEL_WINDOW, classify

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


CUT = timedelta(minutes=30)  # a men's cut, what these tests book


def cuts(
    profile: SalonProfile, *, after_days: int = 1, count: int = 1, until: datetime | None = None
) -> list[datetime]:
    """The first `count` starts of men's cuts, one after the other's end, from the start of
    the day `after_days` ahead (not today: a text about today says « aujourd'hui »), none
    after `until` (fewer, then). Each is a start the calendar takes: on the salon's grid,
    within the hours of a stylist who cuts men's hair (`fits_hours`: closures, special
    days, holidays, the stylist's week and absences)."""
    tz, step = profile.timezone, timedelta(minutes=profile.slot_step_minutes)
    barbers = profile.stylists_for(["coupe-homme"])
    day = datetime.now(tz).date() + timedelta(days=after_days)
    found: list[datetime] = []
    for _ in range(366):
        for lo, hi in opening_hours(profile, day):
            moment = datetime.combine(day, lo, tzinfo=tz)
            while moment + CUT <= datetime.combine(day, hi, tzinfo=tz):
                if until is not None and moment > until:
                    return found
                free = not found or moment >= found[-1] + CUT
                if free and any(fits_hours(profile, moment, moment + CUT, m) for m in barbers):
                    found.append(moment)
                    if len(found) == count:
                        return found
                moment += step
        day += timedelta(days=1)
    return found


def window_end() -> datetime:
    """Until when « ANNULER » cancels an upcoming booking that got no reminder."""
    return datetime.now(UTC) + CANCEL_WINDOW


def cancellable(profile: SalonProfile) -> datetime:
    """A men's cut « ANNULER » cancels by itself (no reminder): inside `CANCEL_WINDOW`.
    In the fixture salon's summer closure there is none: skip, naming the dates."""
    found = cuts(profile, until=window_end())
    if not found:
        pytest.skip(
            f"the fixture salon takes no men's cut from tomorrow to {window_end():%Y-%m-%d}: "
            "no booking inside the 7 days « ANNULER » reaches"
        )
    return found[0]


def alike(profile: SalonProfile) -> list[datetime]:
    """Two men's cuts « ANNULER » treats alike: both inside `CANCEL_WINDOW`, or, when the
    salon takes no two there (its summer closure), both past it: either way neither is
    the one to cancel."""
    pair = cuts(profile, count=2, until=window_end())
    return pair if len(pair) == 2 else cuts(profile, after_days=8, count=2)


def as_texted(profile: SalonProfile, start: datetime) -> list[str]:
    """How an SMS names `start` on the client's phone: the texts' date forms, richest
    first (a text with no room left for « mercredi 1er septembre » says « mer. 1er sept. »),
    folded to GSM-7 as sent (« août » arrives as « aout »)."""
    local = start.astimezone(profile.timezone)
    return [to_gsm7(form(local)) for form in DATE_FORMS]


async def book(db: Path, profile: SalonProfile, start: datetime, phone: str) -> Booking:
    calendar = LocalCalendar(profile, db=db)
    service = profile.service("coupe-homme")
    try:
        return await calendar.book(
            service=service,
            slot=Slot(service.id, start, start + CUT),
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
    booking = await book(db, profile, cancellable(profile), ALICE)
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
    booking = await book(db, profile, cuts(profile)[0], ALICE)
    response = post_signed(sms_client, "/sms", sms_form(MALLORY, "ANNULER"))
    assert response.status_code == 200
    assert status_of(db, booking.uid) == "accepted"
    [(_, body)] = outbox_to(db, MALLORY)
    assert "nous ne trouvons pas de RDV à venir pour ce numéro" in body
    assert outbox_to(db, ALICE) == []


async def test_annuler_with_two_upcoming_bookings_changes_nothing_and_says_to_call(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    first, second = [await book(db, profile, start, ALICE) for start in alike(profile)]
    post_signed(sms_client, "/sms", sms_form(ALICE, "annuler"))
    assert {status_of(db, first.uid), status_of(db, second.uid)} == {"accepted"}
    [(_, body)] = outbox_to(db, ALICE)
    assert "plusieurs RDV à venir, rien n'est annulé" in body


async def test_the_booking_that_got_a_reminder_is_the_one_cancelled(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    reminded, other = [await book(db, profile, start, ALICE) for start in cuts(profile, count=2)]
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
    [start] = cuts(profile, after_days=12)
    far = await book(db, profile, start, ALICE)
    post_signed(sms_client, "/sms", sms_form(ALICE, "ANNULER"))
    assert status_of(db, far.uid) == "accepted"
    when = slot_words(far.start.astimezone(profile.timezone))
    [body] = await sent_by_twilio(db)
    assert "nous ne trouvons pas" not in body
    assert any(
        body.startswith(f"Maison Margaux : le RDV d'Alice Durand du {texted} (coupe homme")
        for texted in as_texted(profile, far.start)
    ), body
    assert body.endswith("n'est pas annulé par SMS. Pour l'annuler, appelez le 04 78 42 18 90.")
    [message] = [m for _, m in CallRecords(path=db).pending_messages()]
    assert (message.caller_name, message.callback_number, message.channel) == (
        "Alice Durand", ALICE, "sms",
    )  # fmt: skip
    assert message.text == f"ANNULER — pas annulé par SMS : RDV du {when}, à plus de 7 jours"


async def test_an_annuler_that_cancels_nothing_is_kept_for_the_salon(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    for start in alike(profile):
        await book(db, profile, start, ALICE)
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
    booking = await book(db, profile, cuts(profile)[0], ALICE)
    remind(db, booking)
    post_signed(sms_client, "/sms", sms_form(ALICE, "Ouiii"))
    assert status_of(db, booking.uid) == "accepted"
    [body] = await sent_by_twilio(db)
    when = as_texted(profile, booking.start)[0]  # a short text: the whole date has room
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
    booking = await book(db, profile, cuts(profile)[0], ALICE)
    remind(db, booking)
    post_signed(sms_client, "/sms", sms_form(ALICE, "Oui annuler"))
    assert status_of(db, booking.uid) == "cancelled"
    [(key, _)] = outbox_to(db, ALICE)
    assert key == f"{booking.uid}:cancelled:sms"


async def test_ok_still_accepts_a_waitlist_offer(
    sms_client: FlaskClient, db: Path, profile: SalonProfile
) -> None:
    [start] = cuts(profile)
    day = start.date()
    conn = state_db.connect(db)
    now = datetime.now(UTC)
    entry, _ = waitlist.join(
        conn, phone=BOB, name="Bob Martin", service_id="coupe-homme", day=day, now=now
    )
    waitlist.create_offer(
        conn, entry_id=entry.id, service_id="coupe-homme", start=start,
        end=start + CUT, expires_at=now + timedelta(hours=1), now=now,
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
    await book(db, profile, cuts(profile)[0], ALICE)
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
    booking = await book(db, profile, cuts(profile)[0], ALICE)
    remind(db, booking)  # reminded: « ANNULER » cancels it whatever the date
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
    booking = await book(db, profile, cuts(profile)[0], ALICE)
    remind(db, booking)  # reminded: « ANNULER » cancels it whatever the date
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
        booking = await book(server.salon_db, profile, cuts(profile)[0], ALICE)
        remind(server.salon_db, booking)  # reminded: cancellable whatever the date
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
