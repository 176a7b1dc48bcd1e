"""Integration tier: schema versions of the state database, on real SQLite files.

A database written by the program before schema versions (`tests/fixtures/old_salon_db`,
the DDL of git `c440ace`) is opened by today's code: it is upgraded in place, its rows are
read back through the modules that own them, and it ends with exactly the schema of a
fresh database. Newer databases are refused; a failing migration changes nothing; several
processes opening a fresh database at once all succeed and migrate it once.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import threading
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from booking import proofs
from booking.calendar import TooManyAttempts
from booking.local import LocalCalendar
from notify.outbox import Outbox
from notify.whatsapp_window import WhatsAppWindow
from records import transfers
from records.store import CallRecords
from salon import migrations, state_db
from salon.profile import SalonProfile, parse_profile
from tests.fixtures import old_salon_db as old
from webhook.call_log import CallLog

LATEST = migrations.latest_version()
TABLES = {
    "booking_codes",
    "booking_grants",
    "local_bookings",
    "calcom_links",
    "notify_outbox",
    "notify_whatsapp_window",
    "call_records",
    "call_transcript",
    "call_turn_metrics",
    "call_knowledge_gaps",
    "call_messages",
    "transfer_requests",
    "webhook_calls",
    "webhook_call_events",
}
# Tables added by later migrations (4: the back office's reminders, waitlist, SMS replies;
# 5: the booking journal, which owes each booking change its confirmation; 9: the agent
# worker's heartbeats, read by the webhook).
LATER_TABLES = {
    "booking_reminders",
    "waitlist",
    "waitlist_offers",
    "sms_inbound",
    "booking_journal",
    "worker_heartbeats",
}
SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
MICROSECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")

SALON = """
[salon]
id = "upgrade-salon"
name = "Salon Test Coiffure"
address = "1 rue de la Paix, 69002 Lyon"
phone = "+33478000000"
timezone = "Europe/Paris"
chairs = 1

[hours]
tuesday = [["09:00", "19:00"]]
wednesday = [["09:00", "19:00"]]

[[services]]
id = "coupe-homme"
name = "Coupe homme"
category = "Homme"
duration = 30
price = 28

