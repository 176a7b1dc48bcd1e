"""Integration tier: an exceptional closure added from the console is written back into
`salon.toml` with every comment kept, read by the receptionist's loader and calendar,
and refused in French when it makes no sense (the file then stays byte for byte); the
appointments already booked on its days are listed to move; an upcoming closure added
by mistake is removed with « Retirer », giving the file back byte for byte."""

from __future__ import annotations

import asyncio
import sqlite3
import tomllib
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from booking import SlotPreferences
from booking.calendar import Slot
from booking.hours import opening_hours
from booking.local import LocalCalendar
from salon.french import day_words
from salon.profile import load_profile
from tests.console.conftest import Salon, console_of, csrf
from tests.console.seed import insert_booking, open_day
from tests.fixtures.days import usual_day
from webhook.console.closures import ClosureRefused, NewClosure, with_closure, without_closure
from webhook.console.profile_write import ProfileEditRefused, rewrite_profile


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#") or " # " in line]


@pytest.fixture
def reindexes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reindexes the console asked for (not run: the documents tests run real ones)."""
    asked: list[str] = []
    job = console_of(app).reindex

    def start(*, reason: str) -> tuple[None, bool]:
        asked.append(reason)
        return None, True

    monkeypatch.setattr(job, "start", start)
    return asked


def test_a_closure_is_written_into_salon_toml_with_its_comments_kept(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    before = salon.profile.read_text(encoding="utf-8")
    profile = load_profile(salon.profile)
    day = open_day(profile, after=datetime.now(profile.timezone).date() + timedelta(days=3))
    insert_booking(salon.salon_db, service_id="coupe-homme", minutes=30, name="Paul Martin",
                   start=datetime.combine(day, datetime.min.time(), tzinfo=profile.timezone)
                   + timedelta(hours=10))  # fmt: skip
    page = owner.get("/admin/salon").get_data(as_text=True)
    answer = owner.post("/admin/salon/fermetures", data={
        "csrf_token": csrf(page), "debut": day.isoformat(), "fin": "",
        "motif": 'formation "couleur" <b>'})  # fmt: skip
    assert answer.status_code == 303
    shown = owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Fermeture ajoutée le" in shown and "1 rendez-vous déjà pris" in shown
    assert "formation &#34;couleur&#34; &lt;b&gt;" in shown
    after = salon.profile.read_text(encoding="utf-8")
    assert _comments(after) == _comments(before)
    assert after.startswith(before.split("[[special_hours]]")[0].rsplit("\n# Days", 1)[0])
    closure = load_profile(salon.profile).closure_on(day)
    assert closure is not None and closure.reason == 'formation "couleur" <b>'
    assert reindexes == ["fermeture ajoutée dans salon.toml"]

    async def slots() -> list[object]:
        calendar = LocalCalendar(load_profile(salon.profile), db=salon.salon_db)
        service = calendar.profile.service("coupe-homme")
        found = await calendar.free_slots(service=service, prefs=SlotPreferences(day=day))
        await calendar.aclose()
        return list(found)

    assert asyncio.run(slots()) == []  # the receptionist no longer offers that day


@pytest.mark.parametrize(
    ("start", "end", "reason", "message"),
    [
        ("demain", "", "", "n&#39;est pas une date"),
        ("+5", "+2", "", "avant la date de début"),
        ("-3", "-1", "", "déjà passée"),
        ("+1", "+400", "", "au plus un an"),
        ("+1", "", "x" * 101, "au plus 100 caractères"),
        ("+1", "", "congés\u202e", "caractères invisibles"),
    ],
)
def test_a_closure_that_makes_no_sense_is_refused_and_the_file_is_untouched(
    owner: FlaskClient, salon: Salon, start: str, end: str, reason: str, message: str,
    reindexes: list[str],
) -> None:  # fmt: skip
    today = date.today()

    def day(text: str) -> str:
        return (today + timedelta(days=int(text))).isoformat() if text[:1] in "+-" else text

    before = salon.profile.read_bytes()
    page = owner.get("/admin/salon").get_data(as_text=True)
    answer = owner.post("/admin/salon/fermetures", data={
        "csrf_token": csrf(page), "debut": day(start), "fin": day(end) if end else "",
        "motif": reason})  # fmt: skip
    assert message in owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert salon.profile.read_bytes() == before and reindexes == []


def test_a_profile_without_closures_gets_its_first_one() -> None:
    text = '[salon]\nname = "X"\n# a comment\n'
    out = with_closure(text, NewClosure(date(2027, 3, 1), date(2027, 3, 2), "travaux"))
    assert out.startswith(text)
    assert '[[closures]]\nstart = "2027-03-01"\nend = "2027-03-02"\nreason = "travaux"' in out


def test_a_damaged_profile_is_reported_not_overwritten() -> None:
    with pytest.raises(ProfileEditRefused, match="pas lisible : ligne 1, colonne 7 : crochet"):
        with_closure("[salon\nname=", NewClosure(date(2027, 3, 1), date(2027, 3, 1), ""))


def _post(owner: FlaskClient, path: str, **fields: str) -> TestResponse:
    token = csrf(owner.get("/admin/salon").get_data(as_text=True))
    return owner.post(path, data={"csrf_token": token, **fields})


def _flash(owner: FlaskClient, answer: TestResponse) -> str:
    assert answer.status_code == 303
    return owner.get(answer.headers["Location"]).get_data(as_text=True)


def _at(salon: Salon, day: date, hour: int) -> datetime:
    zone = load_profile(salon.profile).timezone
    return datetime.combine(day, datetime.min.time(), tzinfo=zone) + timedelta(hours=hour)


def _slots(salon: Salon, day: date) -> list[Slot]:
    async def run() -> list[Slot]:
        calendar = LocalCalendar(load_profile(salon.profile), db=salon.salon_db)
        service = calendar.profile.service("coupe-homme")
        found = await calendar.free_slots(service=service, prefs=SlotPreferences(day=day))
        await calendar.aclose()
        return list(found)

    return asyncio.run(run())


def _open_days(salon: Salon, *, after: int, count: int) -> tuple[date, date]:
    """`count` consecutive days, the first and last of them open, from `after` days on; the
    first a usual day when someone cuts men's hair (`_slots` finds free times on it)."""
    profile = load_profile(salon.profile)
    today = datetime.now(profile.timezone).date()
    first = usual_day(profile, after=today + timedelta(days=after), service="coupe-homme")
    last = first + timedelta(days=count - 1)
    while not opening_hours(profile, last):
        last += timedelta(days=1)
    return first, last


