"""Notifications: SMS and WhatsApp through Twilio, e-mail through SMTP, behind an outbox.

No LiveKit dependency. The agent uses `outbox_from_settings`, `confirm_booking`,
`send_verification_code`, `email_transcript` (in `agent.notify.service`) and
`Outbox.drain`; texts are in `agent.notify.texts`, number checks in `agent.notify.phone`.
"""

from agent.notify.base import Notifier, OutgoingMessage, SendError
from agent.notify.outbox import DrainReport, Enqueued, Outbox, OutboxEntry, RetryPolicy
from agent.notify.phone import InvalidPhone, check_sms_number, normalise, sms_number

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
    "normalise",
    "sms_number",
]
