"""`scripts/serve [--ngrok | --public-url URL]`: the whole salon in one terminal.

Runs the agent worker (`scripts/agent start`), the webhook (`scripts/webhook`) and the
back-office jobs (`scripts/jobs`, when that script exists) under `ops.supervisor`: one
prefixed log, restarts with backoff, Ctrl-C or SIGTERM stops them all.

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

Exit codes: 0 stopped cleanly, 1 the tunnel could not be opened, 2 usage error.
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
from ops.supervisor import Backoff, Program, Supervisor
from ops.tunnel import GivenUrl, Tunnel, open_ngrok
from salon import settings

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
        notes.append("scripts/jobs is not there yet: no back-office jobs (outbox retries)")
    return programs, notes


def parse_command(text: str) -> Program:
    """`name=command with args` → Program; raises ValueError with the expected form."""
    name, sep, command = text.partition("=")
    argv = tuple(shlex.split(command)) if sep else ()
    if not name.strip() or not argv or not name.strip().isidentifier():
        raise ValueError(f"--command must look like NAME=COMMAND, got {text!r}")
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
            f"the webhook does not answer on port {port} after {ready_timeout:g} s; "
            "pointing the Twilio number anyway"
        )
    result = await twilio.point_number(public_base_url=url, timeout=timeout)
    texts = result.problems if result.status == "problem" else [result.detail]
    for text in texts:
        supervisor.say(f"{result.status}: {result.name}: {text}")
    if result.status == "skipped":
        supervisor.say(f"set the number's voice URL to {url}/voice (POST) in the Twilio console")
        return
    raw, _ = twilio.salon_number()
    if result.status == "ok" and raw:
        with contextlib.suppress(InvalidPhone):
            supervisor.say(f"Appelez le {twilio.international(normalise(raw))} pour tester")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/serve",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    public = parser.add_mutually_exclusive_group()
    public.add_argument("--ngrok", action="store_true", help="open an ngrok tunnel in-process")
    public.add_argument("--public-url", help="the https URL of a tunnel or proxy you run")
    parser.add_argument(
        "--command",
        action="append",
        default=[],
        metavar="NAME=COMMAND",
        help="run this instead of the default programs (repeat for several)",
    )
    parser.add_argument("--port", type=int, default=None, help="the webhook's port (8000)")
    parser.add_argument("--backoff", type=float, default=1.0, help="first restart delay, s")
    parser.add_argument("--backoff-max", type=float, default=30.0, help="longest delay, s")
    parser.add_argument("--stop-grace", type=float, default=10.0, help="SIGTERM to SIGKILL, s")
    parser.add_argument("--ready-timeout", type=float, default=30.0, help="wait for the webhook, s")
    return parser


async def _serve(args: argparse.Namespace, programs: list[Program], notes: list[str]) -> int:
    port = args.port or settings.get_int("WEBHOOK_PORT", 8000)
    tunnel: Tunnel | None = None
    if args.ngrok:
        try:
            tunnel = await open_ngrok(port)
        except settings.MissingSetting as exc:
            print(f"serve: error: {exc}", file=sys.stderr)
            return 2
        except Exception as exc:  # the SDK raises plain ValueError/OSError on refusal
            print(f"serve: error: cannot open the ngrok tunnel: {exc}", file=sys.stderr)
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
        supervisor.say(f"public URL {tunnel.url} -> localhost:{port}")
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
            raise ValueError("each --command needs its own NAME")
    except ValueError as exc:
        parser.error(str(exc))
    if args.backoff <= 0 or args.stop_grace <= 0:
        parser.error("--backoff and --stop-grace must be positive")
    return asyncio.run(_serve(args, programs, notes))


if __name__ == "__main__":
    sys.exit(main())
