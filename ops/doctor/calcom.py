"""Cal.com: the key works and every bookable service maps to an event type of its length.

Reuses `CalComCalendar.check_setup()` (the `python -m booking check` logic): one
`GET /v2/event-types`, then each bookable service of `salon.toml` is compared with its
event type (missing id, unknown event type, length, required e-mail field). The calendar
is opened on an in-memory state database: the doctor writes nothing.
"""

from __future__ import annotations

from booking import CalendarError
from booking.calcom import DEFAULT_URL, CalComCalendar
from ops.doctor.base import CheckResult, Context, KeyedApi, ok, problem
from salon.profile import ProfileError, load_profile

NAME = "Cal.com"
API = KeyedApi(NAME, "CAL_API_KEY", "CAL_API_URL", DEFAULT_URL)


async def run(ctx: Context) -> list[CheckResult]:
    if not API.key():
        return [API.unset(" (l'agenda intégré du salon est utilisé)")]
    try:
        profile = load_profile()
    except (ProfileError, OSError) as exc:
        return [problem(NAME, f"impossible de lire salon.toml (SALON_PROFILE) : {exc}")]
    calendar = CalComCalendar(profile, db=":memory:", deadline=ctx.timeout)
    try:
        problems = await calendar.check_setup()
        count = len(calendar.services())
    except CalendarError as exc:
        if "refused the key" in exc.detail:  # 401/403, never retried
            return [API.refused(exc.detail.rsplit(" ", 1)[-1])]
        return [API.unreachable(exc.detail)]
    finally:
        await calendar.aclose()
    if problems:
        return [problem(NAME, *problems)]
    if count == 1:
        return [ok(NAME, "clé valide, la prestation réservable a son type d'événement")]
    return [ok(NAME, f"clé valide, les {count} prestations réservables ont leur type d'événement")]
