"""Fixtures of the ops tests: a blank environment on a small test salon, and the doctor.

`doctor_env` blanks every documented setting (a blank value counts as unset), points
`SALON_PROFILE` at a three-service salon in `tmp_path` and `SALON_DB` at `tmp_path`; each
test then sets only what its stub needs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ops.doctor import CheckResult, Context, run_checks

ROOT = Path(__file__).resolve().parents[2]
# Settings the doctor and serve read that a developer's shell may hold.
EXTRA = (
    "TWILIO_PHONE_NUMBER",
    "DEEPGRAM_API_URL",
    "ELEVEN_API_URL",
    "NGROK_AUTHTOKEN",
    "NGROK_DOMAIN",
    "PUBLIC_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
)

SALON = """
[salon]
id = "salon-doctor"
name = "Salon Doctor Coiffure"
short_name = "Salon Doc"
address = "2 place Bellecour, 69002 Lyon"
phone = "+33478000001"
email = "bonjour@salon-doctor.fr"
timezone = "Europe/Paris"
sms_sender = "SalonDoc"
chairs = 2

[hours]
monday = []
tuesday = [["09:00", "19:00"]]
wednesday = [["09:00", "19:00"]]
thursday = [["09:00", "19:00"]]
friday = [["09:00", "19:00"]]
saturday = [["09:00", "18:00"]]
sunday = []

[[services]]
id = "coupe-homme"
name = "Coupe homme"
category = "Homme"
duration = 30
price = 28
cal_event_type_id = 301

[[services]]
id = "brushing"
name = "Brushing"
category = "Femme"
duration = 45
price = 35
cal_event_type_id = 302

[[services]]
id = "balayage"
name = "Balayage"
category = "Couleur"
duration = 120
price = 95
cal_event_type_id = 303
"""


def documented_settings() -> list[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return list(dict.fromkeys(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.M)))


@pytest.fixture
def doctor_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every setting blank, the test salon's profile; returns the profile's path."""
    for name in (*documented_settings(), *EXTRA):
        monkeypatch.setenv(name, "")
    profile = tmp_path / "salon.toml"
    profile.write_text(SALON, encoding="utf-8")
    monkeypatch.setenv("SALON_PROFILE", str(profile))
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    return profile


async def doctor(*, fix: bool = False, timeout: float = 3.0) -> dict[str, CheckResult]:
    """Run every check; results by name."""
    results = await run_checks(Context(fix=fix, timeout=timeout))
    return {r.name: r for r in results}


def group_alive(pgid: int) -> bool:
    """Whether a process group still has a member (supervised programs run in their own)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def problems_of(result: CheckResult) -> str:
    assert result.status == "problem", result
    return " | ".join(result.problems)
