"""Unit tier: the back office's settings and time rules — quiet hours (across midnight and
a DST change), the offer deadline, settings errors naming the variable — and the
command line's usage errors and one line per job."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jobs.__main__ import main
from jobs.config import JobsSettings, QuietHours
from jobs.offers import deadline_for

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("20:00-09:00", time(20), time(9)),
        ("20h-9h", time(20), time(9)),
        ("21:30–08:15", time(21, 30), time(8, 15)),
        ("off", time(0), time(0)),
    ],
)
def test_quiet_hours_are_read_in_the_usual_spellings(text: str, start: time, end: time) -> None:
    assert QuietHours.parse(text) == QuietHours(start, end)


def test_a_bad_quiet_hours_setting_names_the_variable() -> None:
    with pytest.raises(ValueError, match="QUIET_HOURS"):
        QuietHours.parse("le soir")


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(19, 59, False), (20, 0, True), (23, 59, True), (0, 0, True), (8, 59, True), (9, 0, False)],
)
def test_quiet_hours_wrap_midnight(hour: int, minute: int, quiet: bool) -> None:
    moment = datetime(2027, 3, 2, hour, minute, tzinfo=PARIS)
    assert QuietHours().contains(moment) is quiet


def test_quiet_hours_end_at_nine_the_next_morning_even_across_a_dst_change() -> None:
    saturday_night = datetime(2027, 3, 27, 22, 0, tzinfo=PARIS)  # clocks go forward that night
    end = QuietHours().end_after(saturday_night)
    assert (end.date().isoformat(), end.hour, end.minute) == ("2027-03-28", 9, 0)
    assert end.utcoffset() == timedelta(hours=2)
    early = datetime(2027, 3, 2, 6, 0, tzinfo=PARIS)
    assert QuietHours().end_after(early) == early.replace(hour=9)
    noon = datetime(2027, 3, 2, 12, 0, tzinfo=PARIS)
    assert QuietHours().end_after(noon) == noon
    assert QuietHours.parse("off").contains(saturday_night) is False


def test_the_offer_deadline_is_rounded_down_and_never_too_close_to_the_slot() -> None:
    cfg = JobsSettings()
    now = datetime(2027, 3, 2, 17, 40, tzinfo=PARIS)
    notice = timedelta(hours=1)
    later = now + timedelta(days=1)
    assert deadline_for(later, now=now, cfg=cfg, notice=notice) == now.replace(hour=18, minute=30)
    soon = now.replace(hour=19, minute=20)  # an hour's notice before 19h20: 18h15
    assert deadline_for(soon, now=now, cfg=cfg, notice=notice) == now.replace(hour=18, minute=15)
    too_close = now + timedelta(hours=1, minutes=10)
    assert deadline_for(too_close, now=now, cfg=cfg, notice=notice) is None


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("REMINDER_HOURS_BEFORE", "0", "REMINDER_HOURS_BEFORE"),
        ("WAITLIST_OFFER_MINUTES", "5", "WAITLIST_OFFER_MINUTES"),
        ("RETENTION_DAYS", "abc", "RETENTION_DAYS"),
        ("JOBS_TICK", "0", "JOBS_TICK"),
    ],
)
def test_bad_settings_are_errors_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=fragment):
        JobsSettings.from_env()


def test_a_bad_setting_stops_the_command_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIET_HOURS", "toujours")
    assert main(["--once"]) == 2
    assert "QUIET_HOURS" in capsys.readouterr().err


def test_a_bad_notify_channel_stops_the_command_with_one_french_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    monkeypatch.setenv("NOTIFY_CHANNEL", "pigeon")
    assert main(["--once"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "jobs : erreur : le réglage NOTIFY_CHANNEL doit être sms ou whatsapp, pas 'pigeon'"
    ]


def test_json_without_once_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--json"])
    assert exit_info.value.code == 2


def test_once_prints_one_french_line_per_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    assert main(["--once"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[0].strip() for line in lines] == [
        "rappels",
        "liste d'attente",
        "envois",
        "conservation",
    ]
    assert lines[-1].endswith("rien à effacer")
