"""Integration tier: a season's hours are not contradictions of another season's week.

Salons publish their winter and summer hours side by side (a website table with the
columns « Hiver (octobre-avril) » and « Été (mai-septembre) », the same in a PDF, a
spreadsheet and a Markdown table) or in sentences (« En été (juillet-août), nous fermons à
13 h le samedi », « Horaires d'été : … », « De mai à septembre, nocturne le jeudi »).
`salon.toml` holds one week: the one in force on the day of the reindex. Hours labelled
with a season or months are compared with it only when those months include that day;
otherwise only with the profile's special hours of those months (two or more on that
weekday, with the same hours), and never marked outdated. Unlabelled hours, and the
current season's column, are still checked, in the right document and page.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from ingest.pipeline import ingest_directory
from kb.contradictions import (
    Contradiction,
    find_contradictions,
    for_owner,
    outdated_notes,
    profile_of,
)
from kb.indexer import reindex
from kb.retriever import Retriever
from tests.kb.conftest import CountingEmbedder

WINTER_DAY = date(2027, 1, 15)
SUMMER_DAY = date(2027, 7, 15)

_PROFILE = """\
[salon]
name = "Salon des Tilleuls"
short_name = "Les Tilleuls"
address = "3 place du Marché, 26000 Valence"
phone = "+33475000000"
timezone = "Europe/Paris"

[hours]
monday = []
tuesday = [["09:00", "18:30"]]
wednesday = [["09:00", "18:30"]]
thursday = [["09:00", "18:30"]]
friday = [["09:00", "18:30"]]
saturday = [["08:00", "16:00"]]
sunday = []

[[services]]
id = "coupe-homme"
name = "Coupe homme"
duration = 30
price = 24
"""

# Saturdays of July and August kept as special hours, and one lone holiday opening.
_SUMMER_SATURDAYS = """
[[special_hours]]
date = "2027-07-03"
hours = [["08:00", "12:00"]]
reason = "samedis d'été"

[[special_hours]]
date = "2027-07-10"
hours = [["08:00", "12:00"]]
reason = "samedis d'été"

[[special_hours]]
date = "2027-08-21"
hours = [["08:00", "12:00"]]
reason = "samedis d'été"

[[special_hours]]
date = "2027-07-14"
hours = [["10:00", "12:00"]]
reason = "fête nationale"
"""

WINTER, SUMMER = "Hiver (octobre-avril)", "Été (mai-septembre)"
# (day, winter, summer): the winter column is the profile's week.
_WEEK = (
    ("Lundi", "Fermé", "Fermé"),
    ("Mardi", "9h – 18h30", "sans changement"),
    ("Mercredi", "9h – 18h30", "9h – 18h30"),
    ("Jeudi", "9h – 18h30", "9h – 20h"),
    ("Vendredi", "9h – 18h30", "nocturne jusqu'à 20h"),
    ("Samedi", "8h – 16h", "8h – 13h"),
    ("Dimanche", "Fermé", "9h – 12h"),
)
SITE = "site/2027-01-10/horaires.html"
PDF = "horaires-2027.pdf"

_MARKDOWN = """\
# Infos pratiques

## Horaires

Le salon est ouvert du mardi au vendredi de 9h à 18h30, et le samedi de 8h à 16h.

En été (juillet-août), nous fermons à 13 h le samedi.

Horaires d'été (juillet-août) : du mardi au vendredi de 8h à 14h ; le samedi de 8h à 12h.

Pendant la période estivale, le salon ouvre dès 7h30 le mardi.

De mai à septembre, nocturne le jeudi jusqu'à 21h.

Du 1er juillet au 31 août, le salon est fermé le lundi et nous fermons à 12h le samedi.

Pendant les vacances scolaires, nous sommes ouverts le lundi de 14h à 18h.

En haute saison, fermeture à 20h le vendredi.

Les horaires hivernaux : le samedi de 8h à 16h.

## Horaires d'été

- Mardi : 8h – 14h
- Samedi : 8h – 12h

## En tableau

