"""Integration tier (files only): whole folders — the sample salon and a folder of bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.model import IngestResult
from ingest.pipeline import discover, ingest_directory
from salon.profile import load_profile
from tests.fixtures import bad_inputs
from tests.fixtures.isolation import FIXTURE_SALON

SOURCES = FIXTURE_SALON


@pytest.fixture(scope="module")
def sample() -> IngestResult:
    return ingest_directory(SOURCES)


def test_the_sample_folder_ingests_every_document_without_errors(sample: IngestResult) -> None:
    by_path = {r.path: r for r in sample.reports}
    for expected in (
        "salon.toml",
        "tarifs-maison-margaux-2026.pdf",
        "faq-et-conditions.md",
        "produits-et-tarifs.xlsx",
        "tarifs-prestations.csv",
        "site/2026-11-25/prestations.html",
        "site/2026-11-25/infos-pratiques/acces.html",
    ):
        assert by_path[expected].status == "ok", by_path[expected]
        assert by_path[expected].chunks > 0
    assert not [r for r in sample.reports if r.status == "error"]
    assert len(sample.chunks) >= 60
    assert len({c.id for c in sample.chunks}) == len(sample.chunks)
    assert all(len(c.text) <= 800 for c in sample.chunks)
    assert {"price", "hours", "policy", "faq", "other"} <= {c.kind for c in sample.chunks}


def test_only_the_newest_website_snapshot_is_indexed(sample: IngestResult) -> None:
    old = next(r for r in sample.reports if r.path == "site/2026-06-02/")
    assert old.status == "skipped" and "older website snapshot" in (old.error or "")
    assert not any(c.source.startswith("site/2026-06-02") for c in sample.chunks)
    assert not any("105 €" in c.text for c in sample.chunks)
    assert not any(c.source.endswith("manifest.json") for c in sample.chunks)


def test_salon_toml_facts_are_indexed_in_words(sample: IngestResult) -> None:
    facts = [c for c in sample.chunks if c.source == "salon.toml"]
    hours = next(c for c in facts if c.section == "Horaires d'ouverture")
    assert hours.kind == "hours"
    assert "Le jeudi : ouvert de 9h30 à 20h30." in hours.text
    assert "fermé le lundi et le dimanche" in hours.text
    closures = next(c for c in facts if c.section.startswith("Fermetures"))
    assert "Fermé du lundi 9 août 2027 au lundi 23 août 2027 (congés d'été)." in closures.text
    assert "Le lundi 21 décembre 2026 : ouvert de 10h à 18h" in closures.text
    profile = load_profile(SOURCES / "salon.toml")
    rows = "\n".join(c.text for c in facts if c.kind == "price")
    assert len([s for s in profile.services if f"{s.name} — " in rows]) == len(profile.services)
    assert any("Yanis Benali, coiffeur barbier" in c.text for c in facts)
    assert any("18 rue de la Charité" in c.text and "04 78 42 18 90" in c.text for c in facts)


def test_a_folder_of_bad_input_reports_each_file_and_ingests_the_rest(tmp_path: Path) -> None:
    (tmp_path / "bon.md").write_text("# Accès\n\nMétro A, station Ampère.\n", encoding="utf-8")
    bad_inputs.encrypted_pdf(tmp_path / "chiffre.pdf")
    bad_inputs.corrupt_pdf(tmp_path / "abime.pdf")
    bad_inputs.scanned_pdf(tmp_path / "scan.pdf", pages=1)
    (tmp_path / "vide.txt").write_bytes(b"")
    (tmp_path / "ancien.txt").write_bytes("Fermé le lundi, ouvert à 9h.".encode("cp1252"))
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "tarifs.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "notes.xyz").write_text("?", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.md").write_text("# caché\n\ntexte", encoding="utf-8")
    (tmp_path / "site" / "2026-01-01").mkdir(parents=True)
    (tmp_path / "site" / "2026-01-01" / "index.html").write_text(
        "<html><body><script>app()</script></body></html>", encoding="utf-8"
    )

    result = ingest_directory(tmp_path)
    reasons = {r.path: (r.status, r.error or "; ".join(r.warnings)) for r in result.reports}
    assert reasons["bon.md"][0] == "ok"
    assert reasons["chiffre.pdf"] == ("error", "encrypted PDF: a password is needed to read it")
    assert reasons["abime.pdf"][0] == "error"
    assert reasons["scan.pdf"][0] == "error" and "OCR" in reasons["scan.pdf"][1]
    assert reasons["vide.txt"] == ("skipped", "empty file")
    assert reasons["ancien.txt"][0] == "warning" and "UTF-8" in reasons["ancien.txt"][1]
    assert reasons["photo.jpg"] == ("skipped", "images are not read (no OCR)")
    assert "save it as .docx or PDF" in reasons["tarifs.doc"][1]
    assert reasons["notes.xyz"] == ("skipped", "unsupported file type (.xyz)")
    assert reasons["site/2026-01-01/index.html"][0] == "error"
    assert not any(".DS_Store" in p or ".cache" in p for p in reasons)
    sources = {c.source for c in result.chunks}
    assert sources == {"bon.md", "ancien.txt"}


def test_a_folder_without_salon_toml_is_fine_and_an_invalid_one_is_reported(
    tmp_path: Path,
) -> None:
    shutil.copy(SOURCES / "faq-et-conditions.md", tmp_path / "faq.md")
    result = ingest_directory(tmp_path)
    assert [r.status for r in result.reports] == ["ok"]
    (tmp_path / "salon.toml").write_text("[salon]\n", encoding="utf-8")
    result = ingest_directory(tmp_path)
    bad = next(r for r in result.reports if r.path == "salon.toml")
    assert bad.status == "error" and "invalid salon profile" in (bad.error or "")
    assert any(c.source == "faq.md" for c in result.chunks)
    (tmp_path / "salon.toml").write_text("[salon\nname = ", encoding="utf-8")
    bad = next(r for r in ingest_directory(tmp_path).reports if r.path == "salon.toml")
    assert bad.status == "error"
    assert (bad.error or "").startswith(
        "invalid salon profile: ligne 1, colonne 7 : crochet fermant ] manquant"
    )


def test_discover_counts_files_first_and_progress_is_reported_per_file(tmp_path: Path) -> None:
    for name in ("a.md", "b.txt", "c.csv"):
        (tmp_path / name).write_text("Titre\n\nDu texte ici.\n", encoding="utf-8")
    found = discover(tmp_path)
    assert [p.name for p in found.files] == ["a.md", "b.txt", "c.csv"]
    seen: list[tuple[int, int, str]] = []
    ingest_directory(
        tmp_path, on_file=lambda done, total, rep: seen.append((done, total, rep.path))
    )
    assert seen == [(1, 3, "a.md"), (2, 3, "b.txt"), (3, 3, "c.csv")]


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError, match="not a folder"):
        ingest_directory(tmp_path / "nope")


def test_a_block_repeated_on_every_page_is_kept_once_and_counts_follow(tmp_path: Path) -> None:
    cta = "<section><h2>Réserver</h2><p>Réservez en ligne 24 heures sur 24 ou au 04 78 42 18 90.</p></section>"
    for name, body in (("a.html", "Coupe homme : 28 €."), ("b.html", "Brushing : 29 €.")):
        (tmp_path / name).write_text(
            f"<html><body><main><h1>{name}</h1><p>{body}</p>{cta}</main></body></html>",
            encoding="utf-8",
        )
    result = ingest_directory(tmp_path)
    assert sum("Réservez en ligne" in c.text for c in result.chunks) == 1
    assert {r.path: r.chunks for r in result.reports} == {"a.html": 1, "b.html": 1}
    only_b = next(c for c in result.chunks if c.source == "b.html")
    assert only_b.text == "Brushing : 29 €."
    assert len({c.id for c in result.chunks}) == len(result.chunks)


def test_a_price_table_published_twice_is_indexed_once_and_whole(tmp_path: Path) -> None:
    rows = "".join(
        f"<tr><td>{name}</td><td>{price} €</td></tr>"
        for name, price in (("Coupe et brushing femme, cheveux longs", 64), ("Frange", 12))
    )
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text(
            f"<html><body><main><h1>Tarifs</h1><table>{rows}</table></main></body></html>",
            encoding="utf-8",
        )
    result = ingest_directory(tmp_path)
    assert [(c.source, c.text) for c in result.chunks] == [
        ("a.html", "Coupe et brushing femme, cheveux longs — 64 €\nFrange — 12 €")
    ]


def test_progress_counts_what_each_file_adds_as_the_final_report_does(tmp_path: Path) -> None:
    """`scripts/reindex` printed « lu 2/2 : b.html (2 passages) » and then 1 in its table:
    the repeats were dropped after the progress line. The count is now the final one, and
    the repeats are counted apart."""
    rows = "".join(
        f"<tr><td>{name}</td><td>{price} €</td></tr>"
        for name, price in (("Coupe et brushing femme, cheveux longs", 64), ("Frange", 12))
    )
    own = "<h2>Soins</h2><p>Un soin profond à la kératine, pour des cheveux abîmés.</p>"
    for name, extra in (("a.html", ""), ("b.html", own)):
        (tmp_path / name).write_text(
            f"<html><body><main><h1>Tarifs</h1><table>{rows}</table>{extra}</main></body></html>",
            encoding="utf-8",
        )
    seen: list[tuple[str, int, int]] = []
    result = ingest_directory(
        tmp_path, on_file=lambda _d, _t, rep: seen.append((rep.path, rep.chunks, rep.repeated))
    )
    final = [(r.path, r.chunks, r.repeated) for r in result.reports]
    assert seen == final == [("a.html", 1, 0), ("b.html", 1, 1)]
    assert sum(r.chunks for r in result.reports) == len(result.chunks) == 2


PROFILE_WITH_EXTRAS = """
[salon]
name = "Salon Test"
address = "1 rue X, 75001 Paris"
phone = "+33100000000"
timezone = "Europe/Paris"
wifi = "réseau Invités, mot de passe à l'accueil"