[[services]]
id = "coupe-enfant"
name = "Coupe enfant"
category = "Enfant"
duration = 20
price = 18
"""


@pytest.fixture
def profile() -> SalonProfile:
    return parse_profile(tomllib.loads(SALON), Path("upgrade-salon.toml"))


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    return old.write_old_salon_db(tmp_path / "salon.db")


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    return [
        (row[0], row[1], row[2])
        for row in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT IN "
            "('_migrations', 'sqlite_sequence') ORDER BY type, name"
        )
    ]


def _history(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in conn.execute("SELECT version, name FROM _migrations")]


# ------------------------------------------------------------------ fresh and upgraded


def test_a_fresh_database_has_every_table_and_the_latest_version(tmp_path: Path) -> None:
    conn = state_db.connect(tmp_path / "salon.db")
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names >= TABLES | LATER_TABLES | {"_migrations"}
    assert migrations.schema_version(conn) == LATEST
    assert _history(conn) == [(n + 1, m.__name__) for n, m in enumerate(migrations.MIGRATIONS)]


def test_the_fixture_really_is_a_database_from_before_schema_versions(old_db: Path) -> None:
    conn = sqlite3.connect(old_db)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == TABLES | {"sqlite_sequence"}
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0


def test_an_old_database_is_upgraded_in_place_and_its_version_recorded(old_db: Path) -> None:
    conn = state_db.connect(old_db)
    assert migrations.schema_version(conn) == LATEST
    assert [v for v, _ in _history(conn)] == list(range(1, LATEST + 1))
    # Opening it again runs nothing.
    assert migrations.migrate(conn) == []
    assert migrations.migrate(state_db.connect(old_db)) == []


def test_an_upgraded_database_has_exactly_the_schema_of_a_fresh_one(
    old_db: Path, tmp_path: Path
) -> None:
    upgraded = _schema(state_db.connect(old_db))
    fresh = _schema(state_db.connect(tmp_path / "fresh.db"))
    assert upgraded == fresh
    assert {name for kind, name, _ in fresh if kind == "table"} == TABLES | LATER_TABLES


async def test_bookings_made_before_the_upgrade_are_still_found(
    old_db: Path, profile: SalonProfile
) -> None:
    calendar = LocalCalendar(profile, db=old_db)
    try:
        found = await calendar.find_bookings(
            caller_phone="06 12 34 56 78", now=datetime(2026, 11, 25, tzinfo=UTC)
        )
    finally:
        await calendar.aclose()
    assert [(b.uid, b.service.id, b.status) for b in found] == [
        (old.BOOKING_UID, "coupe-homme", "accepted")
    ]
    assert found[0].start == datetime(2030, 1, 8, 8, 30, tzinfo=UTC)
    assert found[0].customer is not None and found[0].customer.name == "Paul Martin"


def test_outbox_messages_survive_with_their_unix_times_untouched(old_db: Path) -> None:
    outbox = Outbox(conn=state_db.connect(old_db))
    waiting = outbox.get(old.OUTBOX_NOT_SENT)
    sent = outbox.get(old.OUTBOX_SENT)
    assert waiting is not None and sent is not None
    assert (waiting.status, waiting.detail) == ("not_sent", "not sent: Twilio not configured")
    assert waiting.template_vars == {"name": "Paul Martin"}
    assert waiting.created_at == old.OUTBOX_CREATED_AT
    assert waiting.next_attempt_at == old.OUTBOX_CREATED_AT
    assert (sent.status, sent.sent_at) == ("sent", old.OUTBOX_CREATED_AT + 61)
    assert outbox.counts() == {"not_sent": 1, "sent": 1}


def test_call_records_transcripts_gaps_and_messages_survive(old_db: Path) -> None:
    records = CallRecords(path=old_db)
    call = records.get(old.CALL_SID)
    assert call is not None
    assert (call.caller, call.intent, call.outcome) == (old.CALLER, "booking", "booked")
    assert call.started_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert [(t.role, t.text) for t in call.transcript] == [(r, t) for r, t, _ in old.TRANSCRIPT]
    assert call.transcript[-1].at == datetime(2026, 11, 24, 9, 0, 15, tzinfo=UTC)
    assert [round(m.e2e or 0, 2) for m in call.metrics] == [1.2]
    gaps = records.knowledge_gaps(since=datetime(2026, 11, 25, 17, 31, tzinfo=UTC))
    assert [g.question for g in gaps] == [old.GAP_QUESTION]
    assert [m.text for _, m in records.pending_messages()] == [old.MESSAGE_TEXT]


def test_old_and_new_call_records_compare_in_time_after_the_upgrade(old_db: Path) -> None:
    records = CallRecords(path=old_db)
    records.start_call(
        call_sid="CAnew", caller=old.CALLER, started_at=datetime(2026, 11, 24, 12, tzinfo=UTC)
    )
    # Retention erases what started before the cut-off: the old 09:00 call and the new
    # 12:00 one, not the old call of the 25th.
    assert records.purge_personal_data(before=datetime(2026, 11, 25, tzinfo=UTC)) == 2
    assert [r.call_sid for r in records.recent(3)] == [old.OTHER_CALL_SID, "CAnew", old.CALL_SID]
    kept = records.get(old.OTHER_CALL_SID)
    assert kept is not None and kept.caller == old.SON_CALLER


def test_codes_sent_before_the_upgrade_still_count_towards_the_daily_quota(
    old_db: Path,
) -> None:
    conn = state_db.connect(old_db)
    now = datetime(2026, 11, 24, 10, 1, tzinfo=UTC)
    proofs.new_code(conn, uid=old.BOOKING_UID, phone=old.SON_CALLER, now=now)  # third of 3
    with pytest.raises(TooManyAttempts):
        proofs.new_code(conn, uid=old.BOOKING_UID, phone=old.SON_CALLER, now=now)
    newest = conn.execute(
        "SELECT created_at FROM booking_codes ORDER BY created_at DESC LIMIT 1"
    ).fetchone()[0]
    assert newest == "2026-11-24T10:01:00.000000Z"


def test_webhook_call_log_transfers_and_whatsapp_window_survive(old_db: Path) -> None:
    log = CallLog(db_path=old_db)
    row = log.get(call_sid=old.CALL_SID)
    assert row is not None and (row.state, row.dispatch_id) == ("bridged", "AD_x1")
    assert log.events(call_sid=old.CALL_SID) == [("completed", 130)]
    assert log.pending_transfer(call_sid=old.OTHER_CALL_SID) == "demande un coiffeur"
    conn = state_db.connect(old_db)
    assert transfers.pending_transfer(conn, call_sid=old.CALL_SID) is None
    assert WhatsAppWindow(conn).is_open(old.CALLER, now=old.OUTBOX_CREATED_AT)


def test_every_text_instant_is_rewritten_in_one_format(old_db: Path) -> None:
    conn = state_db.connect(old_db)
    checked = 0
    for table, (plain, precise) in migrations._TEXT_INSTANTS.items():
        for column, pattern in [(c, SECONDS) for c in plain] + [(c, MICROSECONDS) for c in precise]:
            for (value,) in conn.execute(
                f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"
            ):
                assert pattern.match(value), (table, column, value)
                checked += 1
    assert checked == 24  # every text instant the fixture wrote
    codes = [r[0] for r in conn.execute("SELECT created_at FROM booking_codes ORDER BY 1")]
    assert codes == ["2026-11-24T10:00:00.000000Z", "2026-11-24T10:00:30.250000Z"]
    started = conn.execute(
        "SELECT started_at FROM call_records WHERE call_sid = ?", (old.CALL_SID,)
    ).fetchone()[0]
    assert started == "2026-11-24T09:00:00Z"


def test_a_value_that_is_not_a_date_is_left_as_it_was(tmp_path: Path) -> None:
    path = old.write_old_salon_db(tmp_path / "salon.db")
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("UPDATE call_messages SET handled_at = 'la semaine dernière'")
    raw.close()
    conn = state_db.connect(path)
    assert conn.execute("SELECT handled_at FROM call_messages").fetchone()[0] == (
        "la semaine dernière"
    )
    assert migrations.schema_version(conn) == LATEST


# ------------------------------------------------------------------ refusals and failures


def test_a_database_from_a_newer_program_is_refused_naming_both_versions(
    tmp_path: Path,
) -> None:
    path = tmp_path / "salon.db"
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute(f"PRAGMA user_version = {LATEST + 3}")
    raw.close()
    expected = (
        f"{path} was written by a newer version (schema {LATEST + 3}, this program knows "
        f"up to {LATEST}): update the program"
    )
    with pytest.raises(migrations.SchemaTooNew) as refused:
        state_db.connect(path)
    assert str(refused.value) == expected
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST + 3


def test_a_failing_migration_leaves_the_database_at_its_old_version(tmp_path: Path) -> None:
    conn = state_db.connect(tmp_path / "salon.db")

    def m_add_column(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE local_bookings ADD COLUMN party_size INTEGER")

    def m_broken(c: sqlite3.Connection) -> None:
        c.execute("UPDATE local_bookings SET party_size = 1")
        raise RuntimeError("disk on fire")

    steps = [*migrations.MIGRATIONS, m_add_column, m_broken]
    with pytest.raises(migrations.MigrationFailed, match=rf"migration {LATEST + 2} \(m_broken\)"):
        migrations.migrate(conn, migrations=steps)
    columns = {r[1] for r in conn.execute("PRAGMA table_info(local_bookings)")}
    assert "party_size" not in columns
    assert migrations.schema_version(conn) == LATEST
    assert not conn.in_transaction
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_new_migration_runs_once_on_an_up_to_date_database(tmp_path: Path) -> None:
    conn = state_db.connect(tmp_path / "salon.db")
    runs: list[int] = []

    def m_add_column(c: sqlite3.Connection) -> None:
        runs.append(1)
        c.execute("ALTER TABLE local_bookings ADD COLUMN party_size INTEGER")

    steps = [*migrations.MIGRATIONS, m_add_column]
    assert migrations.migrate(conn, migrations=steps) == [LATEST + 1]
    assert migrations.migrate(conn, migrations=steps) == []
    assert runs == [1]
    assert _history(conn)[-1] == (LATEST + 1, "m_add_column")
    with pytest.raises(migrations.SchemaTooNew):
        state_db.connect(tmp_path / "salon.db")  # this program only knows up to LATEST


# ------------------------------------------------------------------ several processes


def test_opening_a_fresh_database_waits_while_another_process_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "salon.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    # Another process holds the write lock (say, creating the tables): SQLite refuses the
    # switch to WAL at once, without its busy timeout, unless the opening retries.
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: holder.execute("ROLLBACK"))
    release.start()
    started = time.monotonic()
    try:
        conn = state_db.connect(path)
    finally:
        release.join()
        holder.close()
    assert time.monotonic() - started >= 0.25
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert migrations.schema_version(conn) == LATEST


_CHILD = """
import logging, sys, time
from pathlib import Path
from salon import state_db

