"""Unit tier: the back office's settings and time rules — quiet hours (across midnight and
a DST change), the offer deadline, settings errors in French naming the variable and
quoting its value — and the command line's usage errors and one line per job."""

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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "la nuit",
            "le réglage QUIET_HOURS doit s'écrire comme 20:00-09:00 ou 20h-9h (off pour aucune), "
            "pas 'la nuit'",
        ),
        (
            "20:75-09:00",
            "le réglage QUIET_HOURS doit donner des heures de 0 à 24 et des minutes de 00 à 59 "
            "(comme 20:00-09:00), pas '20:75-09:00'",
        ),
        (
            "25h-9h",
            "le réglage QUIET_HOURS doit donner des heures de 0 à 24 et des minutes de 00 à 59 "
            "(comme 20:00-09:00), pas '25h-9h'",
        ),
    ],
)
def test_a_bad_quiet_hours_setting_says_in_french_how_to_write_it(text: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        QuietHours.parse(text)
    assert str(refused.value) == message


def test_quiet_hours_ending_at_24h_end_at_midnight() -> None:
    assert QuietHours.parse("21h-24h") == QuietHours(time(21), time(0))


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
    ("env", "message"),
    [
        (
            {"REMINDER_HOURS_BEFORE": "0.0"},
            "le réglage REMINDER_HOURS_BEFORE doit être un nombre d'heures entre 1 et 336 "
            "(14 jours), pas '0.0'",
        ),
        (
            {"WAITLIST_OFFER_MINUTES": "5"},
            "le réglage WAITLIST_OFFER_MINUTES doit être un nombre de minutes entre 15 et 1440 "
            "(24 heures), pas '5'",
        ),
        (
            {"WAITLIST_OFFER_MINUTES": "une heure"},
            "le réglage WAITLIST_OFFER_MINUTES doit être un nombre entier, pas 'une heure'",
        ),
        (
            {"JOBS_INTERVAL": "7200"},
            "le réglage JOBS_INTERVAL doit être un nombre de secondes entre 1 et 3600 "
            "(une heure), pas '7200'",
        ),
        (
            {"JOBS_INTERVAL": "10", "JOBS_TICK": "30"},
            "le réglage JOBS_TICK doit être un nombre de secondes entre 0.1 et JOBS_INTERVAL "
            "(10), pas '30'",
        ),
        (
            {"RETENTION_DAYS": "0"},
            "le réglage RETENTION_DAYS doit être un nombre de jours, au moins 1, pas '0'",
        ),
        (
            {"RETENTION_DAYS": "abc"},
            "le réglage RETENTION_DAYS doit être un nombre entier, pas 'abc'",
        ),
        (
            {"RETENTION_DAYS": "2000"},
            "le réglage BOOKING_RETENTION_DAYS doit être un nombre de jours au moins égal à "
            "RETENTION_DAYS (2000), pas 1095 (sa valeur par défaut)",
        ),
    ],
)
def test_a_bad_setting_is_refused_in_french_quoting_the_value_as_written(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError) as refused:
        JobsSettings.from_env()
    assert str(refused.value) == message


def test_settings_built_in_code_are_refused_with_the_same_words() -> None:
    with pytest.raises(ValueError) as refused:
        JobsSettings(interval=30, tick=0.05)
    assert str(refused.value) == (
        "le réglage JOBS_TICK doit être un nombre de secondes entre 0.1 et JOBS_INTERVAL (30), "
        "pas '0.05'"
    )


def test_a_short_interval_without_a_tick_is_also_the_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBS_INTERVAL", "1")
    cfg = JobsSettings.from_env()
    assert (cfg.interval, cfg.tick) == (1.0, 1.0)
    monkeypatch.setenv("JOBS_INTERVAL", "30")
    assert JobsSettings.from_env().tick == 2.0


def test_a_bad_setting_stops_the_command_with_one_french_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIET_HOURS", "toujours")
    assert main(["--once"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "jobs : erreur : le réglage QUIET_HOURS doit s'écrire comme 20:00-09:00 ou 20h-9h "
        "(off pour aucune), pas 'toujours'"
    ]


def test_a_bad_notify_channel_stops_the_command_with_one_french_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    monkeypatch.setenv("NOTIFY_CHANNEL", "pigeon")
    assert main(["--once"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "jobs : erreur : le réglage NOTIFY_CHANNEL doit être sms ou whatsapp, pas 'pigeon'"
    ]


def test_an_unreadable_salon_toml_exits_1_so_scripts_serve_keeps_trying(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 is a setting to fix, which `scripts/serve` stops restarting; salon.toml is
    edited while everything runs, so the back office must come back once it reads again."""
    broken = tmp_path / "salon.toml"
    broken.write_text('[salon]\nname = "Salon\n', encoding="utf-8")
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    monkeypatch.setenv("SALON_PROFILE", str(broken))
    assert main(["--once"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("jobs : erreur : ") and "salon.toml" in line, line


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
