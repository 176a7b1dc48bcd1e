"""Unit tier: the words behind « avec Chloé », « une couleur et une coupe » and « comme
d'habitude » (agent/visits.py and agent/returning_client.usual_words), on the fixture
salon's team (Yanis off on Wednesdays, Chloé on Thursdays, Inès on Tuesdays)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from agent.call_context import CallContext
from agent.returning_client import NOTHING, WHO_FIRST, usual_words
from agent.visits import stylist_or_question, visit_or_question
from booking import Booking, Customer
from booking.calendar import Slot
from booking.hours import off_words
from booking.local import LocalCalendar
from salon import state_db
from salon.french import day_words
from salon.profile import Closure, SalonProfile, load_profile

PROFILE = load_profile()
FAMILY = "+33612345678"


@pytest.fixture
def call(tmp_path: Path) -> CallContext:
    conn = state_db.connect(tmp_path / "salon.db")
    return CallContext(profile=PROFILE, conn=conn, calendar=LocalCalendar(PROFILE, db=conn))


def _ids(found: object) -> list[str] | object:
    return found if isinstance(found, str) else [s.id for s in found]  # type: ignore[attr-defined]


def _next(weekday: int, after: date = date(2027, 3, 1)) -> date:
    """A day of that weekday, far from the fixture's closures and absences."""
    return after + timedelta(days=(weekday - after.weekday()) % 7)


# ------------------------------------------------------------------ the visit


@pytest.mark.parametrize(
    ("service", "also", "expected"),
    [
        ("couleur racines et coupe homme", None, ["couleur-racines", "coupe-homme"]),
        ("couleur racines", "coupe homme", ["couleur-racines", "coupe-homme"]),
        ("racines", "coupe brushing courts", ["couleur-racines", "coupe-brushing-femme-courts"]),
        ("couleur et coupe", None, ["forfait-couleur-coupe"]),  # the salon's package alias
        ("père et fils", None, ["forfait-pere-fils"]),
        ("coupe et barbe", None, ["coupe-barbe"]),
        ("coupe et brushing femme cheveux courts", None, ["coupe-brushing-femme-courts"]),
        ("coupe homme", "coupe homme", ["coupe-homme"]),  # said twice, one service
    ],
)
def test_the_callers_words_become_the_services_of_one_visit_a_package_staying_whole(
    call: CallContext, service: str, also: str | None, expected: list[str]
) -> None:
    assert _ids(visit_or_question(call, service, also)) == expected


def test_a_second_service_too_vague_to_book_is_asked_about_not_dropped(
    call: CallContext,
) -> None:
    """« une couleur racines et une coupe » matches Couleur racines as a whole: which
    coupe is asked, instead of booking the colour alone."""
    for service, also in (
        ("une couleur racines et une coupe", None),
        ("couleur racines", "une coupe"),
    ):
        found = visit_or_question(call, service, also)
        assert isinstance(found, str), _ids(found)
        assert "femme, homme ou enfants" in found


def test_an_unknown_service_gets_a_french_question(call: CallContext) -> None:
    found = visit_or_question(call, "épilation des sourcils", None)
    assert isinstance(found, str) and "prestation" in found


# ------------------------------------------------------------------ the stylist


@pytest.mark.parametrize(
    "said",
    [
        None,
        "",
        "peu importe",
        "Peu importe !",
        "n'importe qui",
        "pas de préférence",
        "ça m'est égal",
    ],
)
def test_no_stylist_or_peu_importe_means_anyone_qualified(said: str | None) -> None:
    assert stylist_or_question(PROFILE, said) is None


@pytest.mark.parametrize("said", ["Chloé", "chloe", "Chloé Martin"])
def test_a_stylists_first_name_with_or_without_accent_finds_her(said: str) -> None:
    member = stylist_or_question(PROFILE, said)
    assert not isinstance(member, str) and member is not None and member.id == "chloe"


def test_an_unknown_name_gets_a_french_note_listing_the_team() -> None:
    note = stylist_or_question(PROFILE, "Sabrina")
    assert isinstance(note, str)
    assert "« Sabrina »" in note
    for first in ("Margaux", "Yanis", "Chloé", "Inès"):
        assert first in note


def test_a_salon_without_a_team_says_it_books_without_names() -> None:
    alone = replace(PROFILE, team=())
    note = stylist_or_question(alone, "Chloé")
    assert isinstance(note, str) and "sans nom" in note


# ------------------------------------------------------------------ off days


def test_a_stylists_weekly_day_off_is_said_with_the_weekday() -> None:
    chloe = PROFILE.stylist("chloe")
    assert off_words(PROFILE, chloe, _next(3)) == "Chloé ne travaille pas le jeudi"
    yanis = PROFILE.stylist("yanis")
    assert off_words(PROFILE, yanis, _next(2)) == "Yanis ne travaille pas le mercredi"


