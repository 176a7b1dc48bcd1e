"""Run the webhook on Hypercorn: `scripts/webhook [--host H] [--port P]`.

Equivalent to `hypercorn webhook.asgi:app --bind 127.0.0.1:8000`, plus two things that
matter under load: Flask views are synchronous and Hypercorn runs them in its event loop's
default thread pool (6 threads on a 2-core machine), so a slow LiveKit would queue calls
behind each other; this runner gives that pool `WEBHOOK_THREADS` threads (128) so every
caller waits at most the dispatch budget. And log lines carry the call's context
(CallSid, masked caller, fallback reason), never a phone number in clear.

The Flask app is served through `webhook.asgi.GuardedWsgi`, not Hypercorn's WSGI mode:
each route's body limit and receive deadline are enforced before anything is buffered or
the signature checked. Hypercorn bounds the rest: request headers (`HEADER_MAX`) must
arrive within `WEBHOOK_RECEIVE_TIMEOUT` of the connection opening (its keep-alive timer,
which also closes idle connections), and a connection silent for `SOCKET_READ_TIMEOUT`
is dropped whatever it is doing.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import sys
from concurrent.futures import ThreadPoolExecutor

from hypercorn.asyncio import serve
from hypercorn.config import Config

from salon import settings
from salon.cli import french_parser
from webhook.app import create_app
from webhook.asgi import GuardedWsgi
from webhook.dispatch import LiveKitDispatcher

CONTEXT_KEYS = ("call_sid", "from_masked", "state", "status", "reason", "detail", "transport")
HEADER_MAX = 16 * 1024  # the request line and headers; Twilio's are about 1 KiB
# A client waiting for its answer sends nothing: this must exceed the slowest view (/voice
# waits at most LIVEKIT_DISPATCH_TIMEOUT + 0.5 s) and any route's body timeout.
SOCKET_READ_TIMEOUT = 30
# Hypercorn reads a connection's body ahead of the app into a queue of up to this many
# chunks of up to 64 KiB (its default, 10, lets one connection hold 640 KiB unread).
APP_QUEUE = 1
# Twilio speaks HTTP/1.1; an h2c client gets this many streams at once, each within the
# route's body limit (Hypercorn's default, 100, multiplies what one connection may park).
H2_STREAMS = 8
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
BIG_BUFFER = 32 * 1024


class ContextFormatter(logging.Formatter):
    """Appends the whitelisted `extra` fields of a record: `… call_sid=CA… reason=timeout`."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = [f"{k}={getattr(record, k)}" for k in CONTEXT_KEYS if hasattr(record, k)]
        return f"{text} {' '.join(context)}" if context else text


def configure_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if root.handlers:  # already configured (embedding process, tests): leave it alone
        return
    handler = logging.StreamHandler()
    handler.setFormatter(ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)


def give_big_buffers_back() -> None:
    """Have glibc map blocks of `BIG_BUFFER` and more on their own, so that freeing them
    gives the memory back to the system. A burst of large bodies (refused, but read in
    64-256 KiB pieces by asyncio and Hypercorn first) otherwise leaves its peak resident for
    good: 300 clients each sending 1 MB at once left +127 MB, 300 parking 60 KB +53 MB;
    with this, +7-8 MB (`python -m webhook.bench_slow`). The webhook's own requests and
    answers are a few KiB, so nothing it does normally pays for an `mmap`."""
    libc_name = ctypes.util.find_library("c")
    if sys.platform != "linux" or not libc_name:
        return
    try:
        mallopt = ctypes.CDLL(libc_name).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    mallopt(M_MMAP_THRESHOLD, BIG_BUFFER)


def main(argv: list[str] | None = None) -> int:
    try:
        host = settings.get("WEBHOOK_HOST", "127.0.0.1")
        port = settings.get_int("WEBHOOK_PORT", 8000)
        threads = settings.get_int("WEBHOOK_THREADS", 128)
    except ValueError as exc:  # a malformed WEBHOOK_PORT or WEBHOOK_THREADS in .env
        print(f"webhook : erreur : {exc}", file=sys.stderr)
        return 2
    parser = french_parser(
        prog="scripts/webhook",
        description="Reçoit les appels et les SMS de Twilio (POST /voice, /dial-done, /status ; "
        "GET /healthz) et sert la console du salon (/admin/).",
        epilog="exemple : scripts/webhook --port 8000   (puis : ngrok http 8000)",
    )
    parser.add_argument(
        "--host",
        default=host,
        help="adresse d'écoute (WEBHOOK_HOST, 127.0.0.1 par défaut)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=port,
        help="port d'écoute (WEBHOOK_PORT, 8000 par défaut)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=threads,
        help="appels traités en même temps (WEBHOOK_THREADS, 128 par défaut)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="n'afficher que les avertissements et les erreurs"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"--port doit être un numéro de port de 1 à 65535, pas {args.port}")
    if args.threads < 1:
        parser.error(f"--threads doit valoir au moins 1, pas {args.threads}")
    configure_logging(logging.WARNING if args.quiet else logging.INFO)
    try:
        app = create_app()
    except (settings.MissingSetting, ValueError) as exc:
        print(f"webhook : erreur : {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # e.g. SALON_DB not writable: one clear line, exit 1
        print(
            f"webhook : erreur : démarrage impossible ({type(exc).__name__} : {exc})",
            file=sys.stderr,
        )
        return 1

    give_big_buffers_back()
    config = Config()
    config.bind = [f"{args.host}:{args.port}"]
    cfg = app.extensions["salon_webhook"].settings
    config.h11_max_incomplete_size = HEADER_MAX
    config.keep_alive_timeout = cfg.receive_timeout
    config.read_timeout = max(SOCKET_READ_TIMEOUT, int(cfg.route_limits.longest_timeout_s) + 5)
    config.max_app_queue_size = APP_QUEUE  # body chunks read ahead of the app
    config.h2_max_concurrent_streams = H2_STREAMS
    guarded = GuardedWsgi(app, limits=cfg.route_limits)
    config.accesslog = None
    config.errorlog = logging.getLogger("hypercorn.error")  # through our formatter, once

    async def run() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(
            ThreadPoolExecutor(max_workers=args.threads, thread_name_prefix="webhook")
        )
        dispatcher = app.extensions["salon_webhook"].dispatcher
        if isinstance(dispatcher, LiveKitDispatcher):
            dispatcher.use_loop(loop)
        try:
            await serve(guarded, config, mode="asgi")  # type: ignore[arg-type]  # ASGI 3
        finally:
            if isinstance(dispatcher, LiveKitDispatcher):
                await dispatcher.aclose()

    logging.getLogger("webhook").info("webhook à l'écoute sur %s:%s", args.host, args.port)
    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["salon_webhook"].close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
