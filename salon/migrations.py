"""Numbered migrations of the state database (`salon.db`), as simonw/llm does.

Each schema change is one small function, registered in order with `@migration`; its
number is its position (the first is 1). `migrate(conn)` runs the pending ones, all in
ONE `BEGIN IMMEDIATE` transaction, then records the new version in `PRAGMA user_version`
(what is checked at every open) and one row per migration in `_migrations` (the history,
for people). `salon.state_db.connect` calls it, so every module finds its tables ready.

- Several processes may open the database at once: the first one to take the write lock
  migrates, the others wait (busy timeout), see the new version and run nothing.
- A failing migration rolls everything back: the database stays at its old version.
- A database written by a newer program (its version is above the last migration here)
  is refused with `SchemaTooNew`, before anything is written.

Adding a migration: append a function at the end of this module, decorated with
`@migration`, taking the connection. Never edit or reorder one that was released (a
deployed database has already run it). Use plain statements (`conn.execute` or
`_execute_script`, never `conn.executescript`, which commits the transaction). Foreign
keys are off while migrations run, so a table can be rebuilt (create the new table, copy,
drop, rename) without cascading deletes; keep the rows consistent yourself.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence

from salon.utc import parse_utc, utc_now, utc_text

log = logging.getLogger("salon")

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration (number = how many are registered)."""
    MIGRATIONS.append(fn)
    return fn


class SchemaTooNew(RuntimeError):
    """The database was written by a newer version of the program."""

    def __init__(self, *, where: str, found: int, known: int) -> None:
        super().__init__(
            f"{where} was written by a newer version (schema {found}, this program knows "
            f"up to {known}): update the program"
        )
        self.found = found
        self.known = known


class MigrationFailed(RuntimeError):
    """A migration raised; the transaction was rolled back and nothing changed."""


