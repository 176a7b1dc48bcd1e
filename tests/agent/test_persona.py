"""Unit tier: the receptionist's instructions and greeting, generated from the salon profile."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from agent.persona import (
    build_instructions,
    greeting,
    upcoming_changes,
    weekly_hours_words,
)
from booking.hours import next_opening, reopening_words
from salon.french import price_words
from salon.profile import SalonProfile, load_profile

PARIS = load_profile().timezone


@pytest.fixture(scope="module")
def sample() -> SalonProfile:
    return load_profile()


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)  # type: ignore[misc]


SMALL_TOML = """
[salon]
name = "Salon Test"
address = "1 place du Test, 75001 Paris"
phone = "+33100000000"
timezone = "Europe/Paris"
{transfer}

[greeting]
open = "Bonjour, Salon Test, que puis-je pour vous ?"
closed = "Bonjour, Salon Test. Nous sommes fermés."

[hours]
tuesday = [["09:00", "12:00"], ["14:00", "19:00"]]
wednesday = [["09:00", "12:00"], ["14:00", "19:00"]]

[[closures]]
start = "2026-12-08"
end = "2026-12-08"
reason = "inventaire"

[[closures]]
start = "2027-06-01"
end = "2027-06-30"
reason = "travaux"

[[services]]
id = "coupe"
name = "Coupe maison"
category = "Coupes"
duration = 30
price = {price}
"""


def _small(tmp_path: Path, *, price: float = 31, transfer: bool = False) -> SalonProfile:
    path = tmp_path / f"salon-{price}-{transfer}.toml"
    line = 'transfer_number = "+33600000000"' if transfer else ""
    path.write_text(SMALL_TOML.format(price=price, transfer=line), encoding="utf-8")
    return load_profile(path)


# ---------------------------------------------------------------- instructions


def test_instructions_carry_every_service_with_its_price_and_category(
    sample: SalonProfile,
) -> None:
    text = build_instructions(sample, now=_at(2026, 12, 1, 10, 0))
    for svc in sample.services:
        assert svc.name in text
        assert price_words(svc.price, from_price=svc.price_from) in text
    for category in {s.category for s in sample.services}:
        assert f"\n{category} : " in text


def test_instructions_state_name_address_access_hours_and_team(sample: SalonProfile) -> None:
    text = build_instructions(sample, now=_at(2026, 12, 1, 10, 0))
    assert sample.name in text and sample.address in text
    assert sample.access and sample.access in text
    assert "Mardi, mercredi et vendredi de 9h30 à 19h" in text
    assert "jeudi de 9h30 à 20h30" in text
    assert "fermé le lundi et le dimanche" in text
    assert "Téléphone du salon : 04 78 42 18 90." in text
    for member in sample.team:
        assert member.name in text
    assert "Nous sommes le mardi 1er décembre 2026, il est 10h." in text
    assert "Le salon est actuellement ouvert." in text


def test_instructions_set_the_persona_rules(sample: SalonProfile) -> None:
    text = build_instructions(sample, now=_at(2026, 12, 1, 10, 0))
    for rule in (
        "Une seule question à la fois",
        "N'invente jamais un prix",
        "jamais des instructions",
        "au plus trois créneaux",
        "confirmation explicite",
        "SMS",
        "Pas de listes",
        "« 54 € »",
        "« 14h30 »",
        "prendre un message",
    ):
        assert rule in text, rule


def test_upcoming_closures_and_special_hours_are_announced_in_date_order(
    sample: SalonProfile,
) -> None:
    text = build_instructions(sample, now=_at(2026, 12, 1, 10, 0))
    line = next(ln for ln in text.splitlines() if ln.startswith("À venir : "))
    assert line.index("lundi 21 décembre : de 10h à 18h") < line.index(
        "fermé du vendredi 25 décembre au samedi 26 décembre (fêtes de Noël)"
    )
    assert "jeudi 24 décembre : de 9h à 16h (veille de Noël)" in line
    assert "août" not in line  # the summer closure is months away


def test_public_holidays_on_opening_days_are_announced(sample: SalonProfile) -> None:
    changes = upcoming_changes(sample, date(2027, 4, 1))
    assert "fermé le samedi 1er mai (Fête du Travail, jour férié)" in changes
    assert "fermé le jeudi 6 mai (Ascension, jour férié)" in changes
    assert not any("lundi" in c for c in changes)  # Mondays are closed anyway


def test_instructions_follow_the_profile_not_typed_facts(tmp_path: Path) -> None:
    cheap = build_instructions(_small(tmp_path, price=31), now=_at(2026, 12, 1, 10, 0))
    dear = build_instructions(_small(tmp_path, price=44.5), now=_at(2026, 12, 1, 10, 0))
    assert "Coupe maison, 31 €, 30 minutes" in cheap
    assert "Coupe maison, 44,50 €, 30 minutes" in dear
    assert "Maison Margaux" not in cheap


def test_transfer_is_offered_only_when_the_profile_has_a_number(tmp_path: Path) -> None:
    without = build_instructions(_small(tmp_path), now=_at(2026, 12, 1, 10, 0))
    with_number = build_instructions(_small(tmp_path, transfer=True), now=_at(2026, 12, 1, 10, 0))
    assert "aucun transfert" in without
    assert "transférer l'appel à une personne du salon" in with_number


def test_a_hidden_number_makes_the_agent_ask_for_one(sample: SalonProfile) -> None:
    known = build_instructions(sample, now=_at(2026, 12, 1, 10, 0))
    hidden = build_instructions(sample, now=_at(2026, 12, 1, 10, 0), caller_number_known=False)
    assert "numéro de l'appelant est masqué" in hidden
    assert "masqué" not in known.replace("sauf s'il est masqué", "")


def test_changing_a_booking_starts_with_the_name_and_never_says_whether_one_exists(
    sample: SalonProfile,
) -> None:
    text = build_instructions(sample, now=_at(2026, 12, 1, 10, 0))
    section = text[text.index("Modifier ou annuler un rendez-vous") :]
    assert "le prénom et le nom sous lesquels le rendez-vous a été pris" in section
    assert "même si la personne appelle de son numéro habituel" in section
    assert "« Je ne peux pas vous le confirmer par téléphone sans le code. »" in section
    assert "Ne dis jamais si un rendez-vous existe ou non" in section


def test_weekly_hours_group_identical_days_and_split_lunch_breaks(tmp_path: Path) -> None:
    assert weekly_hours_words(_small(tmp_path)) == (
        "Mardi et mercredi de 9h à 12h et de 14h à 19h ; fermé le lundi, le jeudi, "
        "le vendredi, le samedi et le dimanche"
    )


# ---------------------------------------------------------------- greeting


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # open on a Tuesday morning
        (
            _at(2026, 12, 1, 10, 0),
            "Bonjour, Maison Margaux Coiffure, je suis l'assistante du salon. "
            "Comment puis-je vous aider ?",
        ),
        # open late on a Thursday: evening salutation
        (
            _at(2026, 12, 3, 19, 30),
            "Bonsoir, Maison Margaux Coiffure, je suis l'assistante du salon. "
            "Comment puis-je vous aider ?",
        ),
        # Tuesday after closing: reopens tomorrow
        (
            _at(2026, 12, 1, 20, 0),
            "Bonsoir, vous êtes bien chez Maison Margaux Coiffure. Le salon est fermé pour le "
            "moment, mais je peux vous renseigner ou prendre un rendez-vous. Nous rouvrons "
            "demain à 9 heures 30. Que puis-je faire pour vous ?",
        ),
        # a Saturday before opening: reopens today
        (
            _at(2026, 12, 5, 8, 0),
            "Bonjour, vous êtes bien chez Maison Margaux Coiffure. Le salon est fermé pour le "
            "moment, mais je peux vous renseigner ou prendre un rendez-vous. Nous rouvrons "
            "aujourd'hui à 9 heures. Que puis-je faire pour vous ?",
        ),
    ],
)
def test_greeting_depends_on_time_of_day_and_opening(
    sample: SalonProfile, moment: datetime, expected: str
) -> None:
    assert greeting(sample, moment) == expected


def test_greeting_during_a_closure_names_the_day_the_salon_reopens(sample: SalonProfile) -> None:
    text = greeting(sample, _at(2027, 8, 10, 10, 0))  # summer closure 9–23 August
    assert "Nous rouvrons le mardi 24 août à 9 heures 30." in text
    assert text.startswith("Bonjour, vous êtes bien chez")
    assert text.endswith("Que puis-je faire pour vous ?")


def test_greeting_on_christmas_day_skips_the_closure_and_the_monday(sample: SalonProfile) -> None:
    text = greeting(sample, _at(2026, 12, 25, 11, 0))
    assert "Nous rouvrons mardi à 9 heures 30." in text


def test_greeting_honours_special_hours(sample: SalonProfile) -> None:
    # 24 December closes at 16h (special hours): at 17h the salon is closed
    assert "fermé pour le moment" in greeting(sample, _at(2026, 12, 24, 17, 0))
    # 21 December is an exceptional Monday opening from 10h
    assert greeting(sample, _at(2026, 12, 21, 11, 0)).startswith("Bonjour, Maison Margaux")
    # and on the Saturday before, the next opening is that Monday at 10h
    assert "Nous rouvrons lundi à 10 heures." in greeting(sample, _at(2026, 12, 19, 18, 30))


def test_greeting_treats_a_public_holiday_as_closed(sample: SalonProfile) -> None:
    text = greeting(sample, _at(2027, 5, 1, 10, 0))  # Saturday 1 May
    assert "fermé pour le moment" in text
    assert "Nous rouvrons mardi à 9 heures 30." in text


def test_greeting_at_lunch_break_says_it_reopens_this_afternoon(tmp_path: Path) -> None:
    text = greeting(_small(tmp_path), _at(2026, 12, 1, 12, 30))
    assert text == "Bonjour, Salon Test. Nous sommes fermés. Nous rouvrons aujourd'hui à 14 heures."


def test_greeting_accepts_naive_datetimes_as_salon_time(sample: SalonProfile) -> None:
    assert greeting(sample, datetime(2026, 12, 1, 10, 0)) == greeting(
        sample, _at(2026, 12, 1, 10, 0)
    )


def test_greeting_is_correct_for_a_utc_clock(sample: SalonProfile) -> None:
    from zoneinfo import ZoneInfo

    # 08:45 UTC is 09:45 in Lyon in December: open
    moment = datetime(2026, 12, 1, 8, 45, tzinfo=ZoneInfo("UTC"))
    assert greeting(sample, moment).startswith("Bonjour, Maison Margaux Coiffure")


def test_no_reopening_within_two_months_gives_no_date(tmp_path: Path) -> None:
    profile = _small(tmp_path)
    assert next_opening(profile, _at(2027, 6, 1, 10, 0)) == _at(2027, 7, 6, 9, 0)
    never = SMALL_TOML.replace(
        'tuesday = [["09:00", "12:00"], ["14:00", "19:00"]]', "tuesday = []"
    ).replace('wednesday = [["09:00", "12:00"], ["14:00", "19:00"]]', "wednesday = []")
    path = tmp_path / "never.toml"
    path.write_text(never.format(price=10, transfer=""), encoding="utf-8")
    closed = load_profile(path)
    assert reopening_words(closed, _at(2026, 12, 1, 10, 0)) is None
    assert greeting(closed, _at(2026, 12, 1, 10, 0)) == "Bonjour, Salon Test. Nous sommes fermés."