def test_a_working_day_and_a_closed_salon_have_no_off_words() -> None:
    chloe = PROFILE.stylist("chloe")
    assert off_words(PROFILE, chloe, _next(1)) is None  # a Tuesday: she works
    assert off_words(PROFILE, chloe, _next(0)) is None  # a Monday: the salon is closed


def _with_absence(profile: SalonProfile, member_id: str, *absences: Closure) -> SalonProfile:
    team = tuple(replace(m, absences=absences) if m.id == member_id else m for m in profile.team)
    return replace(profile, team=team)


def test_an_absence_says_its_dates_its_reason_and_the_first_day_she_works_again() -> None:
    """Back « le mardi », not the Sunday after: the salon is closed on Sundays and
    Mondays."""
    tuesday = _next(1)
    saturday = tuesday + timedelta(days=4)
    profile = _with_absence(PROFILE, "chloe", Closure(tuesday, saturday, "congés"))
    words = off_words(profile, profile.stylist("chloe"), tuesday + timedelta(days=1))
    back = tuesday + timedelta(days=7)
    assert words is not None
    assert words.startswith("Chloé n'est pas au salon du mardi ")
    assert words.endswith(f"(congés) ; retour le {day_words(back)}")
    assert day_words(back).startswith("mardi ")


def test_a_one_day_absence_names_that_day() -> None:
    friday = _next(4)
    profile = _with_absence(PROFILE, "chloe", Closure(friday, friday, "formation"))
    words = off_words(profile, profile.stylist("chloe"), friday)
    assert words is not None and words.startswith("Chloé n'est pas au salon le vendredi ")
    assert words.endswith("(formation)")


def test_the_fixture_absence_in_february_reads_back_on_her_next_working_day() -> None:
    chloe = PROFILE.stylist("chloe")
    words = off_words(PROFILE, chloe, date(2027, 2, 17))
    assert words == (
        "Chloé n'est pas au salon du lundi 15 février au samedi 20 février (congés) ; "
        "retour le mardi 23 février"
    )


# ------------------------------------------------------------------ usual_words


def _past(
    name: str,
    service: str,
    *,
    days_ago: int,
    stylist: str | None = "chloe",
    also: tuple[str, ...] = (),
) -> Booking:
    start = datetime.combine(
        date(2026, 12, 1) - timedelta(days=days_ago), time(10), tzinfo=PROFILE.timezone
    )
    return Booking(
        uid=f"{name}-{days_ago}",
        service=PROFILE.service(service),
        start=start,
        end=start + timedelta(hours=1),
        customer=Customer(name=name, phone=FAMILY),
        extra_services=tuple(PROFILE.service(x) for x in also),
        stylist_id=stylist,
    )


def test_one_person_on_the_number_gets_her_last_visit_its_month_and_stylist() -> None:
    past = [
        _past(
            "Claire Dubois", "couleur-racines", days_ago=40, also=("coupe-brushing-femme-courts",)
        ),
        _past("Claire Dubois", "brushing-courts", days_ago=120, stylist="ines"),
    ]
    words = usual_words(PROFILE, past, None)
    assert words.startswith(
        "Dernier rendez-vous : Couleur racines puis Coupe et brushing femme, cheveux courts "
        "avec Chloé, en octobre."
    )
    assert "« la même prestation qu'en octobre avec Chloé ? »" in words
    assert "Claire" not in words and "Dubois" not in words  # the model asks the name
    assert "Brushing" not in words  # only the last visit


def test_no_history_says_nothing_to_propose() -> None:
    assert usual_words(PROFILE, [], None) == NOTHING
    assert usual_words(PROFILE, [], "Claire Dubois") == NOTHING


def test_several_names_on_one_number_ask_who_first_then_give_that_persons_visit() -> None:
    past = [
        _past("Hugo Dubois", "coupe-homme", days_ago=20, stylist="yanis"),
        _past("Claire Dubois", "couleur-racines", days_ago=40),
    ]
    assert usual_words(PROFILE, past, None) == WHO_FIRST
    assert usual_words(PROFILE, past, "  ") == WHO_FIRST
    claire = usual_words(PROFILE, past, "Claire Dubois")
    assert "Couleur racines avec Chloé, en octobre" in claire
    assert "Coupe homme" not in claire and "Yanis" not in claire
    hugo = usual_words(PROFILE, past, "hugo dubois")
    assert "Coupe homme avec Yanis, en novembre" in hugo
    assert "Couleur" not in hugo and "Chloé" not in hugo


