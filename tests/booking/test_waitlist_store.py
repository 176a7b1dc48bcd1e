"""Integration tier (real SQLite): the waitlist's rules hold in the database itself — one
pending offer per slot and per person, never the same slot twice to one person, an offer
claimed once — whatever the process that asks."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from booking import waitlist
from salon import state_db

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
DAY = date(2027, 3, 3)
SLOT = datetime(2027, 3, 3, 13, 0, tzinfo=UTC)
ALICE, BOB = "+33612345678", "+33698765432"


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return state_db.connect(tmp_path / "salon.db")


def _join(conn: sqlite3.Connection, phone: str, minutes: int = 0) -> waitlist.Entry:
    entry, _ = waitlist.join(
        conn,
        phone=phone,
        name="Alice Durand" if phone == ALICE else "Bob Roux",
        service_id="coupe-homme",
        day=DAY,
        now=NOW + timedelta(minutes=minutes),
    )
    return entry


def _offer(
    conn: sqlite3.Connection, entry: waitlist.Entry, start: datetime = SLOT
) -> waitlist.Offer | None:
    return waitlist.create_offer(
        conn,
        entry_id=entry.id,
        service_id="coupe-homme",
        start=start,
        end=start + timedelta(minutes=30),
        expires_at=NOW + timedelta(hours=1),
        now=NOW,
    )


def test_joining_twice_keeps_the_first_place(conn: sqlite3.Connection) -> None:
    first = _join(conn, ALICE)
    _join(conn, BOB, minutes=1)
    again, created = waitlist.join(
        conn, phone=ALICE, name="Alice", service_id="coupe-homme", day=DAY, now=NOW
    )
    assert not created and again.id == first.id
    assert [e.phone for e in waitlist.waiting(conn, service_id="coupe-homme", day=DAY)] == [
        ALICE,
        BOB,
    ]


def test_a_slot_is_never_offered_to_two_people_at_once(conn: sqlite3.Connection) -> None:
    alice, bob = _join(conn, ALICE), _join(conn, BOB, minutes=1)
    assert _offer(conn, alice) is not None
    assert _offer(conn, bob) is None
    # An overlapping slot (13:15 while 13:00-13:30 is offered) is the same chair's time.
    assert _offer(conn, bob, SLOT + timedelta(minutes=15)) is None
    assert _offer(conn, bob, SLOT + timedelta(minutes=30)) is not None


def test_a_person_holds_one_offer_and_never_gets_the_same_slot_twice(
    conn: sqlite3.Connection,
) -> None:
    alice = _join(conn, ALICE)
    assert _offer(conn, alice) is not None
    assert _offer(conn, alice, SLOT + timedelta(hours=2)) is None  # one pending at a time
    expired = waitlist.expire_offers(conn, now=NOW + timedelta(hours=2))
    assert [o.start for o in expired] == [SLOT]
    assert waitlist.was_offered(conn, entry_id=alice.id, start=SLOT)
    assert _offer(conn, alice) is None  # the same slot again: never
    assert _offer(conn, alice, SLOT + timedelta(hours=2)) is not None  # another one: yes


def test_an_offer_is_claimed_once_even_by_concurrent_answers(tmp_path: Path) -> None:
    db = tmp_path / "salon.db"
    conn = state_db.connect(db)
    assert _offer(conn, _join(conn, ALICE)) is not None
    claimed: list[waitlist.Offer | None] = []

    def answer() -> None:
        claimed.append(waitlist.claim_offer(state_db.connect(db), phone=ALICE, now=NOW))

    threads = [threading.Thread(target=answer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([c for c in claimed if c is not None]) == 1


def test_a_late_answer_claims_nothing(conn: sqlite3.Connection) -> None:
    assert _offer(conn, _join(conn, ALICE)) is not None
    assert waitlist.claim_offer(conn, phone=ALICE, now=NOW + timedelta(hours=1)) is None
    latest = waitlist.latest_offer(conn, phone=ALICE)
    assert latest is not None and latest.status == "pending"  # expired by the next pass


def test_a_booked_offer_ends_the_wait_and_a_taken_one_keeps_it(conn: sqlite3.Connection) -> None:
    alice, bob = _join(conn, ALICE), _join(conn, BOB)
    offer = _offer(conn, alice)
    assert offer is not None
    assert waitlist.claim_offer(conn, phone=ALICE, now=NOW) is not None
    waitlist.settle_offer(conn, offer_id=offer.id, booking_uid="uid-1", now=NOW)
    other = _offer(conn, bob, SLOT + timedelta(hours=1))
    assert other is not None
    assert waitlist.claim_offer(conn, phone=BOB, now=NOW) is not None
    waitlist.settle_offer(conn, offer_id=other.id, booking_uid=None, now=NOW)
    left = waitlist.waiting(conn, service_id="coupe-homme", day=DAY)
    assert [e.phone for e in left] == [BOB]


def test_waiting_ends_when_the_day_has_passed(conn: sqlite3.Connection) -> None:
    _join(conn, ALICE)
    assert waitlist.waiting_groups(conn, first_day=DAY) == [("coupe-homme", DAY)]
    assert waitlist.end_past_days(conn, today=DAY + timedelta(days=1)) == 1
    assert waitlist.waiting_groups(conn, first_day=DAY) == []


def test_a_name_and_an_e164_number_are_required(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="name"):
        waitlist.join(conn, phone=ALICE, name="  ", service_id="x", day=DAY, now=NOW)
    with pytest.raises(ValueError, match="E.164"):
        waitlist.join(conn, phone="0612345678", name="A", service_id="x", day=DAY, now=NOW)
