"""How long the state database keeps what it knows about people, applied in one pass.

`apply_retention(conn, now=…)` (run by `scripts/jobs`, safe to run from several processes
at once) deletes:

- call records older than `RETENTION_DAYS` (default 90) with their transcripts, turn
  metrics, knowledge-gap questions and messages; messages received by SMS likewise;
- outbox rows (SMS, WhatsApp, e-mails with their bodies: transcripts, names, phones)
  older than `RETENTION_DAYS`; a verification-code SMS as soon as its code has expired
  (10 minutes: a code that expired must never go out later either);
- the code of a verification (its hash) as soon as it is used or expired; the bare row
  (no code) counts towards the three-codes-a-day limit, then goes after 24 hours; rights
  earned with a code, once expired;
- inbound-SMS log rows, the webhook's call log and the WhatsApp window older than
  `RETENTION_DAYS`; transfer requests after a day (they only matter during the call);
- waitlist entries (and their offers) once their day has passed.

Bookings are kept while useful to the salon (its appointment book and history); the
names and phones of bookings that ended more than `BOOKING_RETENTION_DAYS` (default 1095,
three years) ago are anonymised. Erasing one person on request is `records.erasure`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from notify.texts import CODE_VALIDITY_MINUTES
from salon import settings, state_db
from salon.french import count_fr
from salon.settings import SettingOutOfRange
from salon.utc import utc_text

DEFAULT_RETENTION_DAYS = 90
DEFAULT_BOOKING_RETENTION_DAYS = 3 * 365
CODE_QUOTA_WINDOW = timedelta(days=1)  # booking.proofs counts the codes of the last day
ANONYMOUS = "(effacé)"


@dataclass(frozen=True)
class RetentionPolicy:
    """`days` for calls, messages and the outbox; `booking_days` for bookings' names."""

    days: int = DEFAULT_RETENTION_DAYS
    booking_days: int = DEFAULT_BOOKING_RETENTION_DAYS

    def __post_init__(self) -> None:
        if self.days < 1:
            raise SettingOutOfRange("RETENTION_DAYS", "un nombre de jours, au moins 1", self.days)
        if self.booking_days < self.days:
            raise SettingOutOfRange(
                "BOOKING_RETENTION_DAYS",
                f"un nombre de jours au moins égal à RETENTION_DAYS ({self.days})",
                self.booking_days,
            )

    @classmethod
    def from_settings(cls) -> RetentionPolicy:
        """`RETENTION_DAYS` and `BOOKING_RETENTION_DAYS`; a bad one is a `ValueError` in
        French quoting it as written (`scripts/jobs` prints it to the owner)."""
        try:
            return cls(
                days=settings.get_int("RETENTION_DAYS", DEFAULT_RETENTION_DAYS),
                booking_days=settings.get_int(
                    "BOOKING_RETENTION_DAYS", DEFAULT_BOOKING_RETENTION_DAYS
                ),
            )
        except SettingOutOfRange as exc:
            raise exc.typed() from exc


