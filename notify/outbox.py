"""The outbox: every SMS, WhatsApp and e-mail is stored before it is sent, then drained.

Guarantees (table `notify_outbox` in the one state database):

- persisted first: `enqueue` commits the message before any network call;
- never twice: one row per `dedupe_key` (e.g. "<booking uid>:booked:sms"); enqueueing the
  same key again returns the existing row; workers claim rows atomically
  (`BEGIN IMMEDIATE` + a lease), so concurrent drains never send the same row twice; after
  an uncertain attempt (a timeout) the provider is asked whether it has the message before
  sending again;
- never lost to a passing failure: 429, 5xx and network errors are retried with
  exponential backoff capped at 10 minutes for 24 hours (`RetryPolicy`), then the row is
  `failed` "… (gave up after N)"; permanent errors (Twilio 21211/21610/21614, SMTP 550)
  mark it `failed` at once with the reason; without credentials the row stays `not_sent`
  ("not sent: Twilio not configured") and goes out on a later drain once the channel is
  configured;
- never too late: a message enqueued with `expires_at` (a reminder: its appointment; a
  waitlist offer: its answer deadline) is never sent after it; it ends `failed` "expired
  before it could be sent (last: <the last error>)".

Statuses: queued -> sending -> sent | queued (retry) | failed | not_sent.

CLI::

    python -m notify --list [--status not_sent]
    python -m notify --drain [--wait 30]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from notify.base import CHANNELS, Channel, Notifier, SendError, logger
from notify.phone import sms_number
from notify.records import DrainReport, Enqueued, OutboxEntry, RetryPolicy
from salon import state_db

__all__ = ["STATUSES", "DrainReport", "Enqueued", "Outbox", "OutboxEntry", "RetryPolicy"]

STATUSES = ("queued", "sending", "sent", "failed", "not_sent")
EXPIRED = "expired before it could be sent"  # the stored reason, `notify.reasons_fr` words it
NOT_SENT = "not sent: "  # the mark of a message kept for lack of settings


class Outbox:
    """The outbox on the state database, draining through the given notifiers."""

    def __init__(
        self,
        *,
        notifiers: Sequence[Notifier] = (),
        db_path: str | Path | None = None,
        conn: sqlite3.Connection | None = None,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.conn = conn if conn is not None else state_db.connect(db_path)
        self.policy = policy or RetryPolicy()
        self.clock = clock  # UNIX seconds; tests move it to live a day of retries at once
        self.worker_id = uuid.uuid4().hex
        self._notifiers: dict[Channel, Notifier] = {}
        for notifier in notifiers:
            for channel in notifier.channels:
                self._notifiers.setdefault(channel, notifier)
        self._warned: set[str] = set()

    # --- enqueue and read --------------------------------------------------------------
    async def enqueue(
        self,
        *,
        channel: Channel,
        to: str,
        body: str,
        dedupe_key: str,
        subject: str | None = None,
        template_vars: dict[str, str] | None = None,
        expires_at: float | None = None,
    ) -> Enqueued:
        """Store a message (committed before returning); the same key twice is one message.

        `expires_at` (UNIX seconds): never send it after that, whatever happens (a reminder
        after its appointment is of no use). Raises `ValueError` (`InvalidPhone` for
        numbers) on bad input; nothing is stored then.
        """
        return self.enqueue_now(
            channel=channel,
            to=to,
            body=body,
            dedupe_key=dedupe_key,
            subject=subject,
            template_vars=template_vars,
            expires_at=expires_at,
        )

    def enqueue_now(
        self,
        *,
        channel: Channel,
        to: str,
        body: str,
        dedupe_key: str,
        subject: str | None = None,
        template_vars: dict[str, str] | None = None,
        expires_at: float | None = None,
    ) -> Enqueued:
        """`enqueue` for synchronous callers."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; expected one of {CHANNELS}")
        if not dedupe_key.strip():
            raise ValueError("a dedupe key is required (e.g. '<booking uid>:booked:sms')")
        if not body.strip():
            raise ValueError("an empty message cannot be sent")
        if channel == "email":
            recipient = to.strip()
            if "@" not in recipient.strip("@") or any(c.isspace() for c in recipient):
                raise ValueError("not an e-mail address")
        else:
            recipient = sms_number(to)
        now = self.clock()
        with state_db.write_transaction(self.conn):
            cursor = self.conn.execute(
                "INSERT INTO notify_outbox (dedupe_key, channel, recipient, subject, body, "
                "template_vars, status, next_attempt_at, created_at, updated_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?) "
                "ON CONFLICT(dedupe_key) DO NOTHING",
                (
                    dedupe_key,
                    channel,
                    recipient,
                    subject,
                    body,
                    json.dumps(template_vars or {}, ensure_ascii=False),
                    now,
                    now,
                    now,
                    expires_at,
                ),
            )
            created = cursor.rowcount == 1
            row = self.conn.execute(
                "SELECT * FROM notify_outbox WHERE dedupe_key = ?", (dedupe_key,)
            ).fetchone()
        if not created:
            logger.info("notify: message already in the outbox", extra={"key": dedupe_key})
        return Enqueued(entry=OutboxEntry.from_row(row), created=created)

    def get(self, dedupe_key: str) -> OutboxEntry | None:
        row = self.conn.execute(
            "SELECT * FROM notify_outbox WHERE dedupe_key = ?", (dedupe_key,)
        ).fetchone()
        return OutboxEntry.from_row(row) if row else None

    def entries(
        self, *, status: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[OutboxEntry]:
        """Messages newest first (`offset` skips the newest ones), of one status or all."""
        sql, args = "SELECT * FROM notify_outbox", []
        if status:
            sql, args = sql + " WHERE status = ?", [status]
        rows = self.conn.execute(
            sql + " ORDER BY id DESC LIMIT ? OFFSET ?", (*args, limit, max(0, offset))
        ).fetchall()
        return [OutboxEntry.from_row(r) for r in rows]

    def entry(self, entry_id: int) -> OutboxEntry | None:
        row = self.conn.execute("SELECT * FROM notify_outbox WHERE id = ?", (entry_id,)).fetchone()
        return OutboxEntry.from_row(row) if row else None

    def counts(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, count(*) FROM notify_outbox GROUP BY status")
        return {status: n for status, n in rows}

    def failed_since(self, since: float) -> dict[str, int]:
        """How many messages ended `failed` (refused, given up, too late) since `since`
        (UNIX seconds), per channel; a message the salon sent again no longer counts."""
        rows = self.conn.execute(
            "SELECT channel, count(*) FROM notify_outbox WHERE status = 'failed' "
            "AND updated_at >= ? GROUP BY channel",
            (since,),
        )
        return {channel: n for channel, n in rows}

    def retry(self, entry_id: int) -> bool:
        """Queue a `failed` or `not_sent` message again, due now, with its attempts counted
        from zero and a new day of retries (the salon fixed the cause: a number, a setting).
        False for any other message: a sent one is never sent again, a queued or sending
        one is on its way. One past its `expires_at` fails again at once, saying so."""
        now = self.clock()
        with state_db.write_transaction(self.conn):
            changed = self.conn.execute(
                "UPDATE notify_outbox SET status = 'queued', attempts = 0, detail = NULL, "
                "error_code = NULL, retry_until = NULL, next_attempt_at = ?, updated_at = ? "
                "WHERE id = ? AND status IN ('failed', 'not_sent')",
                (now, now, entry_id),
            ).rowcount
        if changed:
            logger.info("notify: message queued again on request", extra={"id": entry_id})
        return changed == 1

    # --- drain -------------------------------------------------------------------------
    def _ready_channels(self, report: DrainReport) -> dict[Channel, Notifier]:
        ready: dict[Channel, Notifier] = {}
        for channel in CHANNELS:
            notifier = self._notifiers.get(channel)
            reason = "no notifier" if notifier is None else notifier.not_configured_reason(channel)
            if reason is None and notifier is not None:
                ready[channel] = notifier
                continue
            label = "Twilio not configured" if channel != "email" else "SMTP not configured"
            detail = f"{NOT_SENT}{reason if notifier is not None else label}"
            with state_db.write_transaction(self.conn):
                held = self.conn.execute(
                    "UPDATE notify_outbox SET status = 'not_sent', detail = ?, updated_at = ?, "
                    "retry_until = NULL WHERE channel = ? AND status = 'queued'",
                    (detail, self.clock(), channel),
                ).rowcount
            report.held += held
            if held and channel not in self._warned:
                self._warned.add(channel)
                logger.warning(
                    "notify: channel not configured, messages kept in the outbox",
                    extra={"channel": channel, "held": held},
                )
        return ready

    def _expire(self, report: DrainReport) -> None:
        """Messages waiting (queued, or kept for lack of settings) past their `expires_at`
        fail now: sent later they would only confuse (a reminder after the appointment)."""
        now = self.clock()
        with state_db.write_transaction(self.conn):
            rows = self.conn.execute(
                "UPDATE notify_outbox SET status = 'failed', "
                f"detail = '{EXPIRED}' || CASE WHEN detail IS NULL THEN '' "
                "ELSE ' (last: ' || detail || ')' END, "
                "next_attempt_at = ?, updated_at = ? "
                "WHERE status IN ('queued', 'not_sent') AND expires_at IS NOT NULL "
                "AND expires_at <= ? RETURNING dedupe_key",
                (now, now, now),
            ).fetchall()
        for row in rows:
            report.failed += 1
            logger.warning("notify: message expired unsent", extra={"key": row[0]})

    def _claim(self, channels: Sequence[Channel]) -> list[OutboxEntry]:
        if not channels:
            return []
        now = self.clock()
        marks = ",".join("?" for _ in channels)
        with state_db.write_transaction(self.conn):
            rows = self.conn.execute(
                "UPDATE notify_outbox SET "
                "uncertain = CASE WHEN status = 'sending' THEN 1 ELSE uncertain END, "
                "status = 'sending', lease_owner = ?, lease_until = ?, updated_at = ? "
                "WHERE id IN (SELECT id FROM notify_outbox "
                f"WHERE channel IN ({marks}) AND ("
                "(status IN ('queued', 'not_sent') AND next_attempt_at <= ?) "
                "OR (status = 'sending' AND lease_until < ?)) "
                "ORDER BY next_attempt_at, id LIMIT ?) RETURNING *",
                (
                    self.worker_id,
                    now + self.policy.lease_seconds,
                    now,
                    *channels,
                    now,
                    now,
                    self.policy.batch,
                ),
            ).fetchall()
        return [OutboxEntry.from_row(r) for r in rows]

    def _next_due(self, channels: Sequence[Channel]) -> float | None:
        if not channels:
            return None
        marks = ",".join("?" for _ in channels)
        # Rows leased by another worker are left to it (or to a later drain once expired).
        row = self.conn.execute(
            "SELECT min(next_attempt_at) FROM notify_outbox "
            f"WHERE channel IN ({marks}) AND status = 'queued'",
            tuple(channels),
        ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    async def drain(self, *, max_wait: float = 0.0) -> DrainReport:
        """Send every due message once; keep retrying those due within `max_wait` seconds.

        With `max_wait=0` this is one pass (what the agent does right after a booking);
        the CLI and the benchmark wait for retries.
        """
        report = DrainReport()
        deadline = time.monotonic() + max_wait
        semaphore = asyncio.Semaphore(self.policy.concurrency)
        while True:
            self._expire(report)
            ready = self._ready_channels(report)
            batch = self._claim(list(ready))
            if batch:

                async def one(entry: OutboxEntry, notifier: Notifier) -> None:
                    async with semaphore:
                        await self._send_one(entry, notifier, report)

                await asyncio.gather(*(one(e, ready[e.channel]) for e in batch))
                continue
            due = self._next_due(list(ready))
            if due is None:
                break
            wait = max(0.0, due - self.clock())
            if time.monotonic() + wait > deadline:
                break
            await asyncio.sleep(wait + 0.001)
        counts = self.counts()
        report.retry_later = counts.get("queued", 0)
        report.not_sent = counts.get("not_sent", 0)
        return report

    async def _send_one(self, entry: OutboxEntry, notifier: Notifier, report: DrainReport) -> None:
        message = entry.message()
        try:
            if entry.uncertain:
                found = await notifier.find_sent(message)
                if found:
                    report.recovered += 1
                    self._mark_sent(entry, found, report, counted=False)
                    return
            if entry.expires_at is not None and self.clock() >= entry.expires_at:
                self._mark_failed(entry, self._expired(entry.detail), report, entry.attempts)
                return
            report.attempts += 1
            provider_id = await notifier.send(message)
        except SendError as exc:
            self._mark_error(entry, exc, report)
            return
        except Exception as exc:  # a bug or an unexpected library error: retry, keep it
            logger.exception("notify: unexpected error while sending")
            self._mark_error(
                entry, SendError(f"unexpected {type(exc).__name__}", retryable=True), report
            )
            return
        self._mark_sent(entry, provider_id, report, counted=True)

    def _mark_sent(
        self, entry: OutboxEntry, provider_id: str, report: DrainReport, *, counted: bool
    ) -> None:
        now = self.clock()
        with state_db.write_transaction(self.conn):
            changed = self.conn.execute(
                "UPDATE notify_outbox SET status = 'sent', provider_id = ?, sent_at = ?, "
                "detail = NULL, error_code = NULL, uncertain = 0, lease_owner = NULL, "
                "lease_until = NULL, updated_at = ?, attempts = attempts + ? "
                "WHERE id = ? AND lease_owner = ? AND status = 'sending'",
                (provider_id, now, now, 1 if counted else 0, entry.id, self.worker_id),
            ).rowcount
        if not changed:
            logger.error("notify: lease lost while sending", extra={"key": entry.dedupe_key})
        report.sent += 1
        report.keys_sent.append(entry.dedupe_key)

    @staticmethod
    def _expired(last: str | None) -> str:
        return f"{EXPIRED} (last: {last})" if last else EXPIRED

    def _mark_error(self, entry: OutboxEntry, exc: SendError, report: DrainReport) -> None:
        """After a failed attempt: hold it (settings), retry it later, or give it up."""
        now = self.clock()
        policy = self.policy
        attempts = entry.attempts + (0 if exc.not_configured else 1)
        retry_until = entry.retry_until
        if exc.not_configured:
            if not (entry.detail or "").startswith(NOT_SENT):
                report.held += 1  # newly kept; one kept before is only being tried again
            status, detail = "not_sent", f"{NOT_SENT}{exc.reason}"
            next_at, retry_until = now + policy.hold_seconds, None
        elif not exc.retryable:
            self._mark_failed(entry, exc.reason, report, attempts, exc=exc)
            return
        else:
            wait = policy.delay(attempts)
            if exc.retry_after is not None:  # the provider's Retry-After, within our cap
                wait = max(wait, min(exc.retry_after, policy.max_delay))
            next_at = now + wait
            retry_until = retry_until if retry_until is not None else now + policy.max_age
            if entry.expires_at is not None and next_at >= entry.expires_at:
                self._mark_failed(entry, self._expired(exc.reason), report, attempts, exc=exc)
                return
            if next_at > retry_until or (
                policy.max_attempts is not None and attempts >= policy.max_attempts
            ):
                detail = f"{exc.reason} (gave up after {attempts})"
                self._mark_failed(entry, detail, report, attempts, exc=exc)
                return
            status, detail = "queued", exc.reason
        self._store_outcome(
            entry, status=status, detail=detail, attempts=attempts, next_at=next_at,
            retry_until=retry_until, exc=exc,
        )  # fmt: skip

    def _mark_failed(
        self,
        entry: OutboxEntry,
        detail: str,
        report: DrainReport,
        attempts: int,
        *,
        exc: SendError | None = None,
    ) -> None:
        report.failed += 1
        logger.warning("notify: message failed", extra={"key": entry.dedupe_key, "reason": detail})
        self._store_outcome(
            entry, status="failed", detail=detail, attempts=attempts, next_at=self.clock(),
            retry_until=entry.retry_until, exc=exc,
        )  # fmt: skip

    def _store_outcome(
        self,
        entry: OutboxEntry,
        *,
        status: str,
        detail: str,
        attempts: int,
        next_at: float,
        retry_until: float | None,
        exc: SendError | None,
    ) -> None:
        now = self.clock()
        with state_db.write_transaction(self.conn):
            self.conn.execute(
                "UPDATE notify_outbox SET status = ?, detail = ?, "
                "error_code = CASE WHEN ? THEN ? ELSE error_code END, attempts = ?, "
                "uncertain = CASE WHEN ? THEN 1 ELSE uncertain END, next_attempt_at = ?, "
                "retry_until = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? "
                "WHERE id = ? AND lease_owner = ? AND status = 'sending'",
                (
                    status,
                    detail,
                    exc is not None,
                    exc.code if exc is not None else None,
                    attempts,
                    exc is not None and exc.uncertain,
                    next_at,
                    retry_until,
                    now,
                    entry.id,
                    self.worker_id,
                ),
            )

    async def serve(self, *, stop: asyncio.Event, interval: float = 30.0) -> None:
        """Drain every `interval` seconds until `stop` is set (a worker's background task).

        Messages that could not go out during a call (Twilio down, not yet configured)
        are retried here; a failing drain is logged and the loop carries on.
        """
        while not stop.is_set():
            try:
                await self.drain()
            except Exception:  # keep the loop alive; the rows stay in the outbox
                logger.exception("notify: background drain failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def aclose(self) -> None:
        for notifier in set(self._notifiers.values()):
            await notifier.aclose()
