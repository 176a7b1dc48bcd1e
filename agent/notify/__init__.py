"""Notifications: SMS and WhatsApp through Twilio, e-mail through SMTP, behind an outbox.

No LiveKit dependency. The agent uses `outbox_from_settings`, `confirm_booking`,
`send_verification_code`, `email_transcript` (in `agent.notify.service`) and
`Outbox.drain`; texts are in `agent.notify.texts`, number checks in `agent.notify.phone`.

Names are imported lazily so that `python -m agent.notify.outbox` runs cleanly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # real names for type checkers; imported lazily at run time
    from agent.notify.base import Notifier, OutgoingMessage, SendError
    from agent.notify.outbox import Outbox
    from agent.notify.phone import InvalidPhone, check_sms_number, normalise, sms_number
    from agent.notify.records import DrainReport, Enqueued, OutboxEntry, RetryPolicy
    from agent.notify.service import (
        confirm_booking,
        email_transcript,
        outbox_from_settings,
        send_verification_code,
    )

_EXPORTS = {
    "Notifier": "agent.notify.base",
    "OutgoingMessage": "agent.notify.base",
    "SendError": "agent.notify.base",
    "Outbox": "agent.notify.outbox",
    "DrainReport": "agent.notify.records",
    "Enqueued": "agent.notify.records",
    "OutboxEntry": "agent.notify.records",
    "RetryPolicy": "agent.notify.records",
    "InvalidPhone": "agent.notify.phone",
    "check_sms_number": "agent.notify.phone",
    "normalise": "agent.notify.phone",
    "sms_number": "agent.notify.phone",
    "outbox_from_settings": "agent.notify.service",
    "confirm_booking": "agent.notify.service",
    "send_verification_code": "agent.notify.service",
    "email_transcript": "agent.notify.service",
}

__all__ = [
    "DrainReport",
    "Enqueued",
    "InvalidPhone",
    "Notifier",
    "Outbox",
    "OutboxEntry",
    "OutgoingMessage",
    "RetryPolicy",
    "SendError",
    "check_sms_number",
    "confirm_booking",
    "email_transcript",
    "normalise",
    "outbox_from_settings",
    "send_verification_code",
    "sms_number",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'agent.notify' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
