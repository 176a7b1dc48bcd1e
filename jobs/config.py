"""The back office's settings: quiet hours, reminder lead, retention, loop timing.

Each setting is an argument, else the environment (`.env`), else its default. A bad value
is a `ValueError` worded in French like `salon.settings`' own (« le réglage QUIET_HOURS
doit s'écrire comme 20:00-09:00 …, pas 'la nuit' »): `scripts/jobs` prints it to the
owner as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from records.retention import RetentionPolicy
from salon import settings
from salon.settings import SettingOutOfRange

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, aware, in UTC (what `scripts/jobs` uses; tests pass their own clock)."""
    return datetime.now(UTC)


_SPAN = re.compile(r"^\s*(\d{1,2})[:h](\d{2})?\s*[-–à]\s*(\d{1,2})[:h](\d{2})?\s*$")


@dataclass(frozen=True)
class QuietHours:
    """When no reminder or offer is sent, in the salon's local time; `start > end` wraps
    midnight (20:00-09:00). `start == end` means never quiet."""

    start: time = time(20, 0)
    end: time = time(9, 0)

    @classmethod
    def parse(cls, text: str, *, name: str = "QUIET_HOURS") -> QuietHours:
        """`20:00-09:00`, `20h-9h`, `20:00–09:00`; `off` for none."""
        if text.strip().lower() in {"off", "none", "no", "0"}:
            return cls(time(0), time(0))
        match = _SPAN.match(text)
        if not match:
            raise ValueError(
                f"le réglage {name} doit s'écrire comme 20:00-09:00 ou 20h-9h (off pour "
                f"aucune), pas {text!r}"
            )
        h1, m1, h2, m2 = (int(g or 0) for g in match.groups())
        if max(h1, h2) > 24 or max(m1, m2) > 59:
            raise ValueError(
                f"le réglage {name} doit donner des heures de 0 à 24 et des minutes de 00 à 59 "
                f"(comme 20:00-09:00), pas {text!r}"
            )
        return cls(time(h1 % 24, m1), time(h2 % 24, m2))

    def contains(self, moment: datetime) -> bool:
        """Whether the local `moment` is quiet."""
        t = moment.timetz().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def end_after(self, moment: datetime) -> datetime:
        """The end of the quiet period `moment` is in (`moment` itself when not quiet)."""
        if not self.contains(moment):
            return moment
        end = moment.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= moment:
            end = (moment + timedelta(days=1)).replace(
                hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0
            )
        return end  # wall-clock arithmetic in the zone: right across a DST change

    def words(self) -> str:
        return "aucune" if self.start == self.end else f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class JobsSettings:
    """Everything `scripts/jobs` needs besides the profile and the state database."""

    quiet: QuietHours = field(default_factory=QuietHours)
    reminder_hours: float = 24.0
    offer_minutes: int = 60
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    interval: float = 60.0  # seconds between full passes
    tick: float = 2.0  # seconds between outbox checks

    def __post_init__(self) -> None:
        if not 1 <= self.reminder_hours <= 24 * 14:
            raise SettingOutOfRange(
                "REMINDER_HOURS_BEFORE",
                "un nombre d'heures entre 1 et 336 (14 jours)",
                self.reminder_hours,
            )
        if not 15 <= self.offer_minutes <= 24 * 60:
            raise SettingOutOfRange(
                "WAITLIST_OFFER_MINUTES",
                "un nombre de minutes entre 15 et 1440 (24 heures)",
                self.offer_minutes,
            )
        if not 1 <= self.interval <= 3600:
            raise SettingOutOfRange(
                "JOBS_INTERVAL", "un nombre de secondes entre 1 et 3600 (une heure)", self.interval
            )
        if not 0.1 <= self.tick <= self.interval:
            raise SettingOutOfRange(
                "JOBS_TICK",
                f"un nombre de secondes entre 0.1 et JOBS_INTERVAL ({self.interval:g})",
                self.tick,
            )

    @property
    def reminder_lead(self) -> timedelta:
        return timedelta(hours=self.reminder_hours)

    @property
    def min_reminder_lead(self) -> timedelta:
        """A reminder later than this before the appointment is too late to be useful:
        two hours, or half the lead when the lead is shorter than four hours."""
        return min(timedelta(hours=2), self.reminder_lead / 2)

    @classmethod
    def from_env(cls) -> JobsSettings:
        """Read every setting; a bad one is a `ValueError` quoting it as written. Without
        `JOBS_TICK`, a `JOBS_INTERVAL` under 2 s is also the tick."""
        quiet = settings.get("QUIET_HOURS")
        interval = settings.get_float("JOBS_INTERVAL", 60.0)
        try:
            return cls(
                quiet=QuietHours.parse(quiet) if quiet else QuietHours(),
                reminder_hours=settings.get_float("REMINDER_HOURS_BEFORE", 24.0),
                offer_minutes=settings.get_int("WAITLIST_OFFER_MINUTES", 60),
                retention=RetentionPolicy.from_settings(),
                interval=interval,
                tick=settings.get_float("JOBS_TICK", min(2.0, interval)),
            )
        except SettingOutOfRange as exc:
            raise exc.typed() from exc
