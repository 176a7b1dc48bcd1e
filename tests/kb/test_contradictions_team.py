"""Integration tier: a team page's days and hours are each person's, not the salon's.

Owners write who works when on their website's team page: « Léa est là du mardi au
vendredi », « Karim travaille le lundi et le jeudi de 14 h à 19 h », « Sophie : mercredi et
samedi », « absente le lundi », « Aïssatou vous reçoit du mercredi au samedi ». Read as the
salon's opening hours, they contradicted salon.toml's week. They must not: the salon's own
hours table on the same page is still checked, in the right document and page; a person
whose own week salon.toml gives (`[[team]] hours`) is checked against that week, never
the salon's, and one without an own week against the salon's week, which the calendar
books them on; and passages that agree are not marked outdated at answer time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from ingest.pipeline import ingest_directory
from kb.contradictions import (
    Contradiction,
    find_contradictions,
    for_owner,
    outdated_notes,
    profile_of,
)
from tests.fixtures.isolation import FIXTURE_SALON

_PROFILE = """\
[salon]
name = "Salon Lumière"
short_name = "Lumière"
address = "12 rue Nationale, 37000 Tours"
phone = "+33247000000"
timezone = "Europe/Paris"

[hours]
monday = [["14:00", "19:00"]]
tuesday = [["09:30", "19:00"]]
wednesday = [["09:30", "19:00"]]
thursday = [["09:30", "20:00"]]
friday = [["09:30", "19:00"]]
saturday = [["09:00", "18:00"]]
sunday = []

[[services]]
id = "coupe"
name = "Coupe femme"
duration = 45
price = 40

[[team]]
name = "Léa Moreau"
role = "coloriste"
[team.hours]
tuesday = [["09:30", "19:00"]]
wednesday = [["09:30", "19:00"]]
thursday = [["09:30", "19:00"]]
friday = [["09:30", "19:00"]]

[[team]]
name = "Karim Haddad"
role = "barbier"
[team.hours]
monday = [["14:00", "19:00"]]
thursday = [["14:00", "19:00"]]

[[team]]
name = "Sophie Lambert"
role = "coiffeuse"
[team.hours]
wednesday = [["09:30", "19:00"]]
saturday = [["09:00", "18:00"]]

[[team]]
name = "Aïssatou Diallo"
role = "coiffeuse, cheveux texturés"
[team.hours]
wednesday = [["10:00", "18:00"]]
thursday = [["10:00", "18:00"]]
friday = [["10:00", "18:00"]]
saturday = [["10:00", "18:00"]]

