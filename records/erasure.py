"""Erase one person on request (RGPD): everything the state database keeps about a number.

`forget(conn, phone=…, now=…)` deletes or anonymises, in one transaction:

- calls from that number: the number is removed from the record, its transcript,
  knowledge-gap questions and messages are deleted, and so are the webhook's call log
  and transfer requests of those calls;
- messages for the salon from that number (its callback number: calls, SMS, WhatsApp);
  in other people's messages that cite it, the number is replaced (counted apart);
- every outbox row sent to that number or mentioning it (confirmations, codes,
  reminders, transcript e-mails), the WhatsApp window, the inbound-SMS log;
- verification codes and rights, waitlist entries and their offers, the booking
  journal's entries;
- past and cancelled bookings: name, phone and e-mail (embedded calendar and the
  Cal.com phone table); **upcoming bookings are kept and listed**, for the salon to
  cancel them if the person asks — they still need the name and number.

Then every text column of every table is searched for the number in any spelling
(`+33612345678`, `06 12 34 56 78`, `06.12.34.56.78`, `0612345678`, `0033 6…`): what is
found (a number said during someone else's call, typed in a message) is replaced by
« [numéro effacé] ». What remains (only the upcoming bookings) is reported.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

import phonenumbers

from records.retention import ANONYMOUS
from salon import state_db
from salon.phone import DEFAULT_REGION, to_e164
from salon.utc import parse_utc, utc_text

REDACTED = "[numéro effacé]"
_SEP = r"[\s.\-/]*"


class NotAPhoneNumber(ValueError):
    """The text given is not a phone number."""


def number_pattern(phone: str, *, region: str = DEFAULT_REGION) -> re.Pattern[str]:
    """A pattern for `phone` in any usual spelling: E.164, international with spaces,
    national (`06 12 34 56 78`, dots, dashes), bare digits, `0033…`, `+33 (0)6…`. A
    national `phone` is read in `region`: the salon's (`salon.phone.region_of`)."""
    e164 = to_e164(phone, region=region)
    if e164 is None:
        raise NotAPhoneNumber(f"not a phone number: {phone!r}")
    parsed = phonenumbers.parse(e164)
    national = phonenumbers.national_significant_number(parsed)
    digits = _SEP.join(re.escape(d) for d in national)
    country = re.escape(str(parsed.country_code))
    prefix = rf"(?:(?:\+|00){_SEP}{country}{_SEP}(?:\(0\){_SEP})?|0{_SEP})?"
    return re.compile(rf"(?<![\d+]){prefix}{digits}(?!\d)")


@dataclass
class Upcoming:
    """An upcoming booking of the person, kept."""

    uid: str
    start: datetime
    service_id: str
    name: str
    table: str


@dataclass
class ErasureReport:
    phone: str  # E.164
    done: dict[str, int] = field(default_factory=dict)
    upcoming: list[Upcoming] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)  # "table.column" still holding it
    dry_run: bool = False

    def add(self, kind: str, count: int) -> None:
        if count > 0:
            self.done[kind] = self.done.get(kind, 0) + count


def forget(
    conn: sqlite3.Connection,
    *,
    phone: str,
    now: datetime,
    dry_run: bool = False,
    region: str = DEFAULT_REGION,
) -> ErasureReport:
    """Erase `phone` (see the module docstring); with `dry_run` nothing is changed and the
    report says what would be. A national number is read in `region`, the salon's, as its
    bookings' and callers' numbers are: an overseas salon's « 0596 … » is +596 596 …, not
    a mainland +33 5 96 …. Raises `NotAPhoneNumber` for text that is not a number."""
    pattern = number_pattern(phone, region=region)
    e164 = to_e164(phone, region=region)
    assert e164 is not None
    report = ErasureReport(phone=e164, dry_run=dry_run)
    conn.execute("BEGIN IMMEDIATE")
    try:
        _erase(conn, report, pattern, now)
        report.leftovers = _traces(conn, pattern, keep=_kept_rows(report))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("ROLLBACK" if dry_run else "COMMIT")
    return report


