"""Read one file in a child process with a memory and a time budget.

A hostile document (a zip bomb, a PDF whose content stream inflates to hundreds of
megabytes, a page nested 100 000 levels deep) must cost bounded memory and time, and
never the other files. `run(fn, *args, budget=...)` calls `fn(*args)` in a child process
whose address space is capped (`RLIMIT_AS`) and whose wall-clock time is bounded (the
child is killed when it runs out; `RLIMIT_CPU` backs that up); the result comes back
pickled, or `OverBudget` is raised with the reason.

The children are forked by one long-lived worker (`python -m ingest.sandbox`), started on
first use with the loaders already imported: forking a small single-threaded process
costs milliseconds, where starting Python and importing pdfplumber and openpyxl for each
file would cost about a second, and forking the caller (which may run threads) is not
safe. The worker reads jobs on stdin, answers on stdout (length-prefixed pickles), and
exits when its stdin closes; the caller keeps a backstop deadline on the worker itself.

Where `fork` or `resource` is missing (Windows), `fn` runs in-process, without a budget.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

T = TypeVar("T")
SUPPORTED = resource is not None and hasattr(os, "fork")
PRELOAD = (
    "ingest.pipeline",
    "ingest.pdf_loader",
    "ingest.html_loader",
    "ingest.table_loader",
    "ingest.docx_loader",
    "ingest.text_loader",
    "ingest.profile_loader",
    "pdfplumber",
    "pypdf",
    "openpyxl",
)
WORKER_GRACE_S = 60.0  # on top of a job's budget: worker start-up, result transfer
_HEADER = struct.Struct(">Q")


@dataclass(frozen=True)
class Budget:
    seconds: float = 120.0
    memory_mb: int = 1024


class OverBudget(Exception):
    """The child ran out of time or memory, or died; `reason` says which, for a person;
    `kind` is "timeout", "memory" or "crash"."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def prestart() -> None:
    """Start the worker now, so that its imports overlap the caller's own work."""
    if SUPPORTED:
        _WORKER.ensure()


def run(fn: Callable[..., T], *args: Any, budget: Budget) -> T:
    """`fn(*args)` in a child process within `budget`; raises `OverBudget`. `fn` and the
    arguments must pickle (a module-level function, plain data)."""
    if not SUPPORTED:
        return fn(*args)
    payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
    kind, detail = _WORKER.call(payload, budget)
    if kind == "ok":
        return detail  # type: ignore[no-any-return]
    if kind == "timeout":
        raise OverBudget(
            kind, f"took longer than {budget.seconds:g} s to read (time budget per file)"
        )
    if kind == "memory":
        raise OverBudget(
            kind,
            f"needs more than {budget.memory_mb} MB of memory to read (memory budget per file)",
        )
    raise OverBudget(
        "crash",
        f"the reader stopped abnormally ({detail}): damaged file, or over the memory "
        f"budget ({budget.memory_mb} MB)",
    )


# --- framing -------------------------------------------------------------------------


