"""Documents (`/admin/documents`): the salon's documents with what the serving index read
of each, upload (checked, `webhook.console.uploads`), delete, and the reindex with its
progress and the per-document report in French."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for

from kb.documents import indexed_state
from kb.report_fr import STATUS_FR, document_lines, reason_fr, status_fr
from webhook.console.helpers import ctx
from webhook.console.uploads import ACCEPTED, UploadRefused, deletable, save_upload

# `scripts/crawl` records each website snapshot's pages in `site/<date>/manifest.json`;
# ingestion skips it without a report (`ingest.pipeline`, which the console does not import).
_SNAPSHOT_RECORD = "manifest.json"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SNAPSHOT_RECORD_FR = "liste des pages enregistrées par scripts/crawl, pas un document"

_hashes: dict[tuple[str, int, int], str] = {}
_hashes_lock = threading.Lock()


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/documents", "documents", documents_page)
    bp.add_url_rule("/documents/envoyer", "upload", upload, methods=["POST"])
    bp.add_url_rule("/documents/supprimer", "delete", delete, methods=["GET", "POST"])
    bp.add_url_rule("/documents/reindexer", "reindex", reindex, methods=["POST"])
    bp.add_url_rule("/documents/indexation", "reindex_status", reindex_page)
    bp.add_url_rule("/documents/indexation.json", "reindex_json", reindex_json)


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the sources folder
    size: int
    modified: datetime
    state: str  # "indexé", "modifié depuis la dernière indexation", …
    status: str  # ok | warning | error | skipped | pending
    chunks: int | None
    reasons: list[str]
    deletable: bool


def _sha256(path: Path, stat_key: tuple[str, int, int]) -> str:
    with _hashes_lock:
        known = _hashes.get(stat_key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    value = digest.hexdigest()
    with _hashes_lock:
        if len(_hashes) > 10_000:
            _hashes.clear()
        _hashes[stat_key] = value
    return value


def _report_for(reports: Mapping[str, Any], rel: Path) -> Any:
    """The file's own report, else its folder's: a website snapshot older than the newest
    is reported once for its folder (« site/2026-06-02/ : ignoré »), not file by file."""
    report = reports.get(rel.as_posix())
    for i in range(len(rel.parts) - 1, 0, -1):
        if report is not None:
            break
        report = reports.get("/".join(rel.parts[:i]) + "/")
    return report


def source_files(sources: Path) -> tuple[list[SourceFile], list[str], Any]:
    """The visible files of `sources` with their index state, the documents the index
    still serves that are gone, and the serving index's state (or None)."""
    state = indexed_state(ctx().kb_db)
    files = []
    for path in sorted(sources.rglob("*")):
        rel = path.relative_to(sources)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        name = rel.as_posix()
        stat = path.stat()
        report = _report_for(state.reports, rel) if state else None
        indexed_hash = state.files.get(name) if state else None
        if state is None or indexed_hash is None:
            label, status = "pas encore indexé", "pending"
        elif _sha256(path, (str(path), stat.st_mtime_ns, stat.st_size)) != indexed_hash:
            label, status = "modifié depuis la dernière indexation", "pending"
        elif report is not None:
            label, status = status_fr(report.status, report.kept_previous), report.status
        elif rel.name == _SNAPSHOT_RECORD and _DATE.match(rel.parent.name):
            label, status = STATUS_FR["skipped"], "skipped"
        else:
            label, status = "indexé", "ok"
        reasons = []
        if report is not None and status != "pending":
            reasons = [reason_fr(r) for r in ([report.error] if report.error else [])]
            reasons += [reason_fr(w) for w in report.warnings]
        elif status == "skipped":
            reasons = [SNAPSHOT_RECORD_FR]
        files.append(
            SourceFile(
                path=name,
                size=stat.st_size,
                modified=datetime.fromtimestamp(stat.st_mtime).astimezone(),
                state=label,
                status=status,
                chunks=report.chunks if report is not None and status != "pending" else None,
                reasons=reasons,
                deletable=len(rel.parts) == 1 and name != "salon.toml",
            )
        )
    present = {f.path for f in files}
    gone = sorted(set(state.files) - present) if state else []
    return files, gone, state


def documents_page() -> str:
    console = ctx()
    files, gone, state = source_files(console.sources)
    return render_template(
        "documents.html",
        page="documents",
        files=files,
        gone=gone,
        state=state,
        pending=any(f.status == "pending" for f in files) or bool(gone),
        run=console.reindex.last,
        accepted=", ".join(sorted(ACCEPTED)),
        max_mb=console.cfg.console_max_upload_mb,
        contradictions=state.contradictions if state else [],
    )


def _start_reindex(reason: str) -> None:
    _run, started = ctx().reindex.start(reason=reason)
    if not started:
        flash("Une réindexation est déjà en cours ; une autre suivra pour prendre ce "
              "changement en compte.", "ok")  # fmt: skip


def upload() -> Any:
    console = ctx()
    sent = request.files.get("fichier")
    if sent is None or not sent.filename:
        flash("Choisissez un fichier à envoyer.", "erreur")
        return redirect(url_for("console.documents"), code=303)
    try:
        saved = save_upload(
            sent.stream,
            filename=sent.filename,
            sources=console.sources,
            max_bytes=console.max_upload_bytes,
        )
    except UploadRefused as exc:
        flash(str(exc), "erreur")
        return redirect(url_for("console.documents"), code=303)
    verb = "remplacé" if saved.replaced else "ajouté"
    flash(f"Document « {saved.name} » {verb}. Réindexation lancée.", "ok")
    _start_reindex(f"envoi de {saved.name}")
    return redirect(url_for("console.reindex_status"), code=303)


def delete() -> Any:
    """GET asks to confirm (a mis-tap on a phone deletes nothing); POST deletes."""
    console = ctx()
    name = (request.form if request.method == "POST" else request.args).get("nom", "")
    try:
        path = deletable(console.sources, name)
    except UploadRefused as exc:
        flash(str(exc), "erreur")
        return redirect(url_for("console.documents"), code=303)
    if request.method == "GET":
        return render_template("delete.html", page="documents", name=name)
    path.unlink()
    flash(f"Document « {name} » supprimé. Réindexation lancée.", "ok")
    _start_reindex(f"suppression de {name}")
    return redirect(url_for("console.reindex_status"), code=303)


def reindex() -> Any:
    _start_reindex("demandée depuis la console")
    return redirect(url_for("console.reindex_status"), code=303)


def reindex_page() -> str:
    run = ctx().reindex.last
    report = run.report if run is not None else None
    failed = run is not None and not run.running and not run.succeeded
    return render_template(
        "reindex.html",
        page="documents",
        run=run,
        report=report,
        # after a failure, what callers get now: the previous version, or no index yet
        serving=indexed_state(ctx().kb_db) if failed else None,
        documents=document_lines(report.get("documents", [])) if report else [],
        contradictions=(report or {}).get("contradictions", []),
    )


def reindex_json() -> Any:
    run = ctx().reindex.last
    return jsonify(run.snapshot() if run is not None else {"running": False, "number": 0})
