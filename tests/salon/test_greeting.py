"""Unit tier: the greeting follows the profile (`{name}`, `{short_name}` in salon.toml),
and a greeting that names neither is reported to the owner."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.profile_loader import load_profile_doc
from salon.profile import ProfileError, greeting_warnings, load_profile

PROFILE = """
[salon]
name = "{name}"
short_name = "{short}"
address = "1 rue de la Paix, 69002 Lyon"
phone = "+33478000000"
timezone = "Europe/Paris"

[greeting]
{greeting}

[hours]
tuesday = [["09:00", "19:00"]]

[[services]]
id = "coupe-homme"
name = "Coupe homme"
duration = 30
price = 28
"""


def _write(tmp_path: Path, greeting: str, *, name: str = "Salon Élise Coiffure",
           short: str = "Salon Élise") -> Path:  # fmt: skip
    path = tmp_path / "salon.toml"
    text = PROFILE.replace("{name}", name).replace("{short}", short)
    path.write_text(text.replace("{greeting}", greeting), encoding="utf-8")
    return path


TEMPLATE = (
    'open = "Bonjour, {name}, je vous écoute."\n'
    'closed = "Bonsoir, ici {short_name}. Le salon est fermé."'
)


def test_placeholders_are_filled_with_the_salons_name_and_short_name(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, TEMPLATE))
    assert profile.greeting_open == "Bonjour, Salon Élise Coiffure, je vous écoute."
    assert profile.greeting_closed == "Bonsoir, ici Salon Élise. Le salon est fermé."
    assert greeting_warnings(profile) == []


def test_a_renamed_salon_greets_with_its_new_name(tmp_path: Path) -> None:
    renamed = load_profile(_write(tmp_path, TEMPLATE, name="Atelier Nour", short="Nour"))
    assert renamed.greeting_open == "Bonjour, Atelier Nour, je vous écoute."
    assert "Élise" not in renamed.greeting_open + renamed.greeting_closed


def test_without_a_greeting_table_the_default_names_the_salon(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, "", name="Atelier Nour", short="Nour"))
    assert "Atelier Nour" in profile.greeting_open and "Atelier Nour" in profile.greeting_closed
    assert greeting_warnings(profile) == []


def test_a_greeting_naming_another_salon_is_a_warning_for_each_text(tmp_path: Path) -> None:
    stale = 'open = "Bonjour, Maison Margaux, je vous écoute."\nclosed = "Bonsoir, fermé."'
    warnings = greeting_warnings(load_profile(_write(tmp_path, stale)))
    assert len(warnings) == 2
    assert "[greeting] open" in warnings[0] and "[greeting] closed" in warnings[1]
    assert "{name}" in warnings[0] and "Salon Élise Coiffure" in warnings[0]


def test_the_short_name_written_out_counts_whatever_the_case_or_accents(
    tmp_path: Path,
) -> None:
    written = 'open = "Bonjour, SALON ELISE, je vous écoute."'
    assert greeting_warnings(load_profile(_write(tmp_path, written))) == []


@pytest.mark.parametrize(
    ("greeting", "says"),
    [
        ('open = "Bonjour, {nom} !"', "greeting.open : {nom} est inconnu : seuls {name} et"),
        ('open = "Bonjour, {name !"', "greeting.open"),
        ('open = "Bonjour }"', "greeting.open"),
        ('closed = ""', "greeting.closed"),
        ("open = 3", "greeting.open"),
    ],
)
def test_a_broken_greeting_is_refused_naming_the_file_and_field(
    tmp_path: Path, greeting: str, says: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(_write(tmp_path, greeting))
    assert says in str(caught.value) and "salon.toml" in str(caught.value)


def test_the_indexed_profile_carries_the_greeting_warning(tmp_path: Path) -> None:
    stale = 'open = "Bonjour, Maison Margaux, je vous écoute."'
    doc = load_profile_doc(_write(tmp_path, stale))
    assert any("ne cite pas le nom du salon" in w for w in doc.warnings)
    assert load_profile_doc(_write(tmp_path, TEMPLATE)).warnings == []


TEAM = """
[[team]]
name = "Chloé Martin"
role = "coiffeuse"
services = ["coupe-homme"]
[team.hours]
wednesday = [["10:00", "16:00"]]
[[team.absences]]
start = "2027-02-15"
end = "2027-02-20"
reason = "congés"

[[team]]
name = "Paul Roux"
role = "accueil"
books = false
"""


def test_the_indexed_profile_says_each_stylists_days_absences_and_services(
    tmp_path: Path,
) -> None:
    """« Chloé travaille le mardi ? » is answered from the index, like the hours."""
    path = _write(tmp_path, TEMPLATE)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "[hours]", '[hours]\nwednesday = [["09:00", "19:00"]]'
        )
        + TEAM,
        encoding="utf-8",
    )
    text = " ".join(b.text for b in load_profile_doc(path).blocks)
    assert "Chloé travaille le mercredi de 10h à 16h ; Chloé ne travaille pas le mardi." in text
    assert (
        "Chloé n'est pas au salon du lundi 15 février 2027 au samedi 20 février 2027 (congés)."
        in text
    )
    assert "Prestations que fait Chloé : Coupe homme." in text
    assert "Paul ne prend pas de rendez-vous." in text
