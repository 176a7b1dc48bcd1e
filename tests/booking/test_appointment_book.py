"""Integration tier: the owner's appointment book, `python -m booking list`, on both calendars.

Each test with `rig` runs against `LocalCalendar` and against `CalComCalendar` talking to
the Cal.com stub (`GET /v2/bookings` checked against the OpenAPI spec). The command line
is run in-process with the settings a salon would have (`SALON_PROFILE`, `SALON_DB`, and
`CAL_API_KEY`/`CAL_API_URL` for Cal.com).
"""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from booking.__main__ import LOCAL_CALENDAR, main
from booking.agenda import Period, bookings_in, stylist_words
from booking.calendar import Booking, Customer, SlotPreferences
from booking.hours import opening_hours
from salon.profile import SalonProfile
from tests.booking.conftest import TEST_SALON, Rig, make_rig, open_day
from tests.booking.stylist_salon import STYLIST_SALON, absence, make_stylist_profile, work_day
from tests.stubs.calcom import API_KEY

PAUL = Customer(name="Paul Martin", phone="06 12 34 56 78")
INES = Customer(name="Inès Garnier", phone="07 98 76 54 32")


async def _book(rig: Rig, service_id: str, day: date, at: time, who: Customer) -> Booking:
    service = rig.profile.service(service_id)
    start = datetime.combine(day, at, tzinfo=rig.profile.timezone)
    slots = await rig.calendar.free_slots(
        service=service, prefs=SlotPreferences(day=day, not_before=start, earliest=True)
    )
    assert slots and slots[0].start == start
    return await rig.calendar.book(service=service, slot=slots[0], customer=who)


async def _week(rig: Rig) -> tuple[date, list[Booking]]:
    """Three bookings over two days and one cancelled; returns the first day and them."""
    day = open_day(rig.profile)
    later = day + timedelta(days=2)
    while not opening_hours(rig.profile, later):  # public holidays included
        later += timedelta(days=1)
    made = [
        await _book(rig, "balayage-courts", day, time(14), INES),
        await _book(rig, "coupe-homme", day, time(9, 30), PAUL),
        await _book(rig, "coupe-enfant", later, time(10), PAUL),
    ]
    gone = await _book(rig, "coupe-homme", day, time(17), INES)
    await rig.calendar.cancel(booking_uid=gone.uid, caller_phone=INES.phone, reason="malade")
    return day, made


async def test_the_book_lists_a_periods_active_bookings_in_time_order(rig: Rig) -> None:
    day, made = await _week(rig)
    book = rig.calendar
    one_day = await bookings_in(book, Period(day, day))  # type: ignore[arg-type]
    assert [b.uid for b in one_day] == [made[1].uid, made[0].uid]  # 9h30 before 14h
    assert [b.start.time() for b in one_day] == [time(9, 30), time(14)]
    assert all(b.start.tzinfo == rig.profile.timezone for b in one_day)
    week = await bookings_in(book, Period(day, day + timedelta(days=7)))  # type: ignore[arg-type]
    assert [b.uid for b in week] == [made[1].uid, made[0].uid, made[2].uid]
    assert [b.customer.name for b in week if b.customer] == [
        "Paul Martin", "Inès Garnier", "Paul Martin",
    ]  # fmt: skip
    assert await bookings_in(book, Period(day - timedelta(days=1), day - timedelta(days=1))) == []  # type: ignore[arg-type]


async def test_cal_com_listing_reads_every_page_and_bookings_made_elsewhere(
    profile: SalonProfile, tmp_path: Path
) -> None:
    calcom = await make_rig("calcom", profile, tmp_path)  # default, unhurried timeouts
    try:
        await _every_page(calcom)
    finally:
        await calcom.calendar.aclose()
        assert calcom.stub is not None
        calcom.stub.stop()


async def _every_page(calcom: Rig) -> None:
    assert calcom.stub is not None
    calcom.calendar.list_page_size = 10  # type: ignore[attr-defined]
    day = open_day(calcom.profile)
    tz = calcom.profile.timezone
    for i in range(25):  # three pages of ten, booked on the web by other customers
        start = datetime.combine(day, time(9), tzinfo=tz) + timedelta(minutes=15 * i)
        calcom.stub.take_slot(event_type_id=201, start=start, name=f"Client {i:02d}")
    listed = await bookings_in(calcom.calendar, Period(day, day))  # type: ignore[arg-type]
    assert [b.customer.name for b in listed if b.customer] == [f"Client {i:02d}" for i in range(25)]
    assert listed[0].customer is not None and listed[0].customer.phone == ""  # no phone given
    pages = [r[1] for r in calcom.stub.requests if r[0] == "GET" and "skip=" in r[1]]
    assert len(pages) == 3 and all("sortStart=asc" in p for p in pages)
    assert "skip=20" in pages[-1]
    assert calcom.stub.spec_errors == []


