"""Integration tier: a stylist's absence added from the console's Salon page is written
under that member in `salon.toml` with every comment kept, the local calendar then
offers nobody that stylist on those days, the appointments already booked with them are
listed with a link to move each one, and nonsense is refused in French with the file
left byte for byte."""

from __future__ import annotations

import asyncio
import html
import tomllib
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from booking import SlotPreferences
from booking.calendar import Slot
from booking.local import LocalCalendar
from salon.french import day_words
from salon.profile import load_profile
from tests.console.conftest import Salon, console_of, csrf
from tests.console.seed import insert_booking
from tests.fixtures.days import usual_day
from webhook.console.absences import (
    AbsenceRefused,
    NewAbsence,
    dates_words,
    with_absence,
    without_absence,
)
from webhook.console.profile_write import ProfileEditRefused, rewrite_profile

FRIDAY = 4  # Chloé, Margaux and Inès work Fridays; Chloé is off on Thursdays


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#") or " # " in line]


def _friday(salon: Salon, *, after: int = 3) -> date:
    """A Friday ahead with the salon's usual hours when Chloé works and nobody is away in
    the week around it: the absences the tests add, from the Thursday before to the
    Wednesday after, must not meet one the fixture has (Chloé's February holiday)."""
    profile = load_profile(salon.profile)
    start = datetime.now(profile.timezone).date() + timedelta(days=after)
    return usual_day(profile, after=start, weekday=FRIDAY, stylists=["chloe"], clear_days=7)


def _at(salon: Salon, day: date, hour: int) -> datetime:
    zone = load_profile(salon.profile).timezone
    return datetime.combine(day, datetime.min.time(), tzinfo=zone) + timedelta(hours=hour)


def _slots(salon: Salon, day: date, *, stylist: str | None) -> list[Slot]:
    async def run() -> list[Slot]:
        calendar = LocalCalendar(load_profile(salon.profile), db=salon.salon_db)
        service = calendar.profile.service("coupe-brushing-femme-courts")
        found = await calendar.free_slots(service=service, stylist=stylist,
                                          prefs=SlotPreferences(day=day))  # fmt: skip
        await calendar.aclose()
        return list(found)

    return asyncio.run(run())


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


def _post(owner: FlaskClient, path: str, **fields: str) -> TestResponse:
    token = csrf(owner.get("/admin/salon").get_data(as_text=True))
    return owner.post(path, data={"csrf_token": token, **fields})


