"""One pass of the back office, and the loop that repeats it.

`BackOffice.run_once()` runs, in order: reminders, waitlist offers (after expiring the
old ones), the outbox drain (so what this pass queued goes out at once) and retention
(`records.retention`, and the booking journal's entries dealt with a week ago).
Each job is isolated: one that fails (Cal.com down, a bug) is logged and reported, the
others still run, and the loop carries on — the next pass retries. A failing Twilio is
the outbox's business: its rows are retried with backoff, never lost.

`serve()` runs a full pass every `JOBS_INTERVAL` seconds and, in between, drains the
outbox every `JOBS_TICK` seconds when something is due (one indexed query when idle).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from booking import journal, open_calendar
from booking.agenda import AppointmentBook
from booking.calendar import Calendar
from jobs.config import Clock, JobsSettings, system_clock
from jobs.messages import Messages
from jobs.offers import offer_freed_slots
from jobs.reminders import send_reminders
from notify.base import Channel
from notify.outbox import Outbox
from notify.service import confirmation_channel, outbox_from_settings, replies_possible
from records.retention import apply_retention
from salon import state_db
from salon.profile import SalonProfile

log = logging.getLogger("jobs")

JOBS = ("reminders", "waitlist", "outbox", "retention")


@dataclass
class JobResult:
    name: str
    ok: bool = True
    seconds: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok, "seconds": round(self.seconds, 4), **self.counts}
        if self.error:
            out["error"] = self.error
        return out


@dataclass
class PassReport:
    results: list[JobResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "seconds": round(self.seconds, 4),
            **{r.name: r.as_dict() for r in self.results},
        }


class BackOffice:
    """The jobs over one state database, one calendar and one outbox."""

    def __init__(
        self,
        *,
        profile: SalonProfile,
        outbox: Outbox,
        calendar: Calendar,
        cfg: JobsSettings | None = None,
        clock: Clock = system_clock,
        channel: Channel | None = None,
        replies: bool | None = None,
    ) -> None:
        self.profile = profile
        self.outbox = outbox
        self.conn = outbox.conn
        self.calendar = calendar
        self.cfg = cfg or JobsSettings()
        self.clock = clock
        self.channel: Channel = channel or confirmation_channel()
        self.replies = (
            replies if replies is not None else replies_possible(self.channel, profile=profile)
        )
        self.messages = Messages(
            outbox=outbox, profile=profile, channel=self.channel, replies=self.replies
        )

    @classmethod
    def from_settings(
        cls,
        *,
        profile: SalonProfile,
        db_path: str | Path | None = None,
        cfg: JobsSettings | None = None,
        clock: Clock = system_clock,
    ) -> BackOffice:
        """Twilio, SMTP and the calendar (Cal.com or embedded) as configured."""
        outbox = outbox_from_settings(profile=profile, db_path=db_path)
        calendar = open_calendar(profile, db=db_path)
        return cls(
            profile=profile, outbox=outbox, calendar=calendar, cfg=cfg or JobsSettings.from_env(),
            clock=clock,
        )  # fmt: skip

    async def aclose(self) -> None:
        await self.outbox.aclose()
        await self.calendar.aclose()

    # ------------------------------------------------------------------ the pass

    async def run_once(self) -> PassReport:
        """Every job once, in order; a failing job does not stop the others."""
        report = PassReport()
        started = time.perf_counter()
        for name in JOBS:
            report.results.append(await self._run(name))
        report.seconds = time.perf_counter() - started
        return report

    async def _run(self, name: str) -> JobResult:
        result = JobResult(name)
        started = time.perf_counter()
        try:
            result.counts = await getattr(self, f"_{name}")()
        except Exception as exc:  # logged and reported; the next pass retries
            result.ok = False
            result.error = f"{type(exc).__name__}: {exc}"[:300]
            log.exception("job failed, retried on the next pass", extra={"job": name})
        result.seconds = time.perf_counter() - started
        return result

    async def _reminders(self) -> dict[str, Any]:
        report = await send_reminders(
            book=cast(AppointmentBook, self.calendar),  # both calendars list bookings
            messages=self.messages,
            cfg=self.cfg,
            now=self.clock(),
        )
        return report.as_dict()

    async def _waitlist(self) -> dict[str, Any]:
        report = await offer_freed_slots(
            calendar=self.calendar, messages=self.messages, cfg=self.cfg, now=self.clock()
        )
        return report.as_dict()

    async def _outbox(self) -> dict[str, Any]:
        report = await self.outbox.drain()
        if report.sent or report.failed:
            log.info("outbox drained", extra={"sent": report.sent, "failed": report.failed})
        return report.as_dict()

    async def _retention(self) -> dict[str, Any]:
        now = self.clock()
        done = apply_retention(self.conn, now=now, policy=self.cfg.retention)
        # The journal's entries hold the customer's name and number for the confirmation
        # they owe; once it was queued (or the change failed) they go a week later. The
        # agent prunes them only when it starts, which may be months apart.
        with state_db.write_transaction(self.conn):
            pruned = journal.prune(self.conn, before=now - journal.KEEP)
        if pruned:
            done["booking_journal"] = pruned
        if done:
            log.info("retention applied", extra={"deleted": done})
        return done

    # ------------------------------------------------------------------ the loop

    def outbox_due(self) -> bool:
        """Something in the outbox to send now (a cheap indexed query)."""
        now = time.time()
        row = self.conn.execute(
            "SELECT 1 FROM notify_outbox WHERE (status = 'queued' AND next_attempt_at <= ?) "
            "OR (status = 'sending' AND lease_until < ?) LIMIT 1",
            (now, now),
        ).fetchone()
        return row is not None

    async def serve(self, *, stop: asyncio.Event) -> None:
        """Full passes every `interval`, outbox checks every `tick`, until `stop`."""
        next_pass = 0.0
        while not stop.is_set():
            if time.monotonic() >= next_pass:
                next_pass = time.monotonic() + self.cfg.interval
                report = await self.run_once()
                if not report.ok:
                    log.warning(
                        "pass finished with errors",
                        extra={"failed": [r.name for r in report.results if not r.ok]},
                    )
            elif self.outbox_due():
                await self._run("outbox")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.cfg.tick)
