"""Run every check at once (each service is independent) and keep the report's order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from ops.doctor import (
    calcom,
    channel,
    deepgram,
    elevenlabs,
    livekit,
    openai,
    profile,
    public_url,
    smtp,
    twilio,
)
from ops.doctor.base import CheckResult, Context, problem
from salon.french import decimal_words

Check = Callable[[Context], Awaitable[list[CheckResult]]]

# (name used if the check itself crashes, check) in report order
CHECKS: tuple[tuple[str, Check], ...] = (
    (profile.NAME, profile.run),
    (livekit.NAME, livekit.run),
    (twilio.ACCOUNT, twilio.run),
    (channel.NAME, channel.run),
    (calcom.NAME, calcom.run),
    (openai.NAME, openai.run),
    (deepgram.NAME, deepgram.run),
    (elevenlabs.NAME, elevenlabs.run),
    (smtp.NAME, smtp.run),
    (public_url.NAME, public_url.run),
)


async def _guarded(name: str, check: Check, ctx: Context) -> list[CheckResult]:
    # each check makes a few calls bounded by ctx.timeout; this bounds the whole check
    try:
        return await asyncio.wait_for(check(ctx), timeout=ctx.timeout * 3 + 1)
    except TimeoutError:
        return [problem(name, f"pas de réponse en {decimal_words(ctx.timeout * 3 + 1)} s")]
    except Exception as exc:  # a bug or an unexpected answer: reported, never a traceback
        return [
            problem(
                name, f"la vérification a échoué de façon inattendue : {type(exc).__name__} {exc}"
            )
        ]


async def run_checks(ctx: Context) -> list[CheckResult]:
    """Every check's results, in report order."""
    batches = await asyncio.gather(*(_guarded(name, check, ctx) for name, check in CHECKS))
    return [result for batch in batches for result in batch]
