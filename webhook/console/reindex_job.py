"""The console's reindex: `scripts/reindex --json` run in a child process, watched.

The webhook also answers Twilio: reading PDFs and embedding passages in its own process
would hold its interpreter (and its memory) while callers wait. So the reindex runs as
`python -m kb.cli.reindex --sources … --db … --json`, the very command the owner would
type; its progress lines (standard error) are kept for the page, its JSON report
(standard output) is the result. One at a time per console; another reindex of the same
knowledge base (a terminal, a second process) is refused by the kb's own lock and the
page says so.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.report_fr import error_fr, progress_fr

logger = logging.getLogger("webhook")

PROGRESS_LINES = 200
TIMEOUT_S = 30 * 60.0  # a reindex of a whole salon takes seconds; this only stops a stuck one


@dataclass
class ReindexRun:
    """One run: what it said, and how it ended."""

    number: int
    reason: str
    started_at: float
    progress: deque[str] = field(default_factory=lambda: deque(maxlen=PROGRESS_LINES))
    finished_at: float | None = None
    exit_code: int | None = None
    report: dict[str, Any] | None = None
    error: str | None = None

    @property
    def running(self) -> bool:
        return self.finished_at is None

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0 and self.report is not None

    def snapshot(self) -> dict[str, Any]:
        """What the progress page's script reads (`…/indexation.json`)."""
        return {
            "number": self.number,
            "running": self.running,
            "succeeded": self.succeeded,
            "progress": list(self.progress)[-12:],
            "error": self.error,
            "seconds": round((self.finished_at or time.time()) - self.started_at, 1),
        }


class ReindexJob:
    """Starts reindex runs one at a time and remembers the last one."""

    def __init__(self, *, sources: Path, db_dir: Path, timeout_s: float = TIMEOUT_S) -> None:
        self.sources = sources
        self.db_dir = db_dir
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._last: ReindexRun | None = None
        self._count = 0
        self._again: str | None = None  # asked for while a run was going: run once more
        self._done = threading.Condition(self._lock)

    @property
    def last(self) -> ReindexRun | None:
        return self._last

    def start(self, *, reason: str) -> tuple[ReindexRun, bool]:
        """Start a run: (the run, True); while one is going, (that run, False) and another
        run follows it (the files may have changed after it read them)."""
        with self._lock:
            if self._last is not None and self._last.running:
                self._again = reason
                return self._last, False
            run = self._new_run(reason)
        self._launch(run)
        return run, True

    def _new_run(self, reason: str) -> ReindexRun:
        self._count += 1
        run = ReindexRun(number=self._count, reason=reason, started_at=time.time())
        self._last = run
        return run

    def _launch(self, run: ReindexRun) -> None:
        threading.Thread(target=self._run, args=(run,), name="console-reindex", daemon=True).start()

    def wait(self, timeout: float) -> ReindexRun | None:
        """Wait until the last run ends (tests, the gap answer); the run, or None."""
        deadline = time.monotonic() + timeout
        with self._done:
            while self._last is not None and self._last.running:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._done.wait(left)
            return self._last

    def _command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "kb.cli.reindex",
            "--sources",
            str(self.sources),
            "--db",
            str(self.db_dir),
            "--json",
        ]

    def _run(self, run: ReindexRun) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1")
        env.setdefault("HF_HUB_OFFLINE", "1")
        try:
            proc = subprocess.Popen(
                self._command(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                env=env,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            self._finish(run, exit_code=None, error=f"la réindexation n'a pas pu démarrer ({exc})")
            return
        timer = threading.Timer(self.timeout_s, proc.kill)
        timer.start()
        stdout: list[str] = []
        out = proc.stdout
        assert out is not None
        reader = threading.Thread(target=lambda: stdout.append(out.read()))
        reader.start()
        errors: list[str] = []
        assert proc.stderr is not None
        for line in proc.stderr:
            text = line.rstrip("\n")
            if text.startswith("reindex: error: "):
                errors.append(text.removeprefix("reindex: error: "))
            elif text.startswith("reindex: "):
                run.progress.append(progress_fr(text.removeprefix("reindex: ")))
        code = proc.wait()
        reader.join()
        timer.cancel()
        report = _last_json("".join(stdout))
        error = None
        if code != 0:
            error = "; ".join(error_fr(e) for e in errors) or (
                f"la réindexation s'est arrêtée (code {code})"
            )
        self._finish(run, exit_code=code, error=error, report=report)

    def _finish(
        self,
        run: ReindexRun,
        *,
        exit_code: int | None,
        error: str | None,
        report: dict[str, Any] | None = None,
    ) -> None:
        follow: ReindexRun | None = None
        with self._done:
            run.exit_code = exit_code
            run.error = error
            run.report = report
            run.finished_at = time.time()
            if self._again is not None:
                follow, self._again = self._new_run(self._again), None
            self._done.notify_all()
        if follow is not None:
            self._launch(follow)
        logger.info("console reindex finished", extra={"status": exit_code, "detail": error or ""})


def _last_json(text: str) -> dict[str, Any] | None:
    """The JSON object on the last line of `text`, or None."""
    lines = text.strip().splitlines()
    if not lines:
        return None
    try:
        value = json.loads(lines[-1])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