runs = []
class Count(logging.Handler):
    def emit(self, record):
        if record.getMessage() == "state database migrated":
            runs.append(record)
logging.getLogger("salon").addHandler(Count())
logging.getLogger("salon").setLevel(logging.INFO)
folder, ready, go, rounds = sys.argv[1:5]
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.001)
for n in range(int(rounds)):  # the same fresh databases, in the same order, in every process
    before = len(runs)
    conn = state_db.connect(Path(folder) / f"salon-{n}.db")
    print(len(runs) - before, conn.execute("PRAGMA user_version").fetchone()[0])
"""
PROCESSES, ROUNDS = 4, 10


def test_processes_opening_fresh_databases_at_once_all_succeed_and_migrate_each_once(
    tmp_path: Path,
) -> None:
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(tmp_path), str(tmp_path / f"ready-{n}"), str(go)]
            + [str(ROUNDS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        for n in range(PROCESSES)
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in range(PROCESSES)):
        assert time.monotonic() < deadline, "children did not start"
        assert all(c.poll() is None for c in children), [c.communicate() for c in children]
        time.sleep(0.01)
    go.touch()
    results = [c.communicate(timeout=60) for c in children]
    assert [c.returncode for c in children] == [0] * PROCESSES, results
    lines = [[line.split() for line in out.splitlines()] for out, _ in results]
    for n in range(ROUNDS):
        assert sum(int(child[n][0]) for child in lines) == 1, (n, lines)
        assert {int(child[n][1]) for child in lines} == {LATEST}
        history = _history(sqlite3.connect(tmp_path / f"salon-{n}.db"))
        assert [v for v, _ in history] == list(range(1, LATEST + 1))


def test_messages_taken_during_calls_survive_migration_4_as_call_messages(
    old_db: Path,
) -> None:
    conn = state_db.connect(old_db)
    rows = conn.execute("SELECT call_id, channel, message FROM call_messages").fetchall()
    assert [(r["channel"], r["message"]) for r in rows] == [("call", old.MESSAGE_TEXT)]
    assert rows[0]["call_id"] is not None
    # Deleting the call still deletes its messages (the foreign key survived the rebuild).
    conn.execute("DELETE FROM call_records WHERE id = ?", (rows[0]["call_id"],))
    assert conn.execute("SELECT count(*) FROM call_messages").fetchone()[0] == 0


def test_outbox_messages_from_before_migration_7_have_no_deadline_and_a_fresh_day_of_retries(
    old_db: Path,
) -> None:
    outbox = Outbox(conn=state_db.connect(old_db))
    waiting = outbox.get(old.OUTBOX_NOT_SENT)
    assert waiting is not None and (waiting.expires_at, waiting.retry_until) == (None, None)


def test_an_upgraded_database_has_no_worker_heartbeat_so_calls_are_dispatched_as_before(
    old_db: Path,
) -> None:
    from salon import worker_heartbeat

    conn = state_db.connect(old_db)
    assert worker_heartbeat.liveness(conn, agent_name="salon-receptionist").state == "unknown"
    worker_heartbeat.beat(conn, agent_name="salon-receptionist", worker="host/1")
    assert worker_heartbeat.liveness(conn, agent_name="salon-receptionist").state == "alive"
