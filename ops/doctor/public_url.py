"""The public URL: `PUBLIC_BASE_URL/healthz` answers and is this salon's webhook.

The webhook's `/healthz` carries an `instance` id derived from the settings
(`webhook.app.instance_id`: the Twilio account, the salon's name, the public URL); the
doctor computes the same id, so a stale tunnel that now reaches something else, or a
webhook started with other settings, is caught. Plain `http` is accepted on loopback only
(local testing); Twilio needs https.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ops.doctor.base import (
    CheckResult,
    Context,
    Unreachable,
    get,
    http_get,
    ok,
    problem,
    skipped,
)
from salon.profile import load_profile
from webhook.app import instance_id

NAME = "Public URL"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def expected_instance(public_base_url: str) -> str:
    """The id this salon's webhook shows at `/healthz` with the current settings."""
    try:
        name: str | None = load_profile().name
    except Exception:  # the webhook then runs without a profile too
        name = None
    return instance_id(
        account_sid=get("TWILIO_ACCOUNT_SID"), salon_name=name, public_base_url=public_base_url
    )


async def run(ctx: Context) -> list[CheckResult]:
    base = (get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base:
        return [skipped(NAME, "PUBLIC_BASE_URL is not set")]
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [problem(NAME, f"PUBLIC_BASE_URL {base!r} is not an http(s) URL")]
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        return [
            problem(
                NAME,
                f"PUBLIC_BASE_URL {base} is plain http: Twilio needs the https URL of the "
                "tunnel or proxy",
            )
        ]
    try:
        status, body, text = await http_get(base + "/healthz", headers={}, timeout=ctx.timeout)
    except Unreachable as exc:
        return [
            problem(
                NAME,
                f"PUBLIC_BASE_URL {base} does not answer ({exc}): is scripts/webhook running "
                "and the tunnel open?",
            )
        ]
    if status == 503 and text.startswith("misconfigured"):
        return [problem(NAME, f"the webhook at {base} is {text.strip()}")]
    if status != 200 or not isinstance(body, dict) or body.get("status") != "ok":
        return [
            problem(
                NAME,
                f"{base}/healthz answered HTTP {status} without the webhook's status: "
                "PUBLIC_BASE_URL points at something else",
            )
        ]
    seen, want = body.get("instance"), expected_instance(base)
    if not seen:
        return [
            problem(
                NAME,
                f"{base}/healthz has no instance id: an older webhook or another service "
                "answers there; restart scripts/webhook",
            )
        ]
    if seen != want:
        return [
            problem(
                NAME,
                f"{base} reaches a webhook with other settings (instance {seen}, expected "
                f"{want}): a stale tunnel, or a webhook started before PUBLIC_BASE_URL, "
                "TWILIO_ACCOUNT_SID or the salon's name changed; restart it",
            )
        ]
    return [ok(NAME, f"{base}/healthz is this salon's webhook (instance {seen})")]
