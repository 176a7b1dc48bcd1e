"""Cal.com: the key works and every bookable service maps to an event type of its length.

Reuses `CalComCalendar.check_setup()` (the `python -m booking check` logic): one
`GET /v2/event-types`, then each bookable service of `salon.toml` is compared with its
event type (missing id, unknown event type, length, required e-mail field). The calendar
is opened on an in-memory state database: the doctor writes nothing.
"""

from __future__ import annotations

from booking import CalendarError
from booking.calcom import CalComCalendar
from ops.doctor.base import CheckResult, Context, get, ok, problem, skipped
from salon.profile import ProfileError, load_profile

NAME = "Cal.com"
DEFAULT_URL = "https://api.cal.com/v2"


async def run(ctx: Context) -> list[CheckResult]:
    if not get("CAL_API_KEY"):
        return [skipped(NAME, "CAL_API_KEY is not set (the embedded calendar is used)")]
    base = get("CAL_API_URL", DEFAULT_URL) or DEFAULT_URL
    try:
        profile = load_profile()
    except (ProfileError, OSError) as exc:
        return [problem(NAME, f"cannot read the salon profile (SALON_PROFILE): {exc}")]
    calendar = CalComCalendar(profile, db=":memory:", deadline=ctx.timeout)
    try:
        problems = await calendar.check_setup()
        count = len(calendar.services())
    except CalendarError as exc:
        if "refused the key" in exc.detail:  # 401/403, never retried
            status = exc.detail.rsplit(" ", 1)[-1]
            return [problem(NAME, f"Cal.com refused CAL_API_KEY ({status}): check the key")]
        return [problem(NAME, f"cannot reach Cal.com at {base} (CAL_API_URL): {exc.detail}")]
    finally:
        await calendar.aclose()
    if problems:
        return [problem(NAME, *problems)]
    return [ok(NAME, f"key works, {count} bookable services match their event types")]
