"""Outbox benchmark: queued confirmations drained against the Twilio stub failing 20 %.

    python -m notify.bench [--messages 1000] [--failure-rate 0.2] [--workers 2]

Prints one JSON object: sent, duplicates (must be 0), lost (must be 0), attempts,
elapsed seconds. `run()` is also called by `booking.bench`. It needs the stub in
`tests/stubs/twilio.py` and the fixture salon `tests/fixtures/salon/` (never the checkout's
`sources/`; its state is a temporary database), so run it from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from notify.outbox import Outbox, RetryPolicy
from notify.texts import booked_text
from notify.twilio_messages import TwilioNotifier, TwilioOptions
from salon import state_db
from salon.profile import load_profile

MOBILES = tuple(f"+3361234{n:04d}" for n in range(50))


def run(
    *,
    messages: int = 1000,
    failure_rate: float = 0.2,
    workers: int = 2,
    validate: bool = True,
    seed: int = 1,
) -> dict[str, Any]:
    """Queue `messages` booking confirmations, drain them with `workers` concurrent workers
    (threads, each with its own connection and event loop) against a stub that fails
    `failure_rate` of requests with 500/429; count what the stub received."""
    from tests.fixtures.isolation import FIXTURE_PROFILE  # the tests' own salon
    from tests.stubs.twilio import TwilioStub  # the stub lives with the tests

    profile = load_profile(FIXTURE_PROFILE)
    services = [s for s in profile.services if s.bookable]
    base = datetime(2026, 12, 1, 9, 0, tzinfo=profile.timezone)
    policy = RetryPolicy(
        max_attempts=12, base_delay=0.01, max_delay=0.25, batch=100, concurrency=16
    )
    with tempfile.TemporaryDirectory() as tmp, TwilioStub(validate=validate) as stub:
        db_path = Path(tmp) / "bench.db"
        options = TwilioOptions(
            account_sid=stub.account_sid,
            auth_token=stub.auth_token,
            base_url=stub.base_url,
            sms_from=profile.sms_sender or "Salon",
        )
        seeder = Outbox(conn=state_db.connect(db_path), policy=policy)
        expected: dict[str, str] = {}
        started = time.perf_counter()
        for i in range(messages):
            start = base + timedelta(minutes=15 * i)  # distinct times: distinct bodies
            body = booked_text(
                profile=profile, service=services[i % len(services)].name, start=start
            )
            key = f"bench-{i}:booked:sms"
            seeder.enqueue_now(
                channel="sms", to=MOBILES[i % len(MOBILES)], body=body, dedupe_key=key
            )
            expected[key] = body
        # Enqueue everything a second time: the dedupe key must absorb it.
        for i, key in enumerate(list(expected)[: messages // 10]):
            seeder.enqueue_now(
                channel="sms", to=MOBILES[i % len(MOBILES)], body=expected[key], dedupe_key=key
            )
        enqueue_s = time.perf_counter() - started
        stub.set_failure_rate(failure_rate, seed=seed)

        reports: list[dict[str, Any]] = []

        def worker() -> None:
            async def drain() -> None:
                conn = state_db.connect(db_path)
                outbox = Outbox(notifiers=[TwilioNotifier(options)], conn=conn, policy=policy)
                report = await outbox.drain(max_wait=30)
                await outbox.aclose()
                reports.append(report.as_dict())

            asyncio.run(drain())

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started

        bodies = [m["body"] for m in stub.messages]
        received = set(bodies)
        counts = seeder.counts()
        faults = len(stub.attempts) - len(stub.messages)
        return {
            "benchmark": "notify.outbox",
            "messages": messages,
            "enqueued_twice": messages // 10,
            "workers": workers,
            "failure_rate": failure_rate,
            "spec_validated": stub.validate,
            "sent": counts.get("sent", 0),
            "received_by_stub": len(bodies),
            "duplicates": len(bodies) - len(received),
            "lost": sum(1 for body in expected.values() if body not in received),
            "failed": counts.get("failed", 0),
            "still_queued": counts.get("queued", 0),
            "attempts": sum(r["attempts"] for r in reports),
            "injected_failures": faults,
            "violations": len(stub.violations),
            "enqueue_s": round(enqueue_s, 3),
            "elapsed_s": round(elapsed, 3),
            "per_message_ms": round(1000 * elapsed / max(1, messages), 3),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m notify.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--failure-rate", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-validate", action="store_true", help="skip OpenAPI checks")
    args = parser.parse_args(argv)
    from tests.fixtures.isolation import isolated_state

    with isolated_state(prefix="notify-bench-"):
        result = run(
            messages=args.messages,
            failure_rate=args.failure_rate,
            workers=args.workers,
            validate=not args.no_validate,
        )
    print(json.dumps(result))
    return 0 if result["duplicates"] == 0 and result["lost"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
