"""Waitlist offers: a slot that frees up goes to the first person waiting for it.

Each pass: pending offers past their deadline expire; entries for days gone by end; and,
outside quiet hours, for every service and day someone waits for, the calendar's free
slots that day (whatever freed them: a cancellation by phone, by SMS or by the owner)
are offered in order — first slot to the first person waiting who has no offer pending.

A freed gap (free starts that overlap or touch: a cancelled hour holds 14h, 14h15 and
14h30 for a half-hour service) is offered once to each person: one who let an offer in it
expire (or is answering one) is never offered it again, nor a start next to it — else
they would get a new SMS every hour for the same gap, and the next person none. So when
an offer expires, the gap passes to the next person waiting. Only someone who said
« OUI » too late for a slot taken meanwhile (`taken`) may be offered the rest of the gap.
The SMS says the slot and « Répondez OUI avant 18h30 pour le réserver »: the
deadline is `WAITLIST_OFFER_MINUTES` after sending, at the latest the calendar's minimum
notice before the slot, rounded down to the quarter hour; a slot too close for a useful
deadline (15 minutes) is not offered. The answer is handled by the webhook's `/sms`.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from booking import waitlist
from booking.calendar import Calendar, Slot, SlotPreferences
from jobs.config import JobsSettings
from jobs.messages import Messages
from notify.base import Channel
from notify.texts import offer_text
from salon.utc import utc_text

log = logging.getLogger("jobs")

MIN_ANSWER_TIME = timedelta(minutes=15)
SLOTS_PER_DAY = 200  # every start of a day (15-minute steps)


@dataclass
class OfferReport:
    offered: int = 0
    expired: int = 0
    ended: int = 0  # entries whose day passed

    def as_dict(self) -> dict[str, Any]:
        return {"offered": self.offered, "expired": self.expired, "ended": self.ended}


def offer_key(offer_id: int, channel: Channel) -> str:
    return f"waitlist-offer:{offer_id}:{channel}"


def deadline_for(
    slot_start: datetime, *, now: datetime, cfg: JobsSettings, notice: timedelta
) -> datetime | None:
    """When the answer must have come: `offer_minutes` from now, at the latest `notice`
    before the slot, rounded down to the quarter hour; None when that leaves less than
    `MIN_ANSWER_TIME`."""
    latest = min(now + timedelta(minutes=cfg.offer_minutes), slot_start - notice)
    rounded = latest.replace(minute=latest.minute - latest.minute % 15, second=0, microsecond=0)
    return rounded if rounded - now >= MIN_ANSWER_TIME else None


async def offer_freed_slots(
    *, calendar: Calendar, messages: Messages, cfg: JobsSettings, now: datetime
) -> OfferReport:
    conn, profile = messages.conn, messages.profile
    report = OfferReport()
    for expired in waitlist.expire_offers(conn, now=now):
        report.expired += 1
        log.info("waitlist offer expired", extra={"offer": expired.id})
    local_now = now.astimezone(profile.timezone)
    report.ended = waitlist.end_past_days(conn, today=local_now.date())
    if cfg.quiet.contains(local_now):
        return report
    notice: timedelta = getattr(calendar, "min_notice", timedelta(minutes=60))
    for service_id, day in waitlist.waiting_groups(conn, first_day=local_now.date()):
        try:
            service = profile.service(service_id)
        except KeyError:
            log.warning("waitlist entry for an unknown service", extra={"service": service_id})
            continue
        slots = await calendar.free_slots(
            service=service, prefs=SlotPreferences(day=day), now=now, limit=SLOTS_PER_DAY
        )
        if not slots:
            continue
        gaps = free_gaps(slots)
        for entry in waitlist.waiting(conn, service_id=service_id, day=day):
            for gap in gaps:
                if had_gap(conn, entry_id=entry.id, gap=gap):
                    continue  # offered once already: the gap is for the next people
                offer = _offer_first(conn, messages, report, entry, gap, now, cfg, notice)
                if offer is not None:
                    break
    return report


def free_gaps(slots: list[Slot]) -> list[list[Slot]]:
    """The free starts grouped into gaps: each start overlapping or touching the previous
    ones (14h-14h30, 14h15-14h45, 14h30-15h: one gap), in time order."""
    gaps: list[list[Slot]] = []
    end = None
    for slot in sorted(slots, key=lambda s: (s.start, s.end)):
        if gaps and end is not None and slot.start <= end:
            gaps[-1].append(slot)
            end = max(end, slot.end)
        else:
            gaps.append([slot])
            end = slot.end
    return gaps


def had_gap(conn: sqlite3.Connection, *, entry_id: int, gap: list[Slot]) -> bool:
    """Whether this person was offered a slot in or next to `gap` (overlapping or
    touching it) and did not say « OUI » too late for it (`taken`)."""
    start, end = min(s.start for s in gap), max(s.end for s in gap)
    row = conn.execute(
        "SELECT 1 FROM waitlist_offers WHERE entry_id = ? AND status != 'taken' "
        "AND start_utc <= ? AND end_utc >= ? LIMIT 1",
        (entry_id, utc_text(end), utc_text(start)),
    ).fetchone()
    return row is not None


def _offer_first(
    conn: sqlite3.Connection,
    messages: Messages,
    report: OfferReport,
    entry: waitlist.Entry,
    gap: list[Slot],
    now: datetime,
    cfg: JobsSettings,
    notice: timedelta,
) -> waitlist.Offer | None:
    """Offer the entry the first start of `gap` the rules allow; the offer, or None."""
    for slot in gap:
        deadline = deadline_for(slot.start, now=now, cfg=cfg, notice=notice)
        if deadline is None or waitlist.was_offered(conn, entry_id=entry.id, start=slot.start):
            continue
        offer = waitlist.create_offer(
            conn,
            entry_id=entry.id,
            service_id=entry.service_id,
            start=slot.start,
            end=slot.end,
            expires_at=deadline,
            now=now,
        )
        if offer is None:
            continue  # overlaps another pending offer, or the person holds one
        if _send(messages, offer, slot, entry, now):
            report.offered += 1
            log.info("waitlist offer queued", extra={"offer": offer.id})
        return offer
    return None


def _send(
    messages: Messages, offer: waitlist.Offer, slot: Slot, entry: waitlist.Entry, now: datetime
) -> bool:
    service = messages.profile.service(offer.service_id)
    body = offer_text(
        profile=messages.profile,
        service=service.name,
        start=slot.start,
        deadline=offer.expires_at,
        sent=now,
        replies=messages.replies,
    )
    if messages.queue(
        to=entry.phone,
        body=body,
        dedupe_key=offer_key(offer.id, messages.channel),
        service=service.name,
        start=slot.start,
        event="offer",
        useless_after=offer.expires_at,  # « Répondez OUI avant 11h » read at noon: no use
    ):
        return True
    waitlist.withdraw(messages.conn, offer_id=offer.id, leave=True)
    log.warning("waitlist offer withdrawn: not a mobile number", extra={"offer": offer.id})
    return False
