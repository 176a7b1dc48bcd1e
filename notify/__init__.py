"""Notifications: SMS and WhatsApp through Twilio, e-mail through SMTP, behind an outbox.

No LiveKit dependency. The agent uses `outbox_from_settings`, `confirm_booking`,
`send_verification_code` (in `notify.service`) and
`Outbox.drain`; texts are in `notify.texts`, number checks in `notify.phone`.

Names are imported lazily so that `python -m notify` runs cleanly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # real names for type checkers; imported lazily at run time
    from notify.base import Notifier, OutgoingMessage, SendError
    from notify.outbox import Outbox
    from notify.phone import InvalidPhone, check_sms_number, normalise, sms_number
    from notify.records import DrainReport, Enqueued, OutboxEntry, RetryPolicy
    from notify.service import (
        confirm_booking,
        outbox_from_settings,
        send_verification_code,
    )

_EXPORTS = {
    "Notifier": "notify.base",
    "OutgoingMessage": "notify.base",
    "SendError": "notify.base",
    "Outbox": "notify.outbox",
    "DrainReport": "notify.records",
    "Enqueued": "notify.records",
    "OutboxEntry": "notify.records",
    "RetryPolicy": "notify.records",
    "InvalidPhone": "notify.phone",
    "check_sms_number": "notify.phone",
    "normalise": "notify.phone",
    "sms_number": "notify.phone",
    "outbox_from_settings": "notify.service",
    "confirm_booking": "notify.service",
    "send_verification_code": "notify.service",
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
    "normalise",
    "outbox_from_settings",
    "send_verification_code",
    "sms_number",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'notify' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
