"""Unit tier: hours given for a season or some months carry that season.

Salons publish another season's hours beside the current ones: a table with the columns
« Hiver (octobre-avril) » and « Été (mai-septembre) », « En été (juillet-août), nous fermons
à 13 h le samedi », « Horaires d'été : … ». `ingest` must say which season each statement
is for (the column's header, the sentence's own words, a lead-in or the heading above), so
that `kb.contradictions` does not compare the summer with the profile's winter week.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from ingest.document import Document
from ingest.facts import extract_facts
from ingest.html_loader import load_html
from ingest.model import ClosureFact, Fact, HoursFact, Season
from ingest.seasons import season_in
from ingest.table_loader import load_csv
from ingest.text_loader import load_text

WINTER = (10, 11, 12, 1, 2, 3, 4)
SUMMER = (5, 6, 7, 8, 9)


@pytest.mark.parametrize(
    ("text", "name", "months"),
    [
        ("Hiver (octobre-avril)", "hiver", WINTER),
        ("Été (du 1er mai au 30 septembre)", "été", SUMMER),
        ("En été (juillet-août), nous fermons à 13 h le samedi", "été", (7, 8)),
        ("Horaires d'été : du mardi au samedi de 9h à 13h", "été", (7, 8)),
        ("L’été, le salon ouvre dès 8h le mardi", "été", (7, 8)),
        ("Pendant la période estivale, fermeture à 18h", "été", (7, 8)),
        ("Horaires hivernaux : samedi 9h-17h", "hiver", (12, 1, 2)),
        ("De mai à septembre, nocturne le jeudi jusqu'à 21h", "", SUMMER),
        ("de début octobre à fin avril", "", WINTER),
        ("En juillet et en août, fermé le lundi", "", (7, 8)),
        ("Du 15 juin au 15 septembre, ouvert le lundi", "", (6, 7, 8, 9)),
        ("de mi-juillet à mi-août", "", (7, 8)),
        ("Au mois d'août, ouverture à 10h", "", (8,)),
        ("Pendant les vacances scolaires, ouvert le lundi", "vacances scolaires", ()),
        ("En haute saison, fermeture à 20h le vendredi", "haute saison", ()),
        ("Vacances d'été : ouvert le lundi après-midi", "été", (7, 8)),
    ],
)
def test_a_season_or_months_are_read_from_its_words(
    text: str, name: str, months: tuple[int, ...]
) -> None:
    season = season_in(text)
    assert season is not None
    assert (season.name, season.months) == (name, months)


@pytest.mark.parametrize(
    "text",
    [
        "Nos horaires ont été élargis : ouvert du mardi au samedi de 9h à 19h",
        "Le salon a été rénové en 2024, ouvert du mardi au samedi",
        "Ouvert toute l'année du mardi au samedi de 9h à 19h",
        "Ouvert été comme hiver, du mardi au samedi",
        "Samedi — 8h – 16h",
        "12 avenue du Champ-de-Mars, ouvert du mardi au samedi",
        "Depuis septembre, nous sommes ouverts le lundi de 14h à 19h",
        "Horaires hors vacances scolaires : du mardi au samedi",
        "Ouvert du mardi au samedi de 9h à 19h, même en juillet et août",
        "Ouvert le lundi, y compris l'été, de 14h à 19h",
        "Horaires été",  # a column's name only: see the next test
        "",
    ],
)
def test_the_verb_and_year_round_words_are_no_season(text: str) -> None:
    assert season_in(text) is None


def test_in_a_columns_name_summer_may_follow_any_word_but_not_the_verb() -> None:
    season = season_in("Horaires été", label=True)
    assert season is not None and season.name == "été"
    assert season_in("Horaires ayant été modifiés", label=True) is None


def test_a_season_is_labelled_with_its_written_months_only() -> None:
    assert Season("été", (7, 8), explicit=True).label == "été (juillet-août)"
    assert Season("été", (7, 8)).label == "été"
    assert Season("", (10, 11, 12, 1, 2, 3, 4), explicit=True).label == "octobre-avril"
    assert Season("", (8,), explicit=True).label == "août"
    assert Season("vacances scolaires").label == "vacances scolaires"


def _hours(facts: list[Fact]) -> set[tuple[int, bool, tuple, str | None]]:
    return {
        (f.weekday, f.closed, f.intervals, f.season.label if f.season else None)
        for f in facts
        if isinstance(f, HoursFact)
    }


_HTML = """<html><head><title>Salon des Tilleuls</title></head><body>
<h2>Nos horaires</h2>
<table>
<thead><tr><th>Jour</th><th>Hiver (octobre-avril)</th><th>Été (mai-septembre)</th></tr></thead>
<tbody>
<tr><td>Lundi</td><td colspan="2">Fermé</td></tr>
<tr><td>Jeudi</td><td>9h – 18h30</td><td>nocturne jusqu'à 20h</td></tr>
<tr><td>Samedi</td><td>8h – 16h</td><td>sans changement</td></tr>
</tbody></table>
</body></html>"""


def test_a_website_table_with_a_column_per_season_names_each_value_by_its_column(
    tmp_path: Path,
) -> None:
    page = tmp_path / "horaires.html"
    page.write_text(_HTML, encoding="utf-8")
    doc = load_html(page)
    rows = [b.text for b in doc.blocks if b.type == "row"]
    assert rows == [
        "Lundi — Hiver (octobre-avril) : Fermé — Été (mai-septembre) : Fermé",
        "Jeudi — Hiver (octobre-avril) : 9h – 18h30 — Été (mai-septembre) : nocturne jusqu'à 20h",
        "Samedi — Hiver (octobre-avril) : 8h – 16h — Été (mai-septembre) : sans changement",
    ]
    winter, summer = "hiver (octobre-avril)", "été (mai-septembre)"
    assert _hours(extract_facts(doc, source="horaires.html")) == {
        (0, True, (), winter),
        (0, True, (), summer),
        (3, False, ((time(9), time(18, 30)),), winter),
        (3, False, ((None, time(20)),), summer),
        (5, False, ((time(8), time(16)),), winter),
    }


def test_a_year_round_column_beside_a_season_column_keeps_its_own_hours(
    tmp_path: Path,
) -> None:
    """« Horaires habituels » next to « Horaires d'été »: the usual hours are the regular
    week's, not mixed into the summer ones."""
    page = tmp_path / "horaires.html"
    page.write_text(
        _HTML.replace("Hiver (octobre-avril)", "Horaires habituels").replace(
            "Été (mai-septembre)", "Horaires d'été (juillet-août)"
        ),
        encoding="utf-8",
    )
    doc = load_html(page)
    summer = "été (juillet-août)"
    hours = _hours(extract_facts(doc, source="horaires.html"))
    assert (5, False, ((time(8), time(16)),), None) in hours  # Saturday, all year
    assert (3, False, ((time(9), time(18, 30)),), None) in hours
    assert (3, False, ((None, time(20)),), summer) in hours
    assert not any(season == summer and day == 5 for day, _, _, season in hours)