def test_a_closure_added_by_mistake_is_removed_and_the_file_is_as_before(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    before = salon.profile.read_bytes()
    first, last = _open_days(salon, after=10, count=3)
    assert _slots(salon, first)
    added = _post(owner, "/admin/salon/fermetures", debut=first.isoformat(),
                  fin=last.isoformat(), motif="erreur de saisie")  # fmt: skip
    page = _flash(owner, added)
    assert salon.profile.read_bytes() != before and _slots(salon, first) == []
    listed = page[page.index("Fermetures exceptionnelles") : page.index("Ajouter une fermeture")]
    mine = listed[listed.index("erreur de saisie") :].split("</li>")[0]
    assert "Retirer" in mine and f'name="debut" value="{first.isoformat()}"' in mine
    removed = _post(owner, "/admin/salon/fermetures/retirer", debut=first.isoformat(),
                    fin=last.isoformat())  # fmt: skip
    shown = _flash(owner, removed)
    days = f"du {day_words(first)} {first.year} au {day_words(last)} {last.year}"
    assert (f"Fermeture {days} retirée : le salon est de nouveau ouvert ces jours-là selon "
            "ses horaires habituels.") in shown  # fmt: skip
    assert salon.profile.read_bytes() == before
    assert _slots(salon, first)  # the receptionist offers those days again
    assert reindexes == ["fermeture ajoutée dans salon.toml", "fermeture retirée de salon.toml"]
    again = _post(owner, "/admin/salon/fermetures/retirer", debut=first.isoformat(),
                  fin=last.isoformat())  # fmt: skip
    assert "Cette fermeture n&#39;est plus dans salon.toml" in _flash(owner, again)
    assert salon.profile.read_bytes() == before and len(reindexes) == 2


def test_a_one_day_closure_removed_says_that_day(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    day, _ = _open_days(salon, after=12, count=1)
    _post(owner, "/admin/salon/fermetures", debut=day.isoformat(), fin="", motif="")
    shown = _flash(owner, _post(owner, "/admin/salon/fermetures/retirer",
                                debut=day.isoformat(), fin=day.isoformat()))  # fmt: skip
    assert (f"Fermeture du {day_words(day)} {day.year} retirée : le salon est de nouveau "
            "ouvert ce jour-là selon ses horaires habituels.") in shown  # fmt: skip


def _with_past_closure(salon: Salon) -> tuple[date, date]:
    """A closure of its own a week in the past, written as a new block at the end of the
    file (the fixture's closures become past ones as the calendar goes on)."""
    today = datetime.now(load_profile(salon.profile).timezone).date()
    start, end = today - timedelta(days=8), today - timedelta(days=7)
    with salon.profile.open("a", encoding="utf-8") as toml:
        toml.write(f'\n[[closures]]\nstart = "{start.isoformat()}"\nend = "{end.isoformat()}"\n'
                   'reason = "dégât des eaux"\n')  # fmt: skip
    return start, end


def test_a_past_closure_is_shown_without_retirer_and_cannot_be_removed(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    start, end = _with_past_closure(salon)
    profile = load_profile(salon.profile)
    today = datetime.now(profile.timezone).date()
    past = sum(c.end < today for c in profile.closures)  # ours and the fixture's gone by
    upcoming = len(profile.closures) - past
    before = salon.profile.read_bytes()
    page = owner.get("/admin/salon").get_data(as_text=True)
    shown = page[page.index('class="past-closures"') :].split("</details>")[0]
    told = "1 fermeture passée" if past == 1 else f"{past} fermetures passées"
    assert told in shown and "dégât des eaux" in shown
    assert "Retirer" not in shown and "retirer" not in shown
    section = page[page.index("Fermetures exceptionnelles") : page.index("Ajouter une fermeture")]
    if upcoming:
        listed = page[page.index('class="closures"') :].split("</ul>")[0]
        assert "dégât des eaux" not in listed and listed.count("Retirer") == upcoming
    else:
        assert 'class="closures"' not in section and "Aucune à venir." in section
    answer = _post(owner, "/admin/salon/fermetures/retirer", debut=start.isoformat(),
                   fin=end.isoformat())  # fmt: skip
    assert "Une fermeture passée reste dans salon.toml" in _flash(owner, answer)
    assert salon.profile.read_bytes() == before and reindexes == []


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("+30", "+31", "Cette fermeture n&#39;est plus dans salon.toml"),  # never added
        ("+30", "", "Cette fermeture n&#39;a pas été reconnue"),
        ("noël", "+31", "Cette fermeture n&#39;a pas été reconnue"),
    ],
)
def test_a_closure_that_is_not_in_the_file_is_not_removed(
    owner: FlaskClient, salon: Salon, start: str, end: str, message: str, reindexes: list[str]
) -> None:
    today = date.today()

    def day(text: str) -> str:
        return (today + timedelta(days=int(text))).isoformat() if text[:1] == "+" else text

    before = salon.profile.read_bytes()
    answer = _post(owner, "/admin/salon/fermetures/retirer", debut=day(start), fin=day(end))
    assert message in _flash(owner, answer)
    assert salon.profile.read_bytes() == before and reindexes == []


def test_removing_a_closure_without_the_csrf_token_is_refused(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    first, last = _open_days(salon, after=10, count=1)
    _post(owner, "/admin/salon/fermetures", debut=first.isoformat(), fin="", motif="")
    before = salon.profile.read_bytes()
    answer = owner.post("/admin/salon/fermetures/retirer",
                        data={"debut": first.isoformat(), "fin": first.isoformat()})  # fmt: skip
    assert answer.status_code == 403 and "a expiré" in answer.get_data(as_text=True)
    wrong = owner.post("/admin/salon/fermetures/retirer", data={
        "csrf_token": "x" * 43, "debut": first.isoformat(), "fin": first.isoformat()})  # fmt: skip
    assert wrong.status_code == 403
    assert salon.profile.read_bytes() == before and len(reindexes) == 1


def test_a_closure_edited_in_the_file_since_the_page_was_shown_is_not_removed(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    """The owner's page still shows the closure as added; meanwhile someone made it start
    a day earlier in the file: « Retirer » on the old dates removes nothing."""
    first, last = _open_days(salon, after=10, count=2)
    _post(owner, "/admin/salon/fermetures", debut=first.isoformat(), fin=last.isoformat(),
          motif="")  # fmt: skip
    token = csrf(owner.get("/admin/salon").get_data(as_text=True))
    earlier = (first - timedelta(days=1)).isoformat()
    text = salon.profile.read_text(encoding="utf-8")
    edited = text.replace(f'start = "{first.isoformat()}"', f'start = "{earlier}"')
    assert edited != text
    salon.profile.write_text(edited, encoding="utf-8")
    answer = owner.post("/admin/salon/fermetures/retirer", data={
        "csrf_token": token, "debut": first.isoformat(), "fin": last.isoformat()})  # fmt: skip
    assert "n&#39;est plus dans salon.toml" in _flash(owner, answer)
    assert salon.profile.read_text(encoding="utf-8") == edited and len(reindexes) == 1


def test_a_removal_racing_another_edit_does_not_overwrite_it(salon: Salon) -> None:
    theirs = salon.profile.read_text(encoding="utf-8") + "\n# added by the owner's editor\n"

    def edit(text: str) -> str:
        salon.profile.write_text(theirs, encoding="utf-8")  # saved while we were working
        return without_closure(text, start=date(2027, 1, 1), end=date(2027, 1, 2))

    with pytest.raises(ProfileEditRefused, match="modifié par ailleurs"):
        rewrite_profile(salon.profile, edit)
    assert salon.profile.read_text(encoding="utf-8") == theirs


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [("2027-03-01", "2027-03-02", "formation"), ("2026-12-28", "2026-12-28", "")],
)
def test_adding_then_removing_a_closure_gives_back_the_fixture_byte_for_byte(
    salon: Salon, start: str, end: str, reason: str
) -> None:
    text = salon.profile.read_text(encoding="utf-8")
    closure = NewClosure(date.fromisoformat(start), date.fromisoformat(end), reason)
    added = with_closure(text, closure)
    assert added != text
    assert without_closure(added, start=closure.start, end=closure.end) == text


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("2026-12-25", "2026-12-26", "fêtes de Noël"),
        ("2027-01-01", "2027-01-02", "jour de l'An"),
        ("2027-08-09", "2027-08-23", "congés d'été"),
    ],  # fmt: skip
)
def test_removing_any_of_the_fixtures_closures_removes_its_lines_only(
    salon: Salon, start: str, end: str, reason: str
) -> None:
    text = salon.profile.read_text(encoding="utf-8")
    out = without_closure(text, start=date.fromisoformat(start), end=date.fromisoformat(end))
    block = f'[[closures]]\nstart = "{start}"\nend = "{end}"\nreason = "{reason}"\n\n'
    assert block in text and out == text.replace(block, "", 1)
    assert _comments(out) == _comments(text)
    left = [c.reason for c in load_profile(salon.profile).closures if c.reason != reason]
    assert [c["reason"] for c in tomllib.loads(out)["closures"]] == left


