"""NOTIFY_CHANNEL: how booking confirmations go out (SMS or WhatsApp), read the way
`scripts/jobs` and the agent read it (`notify.service.confirmation_channel`), so a wrong
value shows here rather than when `scripts/jobs` starts.

With `whatsapp`, the WhatsApp sender and the approved template must be set: a confirmation
follows a phone call, so the client has usually not written to the salon on WhatsApp in
the last 24 hours and Twilio only lets a template through. No call is made to Twilio; its
credentials and the SMS sender are the `twilio` check's.
"""

from __future__ import annotations

import re

from notify.phone import InvalidPhone, normalise
from notify.service import confirmation_channel
from ops.doctor.base import CheckResult, Context, get, ok, problem, skipped

NAME = "Confirmations"
CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")


def _whatsapp() -> CheckResult:
    sender, template = get("TWILIO_WHATSAPP_FROM"), get("TWILIO_WHATSAPP_CONTENT_SID")
    problems = []
    if not sender:
        problems.append(
            "NOTIFY_CHANNEL=whatsapp mais TWILIO_WHATSAPP_FROM n'est pas réglé : les "
            "confirmations ne partiront pas (réglez-le sur whatsapp:+33…, ou NOTIFY_CHANNEL=sms)"
        )
    else:
        try:
            normalise(sender.removeprefix("whatsapp:"))
        except InvalidPhone:
            problems.append(
                f"TWILIO_WHATSAPP_FROM {sender!r} n'est pas un numéro (écrivez whatsapp:+33…)"
            )
    if not template:
        problems.append(
            "NOTIFY_CHANNEL=whatsapp mais TWILIO_WHATSAPP_CONTENT_SID n'est pas réglé : sans "
            "modèle approuvé, une confirmation ne part que si le client a écrit au salon sur "
            "WhatsApp depuis moins de 24 h"
        )
    elif not CONTENT_SID.match(template):
        problems.append(
            f"TWILIO_WHATSAPP_CONTENT_SID {template!r} n'est pas un identifiant de modèle HX…"
        )
    if problems:
        return problem(NAME, *problems)
    return ok(NAME, f"par WhatsApp depuis {sender}, avec le modèle {(template or '')[:6]}…")


async def run(ctx: Context) -> list[CheckResult]:
    try:
        channel = confirmation_channel()
    except ValueError as exc:  # worded in French: « le réglage NOTIFY_CHANNEL doit être … »
        return [problem(NAME, str(exc))]
    if channel == "whatsapp":
        return [_whatsapp()]
    if not get("NOTIFY_CHANNEL"):
        return [skipped(NAME, "NOTIFY_CHANNEL n'est pas réglé : confirmations par SMS")]
    return [ok(NAME, "par SMS (NOTIFY_CHANNEL=sms ; voir l'expéditeur SMS)")]