def apply_retention(
    conn: sqlite3.Connection, *, now: datetime, policy: RetentionPolicy | None = None
) -> dict[str, int]:
    """Delete what is past its keeping time; returns how many rows per kind (only kinds
    with something done). One transaction: all or nothing."""
    policy = policy or RetentionPolicy()
    cutoff = now - timedelta(days=policy.days)
    cutoff_text, cutoff_ts, now_ts = utc_text(cutoff), cutoff.timestamp(), now.timestamp()
    code_cutoff_ts = now_ts - CODE_VALIDITY_MINUTES * 60
    done: dict[str, int] = {}

    def run(kind: str, sql: str, args: tuple[object, ...] = ()) -> None:
        count = conn.execute(sql, args).rowcount
        if count > 0:
            done[kind] = done.get(kind, 0) + count

    with state_db.write_transaction(conn):
        # Calls: the row and everything hanging from it (ON DELETE CASCADE).
        run("call_records", "DELETE FROM call_records WHERE started_at < ?", (cutoff_text,))
        run(
            "text_messages",
            "DELETE FROM call_messages WHERE call_id IS NULL AND created_at < ?",
            (cutoff_text,),
        )
        # The outbox: old rows whatever their status, except one being sent right now.
        free = "NOT (status = 'sending' AND lease_until >= ?)"
        run(
            "outbox",
            f"DELETE FROM notify_outbox WHERE created_at < ? AND {free}",
            (cutoff_ts, now_ts),
        )
        run(
            "verification_sms",
            "DELETE FROM notify_outbox WHERE dedupe_key LIKE 'verify:%' "
            f"AND created_at < ? AND {free}",
            (code_cutoff_ts, now_ts),
        )
        run(
            "verification_codes",
            "UPDATE booking_codes SET code_hash = '' WHERE code_hash != '' "
            "AND (tries >= 3 OR expires_at <= ?)",
            (utc_text(now),),
        )
        run(
            "verification_rows",
            "DELETE FROM booking_codes WHERE created_at < ? AND (tries >= 3 OR expires_at <= ?)",
            (utc_text(now - CODE_QUOTA_WINDOW, precise=True), utc_text(now)),
        )
        run("grants", "DELETE FROM booking_grants WHERE expires_at <= ?", (utc_text(now),))
        run("sms_inbound", "DELETE FROM sms_inbound WHERE received_at < ?", (cutoff_text,))
        run(
            "whatsapp_window",
            "DELETE FROM notify_whatsapp_window "
            "WHERE max(coalesce(last_inbound_at, 0), coalesce(last_outbound_at, 0)) < ?",
            (cutoff_ts,),
        )
        run("webhook_calls", "DELETE FROM webhook_calls WHERE updated_at < ?", (cutoff_ts,))
        run(
            "webhook_call_events",
            "DELETE FROM webhook_call_events WHERE received_at < ?",
            (cutoff_ts,),
        )
        run(
            "transfer_requests",
            "DELETE FROM transfer_requests WHERE requested_at < ?",
            (now_ts - 86400,),
        )
        yesterday = (now - timedelta(days=1)).date().isoformat()
        run("waitlist", "DELETE FROM waitlist WHERE day < ?", (yesterday,))
        run("reminders", "DELETE FROM booking_reminders WHERE start_utc < ?", (cutoff_text,))
        booking_cutoff = utc_text(now - timedelta(days=policy.booking_days))
        run(
            "old_bookings",
            "UPDATE local_bookings SET name = ?, name_folded = '', phone = '', email = NULL "
            "WHERE end_utc < ? AND phone != ''",
            (ANONYMOUS, booking_cutoff),
        )
        run(
            "old_calcom_links",
            "UPDATE calcom_links SET name = ?, phone = '' WHERE end_utc < ? AND phone != ''",
            (ANONYMOUS, booking_cutoff),
        )
    return done


# What each count of `apply_retention` is, in the singular then the plural (French takes
# the singular for 0 and 1: `retention_words`).
RETENTION_WORDS: dict[str, tuple[str, str]] = {
    "call_records": ("appel", "appels"),
    "text_messages": ("message reçu par SMS", "messages reçus par SMS"),
    "outbox": ("message sortant", "messages sortants"),
    "verification_sms": ("SMS de code", "SMS de code"),
    "verification_codes": ("code effacé", "codes effacés"),
    "verification_rows": ("demande de code", "demandes de code"),
    "grants": ("droit expiré", "droits expirés"),
    "sms_inbound": ("SMS reçu (journal)", "SMS reçus (journal)"),
    "whatsapp_window": ("fenêtre WhatsApp", "fenêtres WhatsApp"),
    "webhook_calls": ("entrée du journal d'appels", "entrées du journal d'appels"),
    "webhook_call_events": ("statut d'appel", "statuts d'appel"),
    "transfer_requests": ("transfert", "transferts"),
    "waitlist": ("inscription en liste d'attente", "inscriptions en liste d'attente"),
    "reminders": ("rappel", "rappels"),
    "old_bookings": ("ancien rendez-vous anonymisé", "anciens rendez-vous anonymisés"),
    "old_calcom_links": ("ancien lien Cal.com anonymisé", "anciens liens Cal.com anonymisés"),
}


def retention_words(done: dict[str, int]) -> str:
    """`4 appels, 1 message sortant` or `rien à effacer` (French, for the owner); each
    count's words agree with it. An unknown kind is named as it is."""
    if not done:
        return "rien à effacer"
    return ", ".join(
        count_fr(n, *RETENTION_WORDS.get(kind, (kind, kind))) for kind, n in done.items()
    )


def purge_outbox_before(conn: sqlite3.Connection, *, before: datetime, now: datetime) -> int:
    """`python -m records --purge-before`: delete outbox rows created before `before`
    (their bodies hold names, phones, transcripts) and the codes already used or expired.
    Returns the outbox rows deleted."""
    with state_db.write_transaction(conn):
        deleted = conn.execute(
            "DELETE FROM notify_outbox WHERE created_at < ? "
            "AND NOT (status = 'sending' AND lease_until >= ?)",
            (before.timestamp(), now.timestamp()),
        ).rowcount
        conn.execute(
            "UPDATE booking_codes SET code_hash = '' WHERE code_hash != '' "
            "AND (tries >= 3 OR expires_at <= ?)",
            (utc_text(now),),
        )
    return deleted