def _write_frame(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes | None:
    """`size` bytes from `fd`, or None at end of file; `TimeoutError` past `deadline`."""
    parts: list[bytes] = []
    left = size
    while left:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _read_frame(fd: int, deadline: float | None = None) -> bytes | None:
    head = _read_exact(fd, _HEADER.size, deadline)
    if head is None:
        return None
    return _read_exact(fd, _HEADER.unpack(head)[0], deadline)


def _read_all(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything `fd` gives until end of file; the flag is True when `deadline` came first."""
    parts: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return b"".join(parts), True
        part = os.read(fd, 1 << 20)
        if not part:
            return b"".join(parts), False
        parts.append(part)


# --- the caller's side -----------------------------------------------------------------


class _Worker:
    """The long-lived forking worker, started on first use and again after a failure."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()

    def _start(self) -> subprocess.Popen[bytes]:
        root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        return subprocess.Popen(
            [sys.executable, "-m", "ingest.sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,  # Ctrl-C reaches the caller, which closes the worker
        )

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)  # the worker and a child it forked
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def ensure(self) -> subprocess.Popen[bytes]:
        with self.lock:
            return self._ensure()

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.stop()
            self.proc = self._start()
        return self.proc

    def call(self, payload: bytes, budget: Budget) -> tuple[str, Any]:
        job = pickle.dumps((budget.memory_mb * 1024 * 1024, budget.seconds, payload))
        with self.lock:
            for attempt in (1, 2):
                self.proc = self._ensure()
                assert self.proc.stdin is not None and self.proc.stdout is not None
                try:
                    _write_frame(self.proc.stdin.fileno(), job)
                except OSError:  # the worker died between two files: start another once
                    self.stop()
                    if attempt == 2:
                        return "crash", "the reading process could not start"
                    continue
                try:
                    answer = _read_frame(
                        self.proc.stdout.fileno(),
                        time.monotonic() + budget.seconds + WORKER_GRACE_S,
                    )
                except (OSError, TimeoutError):
                    answer = None
                if answer is None:
                    self.stop()
                    return "crash", "the reading process stopped"
                kind, detail, raw = pickle.loads(answer)
                if kind == "done":
                    return pickle.loads(raw)  # type: ignore[no-any-return]
                return kind, detail
        return "crash", "the reading process could not start"  # pragma: no cover


_WORKER = _Worker()
atexit.register(_WORKER.stop)


# --- the worker's side -----------------------------------------------------------------


def _cap(which: int, value: int) -> None:
    """Lower the soft limit `which` to `value` (never above the hard limit in force)."""
    assert resource is not None
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard))


def _limit(memory_bytes: int, seconds: float) -> None:
    assert resource is not None
    _cap(resource.RLIMIT_CORE, 0)
    _cap(resource.RLIMIT_AS, memory_bytes)
    _cap(resource.RLIMIT_CPU, math.ceil(seconds) + 1)  # a backstop: wall time kills first


def _child(write_fd: int, memory_bytes: int, seconds: float, payload: bytes) -> None:
    """In the forked child: run the job within its limits, send the pickled outcome."""
    try:
        _limit(memory_bytes, seconds)
        fn, args = pickle.loads(payload)
        data = pickle.dumps(("ok", fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    except BaseException as exc:  # noqa: BLE001 - reported to the caller, never raised here
        data = pickle.dumps(("crash", f"{type(exc).__name__}: {str(exc)[:200]}"))
    _write_frame(write_fd, data)


def _run_job(memory_bytes: int, seconds: float, payload: bytes) -> tuple[str, Any, bytes]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: it keeps none of the worker's pipes but its own
        try:
            os.close(read_fd)
            os.close(_ANSWERS[0])
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            _child(write_fd, memory_bytes, seconds, payload)
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        data, late = _read_all(read_fd, time.monotonic() + seconds)
    finally:
        os.close(read_fd)
    if late:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if late:
        return "timeout", None, b""
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        if signum == signal.SIGXCPU:
            return "timeout", None, b""
        return "crash", signal.Signals(signum).name, b""
    if len(data) < _HEADER.size or len(data) != _HEADER.size + _HEADER.unpack(data[:8])[0]:
        return "crash", f"exit status {os.WEXITSTATUS(status)}, incomplete answer", b""
    return "done", None, data[_HEADER.size :]


_ANSWERS = [1]  # the worker's answer pipe (a duplicate of its original stdout)


def serve() -> None:
    """The worker's loop: one job per frame on stdin, one answer per frame on stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answers = _ANSWERS[0] = os.dup(1)
    os.dup2(2, 1)  # a stray print() in a library must not corrupt the frames
    for name in PRELOAD:  # a missing optional loader fails in the job, with its reason
        with contextlib.suppress(ImportError):
            __import__(name)
    while True:
        job = _read_frame(0)
        if job is None:
            return
        memory_bytes, seconds, payload = pickle.loads(job)
        kind, detail, raw = _run_job(memory_bytes, seconds, payload)
        _write_frame(answers, pickle.dumps((kind, detail, raw)))


if __name__ == "__main__":
    serve()