def _erase(
    conn: sqlite3.Connection, report: ErasureReport, pattern: re.Pattern[str], now: datetime
) -> None:
    phone = report.phone
    q = conn.execute
    # Calls from the number: keep the statistics row, drop everything personal.
    calls = q("SELECT id, call_sid FROM call_records WHERE caller = ?", (phone,)).fetchall()
    ids = [r["id"] for r in calls]
    sids = [r["call_sid"] for r in calls if r["call_sid"]]
    for table, kind in (
        ("call_transcript", "transcript_lines"),
        ("call_knowledge_gaps", "gap_questions"),
        ("call_messages", "messages"),
    ):
        report.add(kind, _delete_in(conn, table, "call_id", ids))
    report.add(
        "calls",
        _update_in(conn, "call_records", "caller = NULL, personal_data_purged = 1", "id", ids),
    )
    for table, kind in (
        ("webhook_calls", "webhook_calls"),
        ("webhook_call_events", "webhook_call_events"),
        ("transfer_requests", "transfer_requests"),
    ):
        report.add(kind, _delete_in(conn, table, "call_sid", sids))
    # Messages for the salon from the number (to call it back: any call, SMS, WhatsApp)
    # go; in anyone else's message that cites it, only the number is replaced.
    rows = q("SELECT id, callback_number, message FROM call_messages").fetchall()
    mine = {r["id"] for r in rows if _mentions(pattern, r["callback_number"])}
    report.add("messages", _delete_in(conn, "call_messages", "id", sorted(mine)))
    theirs = [r for r in rows if r["id"] not in mine and _mentions(pattern, r["message"])]
    for r in theirs:
        q(
            "UPDATE call_messages SET message = ? WHERE id = ?",
            (pattern.sub(REDACTED, r["message"]), r["id"]),
        )
    report.add("messages_redacted", len(theirs))
    # The outbox: to the number, or mentioning it (transcript and message e-mails).
    rows = q("SELECT id, recipient, subject, body, template_vars FROM notify_outbox").fetchall()
    sent = [
        r["id"]
        for r in rows
        if _mentions(pattern, r["recipient"], r["subject"], r["body"], r["template_vars"])
    ]
    report.add("outbox", _delete_in(conn, "notify_outbox", "id", sent))
    report.add(
        "whatsapp_window",
        q("DELETE FROM notify_whatsapp_window WHERE number = ?", (phone,)).rowcount,
    )
    report.add("sms_inbound", q("DELETE FROM sms_inbound WHERE phone = ?", (phone,)).rowcount)
    report.add("waitlist", q("DELETE FROM waitlist WHERE phone = ?", (phone,)).rowcount)
    if _has_table(conn, "booking_journal"):  # booking's record of changes owing an SMS
        report.add("journal", q("DELETE FROM booking_journal WHERE phone = ?", (phone,)).rowcount)
    # Bookings: upcoming ones are listed and kept; the others lose name and phone.
    uids: list[str] = []
    now_text = utc_text(now)
    for table, name_col in (("local_bookings", "name"), ("calcom_links", "name")):
        for r in q(f"SELECT * FROM {table} WHERE phone = ?", (phone,)).fetchall():
            uids.append(r["uid"])
            if r["status"] == "accepted" and r["start_utc"] > now_text:
                report.upcoming.append(
                    Upcoming(
                        uid=r["uid"],
                        start=parse_utc(r["start_utc"]),
                        service_id=r["service_id"],
                        name=r[name_col],
                        table=table,
                    )
                )
    kept = {u.uid for u in report.upcoming}
    past = [uid for uid in uids if uid not in kept]
    report.add(
        "bookings",
        _update_in(
            conn,
            "local_bookings",
            f"name = '{ANONYMOUS}', name_folded = '', phone = '', email = NULL",
            "uid",
            past,
        ),
    )
    report.add(
        "calcom_links",
        _update_in(conn, "calcom_links", f"name = '{ANONYMOUS}', phone = ''", "uid", past),
    )
    codes = q("DELETE FROM booking_codes WHERE caller_phone = ?", (phone,)).rowcount
    codes += _delete_in(conn, "booking_codes", "uid", uids)
    report.add("codes", codes)
    grants = q("DELETE FROM booking_grants WHERE caller_phone = ?", (phone,)).rowcount
    grants += _delete_in(conn, "booking_grants", "uid", uids)
    report.add("grants", grants)
    # Anywhere else (a number said in someone else's call, typed in a message): redact.
    report.add("redacted", _redact_everywhere(conn, pattern, keep=_kept_rows(report)))


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def _kept_rows(report: ErasureReport) -> set[tuple[str, str]]:
    return {(u.table, u.uid) for u in report.upcoming}


