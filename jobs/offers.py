"""Waitlist offers: a slot that frees up goes to the first person waiting for it.

Each pass: pending offers past their deadline expire (the slot is then offered to the
next person, never again to the same one); entries for days gone by end; and, outside
quiet hours, for every service and day someone waits for, the calendar's free slots that
day (whatever freed them: a cancellation by phone, by SMS or by the owner) are offered in
order — first slot to the first person waiting who has no offer pending and never had
this one. The SMS says the slot and « Répondez OUI avant 18h30 pour le réserver »: the
deadline is `WAITLIST_OFFER_MINUTES` after sending, at the latest the calendar's minimum
notice before the slot, rounded down to the quarter hour; a slot too close for a useful
deadline (15 minutes) is not offered. The answer is handled by the webhook's `/sms`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from booking import waitlist
from booking.calendar import Calendar, Slot, SlotPreferences
from jobs.config import JobsSettings
from jobs.messages import Messages
from notify.base import Channel
from notify.texts import offer_text

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
        for entry in waitlist.waiting(conn, service_id=service_id, day=day):
            for slot in slots:
                deadline = deadline_for(slot.start, now=now, cfg=cfg, notice=notice)
                if deadline is None or waitlist.was_offered(
                    conn, entry_id=entry.id, start=slot.start
                ):
                    continue
                offer = waitlist.create_offer(
                    conn,
                    entry_id=entry.id,
                    service_id=service_id,
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
                break
    return report


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
