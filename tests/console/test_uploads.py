"""Integration tier (Flask test client): documents uploaded from the console, and every
attack on the upload: names that climb out of the folder, content that does not match
the name (a PDF renamed .md), an oversized file, a zip bomb .docx. Each is refused with
a French message and leaves nothing behind; nothing is ever written outside `sources/`."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.console.conftest import AppFactory, Salon, console_of, csrf, sign_in
from tests.fixtures.bad_inputs import docx, encrypted_pdf, text_pdf
from webhook.console.uploads import UploadRefused, safe_name, sniff


@pytest.fixture
def reindexes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []
    job = console_of(app).reindex
    monkeypatch.setattr(job, "start", lambda *, reason: (asked.append(reason), (None, True))[1])
    return asked


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def upload(client: FlaskClient, name: str, content: bytes) -> tuple[int, str]:
    """Upload through the Documents form; (status, the page shown after)."""
    page = client.get("/admin/documents").get_data(as_text=True)
    answer = client.post(
        "/admin/documents/envoyer",
        data={"csrf_token": csrf(page), "fichier": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    if answer.status_code != 303:
        return answer.status_code, answer.get_data(as_text=True)
    return 303, client.get(answer.headers["Location"]).get_data(as_text=True)


def _pdf(tmp_path: Path, text: str = "Forfait mariage : essai offert le mardi") -> bytes:
    return text_pdf(tmp_path / "x.pdf", [text]).read_bytes()


def _docx(tmp_path: Path) -> bytes:
    return docx(
        tmp_path / "x.docx", "<w:p><w:r><w:t>Parking gratuit.</w:t></w:r></w:p>"
    ).read_bytes()


def zip_bomb_docx(path: Path, *, inflated: int) -> Path:
    """A Word document whose document.xml inflates from a few KB to `inflated` bytes."""
    docx(path, "<w:p><w:r><w:t>x</w:t></w:r></w:p>")
    with zipfile.ZipFile(path) as original:
        parts = {n: original.read(n) for n in original.namelist() if n != "word/document.xml"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"<w:p/>" * 100_000
            for _ in range(inflated // len(chunk)):
                member.write(chunk)
    return path


def test_a_pdf_a_word_file_a_workbook_a_csv_and_markdown_are_accepted(
    owner: FlaskClient, salon: Salon, tmp_path: Path, reindexes: list[str]
) -> None:
    workbook = (salon.sources / "produits-et-tarifs.xlsx").read_bytes()
    files = {
        "Tarifs Mariage 2027.PDF": (_pdf(tmp_path), "Tarifs Mariage 2027.pdf"),
        "acces.docx": (_docx(tmp_path), "acces.docx"),
        "produits.xlsx": (workbook, "produits.xlsx"),
        "horaires.csv": ("jour;heures\nmardi;9h30-19h\n".encode("cp1252"), "horaires.csv"),
        "faq.md": (b"# FAQ\n\nParking : oui, gratuit.\n", "faq.md"),
    }
    for sent, (content, kept) in files.items():
        status, page = upload(owner, sent, content)
        assert status == 303 and f"« {kept} » ajouté" in page, sent
        assert (salon.sources / kept).read_bytes() == content
    assert len(reindexes) == 5
    listing = owner.get("/admin/documents").get_data(as_text=True)
    assert "Tarifs Mariage 2027.pdf" in listing and "pas encore indexé" in listing


def test_the_same_name_replaces_the_earlier_file(
    owner: FlaskClient, salon: Salon, tmp_path: Path, reindexes: list[str]
) -> None:
    upload(owner, "faq.md", b"# FAQ\n\nPremier texte.\n")
    status, page = upload(owner, "faq.md", b"# FAQ\n\nSecond texte.\n")
    assert status == 303 and "« faq.md » remplacé" in page
    assert (salon.sources / "faq.md").read_bytes() == b"# FAQ\n\nSecond texte.\n"


def test_a_truncated_pdf_is_refused_and_the_good_document_in_place_is_kept(
    owner: FlaskClient, salon: Salon, tmp_path: Path, reindexes: list[str]
) -> None:
    """The upload is read the way the reindex reads it before it replaces anything: a
    PDF cut short in transfer would have left the salon without its price list."""
    good = _pdf(tmp_path, "Coupe homme 28 euros, brushing 25 euros")
    status, page = upload(owner, "tarifs-2027.pdf", good)
    assert status == 303 and "« tarifs-2027.pdf » ajouté" in page
    before = _tree(salon.sources)
    status, page = upload(owner, "tarifs-2027.pdf", good[: len(good) // 2])
    assert status == 303
    assert "Ce PDF est abîmé ou illisible" in page, page
    assert "Le document en place n&#39;a pas été remplacé." in page
    assert _tree(salon.sources) == before and reindexes == ["envoi de tarifs-2027.pdf"]


@pytest.mark.parametrize(
    ("sent", "content", "what"),
    [
        ("protege.pdf", "locked", "PDF protégé par un mot de passe"),
        ("acces.docx", "broken-docx", "Ce document Word est abîmé ou illisible"),
    ],
)
def test_a_document_the_reindex_cannot_read_is_not_added(
    owner: FlaskClient,
    salon: Salon,
    tmp_path: Path,
    sent: str,
    content: str,
    what: str,
    reindexes: list[str],
) -> None:
    if content == "locked":
        data = encrypted_pdf(tmp_path / "locked.pdf").read_bytes()
    else:  # a Word file whose text part is not XML
        data = docx(tmp_path / "x.docx", "<w:p>").read_bytes()
    before = _tree(salon.sources)
    status, page = upload(owner, sent, data)
    assert status == 303 and what in page, page
    assert "Il n&#39;a pas été ajouté aux documents." in page
    assert _tree(salon.sources) == before and reindexes == []


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../../../etc/evil.md", "evil.md"),
        ("....//....//evil.md", "evil.md"),
        ("/tmp/absolu.md", "absolu.md"),
        ("sous/dossier/../../x.md", "x.md"),
        (".cache.md", "cache.md"),
        ("..md", "document.md"),
        ("a\x00b\x1b[31m\u202eevil.md", "ab-31mevil.md"),
        ("tarifs<script>.md", "tarifs-script.md"),
        ("x" * 300 + ".md", "x" * 80 + ".md"),
    ],
)
def test_names_are_reduced_to_a_safe_base_name_inside_sources(
    owner: FlaskClient, salon: Salon, tmp_path: Path, sent: str, kept: str, reindexes: list[str]
) -> None:
    before = {p.name for p in tmp_path.iterdir()}
    status, page = upload(owner, sent, b"# Titre\n\nDu texte.\n")
    assert status == 303, page
    assert (salon.sources / kept).read_bytes() == b"# Titre\n\nDu texte.\n"
    assert {p.name for p in tmp_path.iterdir()} == before  # nothing new beside sources/
    assert not any(p.name.startswith(".upload-") for p in salon.sources.iterdir())


@pytest.mark.parametrize(
    "sent",
    ["salon.toml", "script.sh", "photo.jpg", "archive.zip", "sans-extension", "tarifs.pdf.exe"],
)
def test_other_types_are_refused_by_name(
    owner: FlaskClient, salon: Salon, sent: str, reindexes: list[str]
) -> None:
    before = _tree(salon.sources)
    status, page = upload(owner, sent, b"%PDF-1.4 whatever")
    assert status == 303 and ("n&#39;est pas accepté" in page or "réservé" in page)
    assert _tree(salon.sources) == before and reindexes == []


def test_a_pdf_renamed_md_is_refused_in_french(
    owner: FlaskClient, salon: Salon, tmp_path: Path, reindexes: list[str]
) -> None:
    before = _tree(salon.sources)
    status, page = upload(owner, "faq.md", _pdf(tmp_path))
    assert status == 303
    assert "ne correspond pas à son nom" in page and "c&#39;est un PDF" in page
    assert _tree(salon.sources) == before and reindexes == []


@pytest.mark.parametrize(
    ("sent", "content", "what"),
    [
        ("tarifs.pdf", b"PK\x03\x04not really a zip", "archive compressée"),
        ("tarifs.pdf", b"# juste du texte\n", "fichier texte"),
        ("acces.docx", b"%PDF-1.7\n...", "un PDF"),
        ("produits.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "ancien fichier Office"),
        ("prix.csv", b"\x7fELF\x02\x01\x01", "un programme"),
        ("prix.csv", b"j\x00o\x00u\x00r\x00", "fichier binaire"),
        ("faq.md", b"", "vide"),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(
    owner: FlaskClient, salon: Salon, sent: str, content: bytes, what: str, reindexes: list[str]
) -> None:
    before = _tree(salon.sources)
    status, page = upload(owner, sent, content)
    assert status == 303 and what in page, page
    assert _tree(salon.sources) == before


def test_a_word_file_that_is_really_a_workbook_is_refused(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    status, page = upload(
        owner, "acces.docx", (salon.sources / "produits-et-tarifs.xlsx").read_bytes()
    )
    assert (
        status == 303 and "classeur Excel" in page and not (salon.sources / "acces.docx").exists()
    )


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated(
    owner: FlaskClient, salon: Salon, tmp_path: Path, reindexes: list[str]
) -> None:
    bomb = zip_bomb_docx(tmp_path / "bomb.docx", inflated=300 * 1024 * 1024).read_bytes()
    assert len(bomb) < 2 * 1024 * 1024  # 300 MB once inflated
    before = _tree(salon.sources)
    status, page = upload(owner, "acces.docx", bomb)
    assert status == 303 and "bombe de décompression" in page
    assert _tree(salon.sources) == before and reindexes == []


def test_an_oversized_file_is_refused_with_the_limit_in_french(
    make_console: AppFactory, salon: Salon
) -> None:
    app = make_console(console_max_upload_mb=1)
    client = app.test_client()
    sign_in(client)
    before = _tree(salon.sources)
    big = b"# Gros\n\n" + b"texte " * 200_000  # 1.2 MB: within the body limit, over the file's
    status, page = upload(client, "gros.md", big)
    assert status == 303 and "dépasse la taille permise (1 Mo)" in page
    huge = b"# Enorme\n\n" + b"texte " * 400_000  # 2.4 MB: over the route's body limit
    status, page = upload(client, "enorme.md", huge)
    assert status == 413 and "dépasse la taille permise (1 Mo)" in page
    assert _tree(salon.sources) == before
    assert not any(p.name.startswith(".upload-") for p in salon.sources.iterdir())


def test_a_form_without_a_file_asks_for_one(owner: FlaskClient, reindexes: list[str]) -> None:
    page = owner.get("/admin/documents").get_data(as_text=True)
    answer = owner.post("/admin/documents/envoyer", data={"csrf_token": csrf(page)})
    assert "Choisissez un fichier" in owner.get(answer.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../salon.toml", "Nom de fichier refusé"),
        ("salon.toml", "ne se supprime pas"),
        ("site/2026-11-25/index.html", "Nom de fichier refusé"),
        (".hidden", "Nom de fichier refusé"),
        ("absent.pdf", "existe pas"),
        ("", "Nom de fichier refusé"),
    ],
)
def test_only_a_document_of_the_folder_itself_can_be_deleted(
    owner: FlaskClient, salon: Salon, name: str, message: str, reindexes: list[str]
) -> None:
    before = _tree(salon.sources)
    page = owner.get("/admin/documents").get_data(as_text=True)
    answer = owner.post("/admin/documents/supprimer", data={"csrf_token": csrf(page), "nom": name})
    assert message.replace("'", "&#39;") in owner.get(answer.headers["Location"]).get_data(
        as_text=True
    )
    assert _tree(salon.sources) == before and reindexes == []


def test_deleting_a_document_removes_it_and_reindexes(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    listing = owner.get("/admin/documents").get_data(as_text=True)
    assert "supprimer?nom=tarifs-prestations.csv" in listing and "nom=salon.toml" not in listing
    page = owner.get("/admin/documents/supprimer?nom=tarifs-prestations.csv").get_data(as_text=True)
    assert "Oui, supprimer ce document" in page  # a mis-tap on a phone deletes nothing
    assert (salon.sources / "tarifs-prestations.csv").exists()
    answer = owner.post("/admin/documents/supprimer",
                        data={"csrf_token": csrf(page), "nom": "tarifs-prestations.csv"})  # fmt: skip
    assert answer.status_code == 303 and answer.headers["Location"].endswith(
        "/documents/indexation"
    )
    assert not (salon.sources / "tarifs-prestations.csv").exists()
    assert reindexes == ["suppression de tarifs-prestations.csv"]


def test_a_symlink_in_place_of_a_document_is_replaced_not_followed(
    owner: FlaskClient, salon: Salon, tmp_path: Path, reindexes: list[str]
) -> None:
    target = tmp_path / "elsewhere.md"
    target.write_bytes(b"# ailleurs\n\nne pas toucher\n")
    os.symlink(target, salon.sources / "faq.md")
    status, _page = upload(owner, "faq.md", b"# FAQ\n\nNouveau.\n")
    assert status == 303
    assert target.read_bytes() == b"# ailleurs\n\nne pas toucher\n"
    assert not (salon.sources / "faq.md").is_symlink()


def test_safe_names_and_sniffing_as_units(tmp_path: Path) -> None:
    assert safe_name("C:\\Users\\margaux\\Tarifs été.PDF") == "Tarifs été.pdf"
    with pytest.raises(UploadRefused):
        safe_name("salon.TOML")
    with pytest.raises(UploadRefused):
        safe_name("SALON.toml.md".replace(".md", ""))
    pdf = tmp_path / "p"
    pdf.write_bytes(b"\r\n%PDF-1.5 junk before the header is allowed")
    assert sniff(pdf) == "pdf"
    compressed = tmp_path / "z"
    compressed.write_bytes(zlib.compress(b"x"))
    assert sniff(compressed) in ("text", "binary")
