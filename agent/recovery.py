"""What a worker puts right when it starts, after an earlier one was killed mid-call.

- Confirmations owed: a booking, move or cancellation whose SMS was never queued (the
  embedded calendar wrote the journal entry with the booking itself; a Cal.com call cut
  short is looked up in Cal.com first). Each is queued once (`booking.journal`).
- Call records left open: ended with what was saved (`records.recovery`).

`recover_at_start` runs from `python -m agent start|dev|console` before the worker
serves calls; it is bounded in time and never stops the worker from starting.
`scripts/jobs` can run the same two passes on its own schedule (`Calendar.reconcile`
with `notify.service.confirm_owed`, and `records.recovery.close_orphans`).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from agent.messaging import owed_confirmer
from booking import Calendar
from notify.outbox import Outbox
from records.recovery import IDLE_FOR, close_orphans
from salon.profile import SalonProfile

logger = logging.getLogger("agent")


@dataclass
class Recovery:
    """What one pass put right."""

    confirmations: int = 0  # owed confirmations queued
    settled: int = 0  # Cal.com calls left pending, now known done or failed
    unsettled: int = 0  # still pending: Cal.com could not be asked
    calls_closed: int = 0  # call records left open, now ended


async def recover(
    *,
    profile: SalonProfile,
    conn: sqlite3.Connection,
    calendar: Calendar,
    outbox: Outbox,
    grace: timedelta = timedelta(minutes=1),
    idle_for: timedelta = IDLE_FOR,
) -> Recovery:
    """Queue the confirmations a crash left owed, then close the calls it left open."""
    report = await calendar.reconcile(confirm=owed_confirmer(outbox, profile), grace=grace)
    done = Recovery(
        confirmations=report.confirmed, settled=report.resolved, unsettled=report.unresolved
    )
    done.calls_closed = await asyncio.to_thread(close_orphans, conn, idle_for=idle_for)
    if done.confirmations:
        try:
            await outbox.drain()
        except Exception as exc:  # they stay queued for the next drain
            logger.warning("outbox drain after recovery failed", extra={"error": repr(exc)})
    return done


def recover_at_start(
    *,
    db: str | Path | None = None,
    timeout: float = 20.0,
    grace: timedelta = timedelta(minutes=1),
    idle_for: timedelta = IDLE_FOR,
) -> Recovery | None:
    """`recover` with the process's own calendar and outbox (`SALON_DB` unless `db`),
    within `timeout` seconds; logs what it did, never raises (None when it failed)."""
    from booking import open_calendar
    from notify.service import outbox_from_settings
    from salon import state_db
    from salon.profile import load_profile

    async def run() -> Recovery:
        profile = load_profile()
        conn = state_db.connect(db)
        outbox = outbox_from_settings(profile=profile, db_path=db)
        calendar = open_calendar(profile, db=conn)
        try:
            return await asyncio.wait_for(
                recover(
                    profile=profile,
                    conn=conn,
                    calendar=calendar,
                    outbox=outbox,
                    grace=grace,
                    idle_for=idle_for,
                ),
                timeout,
            )
        finally:
            await calendar.aclose()
            await outbox.aclose()
            outbox.conn.close()
            conn.close()

    try:
        done = asyncio.run(run())
    except Exception:
        logger.exception("recovery at start failed; the worker starts anyway")
        return None
    if done.confirmations or done.calls_closed or done.unsettled:
        logger.warning("recovered what a stopped worker left", extra=done.__dict__)
    return done
