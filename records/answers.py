"""The owner answers a question the receptionist could not: the answer goes to the
owner's own FAQ document in the salon's sources, and the question is marked answered.

`answer_gap(conn, gap_id=…, text=…, sources=…)` is the one function behind
`python -m records answer GAP_ID "texte"` and the console's form. It appends to
`reponses-du-salon.md` (created on first use) a section whose heading is the caller's
question and whose body is the owner's answer, then marks every occurrence of that
question answered. It does not reindex: the caller does (the CLI runs `scripts/reindex`'s
module, the console its own progress page), since `records/` may not import `kb/`.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from records.listing import gap_key
from salon import state_db
from salon.utc import utc_now, utc_text

FAQ_NAME = "reponses-du-salon.md"
FAQ_HEADER = (
    "# Réponses du salon\n\n"
    "Réponses écrites par le salon aux questions que l'assistante téléphonique n'a pas su "
    "traiter. Chaque titre est une question posée par un client.\n"
)
MAX_ANSWER_CHARS = 2000
MAX_QUESTION_CHARS = 200


class AnswerError(ValueError):
    """The answer cannot be recorded: unknown question, empty or too long text."""


@dataclass(frozen=True)
class AnsweredGap:
    question: str
    occurrences: int  # how many times callers asked it (all now marked answered)
    document: Path


def _heading(question: str) -> str:
    """The caller's words as one Markdown heading line: no line breaks, no leading
    Markdown syntax that could open another heading or a block, bounded length."""
    text = " ".join(question.split())
    text = re.sub(r"^[#>*\-+=`~|\d.\s]+", "", text)
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0] + " …"
    return text or "Question d'un client"


def _body(text: str) -> str:
    """The owner's answer, trimmed; a line starting with '#' would become a heading of
    its own and split the section, so it is escaped."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return "\n".join("\\" + line if line.lstrip().startswith("#") else line for line in lines)


def _append(document: Path, section: str) -> None:
    """Append `section`, writing the whole file anew and switching it in atomically, so
    a reindex running at the same time reads the old or the new file, never half."""
    document.parent.mkdir(parents=True, exist_ok=True)
    old = document.read_text(encoding="utf-8") if document.exists() else FAQ_HEADER
    _replace(document, old.rstrip("\n") + "\n\n" + section)


def _replace(document: Path, text: str) -> None:
    """Write `document` through a temporary file switched in with `os.replace`.

    The temporary file is opened with mode 0666 so the kernel applies the process's
    umask, as for any file the owner saves (`tempfile.mkstemp` would give 0600: a
    document no backup, share or other account of the salon could read). A document
    that already exists keeps the mode it had."""
    keep = document.stat().st_mode & 0o7777 if document.exists() else None
    tmp = document.with_name(f".reponses-{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if keep is not None:
            os.chmod(tmp, keep)
        os.replace(tmp, document)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def answer_gap(conn: sqlite3.Connection, *, gap_id: int, text: str, sources: Path) -> AnsweredGap:
    """Write the owner's answer to the question `gap_id` into `sources/reponses-du-salon.md`
    and mark that question answered. Raises `AnswerError` with a French message."""
    answer = text.strip()
    if not answer:
        raise AnswerError("La réponse est vide.")
    if len(answer) > MAX_ANSWER_CHARS:
        raise AnswerError(f"La réponse dépasse {MAX_ANSWER_CHARS} caractères.")
    if not sources.is_dir():
        raise AnswerError(f"Le dossier des documents du salon est introuvable : {sources}")
    row = conn.execute(
        "SELECT question FROM call_knowledge_gaps WHERE id = ?", (gap_id,)
    ).fetchone()
    if row is None:
        raise AnswerError(f"Aucune question n° {gap_id}.")
    key = gap_key(row["question"])
    with state_db.write_transaction(conn):
        ids = [
            int(r["id"])
            for r in conn.execute(
                "SELECT id, question FROM call_knowledge_gaps WHERE resolved_at IS NULL"
            )
            if gap_key(r["question"]) == key
        ]
        if not ids:
            raise AnswerError(f"La question n° {gap_id} a déjà une réponse.")
        document = sources / FAQ_NAME
        _append(document, f"## {_heading(row['question'])}\n\n{_body(answer)}\n")
        now = utc_text(utc_now())
        conn.executemany(
            "UPDATE call_knowledge_gaps SET resolved_at = ? WHERE id = ?",
            [(now, i) for i in ids],
        )
    return AnsweredGap(question=row["question"], occurrences=len(ids), document=document)
