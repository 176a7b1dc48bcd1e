"""Deepgram: the key works (`GET /v1/projects`, which every valid key may call)."""

from __future__ import annotations

from ops.doctor.base import (
    CheckResult,
    Context,
    Unreachable,
    get,
    http_get,
    join_url,
    ok,
    problem,
    skipped,
)

NAME = "Deepgram"
DEFAULT_URL = "https://api.deepgram.com/v1"


async def run(ctx: Context) -> list[CheckResult]:
    key = get("DEEPGRAM_API_KEY")
    if not key:
        return [skipped(NAME, "DEEPGRAM_API_KEY is not set")]
    base = get("DEEPGRAM_API_URL", DEFAULT_URL) or DEFAULT_URL
    try:
        status, body, text = await http_get(
            join_url(base, "projects"),
            headers={"Authorization": f"Token {key}"},
            timeout=ctx.timeout,
        )
    except Unreachable as exc:
        return [problem(NAME, f"cannot reach Deepgram at {base} (DEEPGRAM_API_URL): {exc}")]
    if status in (401, 403):
        reason = body.get("err_msg") if isinstance(body, dict) else None
        return [
            problem(
                NAME,
                f"Deepgram refused DEEPGRAM_API_KEY ({status}"
                f"{': ' + reason if reason else ''}): check the key",
            )
        ]
    if status != 200 or not isinstance(body, dict):
        return [problem(NAME, f"Deepgram answered HTTP {status}: {text[:120]}")]
    projects = body.get("projects") or []
    return [ok(NAME, f"key works ({len(projects)} project{'s' if len(projects) != 1 else ''})")]