| Jour | Hiver | Été (juillet-août) |
|---|---|---|
| Samedi | 8h – 16h | 8h – 12h |
"""

_CSV = "Jour;Hiver (novembre-mars);Été (juin-août)\nVendredi;9h – 18h30;9h – 20h\nSamedi;8h – 16h;8h – 12h\n"


def _html(week: tuple[tuple[str, str, str], ...]) -> str:
    rows = "\n".join(
        f'<tr><td>{day}</td><td colspan="2">{w}</td></tr>'
        if w == s
        else f"<tr><td>{day}</td><td>{w}</td><td>{s}</td></tr>"
        for day, w, s in week
    )
    return (
        "<html><head><title>Salon des Tilleuls</title></head><body><main>"
        "<h2>Nos horaires</h2><p>Nos horaires changent avec les saisons.</p>"
        f"<table><thead><tr><th>Jour</th><th>{WINTER}</th><th>{SUMMER}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></main></body></html>"
    )


def _pdf(out: Path, week: tuple[tuple[str, str, str], ...]) -> None:
    rl_config.invariant = 1  # reproducible bytes
    styles = getSampleStyleSheet()
    story = [
        Paragraph("Salon des Tilleuls", styles["Title"]),
        Paragraph("Coupe homme : 24 €.", styles["BodyText"]),
        PageBreak(),
        Paragraph("Nos horaires", styles["Heading2"]),
        Table(
            [["Jour", WINTER, SUMMER], *[list(row) for row in week]],
            style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]),
        ),
    ]
    SimpleDocTemplate(str(out), pagesize=A4, title="Horaires 2027").build(story)


def _salon(
    folder: Path,
    *,
    week: tuple[tuple[str, str, str], ...] = _WEEK,
    pdf_week: tuple[tuple[str, str, str], ...] = _WEEK,
    markdown: str = _MARKDOWN,
    profile_extra: str = "",
) -> Path:
    (folder / "site" / "2027-01-10").mkdir(parents=True)
    (folder / "salon.toml").write_text(_PROFILE + profile_extra, encoding="utf-8")
    (folder / SITE).write_text(_html(week), encoding="utf-8")
    (folder / "infos.md").write_text(markdown, encoding="utf-8")
    (folder / "horaires.csv").write_text(_CSV, encoding="utf-8")
    _pdf(folder / PDF, pdf_week)
    return folder


def _found(folder: Path, today: date) -> list[Contradiction]:
    facts = ingest_directory(folder).facts
    return for_owner(find_contradictions(profile_of(folder), facts, today=today))


def _where(found: list[Contradiction]) -> set[tuple[str, str | None, str, str, int | None]]:
    return {(c.fact, c.profile_value, c.document_value, c.source, c.page) for c in found}


def _changed(day: str, winter: str) -> tuple[tuple[str, str, str], ...]:
    return tuple((d, winter if d == day else w, s) for d, w, s in _WEEK)


def test_in_winter_the_summer_hours_of_every_document_are_no_contradiction(
    tmp_path: Path,
) -> None:
    assert _found(_salon(tmp_path), WINTER_DAY) == []


def test_a_real_contradiction_in_the_current_season_or_with_no_season_is_still_found(
    tmp_path: Path,
) -> None:
    markdown = _MARKDOWN.replace("et le samedi de 8h à 16h.", "et le samedi de 8h à 17h.")
    salon = _salon(
        tmp_path,
        week=_changed("Samedi", "8h – 17h"),
        pdf_week=_changed("Jeudi", "9h – 19h"),
        markdown=markdown.replace(
            "hivernaux : le samedi de 8h à 16h", "hivernaux : le samedi de 8h à 15h"
        ),
    )
    assert _where(_found(salon, WINTER_DAY)) == {
        ("horaires du samedi, hiver (octobre-avril)", "8h–16h", "8h–17h", SITE, None),
        ("horaires du jeudi, hiver (octobre-avril)", "9h–18h30", "9h–19h", PDF, 2),
        ("horaires du samedi", "8h–16h", "8h–17h", "infos.md", None),
        ("horaires du samedi, hiver", "8h–16h", "8h–15h", "infos.md", None),
    }


def test_in_summer_the_profiles_week_is_the_summers_and_the_winter_hours_are_left_alone(
    tmp_path: Path,
) -> None:
    found = _where(_found(_salon(tmp_path), SUMMER_DAY))
    site = {f for f in found if f[3] == SITE}
    assert site == {
        ("horaires du jeudi, été (mai-septembre)", "9h–18h30", "9h–20h", SITE, None),
        ("horaires du vendredi, été (mai-septembre)", "9h–18h30", "jusqu'à 20h", SITE, None),
        ("horaires du samedi, été (mai-septembre)", "8h–16h", "8h–13h", SITE, None),
        ("horaires du dimanche, été (mai-septembre)", "fermé", "9h–12h", SITE, None),
    }
    assert not any("hiver" in f[0] for f in found)
    # Unknown months (school holidays, high season) are never compared with the week.
    assert not any(v in f[0] for f in found for v in ("vacances", "saison"))


def test_a_season_the_profile_keeps_as_special_hours_is_compared_with_them(
    tmp_path: Path,
) -> None:
    salon = _salon(tmp_path, profile_extra=_SUMMER_SATURDAYS)
    found = _where(_found(salon, WINTER_DAY))
    saturdays = "8h–12h les samedis du 3 juillet au 21 août 2027"
    assert found == {
        ("horaires du samedi, été (mai-septembre)", saturdays, "8h–13h", SITE, None),
        ("horaires du samedi, été (mai-septembre)", saturdays, "8h–13h", PDF, 2),
        ("horaires du samedi, été (juillet-août)", saturdays, "jusqu'à 13h", "infos.md", None),
    }


def test_the_other_seasons_passages_are_not_marked_outdated_for_the_receptionist(
    tmp_path: Path,
) -> None:
    salon = _salon(tmp_path / "sources")
    result = ingest_directory(salon)
    found = find_contradictions(profile_of(salon), result.facts, today=WINTER_DAY)
    assert outdated_notes(found, result.chunks) == {}

    db = tmp_path / "kb"
    embedder = CountingEmbedder()
    reindex(sources=salon, db_dir=db, embedder=embedder, today=WINTER_DAY)
    passages = (
        Retriever.open(db, embedder=embedder).search("horaires d'été le samedi", k=100).passages
    )
    assert passages and all(p.outdated == "" for p in passages)


def test_a_planted_winter_value_marks_only_its_passage_outdated(tmp_path: Path) -> None:
    salon = _salon(tmp_path / "sources", week=_changed("Samedi", "8h – 17h"))
    db = tmp_path / "kb"
    embedder = CountingEmbedder()
    done = reindex(sources=salon, db_dir=db, embedder=embedder, today=WINTER_DAY)
    assert [(c.source, c.document_value) for c in done.contradictions] == [(SITE, "8h–17h")]
    passages = (
        Retriever.open(db, embedder=embedder).search("horaires d'hiver samedi", k=100).passages
    )
    marked = [p for p in passages if p.outdated]
    assert [p.source for p in marked] == [SITE]
    assert "8h–16h" in marked[0].outdated and "Été (mai-septembre) : 8h – 13h" in marked[0].text
