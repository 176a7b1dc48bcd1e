"""`scripts/reindex`: build or update the knowledge base from a folder of documents.

Examples::

    scripts/reindex                          # sources/ → data/kb
    scripts/reindex --sources ~/salon --db /tmp/kb --quiet
    scripts/reindex --full                   # re-embed everything
    scripts/reindex --json                   # one JSON object: version, documents,
                                             # contradictions with salon.toml

Exit status: 0 when an index is serving (built now, or already up to date), even if
some files gave warnings, could not be read (one the previous version had read keeps its
previous passages served: « non lu, ancienne version gardée », `kept_previous` in
`--json`) or contradict salon.toml (the owner decides: nothing is blocked); 1 when salon.toml does not load as a profile (one line names the file, the
line or the field and what is wrong), when nothing usable could be indexed or when the
run failed (in each case the previous index keeps serving); 2 on a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from dataclasses import asdict

from ingest.model import FileReport, printable
from kb import store
from kb.cli import run, user_path
from kb.contradictions import for_owner, owner_section
from kb.indexer import InvalidProfile, NothingToIndex, ReindexResult, reindex
from kb.report_fr import count_fr, error_fr, progress_fr, reason_fr, status_fr
from salon import settings
from salon.cli import french_parser
from salon.french import decimal_words


def _parser() -> argparse.ArgumentParser:
    parser = french_parser(
        prog="scripts/reindex",
        description="Construit la base de connaissances à partir des documents du salon "
        "(seuls les documents modifiés sont relus).",
        epilog="exemple : scripts/reindex --sources sources --db data/kb",
    )
    parser.add_argument(
        "--sources", metavar="DOSSIER", help="dossier des documents (par défaut : sources)"
    )
    parser.add_argument(
        "--db", metavar="DOSSIER", help="dossier de la base de connaissances (par défaut : data/kb)"
    )
    parser.add_argument("--full", action="store_true", help="tout recalculer depuis le début")
    parser.add_argument(
        "--quiet", action="store_true", help="sans le suivi de la lecture, le résumé seulement"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="un seul objet JSON (version, rapport par document, contradictions) "
        "au lieu des tableaux",
    )
    return parser


def _warnings(report: FileReport) -> list[str]:
    items = list(report.warnings)
    if report.error:
        items.insert(0, report.error)
    return items


def summary_table(reports: list[FileReport]) -> str:
    """One row per document, in French for the owner: state, passages, pages, number of
    remarks; the remarks (the reasons, translated) below."""
    rows = [("document", "état", "passages", "pages", "remarques")]
    for r in sorted(reports, key=lambda item: item.path):
        pages = "-" if r.pages is None else str(r.pages)
        state = status_fr(r.status, r.kept_previous)
        rows.append((printable(r.path), state, str(r.chunks), pages, str(len(_warnings(r)))))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [row[i].rjust(widths[i]) for i in (2, 3, 4)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [
        f"  {printable(r.path)} : {printable(reason_fr(reason))}"
        for r in sorted(reports, key=lambda item: item.path)
        for reason in _warnings(r)
    ]
    if notes:
        lines += ["", "remarques :", *notes]
    return "\n".join(lines)


def removed_lines(paths: list[str]) -> str:
    """The documents of the previous version that are gone from the sources now."""
    head = (
        "1 document retiré depuis la version précédente (ses passages ne sont plus servis) :"
        if len(paths) == 1
        else f"{len(paths)} documents retirés depuis la version précédente "
        "(leurs passages ne sont plus servis) :"
    )
    return "\n".join([head, *(f"  - {printable(path)}" for path in paths)])


def _outcome(result: ReindexResult) -> str:
    m = result.manifest
    if not result.rebuilt:
        return (
            f"index à jour : version {m.version}, {count_fr(len(m.chunk_ids), 'passage')} "
            f"({m.model}) ; rien à recalculer ({decimal_words(result.seconds, digits=2)} s)"
        )
    return (
        f"version {m.version} en service : {count_fr(len(m.chunk_ids), 'passage')} de "
        f"{count_fr(sum(1 for r in result.reports if r.chunks), 'document')} "
        f"({count_fr(result.embedded, 'calculé')}, {count_fr(result.reused, 'repris', 'repris')}"
        f", {m.model}) "
        f"en {decimal_words(result.seconds, digits=1)} s"
    )


def _as_json(result: ReindexResult) -> dict[str, object]:
    """`--json`: the version, the per-document report and the contradictions."""
    m = result.manifest
    return {
        "version": m.version,
        "rebuilt": result.rebuilt,
        "model": m.model,
        "chunks": len(m.chunk_ids),
        "embedded": result.embedded,
        "reused": result.reused,
        "seconds": round(result.seconds, 3),
        "documents": [asdict(r) for r in sorted(result.reports, key=lambda r: r.path)],
        "removed_documents": result.removed_documents,
        "contradictions": [c.to_dict() for c in for_owner(result.contradictions)],
    }


def _background_priority() -> None:
    """Reindexing is batch work beside a receptionist that may be in a call: the lowest
    CPU priority, so the agent's questions keep their core even while a batch runs on
    two threads (measured beside two-thread batches: p50/p95 of a one-thread question
    46/72 ms at normal priority, 19/27 ms with the reindex at nice 19)."""
    with contextlib.suppress(OSError, AttributeError):  # not Unix, or not allowed
        os.nice(19 - os.nice(0))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # defaults only when the option is absent: an isolated process (tests) may not
    # even name the checkout's sources/ or data/kb
    sources = user_path(args.sources, None) or settings.project_path("sources")
    db_dir = user_path(args.db, None) or settings.kb_db_path()

    def error(message: str) -> None:
        """One error line: in French for a person, in English with `--json` (for the
        programs that read it, such as the console, which translate it themselves)."""
        line = (
            f"reindex: error: {message}" if args.json else f"reindex : erreur : {error_fr(message)}"
        )
        print(printable(line), file=sys.stderr)

    if not sources.is_dir():
        error(f"sources folder not found: {sources}")
        return 2

    def progress(message: str) -> None:
        if not args.quiet:
            text = message if args.json else progress_fr(message)
            print(f"reindex: {printable(text)}", file=sys.stderr, flush=True)

    try:
        result = reindex(sources=sources, db_dir=db_dir, full=args.full, progress=progress)
    except InvalidProfile as exc:  # nothing was read: no table, only the reason
        if args.json:
            print(
                json.dumps(
                    {
                        "version": None,
                        "serving": exc.kept,
                        "documents": [],
                        "contradictions": [],
                        "error": str(exc),
                    },
                    ensure_ascii=False,
                )
            )
        error(str(exc))
        return 1
    except NothingToIndex as exc:
        if args.json:
            print(
                json.dumps(
                    {
                        "version": None,
                        "documents": [asdict(r) for r in exc.reports],
                        "contradictions": [],
                        "error": str(exc),
                    },
                    ensure_ascii=False,
                )
            )
        elif exc.reports:
            print(summary_table(exc.reports))
        error(str(exc))
        return 1
    except (store.IndexBusy, OSError, RuntimeError, ValueError) as exc:
        error(f"{exc}; the previous index keeps serving")
        return 1
    except Exception as exc:  # a bug below must still leave one clear line, not a trace
        logging.getLogger("kb").debug("reindex failed", exc_info=True)
        error(f"unexpected {type(exc).__name__}: {exc}; the previous index keeps serving")
        return 1
    if args.json:
        print(json.dumps(_as_json(result), ensure_ascii=False))
        return 0
    print(summary_table(result.reports))
    if result.removed_documents:
        print()
        print(removed_lines(result.removed_documents))
    print()
    print(printable(owner_section(result.contradictions), keep_newlines=True))
    print()
    print(_outcome(result))
    return 0


if __name__ == "__main__":
    _background_priority()  # the program only: not a process that calls `main`
    run(main)
