"""`scripts/serve [--ngrok | --public-url URL]`: the whole salon in one terminal.

Runs the agent worker (`scripts/agent start`), the webhook (`scripts/webhook`) and the
back-office jobs (`scripts/jobs`, when that script exists) under `ops.supervisor`: one
prefixed log, restarts with backoff, Ctrl-C or SIGTERM stops them all. A program that
exits with 2 (a missing or malformed setting) is left stopped, with one line naming the
settings to fix; serve ends with 2 when none is left running.

`--ngrok` opens an ngrok tunnel to the webhook's port in this process (`NGROK_AUTHTOKEN`,
optional `NGROK_DOMAIN`); `--public-url` takes the URL of a tunnel or proxy you run
yourself. Either way the children get it as `PUBLIC_BASE_URL`, and once the webhook
answers, the Twilio number is pointed at it (the doctor's `--fix`), then « Appelez le … pour
tester » is printed.

Examples:
  scripts/serve
  scripts/serve --ngrok
  scripts/serve --public-url https://salon.example.fr
  scripts/serve --command "web=scripts/webhook --port 8001" --command "jobs=scripts/jobs"

Exit codes: 0 stopped cleanly, 1 the tunnel could not be opened, 2 usage error or every
program stopped on a setting error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import signal
import sys
from pathlib import Path

import httpx

from notify.phone import InvalidPhone, normalise
from ops.doctor import twilio
from ops.doctor.base import NAME_FR, STATUS_FR
from ops.supervisor import Backoff, Program, Supervisor
from ops.tunnel import GivenUrl, Tunnel, open_ngrok
from salon import settings
from salon.cli import french_parser
from salon.french import decimal_words

ROOT = Path(__file__).resolve().parent.parent


def default_programs(root: Path = ROOT) -> tuple[list[Program], list[str]]:
    """The three processes of a salon, and notes about any that cannot run."""
    programs = [
        Program("worker", (str(root / "scripts" / "agent"), "start")),
        Program("webhook", (str(root / "scripts" / "webhook"),)),
    ]
    notes = []
    jobs = root / "scripts" / "jobs"
    if jobs.is_file():
        programs.append(Program("jobs", (str(jobs),)))
    else:
        notes.append("scripts/jobs est absent : pas de tâches de fond (rappels, SMS en attente)")
    return programs, notes


def parse_command(text: str) -> Program:
    """`name=command with args` → Program; raises ValueError with the expected form."""
    name, sep, command = text.partition("=")
    argv = tuple(shlex.split(command)) if sep else ()
    if not name.strip() or not argv or not name.strip().isidentifier():
        raise ValueError(f"--command s'écrit NOM=COMMANDE, pas {text!r}")
    return Program(name.strip(), argv)


async def wait_healthy(url: str, *, timeout: float) -> bool:
    """Poll `url` until it answers 200, at most `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with httpx.AsyncClient(timeout=2.0) as client:
        while loop.time() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return True
            await asyncio.sleep(0.3)
    return False


async def go_public(
    supervisor: Supervisor, url: str, *, port: int, ready_timeout: float, timeout: float
) -> None:
    """Once the local webhook answers, point the Twilio number at `url` and say so."""
    if not await wait_healthy(f"http://127.0.0.1:{port}/healthz", timeout=ready_timeout):
        supervisor.say(
            f"le webhook ne répond pas sur le port {port} après {decimal_words(ready_timeout)} s ; "
            "on relie quand même le numéro Twilio"
        )
    result = await twilio.point_number(public_base_url=url, timeout=timeout)
    texts = result.problems if result.status == "problem" else [result.detail]
    for text in texts:
        status, name = STATUS_FR[result.status], NAME_FR.get(result.name, result.name)
        supervisor.say(f"{status} : {name} : {text}")
    if result.status == "skipped":
        supervisor.say(
            f"dans la console Twilio, réglez l'adresse des appels (voice URL) du numéro "
            f"sur {url}/voice (POST)"
        )
        return
    raw, _ = twilio.salon_number()
    if result.status == "ok" and raw:
        with contextlib.suppress(InvalidPhone):
            supervisor.say(f"Appelez le {twilio.international(normalise(raw))} pour tester")


# The owner starts the salon with this command (README, systemd unit): its help, its errors
# and its own lines are French; the programs' lines are shown as they print them.
DESCRIPTION_FR = """Lance tout le salon dans un seul terminal : l'agent (scripts/agent start),
le webhook (scripts/webhook) et les tâches de fond (scripts/jobs), chaque ligne précédée
du nom de son programme. Un programme qui s'arrête est relancé, sauf sur une erreur de
réglage (code 2) : une ligne dit alors quoi régler dans .env. Ctrl-C les arrête tous.

Avec --ngrok (NGROK_AUTHTOKEN) ou --public-url, le numéro Twilio est relié à cette
adresse publique dès que le webhook répond, puis « Appelez le … pour tester » s'affiche."""

EXAMPLES_FR = """exemples :
  scripts/serve
  scripts/serve --ngrok
  scripts/serve --public-url https://salon.example.fr

codes de sortie : 0 arrêt normal, 1 tunnel ngrok impossible à ouvrir, 2 commande mal écrite
ou plus aucun programme en marche (tous arrêtés sur une erreur de réglage).
"""


def _parser() -> argparse.ArgumentParser:
    parser = french_parser(
        prog="scripts/serve",
        description=DESCRIPTION_FR,
        epilog=EXAMPLES_FR,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    public = parser.add_mutually_exclusive_group()
    public.add_argument(
        "--ngrok", action="store_true", help="ouvrir un tunnel ngrok (NGROK_AUTHTOKEN)"
    )
    public.add_argument(
        "--public-url", metavar="ADRESSE", help="l'adresse https d'un tunnel ou d'un proxy à vous"
    )
    parser.add_argument(
        "--command",
        action="append",
        default=[],
        metavar="NOM=COMMANDE",
        help="lancer ce programme au lieu des trois habituels (à répéter pour plusieurs)",
    )
    parser.add_argument(
        "--port", type=int, default=None, metavar="PORT", help="le port du webhook (8000)"
    )
    parser.add_argument(
        "--backoff",
        type=float,
        default=1.0,
        metavar="SECONDES",
        help="première attente avant de relancer un programme (1)",
    )
    parser.add_argument(
        "--backoff-max",
        type=float,
        default=30.0,
        metavar="SECONDES",
        help="attente la plus longue avant de relancer (30)",
    )
    parser.add_argument(
        "--stop-grace",
        type=float,
        default=10.0,
        metavar="SECONDES",
        help="délai avant d'arrêter de force un programme (10)",
    )
    parser.add_argument(
        "--ready-timeout",
        type=float,
        default=30.0,
        metavar="SECONDES",
        help="attente maximale du webhook avant de relier le numéro (30)",
    )
    return parser


async def _serve(args: argparse.Namespace, programs: list[Program], notes: list[str]) -> int:
    port = args.port or settings.get_int("WEBHOOK_PORT", 8000)
    tunnel: Tunnel | None = None
    if args.ngrok:
        try:
            tunnel = await open_ngrok(port)
        except settings.MissingSetting as exc:
            print(f"serve : erreur : {exc}", file=sys.stderr)
            return 2
        except Exception as exc:  # the SDK raises plain ValueError/OSError on refusal
            print(f"serve : erreur : impossible d'ouvrir le tunnel ngrok : {exc}", file=sys.stderr)
            return 1
    elif args.public_url:
        tunnel = GivenUrl(args.public_url.rstrip("/"))
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if tunnel is not None:
        env["PUBLIC_BASE_URL"] = os.environ["PUBLIC_BASE_URL"] = tunnel.url
    supervisor = Supervisor(
        programs,
        env=env,
        backoff=Backoff(initial=args.backoff, maximum=max(args.backoff, args.backoff_max)),
        stop_grace=args.stop_grace,
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, supervisor.stop)
    for note in notes:
        supervisor.say(note)
    public: asyncio.Task[None] | None = None
    if tunnel is not None:
        supervisor.say(f"adresse publique {tunnel.url} -> localhost:{port}")
        public = asyncio.create_task(
            go_public(
                supervisor, tunnel.url, port=port, ready_timeout=args.ready_timeout, timeout=8.0
            )
        )
    try:
        return await supervisor.run()
    finally:
        if public is not None:
            public.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await public
        if tunnel is not None:
            await tunnel.close()


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        notes: list[str] = []
        if args.command:
            programs = [parse_command(c) for c in args.command]
        else:
            programs, notes = default_programs()
        if len({p.name for p in programs}) != len(programs):
            raise ValueError("chaque --command doit avoir son propre NOM")
    except ValueError as exc:
        parser.error(str(exc))
    if args.backoff <= 0 or args.stop_grace <= 0:
        parser.error("--backoff et --stop-grace doivent être des durées positives")
    return asyncio.run(_serve(args, programs, notes))


if __name__ == "__main__":
    sys.exit(main())
