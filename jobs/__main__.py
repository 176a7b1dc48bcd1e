"""`scripts/jobs` (`python -m jobs`): the back office between calls.

    scripts/jobs              # the loop: a full pass every JOBS_INTERVAL s, the outbox every JOBS_TICK s
    scripts/jobs --once       # one pass of everything due, one line per job, then exit
    scripts/jobs --once --json

Exit 0; with `--once`, 1 when a job failed (it is retried on the next pass); 1 when
salon.toml cannot be read (`scripts/serve` restarts the loop until it can); 2 on a usage
or settings error (`scripts/serve` leaves it stopped). SIGTERM or Ctrl-C ends the loop
after the current step.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys

from jobs.config import JobsSettings
from jobs.runner import BackOffice, JobResult, PassReport
from records.retention import retention_words
from salon.cli import french_parser
from salon.french import agree, count_fr
from salon.profile import ProfileError
from salon.profile_source import ProfileSource
from salon.settings import MissingSetting

CONTEXT_KEYS = (
    "job", "uid", "start", "channel", "reason", "offer", "sent", "failed", "deleted",
)  # fmt: skip

REASONS_FR = {
    "booked_late": "réservé trop peu de temps avant",
    "too_late": "heures calmes jusqu'à trop tard",
    "not_mobile": "pas un portable",
}


class ContextFormatter(logging.Formatter):
    """`… reminder queued uid=… start=…`: the whitelisted `extra` fields, never a phone."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = [f"{k}={getattr(record, k)}" for k in CONTEXT_KEYS if hasattr(record, k)]
        return f"{text} {' '.join(context)}" if context else text


def configure_logging(level: int) -> None:
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _line(result: JobResult) -> str:
    c = result.counts
    if not result.ok:
        return f"erreur : {result.error} (nouvel essai au prochain passage)"
    if result.name == "reminders":
        skipped = c.get("skipped") or {}
        text = f"{c.get('queued', 0)} mis en file"
        if skipped:
            text += ", ignorés : " + ", ".join(
                f"{n} {REASONS_FR.get(reason, reason)}" for reason, n in skipped.items()
            )
        if c.get("withdrawn"):
            text += f", {c['withdrawn']} {agree(c['withdrawn'], 'retiré')} (rendez-vous changé)"
        return text
    if result.name == "waitlist":
        offered, expired, ended = c.get("offered", 0), c.get("expired", 0), c.get("ended", 0)
        return (
            f"{count_fr(offered, 'proposition')} {agree(offered, 'envoyée')}, "
            f"{expired} {agree(expired, 'expirée')}"
            + (f", {count_fr(ended, 'inscription')} {agree(ended, 'terminée')}" if ended else "")
        )
    if result.name == "outbox":
        # What this pass did; the messages already kept for lack of settings are not
        # counted again on every pass (`python -m notify --list --status not_sent` lists
        # them), only those this pass kept: the owner reads news, not the same « 2 ».
        sent, held = c.get("sent", 0), c.get("held", 0)
        text = (
            f"{sent} {agree(sent, 'envoyé')}, {c.get('failed', 0)} en échec, "
            f"{c.get('retry_later', 0)} à réessayer"
        )
        if held:
            text += f", {held} {agree(held, 'gardé')} faute de réglages"
        return text
    return retention_line(c)


def retention_line(done: dict[str, int]) -> str:
    """`records.retention`'s words, then the booking journal's entries (pruned here)."""
    others = {kind: n for kind, n in done.items() if kind != "booking_journal"}
    pruned = done.get("booking_journal", 0)
    if not pruned:
        return retention_words(others)
    words = f"{count_fr(pruned, 'entrée')} du journal des confirmations"
    return f"{retention_words(others)}, {words}" if others else words


LABELS = {
    "reminders": "rappels",
    "waitlist": "liste d'attente",
    "outbox": "envois",
    "retention": "conservation",
}


def print_report(report: PassReport) -> None:
    for result in report.results:
        print(f"{LABELS.get(result.name, result.name):<16} {_line(result)}")


async def _main(args: argparse.Namespace) -> int:
    profiles = ProfileSource()
    cfg = JobsSettings.from_env()
    if args.once:
        office = BackOffice.from_settings(profile=profiles.current(), cfg=cfg)
        try:
            report = await office.run_once()
        finally:
            await office.aclose()
        if args.json:
            print(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            print_report(report)
        return 0 if report.ok else 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    log = logging.getLogger("jobs")
    while not stop.is_set():
        # Built anew whenever the owner saves salon.toml (hours, closures, services), so
        # reminders and waitlist offers follow it without a restart.
        office = BackOffice.from_settings(profile=profiles.current(), cfg=cfg)
        log.info("back office started", extra={"channel": office.channel})
        restart = asyncio.Event()
        watcher = asyncio.create_task(_watch_profile(profiles, stop=stop, changed=restart))
        try:
            await office.serve(stop=restart)
        finally:
            watcher.cancel()
            await office.aclose()
        if not stop.is_set():
            log.info("salon.toml changed: back office restarted with the new profile")
    log.info("back office stopped")
    return 0


async def _watch_profile(
    profiles: ProfileSource, *, stop: asyncio.Event, changed: asyncio.Event, every: float = 5.0
) -> None:
    """Set `changed` when `stop` is set or when salon.toml changes and still loads."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
        if profiles.refresh():  # a broken edit keeps the old profile: no restart
            break
    changed.set()


def main(argv: list[str] | None = None) -> int:
    parser = french_parser(
        prog="scripts/jobs",
        description="Le travail entre les appels : envois de SMS et d'e-mails (avec nouvel "
        "essai), rappels de rendez-vous, propositions de la liste d'attente, effacement des "
        "données anciennes.",
        epilog="exemples : scripts/jobs --once ; scripts/jobs --once --json ; scripts/jobs",
    )
    parser.add_argument(
        "--once", action="store_true", help="un seul passage, une ligne par tâche, puis arrêt"
    )
    parser.add_argument("--json", action="store_true", help="avec --once : un seul objet JSON")
    parser.add_argument(
        "--quiet", action="store_true", help="n'afficher que les avertissements et les erreurs"
    )
    args = parser.parse_args(argv)
    if args.json and not args.once:
        parser.error("--json va avec --once")
    configure_logging(logging.WARNING if args.quiet or args.json else logging.INFO)
    try:
        return asyncio.run(_main(args))
    except ProfileError as exc:  # a ValueError: caught before them
        # not a setting: the owner edits salon.toml while everything runs, so
        # scripts/serve keeps restarting the back office until the file reads again
        print(f"jobs : erreur : {exc}", file=sys.stderr)
        return 1
    except (MissingSetting, ValueError) as exc:
        print(f"jobs : erreur : {exc}", file=sys.stderr)
        return 2  # a setting to fix: scripts/serve leaves the back office stopped
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # e.g. SALON_DB not writable: one clear line
        print(
            f"jobs : erreur : impossible de démarrer : {type(exc).__name__}: {exc}", file=sys.stderr
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
