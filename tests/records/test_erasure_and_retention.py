"""Integration tier (real SQLite): erasing a person leaves no trace of their number in any
table of salon.db, in any spelling, while upcoming bookings are listed and kept; retention
deletes what is past its keeping time and codes once used or expired."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from booking import proofs, waitlist
from booking.calendar import Customer, Slot
from booking.local import LocalCalendar
from notify.outbox import Outbox
from notify.whatsapp_window import WhatsAppWindow
from records import transfers
from records.__main__ import main as records_main
from records.erasure import REDACTED, forget, number_pattern
from records.retention import RetentionPolicy, apply_retention
from records.store import CallRecords
from records.types import CallRecord, TakenMessage, TranscriptLine
from salon import state_db
from salon.profile import SalonProfile, load_profile
from salon.utc import utc_text
from tests.fixtures.days import usual_day
from webhook.call_log import CallLog

ALICE = "+33612345678"
BOB = "+33698765432"
# Every spelling of Alice's number that must be gone: E.164, national, digits…
SPELLINGS = ("+33612345678", "0612345678", "06 12 34 56 78", "06.12.34.56.78", "612345678")
ALICE_SID = "CA" + "1" * 32
BOB_SID = "CA" + "2" * 32
NOW = datetime.now(UTC)


def traces(db: Path, spellings: tuple[str, ...] = SPELLINGS) -> list[str]:
    """`table.column` of every value, in every table of sqlite_master, holding the number."""
    conn = sqlite3.connect(db)
    found = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        for column in columns:
            for (value,) in conn.execute(f'SELECT "{column}" FROM "{table}"'):
                text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                if any(s in text for s in spellings):
                    found.append(f"{table}.{column}")
    return sorted(set(found))


@pytest.fixture
def profile() -> SalonProfile:
    return load_profile()


async def populate(db: Path, profile: SalonProfile, *, upcoming: bool) -> str:
    """Alice everywhere the salon keeps people: calls, messages, outbox, codes, bookings,
    waitlist, WhatsApp, webhook log; Bob's call mentions her number. Returns a booking uid."""
    conn = state_db.connect(db)
    records = CallRecords(conn=conn)
    start = NOW - timedelta(days=3)
    records.save(
        CallRecord(
            call_sid=ALICE_SID,
            caller=ALICE,
            started_at=start,
            ended_at=start + timedelta(minutes=2),
            transcript=[
                TranscriptLine("caller", "Bonjour, c'est Alice Durand, mon 06 12 34 56 78"),
                TranscriptLine("agent", "Très bien, c'est noté."),
            ],
            knowledge_gaps=["Vous faites les extensions ?"],
            messages=[TakenMessage("Rappelez-moi", "Alice Durand", "06.12.34.56.78")],
        )
    )
    records.save(
        CallRecord(
            call_sid=BOB_SID,
            caller=BOB,
            started_at=start,
            transcript=[TranscriptLine("caller", "Notez le 0612345678 de ma fille Alice")],
        )
    )
    records.add_text_message(channel="sms", phone=ALICE, text="Je serai en retard", at=start)
    conn.execute(
        "INSERT INTO sms_inbound (message_sid, phone, channel, kind, received_at) "
        "VALUES (?, ?, 'sms', 'message', ?)",
        ("SM" + "3" * 32, ALICE, utc_text(start)),
    )
    outbox = Outbox(conn=conn)
    outbox.enqueue_now(channel="sms", to=ALICE, body="RDV confirmé", dedupe_key="x:booked:sms")
    outbox.enqueue_now(
        channel="email",
        to="salon@example.fr",
        subject="Appel de +33 6 12 34 56 78",
        body="Appelant : 06 12 34 56 78\nAlice : mon 06 12 34 56 78",
        dedupe_key="call:transcript:email",
    )
    WhatsAppWindow(conn).record_inbound(f"whatsapp:{ALICE}")
    log = CallLog(db_path=db)
    log.claim(call_sid=ALICE_SID, caller_masked="+336******78", transport="sip")
    log.record_status(call_sid=ALICE_SID, status="completed", duration_s=30, sequence=1)
    transfers.request_transfer(conn, call_sid=ALICE_SID, reason="veut parler au salon")
    # Bookings: one made through the calendar, then moved into the past; one cancelled.
    calendar = LocalCalendar(profile, db=db)
    service = profile.service("coupe-homme")
    # a day the salon keeps its usual hours and someone cuts men's hair at 11h
    day = usual_day(
        profile, after=profile.now().date() + timedelta(days=9), service="coupe-homme", at=time(11)
    )
    slot_start = datetime.combine(day, datetime.min.time(), tzinfo=profile.timezone).replace(
        hour=11
    )
    booking = await calendar.book(
        service=service,
        slot=Slot(service.id, slot_start, slot_start + timedelta(minutes=30)),
        customer=Customer(name="Alice Durand", phone=ALICE),
    )
    if not upcoming:
        conn.execute(
            "UPDATE local_bookings SET start_utc = ?, end_utc = ? WHERE uid = ?",
            (utc_text(start), utc_text(start + timedelta(minutes=30)), booking.uid),
        )
    conn.execute(
        "INSERT INTO calcom_links (uid, phone, name, service_id, start_utc, end_utc, status, "
        "created_at) VALUES ('cal-1', ?, 'Alice Durand', 'coupe-homme', ?, ?, 'cancelled', ?)",
        (ALICE, utc_text(start), utc_text(start), utc_text(start)),
    )
    code = proofs.new_code(conn, uid=booking.uid, phone=BOB, now=NOW)
    proofs.new_code(conn, uid="cal-1", phone=ALICE, now=NOW)
    proofs.check_code(conn, uid=booking.uid, phone=BOB, code=code, now=NOW)
    entry, _ = waitlist.join(
        conn, phone=ALICE, name="Alice Durand", service_id="coupe-homme", day=day, now=NOW
    )
    waitlist.create_offer(
        conn, entry_id=entry.id, service_id="coupe-homme", start=slot_start,
        end=slot_start + timedelta(minutes=30), expires_at=NOW + timedelta(hours=1), now=NOW,
    )  # fmt: skip
    await calendar.aclose()
    return booking.uid