def _mentions(pattern: re.Pattern[str], *values: object) -> bool:
    return any(isinstance(v, str) and pattern.search(v) for v in values)


def _chunks(values: list[object], size: int = 500) -> list[list[object]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _delete_in(conn: sqlite3.Connection, table: str, column: str, values: list) -> int:
    count = 0
    for chunk in _chunks(list(values)):
        marks = ",".join("?" for _ in chunk)
        count += conn.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk).rowcount
    return count


def _update_in(
    conn: sqlite3.Connection, table: str, assignments: str, column: str, values: list
) -> int:
    count = 0
    for chunk in _chunks(list(values)):
        marks = ",".join("?" for _ in chunk)
        count += conn.execute(
            f"UPDATE {table} SET {assignments} WHERE {column} IN ({marks})", chunk
        ).rowcount
    return count


def _text_columns(conn: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    """(table, column, key column) for every column of every table of ours."""
    out = []
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != '_migrations'"
    ).fetchall()
    for (table,) in tables:
        info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        key = "uid" if any(c["name"] == "uid" for c in info) else None
        out += [(table, c["name"], key) for c in info]
    return out


def _scan(
    conn: sqlite3.Connection, pattern: re.Pattern[str], keep: set[tuple[str, str]]
) -> list[tuple[str, str, int, str]]:
    """(table, column, rowid, value) of every value holding the number, in any column
    (numbers stored as integers too), outside the kept rows."""
    found = []
    for table, column, key in _text_columns(conn):
        select = f'SELECT rowid, "{column}"' + (f', "{key}"' if key else "")
        for row in conn.execute(f'{select} FROM "{table}" WHERE "{column}" IS NOT NULL'):
            value = row[1]
            if isinstance(value, bool) or not isinstance(value, str | int):
                continue  # REAL timers and blobs hold no phone number
            text = value if isinstance(value, str) else str(value)
            if not pattern.search(text):
                continue
            if key and (table, row[2]) in keep:
                continue
            found.append((table, column, int(row[0]), text))
    return found


def _redact_everywhere(
    conn: sqlite3.Connection, pattern: re.Pattern[str], keep: set[tuple[str, str]]
) -> int:
    count = 0
    for table, column, rowid, text in _scan(conn, pattern, keep):
        conn.execute(
            f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?',
            (pattern.sub(REDACTED, text), rowid),
        )
        count += 1
    return count


def _traces(
    conn: sqlite3.Connection, pattern: re.Pattern[str], keep: set[tuple[str, str]]
) -> list[str]:
    return sorted({f"{table}.{column}" for table, column, _, _ in _scan(conn, pattern, keep)})


def open_and_forget(
    *,
    phone: str,
    now: datetime,
    db_path: str | None = None,
    dry_run: bool = False,
    region: str = DEFAULT_REGION,
) -> ErasureReport:
    """`forget` on the state database (`SALON_DB` unless `db_path`)."""
    conn = state_db.connect(db_path)
    try:
        return forget(conn, phone=phone, now=now, dry_run=dry_run, region=region)
    finally:
        conn.close()