def test_an_inline_list_of_closures_loses_one_entry_and_keeps_its_comment() -> None:
    text = 'closures = [{start = "2027-01-01"}, {start = "2027-02-01", end = "2027-02-03"}] # !\n'
    out = without_closure(text, start=date(2027, 2, 1), end=date(2027, 2, 3))
    assert out == 'closures = [{start = "2027-01-01"}] # !\n'


def test_closures_written_in_several_places_are_refused_rather_than_rearranged() -> None:
    text = ('[salon]\nname = "X"\n\n[[closures]]\nstart = "2027-01-01"\n\n[hours]\n'
            'monday = []\n\n[[closures]]\nstart = "2027-02-01"\n# the end\n')  # fmt: skip
    with pytest.raises(ClosureRefused, match="plusieurs endroits"):
        with_closure(text, NewClosure(date(2027, 3, 1), date(2027, 3, 1), ""))
    with pytest.raises(ClosureRefused, match="plusieurs endroits"):
        without_closure(text, start=date(2027, 1, 1), end=date(2027, 1, 1))


def test_the_bookings_on_the_closed_days_are_listed_with_a_link_to_move_each(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    first, last = _open_days(salon, after=10, count=2)
    inside = [
        insert_booking(
            salon.salon_db,
            service_id="coupe-homme",
            minutes=30,
            name=name,
            start=_at(salon, day, hour),
            stylist_id=stylist,
        )  # fmt: skip
        for name, day, hour, stylist in (
            ("Jeanne Robert", first, 10, "chloe"),
            ("Paul Martin", last, 11, None),
            ("Lucie Petit", last, 15, "yanis"),
        )
    ]
    cancelled = insert_booking(salon.salon_db, service_id="coupe-homme", minutes=30,
                               name="Anna Morel", start=_at(salon, first, 14))  # fmt: skip
    conn = sqlite3.connect(salon.salon_db)
    conn.execute("UPDATE local_bookings SET status = 'cancelled' WHERE uid = ?", (cancelled,))
    conn.commit()
    conn.close()
    after = insert_booking(salon.salon_db, service_id="coupe-homme", minutes=30,
                           name="Claire Simon", start=_at(salon, last + timedelta(days=1), 10))  # fmt: skip
    answer = _post(owner, "/admin/salon/fermetures", debut=first.isoformat(),
                   fin=last.isoformat(), motif="travaux")  # fmt: skip
    assert answer.headers["Location"].endswith("#a-reprendre")
    shown = _flash(owner, answer)
    section = shown[shown.index('id="a-reprendre"') : shown.index("</section>")]
    days = f"du {day_words(first)} {first.year} au {day_words(last)} {last.year}"
    assert f"Fermeture {days}" in section
    assert ("3 rendez-vous déjà pris pendant cette fermeture : à déplacer sur un jour "
            "d&#39;ouverture") in section  # fmt: skip
    profile = load_profile(salon.profile)
    reopens = open_day(profile, after=last + timedelta(days=1))
    for uid in inside:
        assert f"/admin/rendez-vous/{uid}/deplacer?jour=" in section
        assert f"vers={reopens.isoformat()}" in section
    assert cancelled not in section and after not in section and "Claire Simon" not in section
    assert f"les horaires libres du {day_words(reopens)} {reopens.year}" in section
    link = section[section.index(f"/admin/rendez-vous/{inside[0]}/deplacer") :].split('"')[0]
    move = owner.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Déplacer le rendez-vous" in move
    assert f"Horaires libres le {day_words(reopens)} {reopens.year}" in move


def test_a_closure_over_days_without_bookings_says_so(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    first, _ = _open_days(salon, after=10, count=1)
    shown = _flash(owner, _post(owner, "/admin/salon/fermetures", debut=first.isoformat(),
                                fin="", motif=""))  # fmt: skip
    section = shown[shown.index('id="a-reprendre"') : shown.index("</section>")]
    assert f"Fermeture le {day_words(first)} {first.year}" in section
    assert "Aucun rendez-vous noté pendant cette fermeture." in section