def test_a_table_whose_header_names_no_season_is_written_as_before(tmp_path: Path) -> None:
    page = tmp_path / "horaires.html"
    page.write_text(
        _HTML.replace("Hiver (octobre-avril)", "Matin").replace("Été (mai-septembre)", "Soir"),
        encoding="utf-8",
    )
    rows = [b.text for b in load_html(page).blocks if b.type == "row"]
    assert rows[1] == "Jeudi — 9h – 18h30 — nocturne jusqu'à 20h"


def test_a_markdown_table_and_a_spreadsheet_with_season_columns_name_them_too(
    tmp_path: Path,
) -> None:
    md = tmp_path / "horaires.md"
    md.write_text(
        "# Horaires\n\n| Jour | Hiver | Été (juillet-août) |\n|---|---|---|\n"
        "| Samedi | 8h – 16h | 8h – 12h |\n",
        encoding="utf-8",
    )
    csv = tmp_path / "horaires.csv"
    csv.write_text("Jour;Hiver;Été (juillet-août)\nSamedi;8h – 16h;8h – 12h\n", encoding="utf-8")
    for doc, source in ((load_text(md), "horaires.md"), (load_csv(csv), "horaires.csv")):
        assert _hours(extract_facts(doc, source=source)) == {
            (5, False, ((time(8), time(16)),), "hiver"),
            (5, False, ((time(8), time(12)),), "été (juillet-août)"),
        }


