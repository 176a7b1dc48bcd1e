"""How the back office writes to customers: one outbox, one channel, one way to queue.

Reminders and waitlist offers both queue a one-segment text now (quiet hours were
checked by the job), with the WhatsApp template variables that carry it outside the
24-hour window, and both treat a number that cannot receive it (a landline) alike. Both
have a moment after which the text is of no use (the appointment, the answer deadline):
the outbox retries it until then, never after.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from notify.base import Channel
from notify.outbox import Outbox
from notify.phone import InvalidPhone
from notify.texts import template_vars
from salon.profile import SalonProfile


@dataclass(frozen=True)
class Messages:
    """The outbox and the salon; `channel` (sms or whatsapp) and whether the sender can
    receive replies (« Répondez ANNULER ») hold for every message of the pass."""

    outbox: Outbox
    profile: SalonProfile
    channel: Channel
    replies: bool

    @property
    def conn(self) -> sqlite3.Connection:
        """The state database the outbox writes to (the jobs' own tables are there too)."""
        return self.outbox.conn

    def queue(
        self,
        *,
        to: str,
        body: str,
        dedupe_key: str,
        service: str | Sequence[str],
        start: datetime,
        event: str,
        useless_after: datetime,
        stylist: str | None = None,
    ) -> bool:
        """Queue `body` for `to` now, once per `dedupe_key`; False when `to` cannot
        receive it (not a mobile number). `service` (one name or a visit's) and `stylist`
        fill the WhatsApp template's {{2}}; the outbox never sends it after
        `useless_after` (it gives up then, saying why)."""
        try:
            self.outbox.enqueue_now(
                channel=self.channel,
                to=to,
                body=body,
                dedupe_key=dedupe_key,
                template_vars=template_vars(
                    profile=self.profile, service=service, start=start, event=event, stylist=stylist
                ),
                expires_at=useless_after.timestamp(),
            )
        except InvalidPhone:
            return False
        return True
