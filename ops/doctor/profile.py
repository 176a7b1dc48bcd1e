"""salon.toml: does the salon's profile load, the way the agent, `scripts/jobs` and
`scripts/reindex` read it (`salon.profile.load_profile`)?

A file that does not load stops the agent's worker when it starts (one that is running
keeps the last good profile) and makes `scripts/reindex` refuse to switch in a new
version, so the doctor says it before the first caller, in the same French sentence: the
file, the line and column of a TOML typo or the block and field of a bad value, and what
is wrong. No call is made to anyone.
"""

from __future__ import annotations

from ops.doctor.base import CheckResult, Context, ok, problem, skipped
from salon import settings
from salon.french import count_fr
from salon.profile import ProfileError, load_profile

NAME = "salon.toml"
CONSEQUENCE = (
    "corrigez salon.toml : tant qu'il ne se lit pas, l'assistante ne peut pas démarrer et "
    "scripts/reindex garde l'index précédent"
)


async def run(ctx: Context) -> list[CheckResult]:
    try:
        path = settings.salon_profile_path()
    except settings.CheckoutStateUsed:  # an isolated process told nothing of its salon
        return [skipped(NAME, "SALON_PROFILE n'est pas réglé (processus isolé)")]
    try:
        profile = load_profile(path)
    except ProfileError as exc:  # worded in French: the file, where, what is wrong
        return [problem(NAME, f"{exc} ; {CONSEQUENCE}")]
    services = count_fr(len(profile.services), "prestation")
    team = f", {count_fr(len(profile.team), 'personne')} dans l'équipe" if profile.team else ""
    return [ok(NAME, f"{profile.name} : {services}{team} ({path})")]