[[team]]
name = "Inès Petit"
role = "coiffeuse"
"""

# The salon's week as its own hours table says it (agreeing with the profile).
_HOURS_ROWS = (
    ("Lundi", "14h – 19h"),
    ("Mardi", "9h30 – 19h"),
    ("Mercredi", "9h30 – 19h"),
    ("Jeudi", "9h30 – 20h"),
    ("Vendredi", "9h30 – 19h"),
    ("Samedi", "9h – 18h"),
    ("Dimanche", "Fermé"),
)

# Each person's days, as owners write them; each agrees with that person's own week, and
# most disagree with the salon's (Monday and Saturday open, Thursday until 20h).
_TEAM_SENTENCES = (
    "Léa est là du mardi au vendredi, de 9h30 à 19h.",
    "Léa est en repos le lundi et le samedi.",
    "Karim travaille le lundi et le jeudi de 14 h à 19 h.",
    "Karim, notre barbier, est absent le mardi, le mercredi, le vendredi et le samedi.",
    "Sophie : mercredi et samedi.",
    "Sophie est en congé le lundi, le mardi, le jeudi et le vendredi : fermé pour elle.",
    "Aïssatou vous reçoit du mercredi au samedi de 10h à 18h.",
    "Aïssatou est absente le lundi.",
    "Le jeudi, Léa est présente de 9h30 à 19h.",
)


def _html(*, thursday: str = "9h30 – 20h") -> str:
    rows = "".join(
        f"<tr><td>{day}</td><td>{thursday if day == 'Jeudi' else hours}</td></tr>"
        for day, hours in _HOURS_ROWS
    )
    team = "".join(f"<p>{s}</p>" for s in _TEAM_SENTENCES)
    return (
        "<!doctype html><html lang=fr><head><meta charset=utf-8>"
        "<title>Horaires et équipe | Salon Lumière</title></head><body><main>"
        "<h1>Le salon</h1><h2>Horaires d'ouverture</h2>"
        f"<table><tr><th>Jour</th><th>Horaires</th></tr>{rows}</table>"
        f"<h2>Notre équipe</h2>{team}"
        "<ul><li><strong>Karim</strong> : lundi et jeudi, 14h – 19h</li>"
        "<li>Léa : repos le samedi</li></ul>"
        "<table><tr><th>Coiffeur</th><th>Jours</th><th>Horaires</th></tr>"
        "<tr><td>Karim</td><td>Lundi et jeudi</td><td>14h – 19h</td></tr>"
        "<tr><td>Sophie</td><td>Jeudi</td><td>Fermé</td></tr></table>"
        "</main></body></html>"
    )


def _markdown(*, saturday: str = "9h – 18h") -> str:
    rows = "\n".join(
        f"| {day} | {saturday if day == 'Samedi' else hours} |" for day, hours in _HOURS_ROWS
    )
    team = "\n\n".join(_TEAM_SENTENCES)
    return (
        "# Horaires et équipe\n\n## Qui sommes-nous\n\n"
        "Un salon de quartier, ouvert depuis 2012.\n\n"
        f"{team}\n\n"
        "- **Sophie** : mercredi et samedi, fermé les autres jours\n"
        "- **Aïssatou** : en formation le mardi\n\n"
        f"## Nos horaires\n\n| Jour | Horaires |\n|---|---|\n{rows}\n"
    )


def _build_pdf(out: Path, *, friday: str = "9h30 – 19h") -> None:
    """Page 1 presents the salon; page 2 holds its hours, then the team."""
    rl_config.invariant = 1  # reproducible bytes
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    story: list = [
        Paragraph("Salon Lumière", styles["Title"]),
        Paragraph("Coiffure mixte au cœur de Tours, sur rendez-vous.", body),
        PageBreak(),
        Paragraph("Horaires d'ouverture", heading),
        *(
            Paragraph(f"{day} : {friday if day == 'Vendredi' else hours}", body)
            for day, hours in _HOURS_ROWS
        ),
        Paragraph("L'équipe", heading),
        *(Paragraph(s, body) for s in _TEAM_SENTENCES),
    ]
    SimpleDocTemplate(str(out), pagesize=A4, title="Horaires et équipe").build(story)


ROOT = Path(__file__).resolve().parents[2]
PAGE_HTML, PAGE_MD, PAGE_PDF = "horaires-et-equipe.html", "equipe.md", "le-salon.pdf"


def _salon(folder: Path, *, thursday: str = "9h30 – 20h", saturday: str = "9h – 18h") -> Path:
    folder.mkdir()
    (folder / "salon.toml").write_text(_PROFILE, encoding="utf-8")
    (folder / PAGE_HTML).write_text(_html(thursday=thursday), encoding="utf-8")
    (folder / PAGE_MD).write_text(_markdown(saturday=saturday), encoding="utf-8")
    return folder


def _found(folder: Path) -> list[Contradiction]:
    return for_owner(find_contradictions(profile_of(folder), ingest_directory(folder).facts))


def _where(found: list[Contradiction]) -> set[tuple[str, str | None, str, str, int | None]]:
    return {(c.fact, c.profile_value, c.document_value, c.source, c.page) for c in found}


def test_a_team_page_saying_each_persons_days_contradicts_nothing(tmp_path: Path) -> None:
    salon = _salon(tmp_path / "salon")
    _build_pdf(salon / PAGE_PDF)
    assert _found(salon) == []


def test_the_salons_hours_table_beside_the_team_is_still_checked_in_its_page(
    tmp_path: Path,
) -> None:
    salon = _salon(tmp_path / "salon", thursday="9h30 – 19h", saturday="9h – 17h")
    _build_pdf(salon / PAGE_PDF, friday="10h – 19h")
    assert _where(_found(salon)) == {
        ("horaires du jeudi", "9h30–20h", "9h30–19h", PAGE_HTML, None),
        ("horaires du samedi", "9h–18h", "9h–17h", PAGE_MD, None),
        ("horaires du vendredi", "9h30–19h", "10h–19h", PAGE_PDF, 2),
    }


@pytest.mark.parametrize(
    ("heading", "sentence"),
    [
        # a first name followed by a verb saying who is there, anywhere
        ("Infos", "Manon travaille le lundi et le samedi de 10 h à 12 h."),
        ("Infos", "Manon est là du mardi au jeudi, de 9h à 13h."),
        ("Infos", "Le samedi, Manon est présente de 9h à 12h."),
        ("Infos", "Manon, notre apprentie, est absente le jeudi : fermé pour elle."),
        ("Infos", "Manon est en formation le mardi, fermé toute la journée pour elle."),
        ("Infos", "Manon sera en congé du 3 au 10 mars."),
        ("Infos", "Jean-Marc vous reçoit du mercredi au samedi de 10h à 16h."),
        # under a team heading, any day or hours line
        ("L'équipe", "Manon : mardi et jeudi, de 9 h à 13 h."),
        ("Notre équipe", "Manon — repos le samedi."),
        ("Qui sommes-nous", "Repos le lundi et le samedi."),
        ("Nos coiffeurs", "Élodie : fermé le jeudi."),
        ("L'équipe", "Élodie est en vacances du 1er au 15 mars, fermé pour elle."),
    ],
)
def test_a_persons_days_are_not_the_salons_hours_whoever_the_person_is(
    tmp_path: Path, heading: str, sentence: str
) -> None:
    salon = tmp_path / "salon"
    salon.mkdir()
    (salon / "salon.toml").write_text(_PROFILE, encoding="utf-8")
    (salon / "page.md").write_text(
        f"# Horaires du salon\n\n## {heading}\n\n{sentence}\n", encoding="utf-8"
    )
    assert _found(salon) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Jeudi : Léa, 9h30 – 19h.",
        "Le jeudi : Karim, de 14h à 19h ; le lundi : Léa, repos.",
        "Karim Haddad — lundi et jeudi — 14h à 19h",
        "Horaires de Karim : fermé le samedi.",
    ],
)
def test_a_line_naming_someone_of_the_profiles_team_is_that_persons_days(
    tmp_path: Path, sentence: str
) -> None:
    salon = _salon(tmp_path / "salon")
    (salon / "planning.md").write_text(f"# Horaires\n\n{sentence}\n", encoding="utf-8")
    assert _found(salon) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Karim travaille le lundi et le samedi de 14 h à 19 h.",
            {("horaires de Karim le samedi", "ne travaille pas", "14h–19h")},
        ),
        (
            "Léa est en repos le mercredi.",
            {("horaires de Léa le mercredi", "9h30–19h", "ne travaille pas")},
        ),
        (
            "Sophie : mardi et samedi.",
            {("horaires de Sophie le mardi", "ne travaille pas", "travaille")},
        ),
        (
            "Le jeudi, Karim est là de 14 h à 18 h.",
            {("horaires de Karim le jeudi", "14h–19h", "14h–18h")},
        ),
        (
            "Aïssatou est en repos le samedi.",
            {("horaires d'Aïssatou le samedi", "10h–18h", "ne travaille pas")},
        ),
        # no own week in salon.toml: she follows the salon's, which the calendar books
        (
            "Inès est en repos le samedi.",
            {("horaires d'Inès le samedi", "9h–18h (horaires du salon)", "ne travaille pas")},
        ),
        (
            "Inès travaille le jeudi de 9h30 à 19h.",
            {("horaires d'Inès le jeudi", "9h30–20h (horaires du salon)", "9h30–19h")},
        ),
        ("Inès est là le mardi de 9h30 à 19h.", set()),
        ("Inès est là du mardi au vendredi.", set()),
        # not in the team of salon.toml: not compared
        ("Manon travaille le dimanche de 10 h à 13 h.", set()),
    ],
)
def test_a_persons_days_are_compared_with_their_own_week_when_the_profile_gives_it(
    tmp_path: Path, sentence: str, expected: set[tuple[str, str, str]]
) -> None:
    salon = tmp_path / "salon"
    salon.mkdir()
    (salon / "salon.toml").write_text(_PROFILE, encoding="utf-8")
    (salon / "equipe.md").write_text(f"# Notre équipe\n\n{sentence}\n", encoding="utf-8")
    found = _found(salon)
    assert {(c.fact, c.profile_value, c.document_value) for c in found} == expected
    assert {(c.source, c.page, c.text) for c in found} <= {("equipe.md", None, sentence)}


@pytest.fixture
def fixture_salon(tmp_path: Path) -> Path:
    folder = tmp_path / "salon"
    shutil.copytree(FIXTURE_SALON, folder)
    return folder


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # about a person of the team: their own week and absences, not the salon's
        ("Chloé est en congé du 15 au 20 février : fermé pour elle.", set()),
        ("Le mercredi, Yanis est en repos.", set()),
        ("Inès : fermé le mardi.", set()),
        # the salon's name holds Margaux's first name; the whole team is the salon
        (
            "Maison Margaux vous accueille du mardi au samedi de 9h30 à 19h.",
            {"horaires du jeudi", "horaires du samedi"},
        ),
        (
            "Margaux Delorme et toute l'équipe vous accueillent du mardi au samedi de 9h30 à 19h.",
            {"horaires du jeudi", "horaires du samedi"},
        ),
        ("Le salon est ouvert le lundi de 10h à 18h.", {"horaires du lundi"}),
        (
            "Ouvert du mardi au samedi de 9h30 à 19h, nocturne le jeudi avec Yanis jusqu'à 20h30.",
            {"horaires du samedi"},
        ),
        # whose hours those are is not clear: neither the salon's nor Yanis's
        ("Jeudi : nocturne avec Yanis jusqu'à 19h30.", set()),
        ("Samedi : Yanis et Chloé, de 10h à 16h.", set()),
    ],
)
def test_in_the_fixture_salon_a_stylists_days_are_theirs_and_the_salons_are_the_salons(
    fixture_salon: Path, sentence: str, expected: set[str]
) -> None:
    (fixture_salon / "notes.md").write_text(
        f"# Horaires et équipe\n\n{sentence}\n", encoding="utf-8"
    )
    assert {c.fact for c in _found(fixture_salon)} == expected


def test_a_stylists_week_written_unlike_the_profile_is_reported_for_them_day_by_day(
    fixture_salon: Path,
) -> None:
    # salon.toml: Yanis works Tuesday, Thursday (from 11h), Friday and Saturday
    sentence = "Yanis travaille du mardi au samedi de 9h à 17h."
    (fixture_salon / "notes.md").write_text(f"# Notes\n\n{sentence}\n", encoding="utf-8")
    assert _where(_found(fixture_salon)) == {
        ("horaires de Yanis le mardi", "9h30–19h", "9h–17h", "notes.md", None),
        ("horaires de Yanis le mercredi", "ne travaille pas", "9h–17h", "notes.md", None),
        ("horaires de Yanis le jeudi", "11h–20h30", "9h–17h", "notes.md", None),
        ("horaires de Yanis le vendredi", "9h30–19h", "9h–17h", "notes.md", None),
        ("horaires de Yanis le samedi", "9h–18h", "9h–17h", "notes.md", None),
    }


def test_passages_about_the_team_are_not_marked_outdated_at_answer_time(
    tmp_path: Path,
) -> None:
    salon = _salon(tmp_path / "salon", thursday="9h30 – 19h")
    _build_pdf(salon / PAGE_PDF)
    result = ingest_directory(salon)
    notes = outdated_notes(find_contradictions(profile_of(salon), result.facts), result.chunks)
    noted = {c.id: c for c in result.chunks if c.id in notes}
    # the salon's wrong Thursday, only: its passage, and no note about anyone's days
    assert {c.source for c in noted.values()} == {PAGE_HTML}
    assert all("9h30 – 19h" in c.text for c in noted.values() if "Jeudi" in c.text)
    lines = {line for n in notes.values() for line in n.split(" | ")}
    assert lines == {
        "horaires du jeudi : ce passage dit 9h30–19h, périmé ; la fiche du salon, qui fait "
        "foi, dit 9h30–20h"
    }


def test_asked_about_a_stylists_days_the_team_passages_come_unmarked(tmp_path: Path) -> None:
    salon = _salon(tmp_path / "salon")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "CHROMA_"))}
    env["BOOTSTRAP_QUIET"] = "1"
    db = str(tmp_path / "kb")
    done = subprocess.run(
        [str(ROOT / "scripts" / "reindex"), "--quiet", "--json", "--sources", str(salon)]
        + ["--db", db],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["contradictions"] == []
    asked = subprocess.run(
        [str(ROOT / "scripts" / "ask"), "--db", db, "--json", "-k", "4"],
        input="Karim il travaille quels jours ?\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    passages = json.loads(asked.stdout)["passages"]
    assert any("Karim travaille" in p["text"] for p in passages)
    assert [p for p in passages if "outdated" in p] == []


def test_someone_without_an_own_week_is_checked_against_the_salons_days_in_week_order(
    tmp_path: Path,
) -> None:
    salon = tmp_path / "salon"
    salon.mkdir()
    (salon / "salon.toml").write_text(_PROFILE, encoding="utf-8")
    sentence = "Inès vous reçoit du mardi au samedi de 10h à 18h."
    (salon / "equipe.md").write_text(f"# Notre équipe\n\n{sentence}\n", encoding="utf-8")
    found = _found(salon)
    assert [(c.fact, c.profile_value, c.document_value) for c in found] == [
        ("horaires d'Inès le mardi", "9h30–19h (horaires du salon)", "10h–18h"),
        ("horaires d'Inès le mercredi", "9h30–19h (horaires du salon)", "10h–18h"),
        ("horaires d'Inès le jeudi", "9h30–20h (horaires du salon)", "10h–18h"),
        ("horaires d'Inès le vendredi", "9h30–19h (horaires du salon)", "10h–18h"),
        ("horaires d'Inès le samedi", "9h–18h (horaires du salon)", "10h–18h"),
    ]