def test_a_name_matching_none_of_them_gets_the_same_answer_as_no_history() -> None:
    past = [
        _past("Hugo Dubois", "coupe-homme", days_ago=20, stylist="yanis"),
        _past("Claire Dubois", "couleur-racines", days_ago=40),
    ]
    assert usual_words(PROFILE, past, "Paul Martin") == usual_words(PROFILE, [], "Paul Martin")
    one = [_past("Claire Dubois", "couleur-racines", days_ago=40)]
    assert usual_words(PROFILE, one, "Sophie Laurent") == NOTHING


def test_a_stylist_no_longer_on_the_team_is_not_named() -> None:
    past = [_past("Claire Dubois", "couleur-racines", days_ago=40, stylist="lea")]
    words = usual_words(PROFILE, past, None)
    assert "Dernier rendez-vous : Couleur racines, en octobre." in words
    assert "« la même prestation qu'en octobre ? »" in words
    assert " avec " not in words


def test_a_service_no_longer_offered_is_not_proposed() -> None:
    gone = replace(PROFILE.service("couleur-racines"), id="couleur-ancienne")
    old = replace(_past("Claire Dubois", "couleur-racines", days_ago=40), service=gone)
    assert usual_words(PROFILE, [old], None) == NOTHING


def test_a_package_stays_whole_whatever_its_category_is_called(tmp_path: Path) -> None:
    """Another salon files its packages under « Formules »: a package is a service whose
    own name or alias joins two things, not a category name of the sample salon."""
    import dataclasses

    services = tuple(
        dataclasses.replace(s, category="Formules") if s.category == "Forfaits" else s
        for s in PROFILE.services
    )
    other = dataclasses.replace(PROFILE, services=services)
    conn = state_db.connect(tmp_path / "salon.db")
    renamed = CallContext(profile=other, conn=conn, calendar=LocalCalendar(other, db=conn))
    assert _ids(visit_or_question(renamed, "couleur et coupe", None)) == ["forfait-couleur-coupe"]
    assert _ids(visit_or_question(renamed, "racines et brushing", None)) == [
        "forfait-racines-brushing"
    ]
    assert _ids(visit_or_question(renamed, "couleur racines et coupe homme", None)) == [
        "couleur-racines",
        "coupe-homme",
    ]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("coupe homme et barbe", ["coupe-barbe"]),  # « Coupe homme et taille de barbe »
        ("racines et brushing", ["forfait-racines-brushing"]),
        ("soin profond et brushing long", ["soin-profond", "brushing-longs"]),
    ],
)
def test_two_things_the_salon_sells_together_are_its_package(
    call: CallContext, said: str, expected: list[str]
) -> None:
    assert _ids(visit_or_question(call, said, None)) == expected


def test_a_vague_pair_gets_the_precise_question_of_the_whole(call: CallContext) -> None:
    """« coupe et brushing » is the salon's « Coupe et brushing femme » (or a package):
    its question, not « which coupe? » about the first word alone."""
    found = visit_or_question(call, "coupe et brushing", None)
    assert isinstance(found, str) and "femme" in found and "homme" not in found, found


# ------------------------------------------------------------------ a move hits « pris »


async def _fill_the_day(call: CallContext, day: date, stylist: str) -> list[Booking]:
    """Book every free start of `stylist` that day (coupe homme), earliest first."""
    from booking import SlotPreferences

    assert call.calendar is not None
    service = PROFILE.service("coupe-homme")
    booked: list[Booking] = []
    for i in range(40):
        free = await call.calendar.free_slots(
            service=service, prefs=SlotPreferences(day=day), limit=1, stylist=stylist
        )
        if not free:
            return booked
        customer = Customer(name=f"Client {i}", phone=f"+336123456{i:02d}")
        booked.append(await call.calendar.book(service=service, slot=free[0], customer=customer))
    raise AssertionError("the day never filled")


async def test_a_move_that_finds_its_slot_taken_offers_times_its_own_booking_frees(
    call: CallContext,
) -> None:
    """Yanis's Tuesday is full; moving one of his bookings to a time taken meanwhile must
    still offer that booking's own time (it frees it), as find_slots does — not « nothing
    that day » because the booking being moved counted as busy."""
    from agent.tool_support import after_slot_taken
    from booking import SlotTaken

    tuesday = _next(1)
    booked = await _fill_the_day(call, tuesday, "yanis")
    moving = booked[0]
    call.stylist_asked = "yanis"
    taken = booked[-1]
    slot = Slot(service_id="coupe-homme", start=taken.start, end=taken.end, stylist_id="yanis")
    answer = await after_slot_taken(call, SlotTaken(), slot, moving=moving)
    assert "Autres créneaux possibles" in str(answer), str(answer)
    assert [s.start for s in call.offered_slots] == [moving.start]
    call.visit = tuple(moving.services)  # the same visit as a new booking: the day is full
    without = await after_slot_taken(call, SlotTaken(), slot)
    assert "Autres créneaux possibles" not in str(without), str(without)