async def test_forgetting_a_number_leaves_no_trace_of_it_in_any_table(
    tmp_path: Path, profile: SalonProfile
) -> None:
    db = tmp_path / "salon.db"
    await populate(db, profile, upcoming=False)
    assert len(traces(db)) >= 12  # the fixture really spreads the number around
    report = forget(state_db.connect(db), phone="06 12 34 56 78", now=NOW)
    assert traces(db) == [] and report.leftovers == [] and report.upcoming == []
    assert traces(db, ("Alice Durand",)) == []
    for kind in ("calls", "transcript_lines", "messages", "outbox", "whatsapp_window",
                 "sms_inbound", "waitlist", "bookings", "codes", "grants", "redacted"):  # fmt: skip
        assert report.done.get(kind, 0) >= 1, (kind, report.done)
    # Bob's call stays; only Alice's number in it is replaced.
    bob = CallRecords(path=db).get(BOB_SID)
    assert bob is not None and bob.caller == BOB
    assert bob.transcript[0].text == f"Notez le {REDACTED} de ma fille Alice"


async def test_upcoming_bookings_are_listed_and_kept_by_the_command(
    tmp_path: Path, profile: SalonProfile, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "salon.db"
    uid = await populate(db, profile, upcoming=True)
    assert records_main(["forget", "0612345678", "--dry-run", "--salon-db", str(db)]) == 0
    assert "Effacement prévu de 06 12 34 56 78" in capsys.readouterr().out
    assert len(traces(db)) >= 12  # a dry run changes nothing
    assert records_main(["forget", "+33 6 12 34 56 78", "--salon-db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "1 rendez-vous à venir conservé" in out and uid in out
    assert "Coupe homme  Alice Durand" in out
    assert traces(db) == ["local_bookings.phone"]  # the upcoming booking, kept on purpose
    row = sqlite3.connect(db).execute("SELECT status, name FROM local_bookings").fetchone()
    assert row == ("accepted", "Alice Durand")


async def test_other_people_s_messages_that_mention_the_number_are_kept_with_it_replaced(
    tmp_path: Path, profile: SalonProfile, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the messages from the number go; Bob's message typing it loses the number, not
    its text, and the report counts the two apart."""
    db = tmp_path / "salon.db"
    await populate(db, profile, upcoming=False)
    records = CallRecords(path=db)
    records.add_text_message(channel="sms", phone=ALICE, text="Annulez demain svp", at=NOW)
    records.add_text_message(
        channel="sms", phone=BOB, text="Rappelez ma sœur au 06 12 34 56 78 svp", at=NOW
    )
    records.add_text_message(channel="whatsapp", phone=BOB, text="ou au +33612345678", at=NOW)
    assert records_main(["forget", "06 12 34 56 78", "--salon-db", str(db)]) == 0
    out = capsys.readouterr().out
    left = [(m.callback_number, m.text) for _, m in CallRecords(path=db).pending_messages()]
    assert left == [
        (BOB, f"Rappelez ma sœur au {REDACTED} svp"),
        (BOB, f"ou au {REDACTED}"),
    ]
    # Alice's call message, her two SMS; Bob's two messages counted apart
    assert "      3  messages de ce numéro pour le salon supprimés" in out, out
    assert (
        "      2  messages d'autres personnes citant ce numéro "
        "(numéro remplacé par « [numéro effacé] »)"
    ) in out, out
    assert traces(db) == []


def test_the_command_refuses_what_is_not_a_phone_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        records_main(["forget", "Alice Durand", "--salon-db", str(tmp_path / "s.db")])
    assert exit_info.value.code == 2
    assert (
        "erreur : ce n'est pas un numéro de téléphone : 'Alice Durand'" in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    "text",
    ["+33612345678", "+33 6 12 34 56 78", "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78",
     "06-12-34-56-78", "whatsapp:+33612345678", "tél. 0612345678."],
)  # fmt: skip
def test_the_number_is_found_in_every_usual_spelling(text: str) -> None:
    assert number_pattern(ALICE).search(text)


@pytest.mark.parametrize("text", ["+33612345679", "10612345678", "0698765432", "1765123456.78"])
def test_other_numbers_are_not_taken_for_it(text: str) -> None:
    assert not number_pattern(ALICE).search(text)


# ------------------------------------------------------------------------ retention


def test_retention_deletes_calls_messages_and_outbox_past_their_time(tmp_path: Path) -> None:
    db = tmp_path / "salon.db"
    conn = state_db.connect(db)
    records = CallRecords(conn=conn)
    old, recent = NOW - timedelta(days=91), NOW - timedelta(days=89)
    for sid, when in (("CA" + "a" * 32, old), ("CA" + "b" * 32, recent)):
        records.save(
            CallRecord(
                call_sid=sid, caller=ALICE, started_at=when,
                transcript=[TranscriptLine("caller", "bonjour")],
                messages=[TakenMessage("rappel", "Alice", ALICE)],
            )
        )  # fmt: skip
    records.add_text_message(channel="sms", phone=ALICE, text="ancien", at=old)
    records.add_text_message(channel="sms", phone=ALICE, text="récent", at=recent)
    outbox = Outbox(conn=conn)
    outbox.enqueue_now(channel="sms", to=ALICE, body="vieux", dedupe_key="old:booked:sms")
    outbox.enqueue_now(channel="sms", to=ALICE, body="neuf", dedupe_key="new:booked:sms")
    conn.execute(
        "UPDATE notify_outbox SET created_at = ? WHERE dedupe_key = 'old:booked:sms'",
        (old.timestamp(),),
    )
    done = apply_retention(conn, now=NOW, policy=RetentionPolicy(days=90))
    assert done["call_records"] == 1 and done["text_messages"] == 1 and done["outbox"] == 1
    assert [r.call_sid for r in records.recent(5)] == ["CA" + "b" * 32]
    assert [m.text for _, m in records.pending_messages()] == ["rappel", "récent"]
    assert [e.dedupe_key for e in outbox.entries()] == ["new:booked:sms"]
    assert conn.execute("SELECT count(*) FROM call_transcript").fetchone()[0] == 1
    assert apply_retention(conn, now=NOW, policy=RetentionPolicy(days=90)) == {}


def test_codes_are_deleted_once_used_or_expired_and_their_sms_too(tmp_path: Path) -> None:
    conn = state_db.connect(tmp_path / "salon.db")
    used = proofs.new_code(conn, uid="b1", phone=ALICE, now=NOW)
    proofs.new_code(conn, uid="b2", phone=ALICE, now=NOW - timedelta(minutes=11))
    proofs.new_code(conn, uid="b3", phone=ALICE, now=NOW)  # still valid: kept
    assert proofs.check_code(conn, uid="b1", phone=ALICE, code=used, now=NOW) is None
    hashes = dict(conn.execute("SELECT uid, code_hash FROM booking_codes").fetchall())
    assert hashes["b1"] == "" and hashes["b2"] != ""  # used: gone at once
    outbox = Outbox(conn=conn)
    for key in ("verify:1:sms", "verify:2:sms"):
        outbox.enqueue_now(channel="sms", to=ALICE, body="code 123456", dedupe_key=key)
    conn.execute(
        "UPDATE notify_outbox SET created_at = ? WHERE dedupe_key = 'verify:1:sms'",
        ((NOW - timedelta(minutes=11)).timestamp(),),
    )
    done = apply_retention(conn, now=NOW)
    assert done["verification_codes"] == 1 and done["verification_sms"] == 1
    hashes = dict(conn.execute("SELECT uid, code_hash FROM booking_codes").fetchall())
    assert hashes == {"b1": "", "b2": "", "b3": hashes["b3"]} and hashes["b3"]
    assert [e.dedupe_key for e in outbox.entries()] == ["verify:2:sms"]
    # The bare rows still count towards the daily quota, then go after a day.
    assert apply_retention(conn, now=NOW + timedelta(days=1, minutes=1))["verification_rows"] == 3


def test_old_bookings_are_anonymised_after_the_booking_retention(tmp_path: Path) -> None:
    conn = state_db.connect(tmp_path / "salon.db")
    for uid, years in (("old", 4), ("recent", 1)):
        when = utc_text(NOW - timedelta(days=365 * years))
        conn.execute(
            "INSERT INTO local_bookings (uid, service_id, start_utc, end_utc, name, "
            "name_folded, phone, created_at) VALUES (?, 'coupe-homme', ?, ?, 'Alice Durand', "
            "'alice durand', ?, ?)",
            (uid, when, when, ALICE, when),
        )
    done = apply_retention(conn, now=NOW)
    assert done["old_bookings"] == 1
    rows = dict(conn.execute("SELECT uid, phone FROM local_bookings").fetchall())
    assert rows == {"old": "", "recent": ALICE}


def test_a_retention_shorter_than_a_day_is_refused_in_french_naming_the_setting() -> None:
    with pytest.raises(ValueError) as refused:
        RetentionPolicy(days=0)
    assert str(refused.value) == (
        "le réglage RETENTION_DAYS doit être un nombre de jours, au moins 1, pas '0'"
    )
    with pytest.raises(ValueError) as refused:
        RetentionPolicy(days=30, booking_days=7)
    assert str(refused.value) == (
        "le réglage BOOKING_RETENTION_DAYS doit être un nombre de jours au moins égal à "
        "RETENTION_DAYS (30), pas '7'"
    )


def test_purge_before_also_empties_the_outbox_and_used_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "salon.db"
    conn = state_db.connect(db)
    Outbox(conn=conn).enqueue_now(channel="sms", to=ALICE, body="x", dedupe_key="k:booked:sms")
    tomorrow = (NOW + timedelta(days=1)).date().isoformat()
    assert records_main(["--purge-before", tomorrow, "--salon-db", str(db)]) == 0
    assert "1 message retiré de la file d'envoi" in capsys.readouterr().out
    assert conn.execute("SELECT count(*) FROM notify_outbox").fetchone()[0] == 0