def test_an_absence_is_written_under_that_stylist_and_the_calendar_stops_offering_her(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    day = _friday(salon)
    assert _slots(salon, day, stylist="chloe")  # she works that Friday before the absence
    before = salon.profile.read_text(encoding="utf-8")
    answer = _post(owner, "/admin/salon/absences", coiffeur="chloe", debut=day.isoformat(),
                   fin=(day + timedelta(days=1)).isoformat(), motif="  malade  ")  # fmt: skip
    assert answer.status_code == 303
    after = salon.profile.read_text(encoding="utf-8")
    assert _comments(after) == _comments(before)
    chloe = after.index('id = "chloe"')
    ines = after.index('id = "ines"')
    block = after[chloe:ines]
    assert block.count("[[team.absences]]") == 2  # her holidays kept, the new one added
    assert f'start = "{day.isoformat()}"' in block and 'reason = "malade"' in block
    assert after[:chloe] == before[:chloe] and after[ines:] == before[before.index('id = "ines"') :]
    team = {m.id: m for m in load_profile(salon.profile).team}
    assert team["chloe"].absence_on(day) is not None and team["margaux"].absences == ()
    assert reindexes == ["absence ajoutée dans salon.toml"]
    assert _slots(salon, day, stylist="chloe") == []
    anyone = _slots(salon, day, stylist=None)
    assert anyone and all(s.stylist_id != "chloe" for s in anyone)
    shown = owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Absence de Chloé ajoutée du" in shown
    assert "Aucun rendez-vous noté avec Chloé pendant cette absence." in shown


def test_the_bookings_already_taken_with_her_are_listed_with_a_link_to_move_each(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    day = _friday(salon)
    hers = [
        insert_booking(
            salon.salon_db,
            service_id="coupe-brushing-femme-courts",
            minutes=45,
            name=name,
            start=_at(salon, day + timedelta(days=offset), 10),
            stylist_id="chloe",
        )  # fmt: skip
        for name, offset in (("Jeanne Robert", 0), ("Lucie Petit", 1), ("Anna Morel", 1))
    ]
    margaux = insert_booking(salon.salon_db, service_id="couleur-racines", minutes=60,
                             name="Claire Simon", start=_at(salon, day, 11),
                             stylist_id="margaux")  # fmt: skip
    later = insert_booking(salon.salon_db, service_id="coupe-brushing-femme-courts", minutes=45,
                           name="Paul Martin", start=_at(salon, day + timedelta(days=7), 10),
                           stylist_id="chloe")  # fmt: skip
    answer = _post(owner, "/admin/salon/absences", coiffeur="chloe", debut=day.isoformat(),
                   fin=(day + timedelta(days=1)).isoformat(), motif="")  # fmt: skip
    location = answer.headers["Location"]
    assert location.endswith("#a-reprendre")
    shown = owner.get(location).get_data(as_text=True)
    assert ("3 rendez-vous de Chloé pendant cette absence : à déplacer ou à confier à "
            "quelqu&#39;un d&#39;autre.") in shown  # fmt: skip
    for uid in hers:
        assert f"/admin/rendez-vous/{uid}/deplacer?jour=" in shown
    assert margaux not in shown and later not in shown
    assert "Jeanne Robert" in shown and "Claire Simon" not in shown
    move = owner.get(f"/admin/rendez-vous/{hers[0]}/deplacer?jour={day.isoformat()}")
    assert move.status_code == 200 and "Déplacer le rendez-vous" in move.get_data(as_text=True)


def test_bookings_with_no_stylist_noted_those_days_are_listed_to_check(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    """A booking made before the team was set up (or by a calendar booking by chairs)
    has no stylist: it may be hers, so it is listed to check, not silently left out."""
    day = _friday(salon)
    old = insert_booking(salon.salon_db, service_id="coupe-brushing-femme-courts", minutes=45,
                         name="Odile Blanc", start=_at(salon, day, 15))  # fmt: skip
    answer = _post(owner, "/admin/salon/absences", coiffeur="chloe", debut=day.isoformat(),
                   fin=day.isoformat(), motif="")  # fmt: skip
    shown = owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Aucun rendez-vous noté avec Chloé pendant cette absence." in shown
    assert "1 rendez-vous de ces jours-là n&#39;a pas de coiffeur noté" in shown
    assert "Odile Blanc" in shown and f"/admin/rendez-vous/{old}/deplacer?jour=" in shown


def test_the_salon_page_shows_each_members_week_services_absences_and_who_takes_no_bookings(
    owner: FlaskClient, salon: Salon
) -> None:
    today = datetime.now(load_profile(salon.profile).timezone).date()
    first, last = today + timedelta(days=20), today - timedelta(days=1)
    text = salon.profile.read_text(encoding="utf-8").replace("2027-02-15", first.isoformat())
    text = text.replace("2027-02-20", (first + timedelta(days=5)).isoformat())
    text += f'[[team.absences]]\nstart = "{last.isoformat()}"\n'  # Inès, over: not shown
    salon.profile.write_text(text, encoding="utf-8")
    with salon.profile.open("a", encoding="utf-8") as out:
        out.write('\n[[team]]\nid = "sophie"\nname = "Sophie Laurent"\nrole = "accueil"\n'
                  "books = false\n")  # fmt: skip
    page = owner.get("/admin/salon").get_data(as_text=True)
    yanis = page[page.index('id="membre-yanis"') : page.index('id="membre-chloe"')]
    assert (
        "Jours : mardi et vendredi de 9h30 à 19h ; jeudi de 11h à 20h30 ; samedi de 9h à 18h"
        in yanis
    )
    assert "(repos le mercredi)" in yanis
    assert "Prestations : Homme, Enfants, Forfait père et fils" in yanis  # whole categories
    assert "Coupe homme" not in yanis  # a service of a category he does whole
    chloe = page[page.index('id="membre-chloe"') : page.index('id="membre-ines"')]
    assert "Prestations : Femme, Coupe homme, Enfants" in chloe  # one service of « Homme »
    end = first + timedelta(days=5)
    days = f"du {day_words(first)} {first.year} au {day_words(end)} {end.year} : congés"
    assert days in chloe
    assert "Retirer" in chloe and "Aucune absence à venir" not in chloe
    ines = page[page.index('id="membre-ines"') : page.index('id="membre-sophie"')]
    assert "Aucune absence à venir." in ines
    sophie = page[page.index('id="membre-sophie"') :]
    assert "Ne prend pas de rendez-vous." in sophie.split("</li>")[0]
    form = page[page.index('id="absence"') :]
    assert 'value="chloe"' in form and 'value="sophie"' not in form


@pytest.mark.parametrize(
    ("stylist", "start", "end", "reason", "message"),
    [
        ("chloe", "demain", "", "", "n&#39;est pas une date"),
        ("chloe", "+5", "+2", "", "avant la date de début"),
        ("chloe", "-3", "-1", "", "déjà passée"),
        ("chloe", "-1", "+2", "", "La date de début est passée"),
        ("chloe", "+1", "+400", "", "au plus un an"),
        ("nadia", "+1", "", "", "Choisissez une personne de l&#39;équipe"),
        ("chloe", "+1", "", "x" * 101, "au plus 100 caractères"),
        ("chloe", "+1", "", "malade\nrappeler lundi", "tient sur une ligne"),
        ("chloe", "+1", "", "congés\u202e", "tient sur une ligne"),
        ("chloe", "+1", "", "congés\x07", "tient sur une ligne"),
    ],
)
def test_an_absence_that_makes_no_sense_is_refused_in_french_and_the_file_is_untouched(
    owner: FlaskClient, salon: Salon, stylist: str, start: str, end: str, reason: str,
    message: str, reindexes: list[str],
) -> None:  # fmt: skip
    today = datetime.now(load_profile(salon.profile).timezone).date()

    def day(text: str) -> str:
        return (today + timedelta(days=int(text))).isoformat() if text[:1] in "+-" else text

    before = salon.profile.read_bytes()
    answer = _post(owner, "/admin/salon/absences", coiffeur=stylist, debut=day(start),
                   fin=day(end) if end else "", motif=reason)  # fmt: skip
    assert answer.status_code == 303
    shown = owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert message in shown
    assert salon.profile.read_bytes() == before and reindexes == []


def test_a_form_without_its_csrf_token_is_refused(owner: FlaskClient, salon: Salon) -> None:
    before = salon.profile.read_bytes()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    answer = owner.post("/admin/salon/absences", data={"coiffeur": "chloe", "debut": tomorrow})
    assert answer.status_code == 403 and "a expiré" in answer.get_data(as_text=True)
    assert salon.profile.read_bytes() == before


def test_an_unreadable_salon_toml_is_reported_in_french_and_left_as_it_is(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    token = csrf(owner.get("/admin/salon").get_data(as_text=True))
    broken = salon.profile.read_text(encoding="utf-8").replace("[[team]]", "[[team]", 1)
    salon.profile.write_text(broken, encoding="utf-8")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    answer = owner.post("/admin/salon/absences",
                        data={"csrf_token": token, "coiffeur": "chloe", "debut": tomorrow})  # fmt: skip
    assert answer.status_code == 500
    assert "salon.toml ne peut pas être lu en ce moment" in answer.get_data(as_text=True)
    assert salon.profile.read_text(encoding="utf-8") == broken and reindexes == []


def test_an_edit_made_meanwhile_by_someone_else_is_not_overwritten(salon: Salon) -> None:
    theirs = salon.profile.read_text(encoding="utf-8") + "\n# added by the owner's editor\n"

    def edit(text: str) -> str:
        salon.profile.write_text(theirs, encoding="utf-8")  # saved while we were working
        return with_absence(text, NewAbsence("chloe", date(2027, 3, 1), date(2027, 3, 1), ""))

    with pytest.raises(ProfileEditRefused, match="modifié par ailleurs"):
        rewrite_profile(salon.profile, edit)
    assert salon.profile.read_text(encoding="utf-8") == theirs
    assert not [p for p in salon.sources.iterdir() if p.name.startswith(".salon.toml.")]


def test_an_edit_that_would_break_the_toml_is_refused_with_the_line_in_french(
    salon: Salon,
) -> None:
    before = salon.profile.read_text(encoding="utf-8")
    with pytest.raises(ProfileEditRefused, match=r"ne serait plus lisible : ligne 7, colonne"):
        rewrite_profile(salon.profile, lambda text: text.replace('name = "', "name = ", 1))
    assert salon.profile.read_text(encoding="utf-8") == before


def test_an_upcoming_absence_is_removed_and_the_file_is_as_before(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    before = salon.profile.read_bytes()
    day = _friday(salon).isoformat()
    _post(owner, "/admin/salon/absences", coiffeur="margaux", debut=day, fin="", motif="formation")
    assert salon.profile.read_bytes() != before
    answer = _post(owner, "/admin/salon/absences/retirer", coiffeur="margaux", debut=day, fin=day)
    shown = owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Absence de Margaux le" in shown and "retirée" in shown
    assert salon.profile.read_bytes() == before
    again = _post(owner, "/admin/salon/absences/retirer", coiffeur="margaux", debut=day, fin=day)
    shown = owner.get(again.headers["Location"]).get_data(as_text=True)
    assert "n&#39;est plus dans salon.toml" in shown and salon.profile.read_bytes() == before
    assert reindexes == ["absence ajoutée dans salon.toml", "absence retirée de salon.toml"]


@pytest.mark.parametrize("member", ["margaux", "yanis", "chloe", "ines"])
def test_adding_then_removing_an_absence_gives_back_the_fixture_byte_for_byte(
    member: str, salon: Salon
) -> None:
    text = salon.profile.read_text(encoding="utf-8")
    absence = NewAbsence(member, date(2027, 3, 1), date(2027, 3, 2), "formation")
    added = with_absence(text, absence)
    assert [m for m in tomllib.loads(added)["team"] if m["id"] == member][0]["absences"][-1] == {
        "start": "2027-03-01", "end": "2027-03-02", "reason": "formation"}  # fmt: skip
    assert without_absence(added, stylist_id=member, start=absence.start, end=absence.end) == text


def test_removing_a_members_first_absence_keeps_the_comment_that_introduced_the_next(
    salon: Salon,
) -> None:
    fixture = salon.profile.read_text(encoding="utf-8")
    lea = ('[[team]]\nname = "Léa"\n[[team.absences]]\nstart = "2027-01-04"\n\n'
           '# summer, booked in June\n[[team.absences]]\nstart = "2027-08-01"\n\n# Services.')  # fmt: skip
    text = fixture.replace("# Services.", lea, 1)
    out = without_absence(text, stylist_id="lea", start=date(2027, 1, 4), end=date(2027, 1, 4))
    assert out == text.replace('[[team.absences]]\nstart = "2027-01-04"\n', "", 1)
    assert _comments(out) == _comments(text)


def test_a_member_without_tables_or_with_inline_absences_gets_one_more(salon: Salon) -> None:
    fixture = salon.profile.read_text(encoding="utf-8")
    lea = '[[team]]\nname = "Léa Martin"\nrole = "coiffeuse"\n\n# Services.'
    plain = fixture.replace("# Services.", lea, 1)
    out = with_absence(plain, NewAbsence("lea", date(2027, 3, 1), date(2027, 3, 1), ""))
    assert out == plain.replace(
        '"coiffeuse"\n',
        '"coiffeuse"\n[[team.absences]]\nstart = "2027-03-01"\nend = "2027-03-01"\n',
    )
    inline = fixture.replace(
        "# Services.",
        '[[team]]\nname = "Léa"\nabsences = [{start = "2027-01-04"}] # janvier\n\n# Services.',
    )
    out = with_absence(inline, NewAbsence("lea", date(2027, 3, 1), date(2027, 3, 1), ""))
    assert "# janvier" in out
    assert tomllib.loads(out)["team"][-1]["absences"][1] == {"start": "2027-03-01",
                                                             "end": "2027-03-01"}  # fmt: skip


def test_a_team_written_in_several_places_is_refused_rather_than_rearranged(
    salon: Salon,
) -> None:
    split = salon.profile.read_text(encoding="utf-8") + '\n[[team]]\nname = "Léa Martin"\n'
    with pytest.raises(AbsenceRefused, match="directement dans le fichier"):
        with_absence(split, NewAbsence("lea", date(2027, 3, 1), date(2027, 3, 1), ""))


def test_an_absence_over_one_she_already_has_is_refused_and_the_file_is_untouched(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    """Chloé off from Friday to Sunday, then the Saturday asked again: refused, naming
    the absence there is (two over the same days: removing one would leave her off)."""
    friday = _friday(salon)
    sunday = friday + timedelta(days=2)
    first = _post(owner, "/admin/salon/absences", coiffeur="chloe", debut=friday.isoformat(),
                  fin=sunday.isoformat(), motif="congés")  # fmt: skip
    assert first.status_code == 303 and len(reindexes) == 1
    before = salon.profile.read_bytes()
    for start, end in ((1, 1), (-1, 0), (2, 5)):  # inside, before into it, from its end on
        answer = _post(owner, "/admin/salon/absences", coiffeur="chloe",
                       debut=(friday + timedelta(days=start)).isoformat(),
                       fin=(friday + timedelta(days=end)).isoformat(), motif="malade")  # fmt: skip
        assert answer.status_code == 303
        shown = html.unescape(owner.get(answer.headers["Location"]).get_data(as_text=True))
        assert (
            f"Chloé a déjà une absence {dates_words(friday, sunday)} (congés) : retirez cette "
            "absence ou choisissez d'autres dates." in shown
        ), shown
        assert salon.profile.read_bytes() == before and len(reindexes) == 1
    # another stylist those days, or Chloé the day after: taken
    ok = _post(owner, "/admin/salon/absences", coiffeur="ines", debut=friday.isoformat())
    assert ok.status_code == 303 and len(reindexes) == 2
    after = (sunday + timedelta(days=1)).isoformat()
    assert _post(owner, "/admin/salon/absences", coiffeur="chloe", debut=after).status_code == 303
    assert len(reindexes) == 3


def test_the_dates_of_an_absence_read_as_french_writes_them() -> None:
    assert dates_words(date(2026, 12, 16), date(2026, 12, 18)) == "du 16 au 18 décembre"
    assert dates_words(date(2026, 12, 1), date(2026, 12, 3)) == "du 1er au 3 décembre"
    assert dates_words(date(2026, 12, 17), date(2026, 12, 17)) == "le 17 décembre"
    assert dates_words(date(2026, 11, 28), date(2026, 12, 2)) == "du 28 novembre au 2 décembre"
    assert (
        dates_words(date(2026, 12, 28), date(2027, 1, 3)) == "du 28 décembre 2026 au 3 janvier 2027"
    )
