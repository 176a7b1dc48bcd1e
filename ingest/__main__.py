"""Preview what ingestion makes of a folder, without building an index.

    python -m ingest [--sources DIR] [--show] [--json]

Prints one line per file (status, chunks, pages, reason) and the total time; `--show`
prints every chunk as it will be indexed; `--json` prints one JSON object (the per-file
reports, chunk counts by kind and the elapsed seconds) for scripts and benchmarks.
Exit 0 when at least one chunk was produced, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from ingest.model import printable
from ingest.pipeline import ingest_directory
from salon import settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Show the chunks and per-file reports ingestion produces for a folder.",
        epilog="example: python -m ingest --sources sources --show",
    )
    parser.add_argument("--sources", type=Path, default=None, help="folder (default sources/)")
    parser.add_argument("--show", action="store_true", help="print every chunk")
    parser.add_argument("--json", action="store_true", help="one JSON summary object")
    args = parser.parse_args(argv)
    sources = args.sources or settings.project_path("sources")
    if not sources.is_dir():
        parser.error(f"{sources}: not a folder")
    started = time.perf_counter()
    result = ingest_directory(sources)
    elapsed = time.perf_counter() - started
    kinds = Counter(c.kind for c in result.chunks)
    if args.json:
        print(
            json.dumps(
                {
                    "sources": str(sources),
                    "files": len(result.reports),
                    "chunks": len(result.chunks),
                    "kinds": dict(sorted(kinds.items())),
                    "max_chunk_chars": max((len(c.text) for c in result.chunks), default=0),
                    "seconds": round(elapsed, 3),
                    "reports": [asdict(r) for r in result.reports],
                },
                ensure_ascii=False,
            )
        )
    else:
        if args.show:
            for chunk in result.chunks:
                page = f" p.{chunk.page}" if chunk.page else ""
                head = f"--- {chunk.source}{page} [{chunk.kind}] {chunk.title} — {chunk.section}"
                print(printable(head))
                print(printable(chunk.text, keep_newlines=True))
        for r in result.reports:
            reason = r.error or "; ".join(r.warnings)
            pages = f"{r.pages} p." if r.pages else ""
            line = f"{r.status:8} {r.chunks:4} chunks {pages:7} {r.path}  {reason}".rstrip()
            print(printable(line))
        print(
            f"{len(result.chunks)} chunks from {len(result.reports)} files in {elapsed:.2f} s "
            f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})"
        )
    return 0 if result.chunks else 1


if __name__ == "__main__":
    sys.exit(main())
