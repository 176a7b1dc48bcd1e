"""Unit tier: a bad field of salon.toml is refused in French, naming the file, the field,
what is expected and what was written (the owner reads these through python -m booking,
scripts/jobs, the doctor, scripts/reindex and the console)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from salon.profile import ProfileError, load_profile, parse_profile

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
            "prestation « Coupe » (1er bloc [[services]]), price : un prix en euros est "
            'attendu, écrit comme un nombre sans guillemets (price = 24), pas "abc"',
        ),
        (
            "price = 25",
            "price = -5",
            "prestation « Coupe » (1er bloc [[services]]), price : un prix en euros est "
            "attendu, écrit comme un nombre sans guillemets (price = 24), pas -5",
        ),
        (
            "duration = 30",
            'duration = "30 min"',
            "prestation « Coupe » (1er bloc [[services]]), duration : une durée en minutes "
            'est attendue (un nombre entier positif), pas "30 min"',
        ),
        (
            "Europe/Paris",
            "Paris",
            'salon.timezone : fuseau horaire inconnu "Paris" : écrivez par exemple "Europe/Paris"',
        ),
        (
            '[["09:00", "12:00"]]',
            '[["9h", "12:00"]]',
            'hours.tuesday, 1re plage : une heure comme "09:30" est attendue, pas "9h"',
        ),
        (
            '[["09:00", "12:00"]]',
            '[["12:00", "09:00"]]',
            "hours.tuesday, 1re plage : l'heure de fermeture doit venir après l'heure d'ouverture",
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
    assert refusal == (
        f"{PATH} : fermeture « vacances » (1er bloc [[closures]]), start : la date manque : "
        'écrivez-la comme "2026-12-25"'
    )


def test_a_closure_ending_before_it_starts_is_refused_not_ignored() -> None:
    """Swapped dates used to be read as a closure that closes nothing: the salon stayed
    bookable on the days the owner meant to close. Refused, as a team absence is."""
    refusal = _refusal(
        BASE + '\n[[closures]]\nstart = 2026-12-27\nend = 2026-12-26\nreason = "Noël"\n'
    )
    assert refusal == (
        f"{PATH} : fermeture « Noël » (1er bloc [[closures]]) : la fin (end) vient avant le "
        "début (start)"
    )


def test_a_stylist_hours_day_written_in_french_is_refused_with_the_english_names() -> None:
    refusal = _refusal(BASE + '\n[[team]]\nname = "Chloé"\n[team.hours]\nmardi = []\n')
    assert refusal == (
        f"{PATH} : membre de l'équipe « Chloé » (1er bloc [[team]]), hours : jour inconnu "
        '"mardi" : les jours s\'écrivent en anglais, de monday à sunday'
    )


def test_a_whole_number_of_chairs_written_as_text_is_still_read() -> None:
    written = BASE.replace('phone = "+33478000000"', 'phone = "+33478000000"\nchairs = "2"')
    assert parse_profile(tomllib.loads(written), PATH).chairs == 2


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            'name = "Coupe"',
            'name = "Coupe',
            "ligne 13, colonne 14 : guillemet non fermé : un texte ouvert par \" (ou ') se "
            'referme sur la même ligne, comme name = "Balayage" (détail du lecteur TOML : '
            "Illegal character '\\n')",
        ),
        (
            "price = 25",
            "price = 25 euros",
            "ligne 15, colonne 12 : texte en trop après la valeur : une seule valeur par ligne",
        ),
        (
            'name = "Coupe"',
            "name = Coupe",
            "ligne 13, colonne 8 : valeur non reconnue après le signe = : un texte s'écrit "
            'entre guillemets droits ("Balayage")',
        ),
        (
            'name = "Coupe"',
            "name = “Coupe”",
            "ligne 13, colonne 8 : valeur non reconnue après le signe =",
        ),
        (
            "[hours]",
            "[hours",
            "ligne 8, colonne 7 : crochet fermant ] manquant après le nom de la table",
        ),
        (
            "price = 25",
            "price = 25\nprice = 30",
            "ligne 16, colonne 11 : ce nom est déjà écrit plus haut dans la même table",
        ),
        (  # no apostrophe below: the parser only fails at the end of the file
            'name = "Coupe"',
            "name = 'Coupe",
            "ligne 13 (rien ne le referme jusqu'à la fin du fichier) : guillemet non fermé",
        ),
        (
            "price = 25",
            'price = 25\nnotes = """à',
            "ligne 16 (rien ne le referme jusqu'à la fin du fichier) : guillemet non fermé",
        ),
    ],
)
def test_a_toml_syntax_error_names_the_line_and_the_mistake_in_french(
    tmp_path: Path, old: str, new: str, says: str
) -> None:
    path = tmp_path / "salon.toml"
    path.write_text(BASE.replace(old, new), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert str(caught.value).startswith(f"{path} : {says}"), str(caught.value)


def test_a_file_not_saved_in_utf8_names_the_line_of_the_first_bad_accent(tmp_path: Path) -> None:
    path = tmp_path / "salon.toml"
    path.write_bytes(BASE.replace("Coupe", "Coupe étudiant").encode("latin-1"))
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert str(caught.value) == (
        f"{path} : ligne 13 : le fichier n'est pas enregistré en UTF-8 (des accents d'un "
        "autre encodage) : enregistrez-le en UTF-8"
    )


def test_a_bad_price_names_the_service_and_counts_the_blocks_from_one() -> None:
    third = BASE + "".join(
        f'\n[[services]]\nid = "{i}"\nname = "{name}"\nduration = 30\nprice = {price}\n'
        for i, name, price in (
            ("brushing", "Brushing", 30),
            ("coupe-homme", "Coupe homme", '"24 euros"'),
        )
    )
    assert _refusal(third) == (
        f"{PATH} : prestation « Coupe homme » (3e bloc [[services]]), price : un prix en euros "
        'est attendu, écrit comme un nombre sans guillemets (price = 24), pas "24 euros"'
    )
