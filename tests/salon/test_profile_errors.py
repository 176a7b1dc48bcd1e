"""Unit tier: a bad field of salon.toml is refused in French, naming the file, the field,
what is expected and what was written (the owner reads these through python -m booking,
scripts/jobs, the doctor, scripts/reindex and the console)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from salon.profile import ProfileError, parse_profile

BASE = """
[salon]
name = "Maison Margaux"
address = "1 rue de la Paix, 69002 Lyon"
phone = "+33478000000"
timezone = "Europe/Paris"

[hours]
tuesday = [["09:00", "12:00"]]

[[services]]
id = "coupe"
name = "Coupe"
duration = 30
price = 25
"""

PATH = Path("sources/salon.toml")


def _refusal(text: str) -> str:
    with pytest.raises(ProfileError) as caught:
        parse_profile(tomllib.loads(text), PATH)
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "price = 25",
            'price = "abc"',
            'services[0].price : un prix en euros est attendu, pas "abc"',
        ),
        ("price = 25", "price = -5", "services[0].price : un prix en euros est attendu, pas -5"),
        (
            "duration = 30",
            'duration = "30 min"',
            "services[0].duration : une durée en minutes est attendue (un nombre entier "
            'positif), pas "30 min"',
        ),
        (
            "Europe/Paris",
            "Paris",
            'salon.timezone : fuseau horaire inconnu "Paris" : écrivez par exemple "Europe/Paris"',
        ),
        (
            '[["09:00", "12:00"]]',
            '[["9h", "12:00"]]',
            'hours.tuesday[0] : une heure comme "09:30" est attendue, pas "9h"',
        ),
        (
            '[["09:00", "12:00"]]',
            '[["12:00", "09:00"]]',
            "hours.tuesday[0] : l'heure de fermeture doit venir après l'heure d'ouverture",
        ),
        (
            'phone = "+33478000000"\n',
            "",
            "salon.phone : ce champ est obligatoire et il manque ou il est vide",
        ),
        (
            'phone = "+33478000000"',
            'phone = "+33478000000"\nchairs = "deux"',
            'salon.chairs : un nombre entier positif est attendu, pas "deux"',
        ),
        (
            'phone = "+33478000000"',
            'phone = "+33478000000"\nsms_sender = "Maison Margaux Lyon"',
            "salon.sms_sender : le nom d'expéditeur des SMS compte de 1 à 11 caractères, "
            'pas "Maison Margaux Lyon"',
        ),
    ],
)
def test_a_bad_field_is_refused_in_french_naming_it_and_the_value(
    old: str, new: str, says: str
) -> None:
    assert _refusal(BASE.replace(old, new)) == f"{PATH} : {says}"


def test_a_closure_without_a_start_says_the_date_is_missing() -> None:
    refusal = _refusal(BASE + '\n[[closures]]\nreason = "vacances"\n')
    assert refusal == f'{PATH} : closures[0].start : la date manque : écrivez-la comme "2026-12-25"'


def test_a_stylist_hours_day_written_in_french_is_refused_with_the_english_names() -> None:
    refusal = _refusal(BASE + '\n[[team]]\nname = "Chloé"\n[team.hours]\nmardi = []\n')
    assert refusal == (
        f'{PATH} : team[0].hours : jour inconnu "mardi" : les jours s\'écrivent en anglais, '
        "de monday à sunday"
    )


def test_a_whole_number_of_chairs_written_as_text_is_still_read() -> None:
    written = BASE.replace('phone = "+33478000000"', 'phone = "+33478000000"\nchairs = "2"')
    assert parse_profile(tomllib.loads(written), PATH).chairs == 2
