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
        return [skipped(NAME, "PUBLIC_BASE_URL n'est pas réglé")]
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [problem(NAME, f"PUBLIC_BASE_URL {base!r} n'est pas une adresse http(s)")]
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        return [
            problem(
                NAME,
                f"PUBLIC_BASE_URL {base} est en http simple : Twilio a besoin de l'adresse "
                "https du tunnel ou du proxy",
            )
        ]
    try:
        status, body, text = await http_get(base + "/healthz", headers={}, timeout=ctx.timeout)
    except Unreachable as exc:
        return [
            problem(
                NAME,
                f"PUBLIC_BASE_URL {base} ne répond pas ({exc}) : vérifiez que scripts/webhook "
                "tourne et que le tunnel est ouvert",
            )
        ]
    if status == 503 and text.startswith("misconfigured"):
        why = text.removeprefix("misconfigured").lstrip(": ").strip()
        return [problem(NAME, f"le webhook de {base} est mal réglé : {why}")]
    if status != 200 or not isinstance(body, dict) or body.get("status") != "ok":
        return [
            problem(
                NAME,
                f"{base}/healthz a répondu HTTP {status} sans l'état du webhook : "
                "PUBLIC_BASE_URL mène à autre chose",
            )
        ]
    seen, want = body.get("instance"), expected_instance(base)
    if not seen:
        return [
            problem(
                NAME,
                f"{base}/healthz ne donne pas d'identifiant d'instance : un ancien webhook ou "
                "un autre service répond à cette adresse ; redémarrez scripts/webhook",
            )
        ]
    if seen != want:
        return [
            problem(
                NAME,
                f"{base} mène à un webhook lancé avec d'autres réglages (instance {seen}, "
                f"attendue {want}) : un vieux tunnel, ou un webhook démarré avant que "
                "PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID ou le nom du salon ne change ; "
                "redémarrez-le",
            )
        ]
    return [ok(NAME, f"{base}/healthz est bien le webhook de ce salon (instance {seen})")]
