"""Documents uploaded from the console: checked by content, named safely, saved in the
sources folder and nowhere else.

- the extension must be one the knowledge base reads and the console accepts
  (`.pdf .docx .xlsx .csv .md`), and the content must be that kind of file: the first
  bytes (a PDF starts with `%PDF-`, an Office file is a zip holding `word/document.xml`
  or `xl/workbook.xml`, a CSV or Markdown file is text) decide, never the name alone;
  a mismatch is refused with a French message naming what the file really is;
- an Office file's zip directory is checked before anything is inflated (a zip bomb is
  refused: `kb.documents.check_office_file`, the reindex's own limits);
- the size is counted while the file is copied (`CONSOLE_MAX_UPLOAD_MB`);
- the file is then read the way the reindex reads it (`python -m ingest`, each file in
  its time- and memory-bounded sandbox, in a child process: the console does not import
  `ingest`); a file it cannot read (a truncated PDF, a password-protected one) is refused
  in French before it replaces anything, so a good document in place keeps its passages;
- the name is reduced to a safe base name (no folder, no leading dot, no control or
  invisible characters); the same name replaces the earlier file, atomically (written
  beside it under a hidden name, then renamed) and only once every check passed: the
  checks run on a copy in a scratch folder outside the sources, so a refused upload
  writes nothing in the sources folder, and nothing is ever written outside it but that
  scratch copy.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kb.documents import UnsafeDocument, check_office_file
from kb.report_fr import reason_fr

logger = logging.getLogger("webhook")

ACCEPTED = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".csv": "text", ".md": "text"}
WHAT = {
    "pdf": "un PDF",
    "docx": "un document Word (.docx)",
    "xlsx": "un classeur Excel (.xlsx)",
    "text": "un fichier texte",
    "zip": "une archive ZIP",
    "ole": "un ancien fichier Office (.doc ou .xls)",
    "image": "une image",
    "program": "un programme",
    "archive": "une archive compressée",
    "binary": "un fichier binaire",
    "empty": "un fichier vide",
}
EXPECTED = {".pdf": "un PDF", ".docx": "un document Word", ".xlsx": "un classeur Excel",
            ".csv": "un tableau CSV (texte)", ".md": "un texte Markdown"}  # fmt: skip
THIS = {".pdf": "Ce PDF", ".docx": "Ce document Word", ".xlsx": "Ce classeur Excel",
        ".csv": "Ce fichier CSV", ".md": "Ce fichier Markdown"}  # fmt: skip
MAX_STEM = 80
# the reader's own budget (INGEST_FILE_SECONDS, 120 s by default) stops a hostile file
# well before this; it only stops a check that hangs
READ_CHECK_TIMEOUT_S = 300.0
CHUNK = 1024 * 1024
PROTECTED = {"salon.toml"}
_SAFE_CHARS = re.compile(r"[^\w\-.() ]+", re.UNICODE)
_MAGIC = [
    (b"\xd0\xcf\x11\xe0", "ole"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"RIFF", "image"),
    (b"\x7fELF", "program"),
    (b"MZ", "program"),
    (b"\x1f\x8b", "archive"),
    (b"7z\xbc\xaf", "archive"),
    (b"Rar!", "archive"),
]


class UploadRefused(ValueError):
    """The upload is refused; the message is French, for the owner."""


@dataclass(frozen=True)
class Saved:
    name: str
    size: int
    replaced: bool


def safe_name(raw: str) -> str:
    """A base name safe in the sources folder: `../../etc/tarifs 2026.PDF` →
    `tarifs 2026.pdf`. Raises `UploadRefused` when nothing usable is left or the
    extension is not accepted."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if ch.isprintable())
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    extension = "." + extension.lower().strip() if extension.strip() else ""
    if extension not in ACCEPTED:
        kinds = ", ".join(sorted(ACCEPTED))
        raise UploadRefused(
            f"Ce type de fichier n'est pas accepté ({extension or 'sans extension'}) : "
            f"envoyez un fichier {kinds}."
        )
    stem = _SAFE_CHARS.sub("-", stem)
    stem = re.sub(r"\s+", " ", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip(" .-_")[:MAX_STEM].strip(" .-_")
    if not stem:
        stem = "document"
    name = stem + extension
    if name.lower() in PROTECTED:
        raise UploadRefused("Ce nom est réservé au profil du salon.")
    return name


def sniff(path: Path) -> str:
    """What the file is by its content: pdf, docx, xlsx, zip, text, or another kind."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "archive"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "binary"
    return "text"


def _check_content(path: Path, extension: str) -> None:
    expected = ACCEPTED[extension]
    found = sniff(path)
    if found == "empty":
        raise UploadRefused("Ce fichier est vide.")
    if found != expected:
        raise UploadRefused(
            f"Le contenu de ce fichier ne correspond pas à son nom : il se termine par "
            f"{extension} mais c'est {WHAT.get(found, 'un autre type de fichier')}, pas "
            f"{EXPECTED[extension]}. Renommez-le correctement ou enregistrez-le dans le "
            f"bon format."
        )
    if expected in ("docx", "xlsx"):
        try:
            check_office_file(path, kind="docx" if expected == "docx" else "xlsx")
        except UnsafeDocument as exc:
            if "zip bomb" in exc.reason:
                raise UploadRefused(
                    "Ce fichier est suspect : une fois décompressé il serait démesurément "
                    "gros (bombe de décompression). Il a été refusé."
                ) from exc
            raise UploadRefused(
                "Ce fichier Office est abîmé ou inhabituel : ouvrez-le et enregistrez-le à nouveau."
            ) from exc


def _read_like_the_reindex(path: Path) -> dict[str, Any] | None:
    """The report the reindex would give `path` (alone in its folder), from
    `python -m ingest --json` in a child process; None when the check itself failed."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    command = [sys.executable, "-m", "ingest", "--sources", str(path.parent), "--json"]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=READ_CHECK_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        logger.warning("console: the upload's reading check did not run", exc_info=True)
        return None
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        summary = json.loads(lines[-1]) if lines else None
        reports = summary["reports"] if isinstance(summary, dict) else None
    except (ValueError, KeyError):
        reports = None
    found = [r for r in reports or [] if isinstance(r, dict) and r.get("path") == path.name]
    if not found:
        logger.warning(
            "console: the upload's reading check gave no report",
            extra={
                "status": done.returncode,
                "detail": done.stderr.decode("utf-8", "replace")[-500:],
            },
        )
        return None
    return found[0]


def _unreadable(this: str, error: str) -> str:
    """Why the reindex could not read the file, in French, as a sentence or two."""
    if error.startswith("corrupt or unreadable"):
        return (
            f"{this} est abîmé ou illisible : il n'a pas pu être ouvert (fichier incomplet ou "
            "endommagé). Ouvrez-le sur votre ordinateur pour vérifier, puis envoyez-le à nouveau."
        )
    reason = reason_fr(error)
    if reason == error.strip():  # no French wording for it: say what it means for the owner
        return f"{this} est illisible : la réindexation n'en tirerait aucun passage."
    return f"{this} ne peut pas être lu. {reason[:1].upper()}{reason[1:]}"


def _check_readable(path: Path, *, replacing: bool) -> None:
    """Refuse what the reindex would not read (status « non lu »); a file read with
    remarks (some pages unreadable, too many rows) is accepted, as the reindex keeps it."""
    kept = (
        "Le document en place n'a pas été remplacé."
        if replacing
        else "Il n'a pas été ajouté aux documents."
    )
    report = _read_like_the_reindex(path)
    if report is None:
        raise UploadRefused(
            "La lecture de contrôle de ce fichier n'a pas pu se faire : réessayez dans un "
            f"instant. {kept}"
        )
    if report.get("status") in ("error", "skipped"):
        this = THIS.get(path.suffix, "Ce fichier")
        raise UploadRefused(f"{_unreadable(this, str(report.get('error') or ''))} {kept}")


def _copy_limited(stream: IO[bytes], target: Path, max_bytes: int) -> int:
    size = 0
    with open(target, "wb") as out:
        while block := stream.read(CHUNK):
            size += len(block)
            if size > max_bytes:
                raise UploadRefused(
                    f"Le fichier dépasse la taille permise ({max_bytes // (1024 * 1024)} Mo)."
                )
            out.write(block)
    return size


def save_upload(stream: IO[bytes], *, filename: str, sources: Path, max_bytes: int) -> Saved:
    """Copy `stream` into `sources` under the safe form of `filename` after every check;
    nothing is written in `sources` when a check fails."""
    name = safe_name(filename)
    folder = sources.resolve()
    target = folder / name
    if target.parent != folder or target.name != name:
        raise UploadRefused("Nom de fichier refusé.")
    if target.is_dir():
        raise UploadRefused("Un dossier porte déjà ce nom.")
    with tempfile.TemporaryDirectory(prefix="console-upload-") as scratch:
        staged = Path(scratch) / name
        size = _copy_limited(stream, staged, max_bytes)
        _check_content(staged, Path(name).suffix)
        _check_readable(staged, replacing=target.exists() or target.is_symlink())
        handle, tmp_name = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=folder)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(handle, "wb") as out, open(staged, "rb") as source:
                shutil.copyfileobj(source, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            replaced = target.exists() or target.is_symlink()
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return Saved(name=name, size=size, replaced=replaced)


def deletable(sources: Path, name: str) -> Path:
    """The file `name` directly in `sources`, if the console may delete it; else
    `UploadRefused`. Only top-level documents, never the profile or hidden files."""
    folder = sources.resolve()
    if not name or name != Path(name).name or name.startswith(".") or name in (".", ".."):
        raise UploadRefused("Nom de fichier refusé.")
    if name.lower() in PROTECTED:
        raise UploadRefused("Le profil du salon (salon.toml) ne se supprime pas d'ici.")
    path = folder / name
    if path.parent != folder or not (path.is_file() or path.is_symlink()):
        raise UploadRefused("Ce document n'existe pas (ou plus).")
    return path