def test_a_first_row_naming_seasons_over_hours_is_the_header_a_pdf_kept() -> None:
    doc = Document(title="Horaires")
    header = ["Jour", "Hiver (du 1er octobre au 30 avril)", "Été (du 1er mai au 30 septembre)"]
    doc.table([header, ["Samedi", "8h – 16h", "8h – 13h"]], page=2)
    assert [b.text for b in doc.blocks] == [
        "Samedi — Hiver (du 1er octobre au 30 avril) : 8h – 16h"
        " — Été (du 1er mai au 30 septembre) : 8h – 13h"
    ]
    # Above no hours nor prices, a row naming seasons is data, written as it was.
    doc = Document(title="Nos formules")
    doc.table([["Formule", "Été", "Hiver"], ["Soin", "hydratant", "nourrissant"]])
    assert [b.text for b in doc.blocks] == [
        "Formule — Été — Hiver",
        "Soin — hydratant — nourrissant",
    ]


def _doc(*blocks: tuple[str, str]) -> Document:
    doc = Document(title="Infos pratiques")
    for kind, text in blocks:
        if kind == "h":
            doc.heading(text, 2)
        else:
            doc.text(text)
    return doc


def test_a_seasonal_lead_in_names_the_day_lines_after_it_and_the_heading_its_section() -> None:
    doc = _doc(
        ("h", "Horaires"),
        ("p", "Du mardi au vendredi de 9h à 18h30, le samedi de 8h à 16h."),
        ("p", "Horaires d'été (juillet-août) :"),
        ("p", "Samedi : 8h – 12h"),
        ("p", "Jeudi : 9h – 20h"),
        ("p", "Le reste de l'année, fermeture à 16h le samedi."),
        ("p", "En été, nous fermons à 13 h le samedi ; le vendredi jusqu'à 20h."),
        ("h", "Horaires d'hiver"),
        ("p", "Le samedi de 8h à 16h."),
    )
    assert _hours(extract_facts(doc, source="infos.md")) == {
        (1, False, ((time(9), time(18, 30)),), None),
        (2, False, ((time(9), time(18, 30)),), None),
        (3, False, ((time(9), time(18, 30)),), None),
        (4, False, ((time(9), time(18, 30)),), None),
        (5, False, ((time(8), time(16)),), None),
        (5, False, ((time(8), time(12)),), "été (juillet-août)"),
        (3, False, ((time(9), time(20)),), "été (juillet-août)"),
        (5, False, ((None, time(16)),), None),
        (5, False, ((None, time(13)),), "été"),
        (4, False, ((None, time(20)),), "été"),
        (5, False, ((time(8), time(16)),), "hiver"),
    }


def test_a_seasonal_schedule_with_dates_is_not_a_closure() -> None:
    doc = _doc(
        ("h", "Horaires"),
        ("p", "Du 1er juillet au 31 août, nous fermons à 13h le samedi."),
        ("p", "Du 1er juillet au 31 août, le salon est fermé le lundi."),
        ("p", "Fermé du lundi 9 août au lundi 23 août 2027."),
    )
    closures = [f for f in extract_facts(doc, source="infos.md") if isinstance(f, ClosureFact)]
    assert [(c.start.month, c.start.day, c.end.day) for c in closures] == [(8, 9, 23)]
