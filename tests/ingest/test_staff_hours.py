"""Unit tier: a team member's days are told apart from the salon's opening hours.

`ingest.staff_hours` decides whose days a row or sentence states (a person named with a
verb of presence or absence, or anything under a team heading) and reads that person's
days; `extract_facts` then gives `StaffHoursFact`s, never the salon's `HoursFact`s.
"""

from __future__ import annotations

from datetime import time

import pytest

from ingest.document import Document
from ingest.facts import extract_facts
from ingest.model import ClosureFact, HoursFact, StaffHoursFact, Where
from ingest.staff_hours import staff_hours_facts, staff_subject, team_section


@pytest.mark.parametrize(
    ("text", "in_team", "expected"),
    [
        ("Léa est là du mardi au vendredi.", False, "Léa"),
        ("Karim travaille le lundi et le jeudi de 14 h à 19 h.", False, "Karim"),
        ("Le jeudi, Karim est en formation.", False, "Karim"),
        ("Karim, notre barbier, est absent le mardi.", False, "Karim"),
        ("Karim Haddad ne travaille pas le lundi.", False, "Karim"),
        ("Aïssatou vous reçoit du mercredi au samedi.", False, "Aïssatou"),
        ("Le samedi, Jean-Marc est présent de 9h à 12h.", False, "Jean-Marc"),
        ("Sophie : mercredi et samedi.", True, "Sophie"),
        ("Karim — Lundi et jeudi — 14h – 19h", True, "Karim"),
        # a person not named, under a team heading: someone's, but whose is not said
        ("Il travaille du mardi au samedi.", True, ""),
        ("Absente le lundi.", True, ""),
        ("Mardi : 9h30 – 19h", True, ""),
        # the salon's
        ("Sophie : mercredi et samedi.", False, None),
        ("Maison Margaux vous reçoit du mardi au samedi.", False, None),
        ("Chez Léa, on est là du mardi au samedi.", False, None),
        ("Le salon est ouvert du mardi au samedi de 9h à 19h.", True, None),
        ("Nous sommes là du mardi au samedi.", False, None),
        ("Ouvert du mardi au samedi, de 9h à 19h.", False, None),
        ("Léa et Karim travaillent le samedi.", False, None),
    ],
)
def test_whose_days_a_sentence_states(text: str, in_team: bool, expected: str | None) -> None:
    assert staff_subject(text, in_team=in_team) == expected


@pytest.mark.parametrize(
    ("title", "section", "expected"),
    [
        ("L'équipe | Salon Lumière", "", True),
        ("Le salon", "Le salon > Notre équipe > Léa Moreau", True),
        ("Le salon", "Qui sommes-nous", True),
        ("Le salon", "Nos coiffeurs", True),
        ("L'équipe", "L'équipe > Horaires d'ouverture", False),
        ("Horaires et équipe", "", False),
        ("Horaires et équipe", "Horaires et équipe > Qui sommes-nous", True),
        ("Tarifs", "Tarifs > Femme", False),
    ],
)
def test_the_nearest_heading_saying_team_or_hours_decides(
    title: str, section: str, expected: bool
) -> None:
    assert team_section(title, section) is expected


def _days(text: str) -> list[tuple[int, bool, tuple]]:
    where = Where("equipe.md", None, "", text)
    facts = staff_hours_facts(where, text, person="Léa")
    assert all(isinstance(f, StaffHoursFact) and f.person == "Léa" for f in facts)
    return [(f.weekday, f.absent, f.intervals) for f in facts if isinstance(f, StaffHoursFact)]


_AFTERNOON = ((time(14), time(19)),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Léa est là du mardi au vendredi.", [(d, False, ()) for d in (1, 2, 3, 4)]),
        ("Léa : mercredi et samedi.", [(2, False, ()), (5, False, ())]),
        (
            "Léa travaille le lundi et le jeudi de 14 h à 19 h.",
            [(0, False, _AFTERNOON), (3, False, _AFTERNOON)],
        ),
        ("Léa est absente le lundi.", [(0, True, ())]),
        ("Léa ne travaille pas le mercredi ni le jeudi.", [(2, True, ()), (3, True, ())]),
        ("Le jeudi, Léa est en formation.", [(3, True, ())]),
        ("Léa est là le jeudi jusqu'à 20h.", [(3, False, ((None, time(20)),))]),
        ("Léa est là le mardi et le samedi matin.", [(1, False, ())]),
        # not plain: nothing
        ("Léa est là tous les jours sauf le lundi.", []),
        ("Léa est là un samedi sur deux.", []),
        ("Léa : mercredi et samedi, fermé les autres jours.", []),
        ("Léa est absente le lundi 21 décembre.", []),
    ],
)
def test_a_persons_days_are_read_there_or_off(text: str, expected: list) -> None:
    assert _days(text) == expected


def test_a_team_page_gives_each_persons_days_and_no_salon_hours_or_closures() -> None:
    doc = Document(title="Horaires et équipe")
    doc.heading("Nos horaires", 2)
    doc.row(["Lundi", "Fermé"])
    doc.heading("Notre équipe", 2)
    doc.text("Karim travaille le lundi de 14 h à 19 h. Sophie : repos le jeudi.")
    doc.text("Léa sera en congé du 3 au 10 mars, fermé pour elle.")
    facts = extract_facts(doc, source="equipe.md")
    assert [(type(f).__name__, f.where.text) for f in facts] == [
        ("HoursFact", "Lundi — Fermé"),
        ("StaffHoursFact", "Karim travaille le lundi de 14 h à 19 h."),
        ("StaffHoursFact", "Sophie : repos le jeudi."),
    ]
    assert not any(isinstance(f, ClosureFact) for f in facts)
    assert [(f.person, f.weekday, f.absent) for f in facts if isinstance(f, StaffHoursFact)] == [
        ("Karim", 0, False),
        ("Sophie", 3, True),
    ]
    assert [f.weekday for f in facts if isinstance(f, HoursFact)] == [0]
