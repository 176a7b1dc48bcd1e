"""`scripts/doctor`: one cheap real API call per configured service, before the first caller.

Each check lives in its own module (`profile` (salon.toml, read locally), `livekit`,
`twilio`, `channel`, `calcom`, `openai`, `deepgram`, `elevenlabs`, `smtp`, `public_url`) and returns `CheckResult`s: `ok`, `problem` (one
sentence naming the setting or the thing to change) or `skipped` (not configured).
`run_checks(Context(fix=True))` also repairs the Twilio number's webhooks.
"""

from ops.doctor.base import CheckResult, Context
from ops.doctor.runner import run_checks

__all__ = ["CheckResult", "Context", "run_checks"]
