"""Integration tier: the Documents page and the console's reindex — the real
`scripts/reindex` run in a child process, its progress, and its per-document report in
French — on a small salon (its profile and one uploaded PDF)."""

from __future__ import annotations

import html
import io
import re
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from kb.indexer import reindex
from kb.report_fr import document_lines, progress_fr, reason_fr
from tests.console.conftest import Salon, console_of, csrf
from tests.fixtures.bad_inputs import encrypted_pdf, text_pdf


def _small(salon: Salon) -> None:
    """Keep only salon.toml: a reindex then takes seconds."""
    for path in sorted(salon.sources.rglob("*"), reverse=True):
        if path.is_file() and path.name != "salon.toml":
            path.unlink()
        elif path.is_dir():
            path.rmdir()


def test_upload_a_pdf_and_see_it_indexed_with_the_report_in_french(
    owner: FlaskClient, app: Flask, salon: Salon, tmp_path: Path
) -> None:
    _small(salon)
    before = owner.get("/admin/documents").get_data(as_text=True)
    assert "Aucun index" in before and "pas encore indexé" in before
    pdf = text_pdf(
        tmp_path / "x.pdf", ["Forfait mariage : essai offert le mardi.\nSur rendez-vous."]
    )
    # a locked PDF is refused at upload (the reindex could not read it); one put in the
    # folder by hand is reported by the reindex
    encrypted_pdf(salon.sources / "protege.pdf")
    page = owner.get("/admin/documents").get_data(as_text=True)
    sent = owner.post("/admin/documents/envoyer", content_type="multipart/form-data",
                      data={"csrf_token": csrf(page), "fichier": (io.BytesIO(pdf.read_bytes()), "mariage.pdf")})  # fmt: skip
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/documents/indexation")
    progress = owner.get("/admin/documents/indexation").get_data(as_text=True)
    assert "Réindexation" in progress
    run = console_of(app).reindex.wait(300)
    assert run is not None and not run.running and run.succeeded, run and run.error
    report = owner.get("/admin/documents/indexation").get_data(as_text=True)
    assert "Terminée" in report and "Index en service" in report
    assert "mariage.pdf" in report and "indexé" in report
    assert "PDF protégé par un mot de passe" in report and "non lu" in report
    listing = owner.get("/admin/documents").get_data(as_text=True)
    assert "Aucun index" not in listing and "pas encore indexé" not in listing
    assert "mariage.pdf" in listing and "1 passage" in listing
    state = owner.get("/admin/documents/indexation.json").get_json()
    assert state["running"] is False and state["succeeded"] is True
    assert any("en service" in line or "rien n" in line for line in state["progress"]), state
    # the file changes: the page says so until the next reindex
    time.sleep(0.01)
    (salon.sources / "mariage.pdf").write_bytes(
        text_pdf(tmp_path / "y.pdf", ["Autre texte."]).read_bytes()
    )
    assert "modifié depuis la dernière indexation" in owner.get("/admin/documents").get_data(
        as_text=True
    )


def test_an_older_website_snapshots_files_show_it_was_left_out_and_why(
    owner: FlaskClient, salon: Salon
) -> None:
    """The reindex reports an older snapshot once, for its folder; each of its files on
    the page says « ignoré » with that reason, not « indexé »."""
    _small(salon)
    for day, text in (("2026-06-02", "Coupe femme 40 €"), ("2026-11-25", "Coupe femme 45 €")):
        folder = salon.sources / "site" / day
        folder.mkdir(parents=True)
        (folder / "tarifs.html").write_text(
            f"<html><body><h1>Tarifs</h1><p>{text}</p></body></html>", encoding="utf-8"
        )
    reindex(sources=salon.sources, db_dir=salon.kb_db)
    page = owner.get("/admin/documents").get_data(as_text=True)
    old = page[page.index("site/2026-06-02/tarifs.html") :]
    old = old[: old.index("site/2026-11-25/tarifs.html")]
    assert "<strong>ignoré</strong>" in old and "ancienne copie du site" in old
    assert "<strong>indexé</strong>" not in old
    new = page[page.index("site/2026-11-25/tarifs.html") :]
    assert "<strong>indexé</strong>" in new[:300] and "1 passage" in new[:300]


def test_a_document_broken_since_it_was_indexed_says_its_old_version_is_kept(
    owner: FlaskClient, salon: Salon, tmp_path: Path
) -> None:
    _small(salon)
    pdf = salon.sources / "mariage.pdf"
    text_pdf(pdf, ["Forfait mariage : essai offert le mardi.\nSur rendez-vous."])
    reindex(sources=salon.sources, db_dir=salon.kb_db)
    pdf.write_bytes(pdf.read_bytes()[:300])  # a truncated copy replaces the good one
    reindex(sources=salon.sources, db_dir=salon.kb_db)
    page = html.unescape(owner.get("/admin/documents").get_data(as_text=True))
    row = page[page.index("mariage.pdf") :][:1500]
    assert "<strong>non lu, ancienne version gardée</strong>" in row, row
    assert "reste servie" in row