@pytest.fixture
def salon_env(rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Rig:
    """The settings of a salon using this rig's calendar and state database."""
    profile_path = tmp_path / "salon.toml"
    profile_path.write_text(TEST_SALON, encoding="utf-8")
    monkeypatch.setenv("SALON_PROFILE", str(profile_path))
    monkeypatch.setenv("SALON_DB", str(tmp_path / f"{rig.kind}.db"))
    if rig.stub is not None:
        monkeypatch.setenv("CAL_API_KEY", API_KEY)
        monkeypatch.setenv("CAL_API_URL", rig.stub.url)
    else:
        monkeypatch.delenv("CAL_API_KEY", raising=False)
    return rig


async def test_list_prints_a_readable_table_with_masked_phones(
    salon_env: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    day, _ = await _week(salon_env)
    last = day + timedelta(days=7)
    code = await _run_main(["list", "--from", day.isoformat(), "--to", last.isoformat()])
    out, err = capsys.readouterr()
    assert code == 0, out
    # the embedded calendar is said once, in French; Cal.com needs no word
    assert err == ("" if salon_env.stub else f"{LOCAL_CALENDAR}\n")
    lines = out.splitlines()
    assert lines[0].split() == ["jour", "heure", "prestation", "client", "téléphone"]
    paul = next(line for line in lines if "Coupe homme" in line)
    assert "9h30 – 10h" in paul and "Paul Martin" in paul and "+336******78" in paul
    assert "+337******32" in out and "Balayage, cheveux courts" in out
    assert "06 12 34 56 78" not in out and "+33612345678" not in out  # never in clear
    assert "malade" not in out and out.count("Inès Garnier") == 1  # the cancelled one
    assert lines[-1].startswith("3 rendez-vous du ") and "(heure de Paris)." in lines[-1]


async def test_list_json_is_one_object_with_the_bookings(
    salon_env: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    day, made = await _week(salon_env)
    code = await _run_main(["list", "--day", day.isoformat(), "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and len(out.strip().splitlines()) == 1
    assert err == ""  # the object's "calendar" says which one
    data = json.loads(out)
    assert data["from"] == data["to"] == day.isoformat()
    assert data["timezone"] == "Europe/Paris" and data["calendar"] == salon_env.kind
    first = data["bookings"][0]
    assert set(first) == {
        "uid", "service_id", "service", "service_ids", "services", "stylist_id", "stylist",
        "start", "end", "customer", "phone",
    }  # fmt: skip
    assert first["service_ids"] == ["coupe-homme"] and first["services"] == ["Coupe homme"]
    assert first["stylist_id"] is None and first["stylist"] is None  # a salon without team
    assert first["uid"] == made[1].uid and first["service_id"] == "coupe-homme"
    assert datetime.fromisoformat(first["start"]) == made[1].start
    assert first["start"].endswith(("+01:00", "+02:00"))  # the salon's time, with offset
    assert first["customer"] == "Paul Martin" and first["phone"] == "+336******78"
    assert [b["service"] for b in data["bookings"]] == ["Coupe homme", "Balayage, cheveux courts"]


async def test_list_of_an_empty_day_says_so(
    salon_env: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _run_main(["list", "--day", "2031-07-14"]) == 0
    assert capsys.readouterr().out.strip() == "Aucun rendez-vous le lundi 14 juillet 2031."


def test_the_real_command_tells_the_owner_of_the_embedded_calendar_in_french_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile_path = tmp_path / "salon.toml"
    profile_path.write_text(TEST_SALON, encoding="utf-8")
    monkeypatch.setenv("SALON_PROFILE", str(profile_path))
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    monkeypatch.setenv("CAL_API_KEY", "")
    done = subprocess.run(
        [sys.executable, "-m", "booking", "list", "--day", "2031-07-14"],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # one French line; the library's English log line stays in the logs
    assert done.stderr == f"{LOCAL_CALENDAR}\n"
    assert done.stdout.strip() == "Aucun rendez-vous le lundi 14 juillet 2031."


async def _run_main(argv: list[str]) -> int:
    """`main` runs its own event loop: run it in a thread, away from the test's loop."""
    import asyncio

    return await asyncio.to_thread(main, argv)


def test_the_default_period_is_today_and_the_next_seven_days() -> None:
    today = date(2026, 12, 7)
    assert Period.around(today=today) == Period(today, date(2026, 12, 14))
    assert Period.around(today=today, day=date(2026, 12, 12)) == Period(
        date(2026, 12, 12), date(2026, 12, 12)
    )
    assert Period.around(today=today, first=date(2026, 12, 20)) == Period(
        date(2026, 12, 20), date(2026, 12, 27)
    )
    assert Period.around(today=today, last=date(2026, 12, 9)) == Period(today, date(2026, 12, 9))
    assert Period(date(2026, 12, 28), date(2027, 1, 3)).words() == (
        "du lundi 28 décembre 2026 au dimanche 3 janvier 2027"
    )


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            ["list", "--day", "2026-12-12", "--from", "2026-12-01"],
            "--day ne va pas avec --from ni --to",
        ),
        (
            ["list", "--from", "2026-12-10", "--to", "2026-12-01"],
            "--to 2026-12-01 tombe avant --from 2026-12-10",
        ),
        (["list", "--day", "12/12/2026"], "date attendue sous la forme 2026-12-12"),
        (["list", "--week"], "erreur : arguments non reconnus : --week"),
    ],
)
def test_usage_errors_exit_2_with_a_reason(
    argv: list[str], says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    profile_path = tmp_path / "salon.toml"
    profile_path.write_text(TEST_SALON, encoding="utf-8")
    monkeypatch.setenv("SALON_PROFILE", str(profile_path))
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert says in capsys.readouterr().err


def test_an_unreachable_cal_com_exits_1_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    profile_path = tmp_path / "salon.toml"
    profile_path.write_text(TEST_SALON, encoding="utf-8")
    monkeypatch.setenv("SALON_PROFILE", str(profile_path))
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    monkeypatch.setenv("CAL_API_KEY", API_KEY)
    monkeypatch.setenv("CAL_API_URL", f"http://127.0.0.1:{port}/v2")
    monkeypatch.setenv("CAL_API_DEADLINE", "0.5")
    assert main(["list"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("python -m booking : erreur : Cal.com ne répond pas comme prévu (")
    assert err[-1].endswith(") : vérifiez CAL_API_URL et la connexion, puis réessayez")
    assert "Traceback" not in "\n".join(err)


def test_a_missing_profile_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SALON_PROFILE", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    assert main(["list"]) == 1
    assert capsys.readouterr().err.startswith(
        f"python -m booking : erreur : {tmp_path / 'absent.toml'} : profil du salon introuvable ; créez ce fichier "
        "ou indiquez son chemin dans SALON_PROFILE"
    )


# ------------------------------------------------------------- a salon with a team


@pytest.fixture(params=["local", "calcom"])
async def team_env(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Rig]:
    """The team salon (`tests/booking/stylist_salon.py`) on either calendar, with the
    settings `python -m booking` reads."""
    profile = make_stylist_profile()
    start, end = absence(profile)
    profile_path = tmp_path / "salon.toml"
    text = STYLIST_SALON.replace("{absence_start}", start.isoformat())
    profile_path.write_text(text.replace("{absence_end}", end.isoformat()), encoding="utf-8")
    made = await make_rig(request.param, profile, tmp_path)
    monkeypatch.setenv("SALON_PROFILE", str(profile_path))
    monkeypatch.setenv("SALON_DB", str(tmp_path / f"{made.kind}.db"))
    if made.stub is not None:
        monkeypatch.setenv("CAL_API_KEY", API_KEY)
        monkeypatch.setenv("CAL_API_URL", made.stub.url)
    else:
        monkeypatch.delenv("CAL_API_KEY", raising=False)
    try:
        yield made
    finally:
        await made.calendar.aclose()
        if made.stub is not None:
            made.stub.stop()


async def _visit_and_cut(rig: Rig) -> tuple[date, Booking, Booking]:
    """On a Friday (everyone works): a colour then a cut with Chloé at the first free
    start, and a men's cut with Yanis."""
    profile = rig.profile
    day = work_day(profile, "chloe", weekday=4)
    colour, cut = profile.service("couleur"), profile.service("coupe-femme")
    slots = await rig.calendar.free_slots(
        service=colour, extra=(cut,), stylist="chloe", prefs=SlotPreferences(day=day)
    )
    visit = await rig.calendar.book(service=colour, slot=slots[0], customer=INES)
    men = profile.service("coupe-homme")
    slots = await rig.calendar.free_slots(
        service=men, stylist="yanis", prefs=SlotPreferences(day=day)
    )
    single = await rig.calendar.book(service=men, slot=slots[0], customer=PAUL)
    return day, visit, single


async def test_list_shows_each_visit_whole_with_its_stylist(
    team_env: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    day, visit, single = await _visit_and_cut(team_env)
    code = await _run_main(["list", "--day", day.isoformat()])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].split() == ["jour", "heure", "prestation", "avec", "client", "téléphone"]
    colour = next(line for line in lines if "Inès Garnier" in line)
    assert "Couleur + Coupe femme" in colour and "Chloé" in colour, colour
    tz = team_env.profile.timezone
    end = visit.end.astimezone(tz)
    assert f"– {end.hour}h" in colour  # the visit's whole length
    men = next(line for line in lines if "Paul Martin" in line)
    assert "Coupe homme" in men and "Yanis" in men and "+" not in men.split("Yanis")[0]
    assert lines[-1].startswith("2 rendez-vous le ")


async def test_list_json_gives_every_service_and_the_stylist(
    team_env: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    day, visit, single = await _visit_and_cut(team_env)
    code = await _run_main(["list", "--day", day.isoformat(), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    by_uid = {b["uid"]: b for b in data["bookings"]}
    got = by_uid[visit.uid]
    assert got["service_id"] == "couleur" and got["service_ids"] == ["couleur", "coupe-femme"]
    assert got["services"] == ["Couleur", "Coupe femme"]
    assert got["stylist_id"] == "chloe" and got["stylist"] == "Chloé Martin"
    assert by_uid[single.uid]["stylist"] == "Yanis Benali"
    assert by_uid[single.uid]["service_ids"] == ["coupe-homme"]


async def test_slots_for_a_visit_with_a_stylist_name_her_beside_each_time(
    team_env: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    day = work_day(team_env.profile, "chloe", weekday=4)
    argv = [
        "slots",
        "couleur",
        "--also",
        "coupe femme",
        "--avec",
        "Chloé",
        "--day",
        day.isoformat(),
    ]
    code = await _run_main(argv)
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("Couleur + Coupe femme (")
    assert len(lines) > 1 and all(line.endswith(" avec Chloé") for line in lines[1:]), out


async def test_slots_with_a_name_nobody_in_the_team_has_say_so(
    team_env: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _run_main(["slots", "coupe femme", "--avec", "Lucas"]) == 1
    assert "Personne ne s'appelle « Lucas » dans l'équipe" in capsys.readouterr().out


async def test_slots_with_a_stylist_on_her_day_off_say_why(
    team_env: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    thursday = work_day(team_env.profile, "yanis", weekday=3)  # Chloé's day off
    code = await _run_main(
        ["slots", "coupe femme", "--avec", "Chloé", "--day", thursday.isoformat()]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "aucun créneau libre : Chloé ne travaille pas le jeudi" in out, out


async def test_a_booking_whose_stylist_left_the_team_says_so_in_the_list(team_env: Rig) -> None:
    _day, _visit, single = await _visit_and_cut(team_env)
    profile = team_env.profile
    gone = dataclasses.replace(profile, team=tuple(m for m in profile.team if m.id != "yanis"))
    assert stylist_words(single, gone) == "yanis (plus dans l'équipe)"
    assert stylist_words(single, profile) == "Yanis"


async def test_slots_on_a_closure_day_say_the_salon_is_closed_and_why(
    team_env: Rig, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not a bare « aucun créneau libre »: the owner reads the closure's reason, as the
    console does (`booking.hours.closed_words`)."""
    day = work_day(team_env.profile, "yanis")
    toml = tmp_path / "salon.toml"
    closure = f'\n[[closures]]\nstart = "{day}"\nend = "{day}"\nreason = "fêtes de Noël"\n'
    toml.write_text(toml.read_text(encoding="utf-8") + closure, encoding="utf-8")
    code = await _run_main(["slots", "coupe femme", "--day", day.isoformat()])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "aucun créneau libre : le salon est fermé ce jour-là (fêtes de Noël)\n" in out, out


@pytest.mark.parametrize(
    "argv", [["slots", "balayage"], ["slots", "coupe homme", "--also", "balayage"]]
)
async def test_slots_for_words_naming_two_services_ask_which_and_list_them(
    salon_env: Rig, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 1 (documented): the receptionist's question, then each candidate's id and name,
    which the command takes; `--also` listed nothing, leaving the owner to guess."""
    assert await _run_main(argv) == 1
    question, *listed = capsys.readouterr().out.splitlines()
    assert question.startswith("Pour être sûre de réserver la bonne prestation, s'agit-il de")
    profile = salon_env.profile
    assert listed == [
        f"  - {sid}: {profile.service(sid).name}" for sid in ("balayage-courts", "balayage-longs")
    ]
