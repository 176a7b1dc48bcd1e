"""Questions sans réponse (`/admin/questions`): what callers asked that the documents
could not answer, most asked first; the owner answers one in a text box. The answer goes
to the owner's FAQ document in the sources (the same function as
`python -m records answer GAP_ID "texte"`), the gap is marked answered, and the
knowledge base is reindexed (with the console's progress page), so the next caller gets
it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from records.answers import MAX_ANSWER_CHARS, AnswerError, answer_gap
from records.listing import gap_ids, gap_key
from records.store import CallRecords
from webhook.console.helpers import ctx, db, fr_count


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/questions", "questions", questions_page)
    bp.add_url_rule("/questions/repondre", "answer", answer, methods=["POST"])


def questions_page() -> str:
    conn = db()
    gaps = CallRecords(conn=conn).knowledge_gaps()
    ids = gap_ids(conn)
    return render_template(
        "questions.html",
        page="questions",
        gaps=[(ids.get(gap_key(g.question)), g) for g in gaps],
        max_answer=MAX_ANSWER_CHARS,
    )


def answer() -> Any:
    console = ctx()
    try:
        gap_id = int(request.form.get("question", ""))
        done = answer_gap(
            db(), gap_id=gap_id, text=request.form.get("reponse", ""), sources=console.sources
        )
    except ValueError as exc:  # AnswerError (French), or a number that is not one
        message = str(exc) if isinstance(exc, AnswerError) else "Question inconnue."
        flash(message, "erreur")
        return redirect(url_for("console.questions"), code=303)
    flash(f"Réponse ajoutée à {done.document.name} ({fr_count(done.occurrences, 'appel')}). "
          "Réindexation lancée : l'assistante la donnera dès qu'elle sera terminée.", "ok")  # fmt: skip
    console.reindex.start(reason="réponse à une question")
    return redirect(url_for("console.reindex_status"), code=303)