def latest_version(migrations: Sequence[Migration] | None = None) -> int:
    return len(MIGRATIONS if migrations is None else migrations)


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in the database (0: never migrated, or empty)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection, *, migrations: Sequence[Migration] | None = None
) -> list[int]:
    """Bring the database to the last version; returns the versions applied (often none).

    `conn` must be in autocommit mode (`isolation_level=None`) with no open transaction.
    Raises `SchemaTooNew` for a database of a newer program, `MigrationFailed` when a
    migration raises (nothing is changed then).
    """
    steps = list(MIGRATIONS if migrations is None else migrations)
    known = len(steps)
    current = schema_version(conn)
    _refuse_newer(conn, current, known)
    if current == known:
        return []
    if conn.in_transaction:
        raise RuntimeError("migrate() needs a connection with no open transaction")
    foreign_keys = bool(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction, so before BEGIN
    try:
        applied = _migrate_locked(conn, steps)
    finally:
        if foreign_keys:
            conn.execute("PRAGMA foreign_keys=ON")
    if applied:
        log.info(
            "state database migrated",
            extra={"from_version": applied[0] - 1, "to_version": applied[-1]},
        )
    return applied


def _migrate_locked(conn: sqlite3.Connection, steps: list[Migration]) -> list[int]:
    known = len(steps)
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(conn)  # another process may have migrated meanwhile
        _refuse_newer(conn, current, known)
        applied: list[int] = []
        if current < known:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS _migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            for version in range(current + 1, known + 1):
                step = steps[version - 1]
                try:
                    step(conn)
                except Exception as exc:
                    raise MigrationFailed(
                        f"migration {version} ({step.__name__}) failed: {exc}; "
                        f"the database is unchanged (schema {current})"
                    ) from exc
                conn.execute(
                    "INSERT INTO _migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, step.__name__, utc_text(utc_now())),
                )
                applied.append(version)
            conn.execute(f"PRAGMA user_version = {known:d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return applied


def _refuse_newer(conn: sqlite3.Connection, found: int, known: int) -> None:
    if found > known:
        row = conn.execute("PRAGMA database_list").fetchone()
        where = row[2] if row is not None and row[2] else "this database"
        raise SchemaTooNew(where=where, found=found, known=known)


def _execute_script(conn: sqlite3.Connection, script: str) -> None:
    """Run each statement of `script` in the current transaction (unlike `executescript`)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            conn.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:80]!r}")


# --------------------------------------------------------------------- the migrations


@migration
def m001_initial_tables(conn: sqlite3.Connection) -> None:
    """The 14 tables as the program created them before schema versions existed.

    `IF NOT EXISTS` everywhere: a database written by that program (version 0, some or
    all of these tables present) passes through unchanged and is then at version 1.
    The text is kept exactly as it was, so old and new databases read the same in
    `sqlite_master`.
    """
    # booking (booking.proofs): one-time codes and the rights they give.
    _execute_script(
        conn,
        """
CREATE TABLE IF NOT EXISTS booking_codes (
    uid TEXT NOT NULL,
    caller_phone TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (uid, caller_phone, created_at)
);
CREATE TABLE IF NOT EXISTS booking_grants (
    uid TEXT NOT NULL,
    caller_phone TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (uid, caller_phone)
);
""",
    )
    # booking.local: the embedded calendar.
    _execute_script(
        conn,
        """
CREATE TABLE IF NOT EXISTS local_bookings (
    uid TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    status TEXT NOT NULL DEFAULT 'accepted',
    reason TEXT,
    rescheduled_to TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS local_bookings_time ON local_bookings (status, start_utc);
CREATE INDEX IF NOT EXISTS local_bookings_phone ON local_bookings (phone);
""",
    )
    # booking.calcom: the caller's phone <-> Cal.com booking uid.
    _execute_script(
        conn,
        """
CREATE TABLE IF NOT EXISTS calcom_links (
    uid TEXT PRIMARY KEY,
    phone TEXT NOT NULL,
    name TEXT NOT NULL,
    service_id TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'accepted',
    replaced_by TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calcom_links_phone ON calcom_links (phone, status);
""",
    )
    # notify.outbox: every SMS, WhatsApp message and e-mail, and its delivery state.
    _execute_script(
        conn,
        """
CREATE TABLE IF NOT EXISTS notify_outbox (
    id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,      -- one message per booking event and channel
    channel TEXT NOT NULL,                -- sms | whatsapp | email
    recipient TEXT NOT NULL,              -- E.164 number or e-mail address
    subject TEXT,
    body TEXT NOT NULL,
    template_vars TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'queued',
    detail TEXT,                          -- last error, or "not sent: Twilio not configured"
    error_code INTEGER,
    provider_id TEXT,                     -- Twilio SID or SMTP Message-ID once sent
    attempts INTEGER NOT NULL DEFAULT 0,
    uncertain INTEGER NOT NULL DEFAULT 0, -- an attempt may have reached the provider
    next_attempt_at REAL NOT NULL,
    lease_owner TEXT,
    lease_until REAL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    sent_at REAL
);
CREATE INDEX IF NOT EXISTS notify_outbox_due ON notify_outbox (status, next_attempt_at);
""",
    )
    # notify.whatsapp_window: WhatsApp's 24-hour customer-service window.
    _execute_script(
        conn,
        """
CREATE TABLE IF NOT EXISTS notify_whatsapp_window (
    number TEXT PRIMARY KEY,          -- E.164, without the whatsapp: prefix
    last_inbound_at REAL,             -- UNIX time of the customer's last message
    last_outbound_at REAL             -- UNIX time of our last message
)
;""",
    )
    # records.store: call records, transcripts, turn metrics, knowledge gaps, messages.
    _execute_script(
        conn,
        """
CREATE TABLE IF NOT EXISTS call_records (
    id INTEGER PRIMARY KEY,
    call_sid TEXT UNIQUE,
    caller TEXT,                -- personal data: the caller's number (E.164)
    called TEXT,
    started_at TEXT NOT NULL,   -- UTC, ISO 8601
    ended_at TEXT,
    intent TEXT,
    outcome TEXT NOT NULL DEFAULT 'abandoned',
    tools_used TEXT NOT NULL DEFAULT '[]',
    personal_data_purged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS call_records_started ON call_records (started_at);
CREATE TABLE IF NOT EXISTS call_transcript (
    call_id INTEGER NOT NULL REFERENCES call_records (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,         -- caller | agent
    text TEXT NOT NULL,         -- personal data
    at TEXT,
    PRIMARY KEY (call_id, seq)
);
CREATE TABLE IF NOT EXISTS call_turn_metrics (
    call_id INTEGER NOT NULL REFERENCES call_records (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at TEXT,
    e2e REAL, llm_ttft REAL, tts_ttfb REAL, end_of_turn_delay REAL, hook_delay REAL,
    PRIMARY KEY (call_id, seq)
);
CREATE TABLE IF NOT EXISTS call_knowledge_gaps (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES call_records (id) ON DELETE CASCADE,
    question TEXT NOT NULL,     -- personal data (the caller's words)
    asked_at TEXT NOT NULL,
    resolved_at TEXT
);
CREATE INDEX IF NOT EXISTS call_gaps_asked ON call_knowledge_gaps (asked_at);
CREATE TABLE IF NOT EXISTS call_messages (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES call_records (id) ON DELETE CASCADE,
    caller_name TEXT,           -- personal data
    callback_number TEXT,       -- personal data
    message TEXT NOT NULL,      -- personal data
    created_at TEXT NOT NULL,
    handled_at TEXT
);
""",
    )
    # records.transfers: "send this call to a human" from the agent to the webhook.
    _execute_script(
        conn,
        """
CREATE TABLE IF NOT EXISTS transfer_requests (
    call_sid TEXT PRIMARY KEY,
    reason TEXT NOT NULL DEFAULT '',
    requested_at REAL NOT NULL
)
;""",
    )
    # webhook.call_log: one row per Twilio call and its status callbacks.
    conn.execute(
        """
    CREATE TABLE IF NOT EXISTS webhook_calls (
        call_sid TEXT PRIMARY KEY,
        caller_masked TEXT NOT NULL DEFAULT '',
        transport TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'bridged', 'fallback')),
        dispatch_id TEXT,
        connect_url TEXT,
        fallback_reason TEXT,
        last_status TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    )
    """
    )
    conn.execute(
        """
    CREATE TABLE IF NOT EXISTS webhook_call_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        call_sid TEXT NOT NULL,
        status TEXT NOT NULL,
        duration_s INTEGER,
        sequence INTEGER,
        received_at REAL NOT NULL
    )
    """
    )
    conn.execute(
        "CREATE INDEX IF NOT EXISTS webhook_call_events_sid ON webhook_call_events (call_sid)"
    )


# Text instants per table: (columns at second precision, columns at microsecond precision).
_TEXT_INSTANTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "booking_codes": (("expires_at",), ("created_at",)),
    "booking_grants": (("expires_at",), ()),
    "local_bookings": (("start_utc", "end_utc", "created_at"), ()),
    "calcom_links": (("start_utc", "end_utc", "created_at"), ()),
    "call_records": (("started_at", "ended_at"), ()),
    "call_transcript": (("at",), ()),
    "call_turn_metrics": (("at",), ()),
    "call_knowledge_gaps": (("asked_at", "resolved_at"), ()),
    "call_messages": (("created_at", "handled_at"), ()),
}


@migration
def m002_utc_text_with_z(conn: sqlite3.Connection) -> None:
    """Every text instant in one format: `2026-12-01T08:30:00Z` (`salon.utc.utc_text`).

    Before, the booking tables wrote `…T08:30:00Z` while the call records wrote
    `…T08:30:00+00:00`, and `booking_codes.created_at` wrote `datetime.isoformat()`
    (microseconds only when non-zero, and whatever offset the caller's clock had). SQL
    compares these as text, so mixed formats sort wrongly (`+` sorts before `Z`, `.`
    before `Z`). Each value is parsed (any ISO 8601 offset) and rewritten in UTC with `Z`;
    `booking_codes.created_at` keeps microseconds, always six digits, because it is part
    of the primary key and orders codes sent within one second. A value that is not a
    date is left as it is (nothing is lost) and counted in a warning.

    Deliberately NOT converted: the `REAL` columns holding UNIX seconds — the outbox's
    `next_attempt_at`, `lease_until`, `created_at`, `updated_at`, `sent_at`, the WhatsApp
    window, `transfer_requests.requested_at`, and the webhook's call log. They are
    timers that only machines read: the outbox computes backoff and leases with
    arithmetic on them (`next_attempt_at <= ?`, `lease_until < ?`), and the webhook
    writes them on its hot path. Turning them into text would change that arithmetic and
    the indexes for no reader's benefit. The rule is: an instant people or calendars
    read is `utc_text`; a machine timer is `REAL` UNIX seconds.
    """
    present = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    unreadable = 0
    for table, (plain, precise) in _TEXT_INSTANTS.items():
        if table not in present:
            continue
        for column, micro in [(c, False) for c in plain] + [(c, True) for c in precise]:
            rows = conn.execute(
                f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL"
            ).fetchall()
            updates = []
            for rowid, value in rows:
                try:
                    text = utc_text(parse_utc(str(value)), precise=micro)
                except ValueError:
                    unreadable += 1
                    continue
                if text != value:
                    updates.append((text, rowid))
            conn.executemany(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", updates)
    if unreadable:
        log.warning(
            "state database: some text instants were not dates and were left as they are",
            extra={"count": unreadable},
        )


@migration
def m003_call_failure(conn: sqlite3.Connection) -> None:
    """`call_records.failure`: why the agent could not carry the call (e.g. the language
    model was unreachable), NULL when nothing failed. Such a call's outcome is "failed"
    unless something stronger happened first (a booking, a transfer)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(call_records)")}
    if "failure" not in columns:
        conn.execute("ALTER TABLE call_records ADD COLUMN failure TEXT")


@migration
def m004_back_office(conn: sqlite3.Connection) -> None:
    """What `scripts/jobs` and the `/sms` webhook keep between calls.

    - `booking_reminders`: one row per booking and start time once its reminder is decided
      (queued in the outbox, or skipped and why), so a pass over thousands of bookings
      only looks at the undecided ones and a moved booking (new start) is reminded again;
      `first_seen_at` dates a Cal.com booking made outside the agent (no creation time).
    - `waitlist` and `waitlist_offers`: callers waiting for a service on a day, and the
      freed slots offered to them by SMS. The partial unique indexes make the rules hold
      across processes: one pending offer per slot, one per person, and never the same
      slot to the same person twice.
    - `sms_inbound`: each Twilio message handled once (MessageSid), with the sender's
      number (personal data, erased by `records forget`, deleted after retention).
    - `call_messages` is rebuilt with a nullable `call_id` and a `channel` (call, sms,
      whatsapp): a message received by SMS is a message for the salon like one taken
      during a call, listed by `python -m records --messages`.
    """
    _execute_script(
        conn,
        """
CREATE TABLE booking_reminders (
    uid TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('seen', 'queued', 'skipped')),
    reason TEXT,
    first_seen_at TEXT NOT NULL,
    decided_at TEXT,
    PRIMARY KEY (uid, start_utc)
);
CREATE TABLE waitlist (
    id INTEGER PRIMARY KEY,
    phone TEXT NOT NULL,                  -- personal data (E.164)
    name TEXT NOT NULL,                   -- personal data
    service_id TEXT NOT NULL,
    day TEXT NOT NULL,                    -- the salon's local date, YYYY-MM-DD
    status TEXT NOT NULL DEFAULT 'waiting'
        CHECK (status IN ('waiting', 'booked', 'left', 'expired')),
    booking_uid TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX waitlist_once ON waitlist (phone, service_id, day) WHERE status = 'waiting';
CREATE INDEX waitlist_day ON waitlist (status, day);
CREATE TABLE waitlist_offers (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES waitlist (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'expired', 'taken', 'withdrawn')),
    booking_uid TEXT,
    created_at TEXT NOT NULL,
    answered_at TEXT,
    UNIQUE (entry_id, start_utc)
);
CREATE UNIQUE INDEX waitlist_offers_one_per_slot ON waitlist_offers (start_utc)
    WHERE status = 'pending';
CREATE UNIQUE INDEX waitlist_offers_one_per_person ON waitlist_offers (entry_id)
    WHERE status = 'pending';
CREATE TABLE sms_inbound (
    message_sid TEXT PRIMARY KEY,
    phone TEXT NOT NULL,                  -- personal data (E.164)
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
    kind TEXT NOT NULL,                   -- cancel | accept | message | stop
    outcome TEXT,
    received_at TEXT NOT NULL
);
CREATE INDEX sms_inbound_phone ON sms_inbound (phone, received_at);
CREATE TABLE call_messages_new (
    id INTEGER PRIMARY KEY,
    call_id INTEGER REFERENCES call_records (id) ON DELETE CASCADE,
    channel TEXT NOT NULL DEFAULT 'call' CHECK (channel IN ('call', 'sms', 'whatsapp')),
    caller_name TEXT,           -- personal data
    callback_number TEXT,       -- personal data
    message TEXT NOT NULL,      -- personal data
    created_at TEXT NOT NULL,
    handled_at TEXT
);
INSERT INTO call_messages_new (id, call_id, caller_name, callback_number, message,
    created_at, handled_at)
    SELECT id, call_id, caller_name, callback_number, message, created_at, handled_at
    FROM call_messages;
DROP TABLE call_messages;
ALTER TABLE call_messages_new RENAME TO call_messages;
CREATE INDEX call_messages_pending ON call_messages (handled_at, created_at);
""",
    )


@migration
def m005_booking_journal(conn: sqlite3.Connection) -> None:
    """`booking_journal`: every booking, move and cancellation made through the calendar,
    and whether the confirmation it owes was queued (`booking.journal`).

    The embedded calendar writes the entry in the same transaction as the booking row;
    for Cal.com it is written `pending` before the HTTP call and settled after, so a
    crash between a booking and its SMS is found and put right on the next start. `phone`
    and `name` are personal data (where the confirmation goes, whom it names); settled
    entries are deleted a week after they were dealt with.
    """
    _execute_script(
        conn,
        """
CREATE TABLE booking_journal (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('booked', 'moved', 'cancelled')),
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    uid TEXT,                   -- the booking (moved: the new one); NULL while pending
    previous_uid TEXT,          -- moved: the booking it replaces
    service_id TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    previous_start_utc TEXT,    -- moved: the old start
    phone TEXT NOT NULL,        -- personal data (E.164): where the confirmation goes
    name TEXT NOT NULL,         -- personal data: whom the confirmation names
    created_at TEXT NOT NULL,
    settled_at TEXT,
    notified_at TEXT            -- the confirmation was queued (NULL: still owed once done)
);
CREATE INDEX booking_journal_owed ON booking_journal (state, notified_at);
""",
    )


@migration
def m006_stylists_and_visits(conn: sqlite3.Connection) -> None:
    """Stylists and visits of several services (`booking`).

    - `local_bookings.stylist_id`: the team member (`[[team]] id`) who does it; NULL for a
      booking made before stylists (it still takes one of the salon's `chairs`);
    - `local_bookings.extra_services`: the services done after `service_id` in the same
      visit, comma-separated ids in order ('' for one service);
    - `calcom_links`: the same two, plus `visit_uid`: for the later parts of a visit that
      Cal.com holds as consecutive bookings, the uid of its first part (NULL otherwise);
    - `booking_journal`: the same two, so a confirmation queued after a crash names the
      whole visit and its stylist.
    """
    for table in ("local_bookings", "calcom_links", "booking_journal"):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN stylist_id TEXT")
        conn.execute(f"ALTER TABLE {table} ADD COLUMN extra_services TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE calcom_links ADD COLUMN visit_uid TEXT")
    conn.execute(
        "CREATE INDEX local_bookings_stylist ON local_bookings (stylist_id, status, start_utc)"
    )
    conn.execute("CREATE INDEX calcom_links_visit ON calcom_links (visit_uid)")


@migration
def m007_outbox_deadlines(conn: sqlite3.Connection) -> None:
    """Two instants of `notify_outbox` (UNIX seconds, NULL = none) for its retry policy
    (`notify.records.RetryPolicy`):

    - `expires_at`: after it the message is never sent (a reminder once its appointment
      has begun, a waitlist offer once its answer deadline has passed); set on enqueue;
    - `retry_until`: when a message failing for a passing reason (Twilio or the network
      down) is given up; set at its first such failure, cleared when the salon asks to
      send it again or when it is kept for lack of settings.
    """
    conn.execute("ALTER TABLE notify_outbox ADD COLUMN expires_at REAL")
    conn.execute("ALTER TABLE notify_outbox ADD COLUMN retry_until REAL")


@migration
def m008_journal_reason(conn: sqlite3.Connection) -> None:
    """`booking_journal.reason`: why a move or cancellation was made (« Déplacé par le
    salon », « annulé par SMS », a caller's words), so a Cal.com change a crash cut
    half-way is finished by `reconcile` with the reason it was started with. NULL for a
    booking, and for entries written before this column (a neutral reason is used)."""
    conn.execute("ALTER TABLE booking_journal ADD COLUMN reason TEXT")


@migration
def m009_worker_heartbeats(conn: sqlite3.Connection) -> None:
    """`worker_heartbeats`: one row per running agent worker process (`agent_name`,
    `worker`: host and pid), its last heartbeat `beat_at` while registered with LiveKit and
    `stopped_at` once it stopped cleanly (UNIX seconds; see `salon.worker_heartbeat`). The
    webhook reads it to answer the human fallback at once when the salon's worker is down,
    instead of dispatching into a room no agent will ever join."""
    conn.execute(
        "CREATE TABLE worker_heartbeats ("
        "agent_name TEXT NOT NULL, worker TEXT NOT NULL, beat_at REAL NOT NULL, "
        "stopped_at REAL, PRIMARY KEY (agent_name, worker))"
    )
