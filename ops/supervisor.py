"""Run a few long-lived programs in one terminal: prefixed logs, restarts, a clean stop.
Its own lines are French: the owner reads them through `scripts/serve`.

Each program runs in its own session (so its own process group): a terminal's Ctrl-C
reaches only the supervisor, which then stops every program in order — SIGTERM to each
whole group, SIGKILL to what is left after `stop_grace` seconds — so no child, grandchild
(e.g. the agent worker's job processes) or orphan survives. A program that exits on its
own is restarted after a delay that doubles from `Backoff.initial` up to `Backoff.maximum`
and starts again from `initial` once a run has lasted `Backoff.reset_after` seconds.
A program that exits with `CONFIG_ERROR` (2: a missing or malformed setting, a usage
error) is not restarted, since it would only fail again: one line names the settings its
own error lines named, and says to restart once they are fixed. When every program has
stopped so, `run()` ends and returns `CONFIG_ERROR`.

    supervisor = Supervisor([Program("webhook", ["scripts/webhook"])])
    await supervisor.run()      # until supervisor.stop() (the CLI wires SIGINT/SIGTERM)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from salon.french import decimal_words

LINE_LIMIT = 1024 * 1024  # longest log line read at once; longer ones are cut in pieces
# The exit code of the project's programs for a missing or malformed setting (scripts/
# webhook, scripts/jobs, scripts/agent) and of a usage error (argparse): a restart would
# fail the same way, so the program is left stopped.
CONFIG_ERROR = 2
# A setting's name in a program's error line: « réglage manquant : LIVEKIT_URL (…) »,
# « le réglage TELEPHONY_TRANSPORT doit être … »
SETTING_NAME = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
ERROR_LINES_KEPT = 20  # of a run's output, the last lines searched for setting names
COLOURS = ("36", "35", "33", "32", "34", "31")


@dataclass(frozen=True)
class Program:
    """One supervised program: a name for its log prefix and the command to run."""

    name: str
    argv: tuple[str, ...]


@dataclass(frozen=True)
class Backoff:
    """Delays between restarts of a program that keeps exiting."""

    initial: float = 1.0
    maximum: float = 30.0
    reset_after: float = 60.0

    def next(self, delay: float, *, ran_for: float) -> tuple[float, float]:
        """(this wait, the one after) given the current delay and how long the run lasted."""
        wait = self.initial if ran_for >= self.reset_after else delay
        return wait, min(wait * 2, self.maximum)


@dataclass
class _Running:
    process: asyncio.subprocess.Process
    pump: asyncio.Task[None]
    started: float


@dataclass
class Supervisor:
    """Starts `programs`, keeps them running, stops them all on `stop()`."""

    programs: list[Program]
    env: Mapping[str, str] | None = None
    backoff: Backoff = field(default_factory=Backoff)
    stop_grace: float = 10.0
    out: TextIO = field(default_factory=lambda: sys.stdout)
    clock: Callable[[], float] = time.monotonic
    restarts: dict[str, int] = field(default_factory=dict)
    # programs left stopped after exiting with CONFIG_ERROR, in the order they stopped
    gave_up: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        names = [p.name for p in self.programs]
        if len(set(names)) != len(names):
            raise ValueError(f"program names must be unique, got {names}")
        self._width = max([len(n) for n in names] + [len("serve")])
        self._colour = self.out.isatty() and "NO_COLOR" not in os.environ
        self._running: dict[str, _Running] = {}
        self._stopping: asyncio.Event | None = None
        self._forced = False
        self._errors: dict[str, list[str]] = {}  # each program's error lines, this run

    # ------------------------------------------------------------------ output

    def say(self, text: str, *, name: str = "serve") -> None:
        """One prefixed line, `webhook | text` (coloured on a terminal)."""
        prefix = f"{name:<{self._width}} |"
        if self._colour:
            names = [p.name for p in self.programs]
            code = COLOURS[names.index(name) % len(COLOURS)] if name in names else "1"
            prefix = f"\033[{code}m{prefix}\033[0m"
        self.out.write(f"{prefix} {text}\n")
        self.out.flush()

    async def _pump(self, name: str, stream: asyncio.StreamReader) -> None:
        while True:
            try:
                raw = await stream.readline()
            except ValueError:  # a line longer than LINE_LIMIT: take what is buffered
                raw = await stream.read(LINE_LIMIT)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if "erreur" in line:  # the project's programs say their errors in French
                errors = self._errors.setdefault(name, [])
                errors[:] = [*errors[-(ERROR_LINES_KEPT - 1) :], line]
            self.say(line, name=name)

    # --------------------------------------------------------------- lifecycle

    @property
    def pids(self) -> dict[str, int]:
        """Process ids (= process group ids) of the programs running now."""
        return {name: r.process.pid for name, r in self._running.items()}

    def stop(self) -> None:
        """Ask every program to stop; a second call kills them at once."""
        if self._stopping is None:
            return
        if self._stopping.is_set():
            self._forced = True
            for running in self._running.values():
                _signal_group(running.process.pid, signal.SIGKILL)
            return
        self._stopping.set()

    async def run(self) -> int:
        """Run until `stop()`; returns 0 once every program and its group is gone, or
        `CONFIG_ERROR` when every program stopped on a setting error."""
        self._stopping = asyncio.Event()
        keepers = [asyncio.create_task(self._keep(p)) for p in self.programs]
        await self._stopping.wait()
        if len(self.gave_up) == len(self.programs):
            await asyncio.wait(keepers)
            self.say("plus aucun programme ne tourne : serve s'arrête")
            return CONFIG_ERROR
        self.say(
            "arrêt de " + ", ".join(p.name for p in self.programs if p.name not in self.gave_up)
        )
        for running in list(self._running.values()):
            _signal_group(running.process.pid, signal.SIGTERM)
        done, pending = await asyncio.wait(keepers, timeout=self.stop_grace)
        if pending:
            for name, running in list(self._running.items()):
                self.say(
                    f"{name} ne s'est pas arrêté en {decimal_words(self.stop_grace)} s : arrêt forcé"
                )
                _signal_group(running.process.pid, signal.SIGKILL)
            await asyncio.wait(pending)
        for task in keepers:
            with contextlib.suppress(asyncio.CancelledError):
                task.result()
        self.say("tout est arrêté")
        return 0

    def _give_up(self, program: Program, code: int) -> None:
        """Leave `program` stopped after a setting error, saying what to fix; stop
        everything when nothing runs any more."""
        assert self._stopping is not None
        self.gave_up.append(program.name)
        names = list(
            dict.fromkeys(SETTING_NAME.findall("\n".join(self._errors.get(program.name, []))))
        )
        what = (
            f"réglez {', '.join(names)} dans .env (voir ci-dessus)"
            if names
            else "corrigez ce que disent ses lignes ci-dessus"
        )
        self.say(
            f"{program.name} s'est arrêté sur une erreur de réglage (code {code}) et ne sera "
            f"pas relancé : {what}, puis relancez scripts/serve"
        )
        if len(self.gave_up) == len(self.programs):
            self._stopping.set()

    async def _start(self, program: Program) -> _Running:
        process = await asyncio.create_subprocess_exec(
            *program.argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=dict(self.env) if self.env is not None else None,
            start_new_session=True,  # its own process group: stopped as a whole
            limit=LINE_LIMIT,
        )
        assert process.stdout is not None
        pump = asyncio.create_task(self._pump(program.name, process.stdout))
        return _Running(process=process, pump=pump, started=self.clock())

    async def _keep(self, program: Program) -> None:
        assert self._stopping is not None
        delay = self.backoff.initial
        while not self._stopping.is_set():
            try:
                running = await self._start(program)
            except OSError as exc:
                self.say(f"{program.name} ne peut pas démarrer : {exc}")
                code: int | None = None
                ran_for = 0.0
            else:
                self._errors.pop(program.name, None)
                self._running[program.name] = running
                self.say(f"{program.name} démarré (pid {running.process.pid})")
                code = await _exited(running.process)
                ran_for = self.clock() - running.started
                # what the program left in its group (grandchildren) goes with it
                await _reap_group(running.process.pid, grace=min(self.stop_grace, 2.0))
                # its output ends when the last holder of the pipe is gone; a process that
                # left the group (setsid) may keep it open: stop reading after a moment
                await asyncio.wait({running.pump}, timeout=2.0)
                running.pump.cancel()
                del self._running[program.name]
            if self._stopping.is_set():
                self.say(f"{program.name} arrêté" + (f" (code de sortie {code})" if code else ""))
                return
            if code == CONFIG_ERROR:
                self._give_up(program, code)
                return
            wait, delay = self.backoff.next(delay, ran_for=ran_for)
            self.restarts[program.name] = self.restarts.get(program.name, 0) + 1
            self.say(
                f"{program.name} s'est arrêté (code {code}) après "
                f"{decimal_words(ran_for, digits=1)} s ; redémarrage dans {decimal_words(wait)} s"
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=wait)


async def _exited(process: asyncio.subprocess.Process) -> int:
    """The exit code, as soon as the process itself exits.

    `Process.wait()` also waits until its output pipe is closed, which a grandchild that
    inherited it may delay forever; the return code is known as soon as it exits.
    """
    while process.returncode is None:
        await asyncio.sleep(0.1)
    return process.returncode


def _signal_group(pgid: int, sig: signal.Signals) -> bool:
    """Send `sig` to a whole process group; False when nothing is left in it."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


async def _reap_group(pgid: int, *, grace: float) -> None:
    """After a group's leader exited: SIGTERM what remains, SIGKILL it after `grace`."""
    if not _signal_group(pgid, signal.SIGTERM):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        if not _signal_group(pgid, 0):  # type: ignore[arg-type]
            return
    _signal_group(pgid, signal.SIGKILL)
