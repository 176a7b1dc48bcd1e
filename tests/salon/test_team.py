"""Unit tier: the team in salon.toml — parsing, errors that name the field, and the
owner's warnings at reindex."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pytest

from ingest.profile_loader import load_profile_doc
from salon.profile import ProfileError, load_profile
from salon.team import team_warnings

MEMBER_A = "membre de l'équipe « A » (1er bloc [[team]])"

BASE = """
[salon]
name = "Salon Test"
address = "1 rue de la Paix, 69002 Lyon"
phone = "+33478000000"
timezone = "Europe/Paris"

[hours]
tuesday = [["09:00", "19:00"]]
wednesday = [["09:00", "19:00"]]

[[services]]
id = "coupe-homme"
name = "Coupe homme"
category = "Homme"
duration = 30
price = 28

[[services]]
id = "couleur"
name = "Couleur"
category = "Couleur"
duration = 60
price = 49
"""


def _profile(tmp_path: Path, team: str) -> Path:
    path = tmp_path / "salon.toml"
    path.write_text(BASE + team, encoding="utf-8")
    return path


def test_a_member_lists_services_by_id_or_category_with_their_own_week(tmp_path: Path) -> None:
    profile = load_profile(
        _profile(
            tmp_path,
            """
[[team]]
name = "Chloé Martin"
services = ["Couleur", "coupe-homme"]
[team.hours]
wednesday = [["10:00", "16:00"]]
[[team.absences]]
start = "2027-02-15"
end = "2027-02-20"
""",
        )
    )
    chloe = profile.stylist("chloe")
    assert chloe.services == ("couleur", "coupe-homme")
    assert chloe.week_hours(date(2026, 12, 9)) == ((time(10), time(16)),)  # a Wednesday
    assert chloe.week_hours(date(2026, 12, 8)) == ()  # Tuesday: her day off
    assert chloe.absence_on(date(2027, 2, 16)) is not None
    assert profile.find_stylist("avec chloe") is chloe
    assert profile.find_stylist("avec Mme Martin") is chloe


@pytest.mark.parametrize(
    ("team", "field"),
    [
        ('[[team]]\nname = "A"\nservices = ["lissage"]\n', f"{MEMBER_A}, services :"),
        ('[[team]]\nname = "A"\n[team.hours]\nmardi = []\n', f"{MEMBER_A}, hours :"),
        (
            '[[team]]\nname = "A"\n[team.hours]\ntuesday = [["19:00", "09:00"]]\n',
            f"{MEMBER_A}, hours.tuesday, 1re plage :",
        ),
        (
            '[[team]]\nname = "A"\n[[team.absences]]\nstart = "2027-02-20"\nend = "2027-02-01"\n',
            f"{MEMBER_A}, absence « 2027-02-20 » (1er bloc [[team.absences]]) :",
        ),
        (
            '[[team]]\nname = "A"\n[[team]]\nrole = "Coiffeuse"\n',
            "membre de l'équipe (2e bloc [[team]]), name : ce champ est obligatoire",
        ),
        (
            '[[team]]\nname = "Léa A"\n[[team]]\nname = "Léa B"\n',
            'team : deux personnes ont le même id "lea"',
        ),
    ],
)
def test_a_bad_team_field_is_refused_naming_it(tmp_path: Path, team: str, field: str) -> None:
    with pytest.raises(ProfileError, match=re.escape(field)):
        load_profile(_profile(tmp_path, team))


def test_the_owner_is_warned_of_a_service_nobody_does_and_hours_outside_opening(
    tmp_path: Path,
) -> None:
    path = _profile(
        tmp_path,
        """
[[team]]
name = "Yanis Benali"
services = ["Homme"]
[team.hours]
monday = [["09:00", "12:00"]]
tuesday = [["09:00", "19:00"]]
""",
    )
    warnings = team_warnings(load_profile(path))
    assert any("personne dans l'équipe ne fait « Couleur »" in w for w in warnings)
    assert any("Yanis le lundi sont en dehors des heures d'ouverture" in w for w in warnings)
    assert not any("Coupe homme" in w for w in warnings)
    assert set(warnings) <= set(load_profile_doc(path).warnings)  # shown at reindex


def test_a_salon_without_a_team_or_with_a_complete_one_gets_no_warning(tmp_path: Path) -> None:
    assert team_warnings(load_profile(_profile(tmp_path, ""))) == []
    full = '[[team]]\nname = "Inès Roux"\n'  # all services, the salon's week
    assert team_warnings(load_profile(_profile(tmp_path, full))) == []
