"""Deepgram: the key works (`GET /v1/projects`, which every valid key may call)."""

from __future__ import annotations

from ops.doctor.base import CheckResult, Context, KeyedApi, Unreachable, ok, problem

NAME = "Deepgram"
DEFAULT_URL = "https://api.deepgram.com/v1"
API = KeyedApi(NAME, "DEEPGRAM_API_KEY", "DEEPGRAM_API_URL", DEFAULT_URL, scheme="Token")


async def run(ctx: Context) -> list[CheckResult]:
    key = API.key()
    if not key:
        return [API.unset()]
    try:
        status, body, text = await API.fetch("projects", key=key, timeout=ctx.timeout)
    except Unreachable as exc:
        return [API.unreachable(exc)]
    if status in (401, 403):
        return [API.refused(status, body.get("err_msg") if isinstance(body, dict) else None)]
    if status != 200 or not isinstance(body, dict):
        return [problem(NAME, f"Deepgram a répondu HTTP {status} : {text[:120]}")]
    projects = body.get("projects") or []
    return [ok(NAME, f"clé valide ({len(projects)} projet{'s' if len(projects) > 1 else ''})")]