[hours]
tuesday = [["09:00", "18:00"]]
saturday = [["09:00", "12:00"]]

[[services]]
id = "coupe"
name = "Coupe"
duration = 30
price = 20

[policies]
annulation = "Annulation gratuite jusqu'à 24 heures avant."
"""


def test_facts_salon_toml_does_not_model_are_still_indexed(tmp_path: Path) -> None:
    (tmp_path / "salon.toml").write_text(PROFILE_WITH_EXTRAS, encoding="utf-8")
    result = ingest_directory(tmp_path)
    assert result.reports[0].status == "ok"
    text = "\n".join(c.text for c in result.chunks)
    assert "Wifi : réseau Invités, mot de passe à l'accueil." in text
    assert "Annulation : Annulation gratuite jusqu'à 24 heures avant." in text
    assert "Le salon est fermé le lundi, le mercredi, le jeudi, le vendredi et le dimanche." in text


def test_an_invalid_profile_is_not_indexed_as_loose_english_key_values(tmp_path: Path) -> None:
    # read as « Address : 1 rue X » lines, it hid the salon's facts behind field names
    broken = PROFILE_WITH_EXTRAS.replace('timezone = "Europe/Paris"', 'timezone = "Lune/Base"')
    (tmp_path / "salon.toml").write_text(broken, encoding="utf-8")
    result = ingest_directory(tmp_path)
    report = result.reports[0]
    assert report.status == "error" and result.chunks == []
    assert report.error == (
        'invalid salon profile: salon.timezone : fuseau horaire inconnu "Lune/Base" : '
        'écrivez par exemple "Europe/Paris"'
    )  # the report names the file already: not its path again