def test_a_website_snapshots_list_of_pages_shows_it_is_not_a_document(
    owner: FlaskClient, salon: Salon
) -> None:
    """`scripts/crawl` keeps each snapshot's pages in `manifest.json`, which ingestion
    skips: the page says « ignoré » and why, not « indexé » with no passage."""
    _small(salon)
    folder = salon.sources / "site" / "2026-11-25"
    folder.mkdir(parents=True)
    (folder / "tarifs.html").write_text(
        "<html><body><h1>Tarifs</h1><p>Coupe femme 45 €</p></body></html>", encoding="utf-8"
    )
    (folder / "manifest.json").write_text('{"pages": {}}', encoding="utf-8")
    reindex(sources=salon.sources, db_dir=salon.kb_db)
    page = owner.get("/admin/documents").get_data(as_text=True)
    row = page[page.index("site/2026-11-25/manifest.json") :]
    row = row[: row.index("site/2026-11-25/tarifs.html")]
    assert "<strong>ignoré</strong>" in row and "pas un document" in row
    assert "<strong>indexé</strong>" not in row


def test_the_reindex_result_reads_in_french_numbers(
    owner: FlaskClient, app: Flask, salon: Salon
) -> None:
    """« en 1,4 s », « 1 calculé, 28 repris »: a decimal comma and French agreement, as
    `scripts/reindex` prints the same line."""
    _small(salon)
    page = owner.get("/admin/documents").get_data(as_text=True)
    owner.post("/admin/documents/reindexer", data={"csrf_token": csrf(page)})
    first = console_of(app).reindex.wait(300)
    assert first is not None and first.succeeded and first.report, first and first.error
    chunks = int(first.report["chunks"])
    assert chunks >= 2
    (salon.sources / "parking.md").write_text(
        "# Parking\n\nLe parking de la place est gratuit le midi.\n", encoding="utf-8"
    )
    owner.post("/admin/documents/reindexer", data={"csrf_token": csrf(page)})
    second = console_of(app).reindex.wait(300)
    assert second is not None and second.succeeded and second.report, second and second.error
    assert second.report["embedded"] == 1 and second.report["reused"] == chunks
    shown = owner.get("/admin/documents/indexation").get_data(as_text=True)
    line = shown[shown.index("Index en service") :].split("</p>", 1)[0]
    assert re.search(
        rf"^Index en service : {chunks + 1} passages de 2 documents "
        rf"\(1 calculé, {chunks} repris\) en \d+,\d s\.$",
        line,
    ), line
    assert "1 passage" in shown and "passage(s)" not in shown


def test_a_reindex_asked_for_while_one_runs_runs_again_after_it(
    owner: FlaskClient, app: Flask, salon: Salon
) -> None:
    _small(salon)
    page = owner.get("/admin/documents").get_data(as_text=True)
    owner.post("/admin/documents/reindexer", data={"csrf_token": csrf(page)})
    second = owner.post("/admin/documents/reindexer", data={"csrf_token": csrf(page)})
    shown = owner.get(second.headers["Location"]).get_data(as_text=True)
    assert "déjà en cours" in shown
    run = console_of(app).reindex.wait(300)
    assert run is not None and run.number == 2 and run.succeeded


def test_a_failed_reindex_says_why_and_the_previous_index_keeps_serving(
    owner: FlaskClient, app: Flask, salon: Salon
) -> None:
    _small(salon)
    reindex(sources=salon.sources, db_dir=salon.kb_db)
    (salon.sources / "salon.toml").write_text("", encoding="utf-8")  # no [salon] table
    page = owner.get("/admin/documents").get_data(as_text=True)
    owner.post("/admin/documents/reindexer", data={"csrf_token": csrf(page)})
    run = console_of(app).reindex.wait(300)
    assert run is not None and not run.succeeded and run.error
    shown = html.unescape(owner.get("/admin/documents/indexation").get_data(as_text=True))
    assert "Échec" in shown and "L'index précédent reste en service (version du" in shown
    assert "corrigez salon.toml" in shown


def test_a_failed_first_reindex_says_no_index_serves_yet(
    owner: FlaskClient, app: Flask, salon: Salon
) -> None:
    _small(salon)
    (salon.sources / "salon.toml").unlink()
    (salon.sources / "faq.md").write_text("", encoding="utf-8")  # nothing usable at all
    page = owner.get("/admin/documents").get_data(as_text=True)
    owner.post("/admin/documents/reindexer", data={"csrf_token": csrf(page)})
    run = console_of(app).reindex.wait(300)
    assert run is not None and not run.succeeded and run.error
    shown = html.unescape(owner.get("/admin/documents/indexation").get_data(as_text=True))
    assert "aucun texte utilisable" in shown and "fichier vide" in shown
    assert "Aucun index n'est encore en service" in shown
    assert "L'index précédent reste en service" not in shown


def test_the_report_reasons_read_in_french() -> None:
    assert reason_fr("encrypted PDF: a password is needed to read it").startswith("PDF protégé")
    assert reason_fr("not valid UTF-8: decoded as cp1252") == (
        "texte non enregistré en UTF-8, lu comme cp1252 : vérifiez les accents."
    )
    assert "bombe de décompression" in reason_fr(
        "part word/document.xml inflates 900 times (1 MB → 900 MB, limit 100:1): refused "
        "before reading it (possible zip bomb)"
    )
    assert reason_fr("unsupported file type (.xyz)") == "type de fichier non pris en charge (.xyz)."
    assert reason_fr("something new") == "something new"  # unknown: shown, never lost
    lines = document_lines([{"path": "b.pdf", "status": "error", "error": "empty PDF: no pages"},
                            {"path": "a.md", "status": "ok", "chunks": 3}])  # fmt: skip
    assert [(d.path, d.status_fr) for d in lines] == [("a.md", "indexé"), ("b.pdf", "non lu")]
    assert progress_fr("embedded 32/64") == "passages calculés : 32/64"
    assert progress_fr("read 2/5 tarifs.pdf (7 chunks)") == "lu 2/5 : tarifs.pdf (7 passages)"
