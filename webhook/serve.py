"""Run the webhook on Hypercorn: `scripts/webhook [--host H] [--port P]`.

Equivalent to `hypercorn webhook.app:app --bind 127.0.0.1:8000`, plus two things that
matter under load: Flask views are synchronous and Hypercorn runs them in its event loop's
default thread pool (6 threads on a 2-core machine), so a slow LiveKit would queue calls
behind each other; this runner gives that pool `WEBHOOK_THREADS` threads (128) so every
caller waits at most the dispatch budget. And log lines carry the call's context
(CallSid, masked caller, fallback reason), never a phone number in clear.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor

from hypercorn.asyncio import serve
from hypercorn.config import Config

from salon import settings
from webhook.app import create_app
from webhook.dispatch import LiveKitDispatcher

CONTEXT_KEYS = ("call_sid", "from_masked", "state", "status", "reason", "detail", "transport")
HYPERCORN_MAX_BODY = 1024 * 1024  # Flask answers 413 above MAX_CONTENT_LENGTH (64 KiB)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/webhook",
        description="Serve the Twilio webhook (POST /voice, /dial-done, /status; GET /healthz).",
        epilog="Example: scripts/webhook --port 8000   (then: ngrok http 8000)",
    )
    parser.add_argument("--host", default=settings.get("WEBHOOK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=settings.get_int("WEBHOOK_PORT", 8000))
    parser.add_argument("--threads", type=int, default=settings.get_int("WEBHOOK_THREADS", 128))
    parser.add_argument("--quiet", action="store_true", help="log warnings and errors only")
    args = parser.parse_args(argv)
    configure_logging(logging.WARNING if args.quiet else logging.INFO)
    try:
        app = create_app()
    except (settings.MissingSetting, ValueError) as exc:
        print(f"webhook: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # e.g. SALON_DB not writable: one clear line, exit 1
        print(f"webhook: error: cannot start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1

    config = Config()
    config.bind = [f"{args.host}:{args.port}"]
    config.wsgi_max_body_size = max(HYPERCORN_MAX_BODY, 2 * app.config["MAX_CONTENT_LENGTH"])
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
            await serve(app, config, mode="wsgi")
        finally:
            if isinstance(dispatcher, LiveKitDispatcher):
                await dispatcher.aclose()

    logging.getLogger("webhook").info("webhook listening on %s:%s", args.host, args.port)
    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["salon_webhook"].close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
