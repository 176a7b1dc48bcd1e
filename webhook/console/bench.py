"""Console benchmark (`scripts/bench console`): the server time of every page of the
owner's console on a busy salon; prints one JSON object.

The salon: the fixture salon's documents and profile copied to a temporary folder and
indexed, 5 000 bookings (two months either side of today, at the salon's open hours),
2 000 calls (transcripts of 12 lines, some with a question left unanswered or a
message), 2 000 outbox messages of every status. Each page is asked `--rounds` times
through the Flask app in this process, signed in (the time of the app itself, from the
request to the last byte of the page: what the server spends, without the network);
target: p95 ≤ 100 ms for every page.

It runs isolated (`tests.fixtures.isolation`): temporary state, the fixture salon,
nothing of the checkout's `data/` or `sources/`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

TARGET_MS = 100.0
PASSWORD = "mot-de-passe-du-banc"


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ordered[-1], 1),
    }


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fill_bookings(db: Path, *, count: int, seed: int = 1) -> int:
    """`count` accepted bookings in the embedded calendar, 60 days either side of today,
    inside the profile's opening hours (rows written directly: this measures reading)."""
    from booking.services import fold
    from salon import state_db
    from salon.profile import load_profile

    profile = load_profile()
    rng = random.Random(seed)
    tz = profile.timezone
    services = [s for s in profile.services if s.bookable]
    today = datetime.now(tz).date()
    days = [
        (day, spans)
        for day in (today + timedelta(days=n) for n in range(-60, 61))
        if (spans := profile.hours_on(day))
    ]
    rows: list[tuple[str, ...]] = []
    while len(rows) < count:
        day, spans = rng.choice(days)
        lo, hi = rng.choice(spans)
        service = rng.choice(services)
        first = lo.hour * 60 + lo.minute
        last = hi.hour * 60 + hi.minute - service.duration
        if last < first:
            continue
        minute = first + 15 * rng.randint(0, (last - first) // 15)
        start = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
        name = (
            rng.choice(["Paul", "Inès", "Claire", "Léo", "Yanis", "Chloé"])
            + " "
            + rng.choice(["Martin", "Garnier", "Bernard", "Roux", "Petit", "Durand"])
        )
        phone = f"+33612{rng.randint(100_000, 999_999)}"
        rows.append(
            (
                secrets.token_urlsafe(12), service.id, _utc(start),
                _utc(start + timedelta(minutes=service.duration)), name, fold(name), phone,
                _utc(datetime.now(UTC)),
            )
        )  # fmt: skip
    conn = state_db.connect(db)
    with state_db.write_transaction(conn):
        conn.executemany(
            "INSERT INTO local_bookings (uid, service_id, start_utc, end_utc, name, name_folded,"
            " phone, created_at) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
    conn.close()
    return len(rows)


def fill_calls(db: Path, *, count: int, seed: int = 2) -> int:
    """`count` calls over the last 30 days through `CallRecords.save`."""
    from records.store import CallRecords
    from records.types import CallRecord, TakenMessage, TranscriptLine

    rng = random.Random(seed)
    store = CallRecords(path=db)
    now = datetime.now(UTC)
    outcomes = ["answered", "booked", "changed", "cancelled", "message", "abandoned"]
    questions = ["Vous faites les extensions ?", "Vous avez un parking ?", "C'est quoi le wifi ?"]
    for i in range(count):
        start = now - timedelta(minutes=rng.randint(1, 30 * 24 * 60))
        transcript = [
            TranscriptLine("caller" if n % 2 else "agent", f"Phrase {n} de l'appel {i}, <b>.")
            for n in range(12)
        ]
        record = CallRecord(
            call_sid=f"CA{i:032x}",
            started_at=start,
            ended_at=start + timedelta(seconds=rng.randint(20, 400)),
            caller=f"+33612{rng.randint(100_000, 999_999)}",
            intent=rng.choice(["booking", "question", "change", "cancel", "other"]),
            outcome=rng.choice(outcomes),
            transcript=transcript,
            tools_used=["find_slots"],
            knowledge_gaps=[rng.choice(questions)] if i % 10 == 0 else [],
            messages=[TakenMessage(text=f"Rappelez-moi ({i})", caller_name="Élodie")]
            if i % 10 == 5
            else [],
        )
        store.save(record)
    store.conn.close()
    return count


def fill_outbox(db: Path, *, count: int, seed: int = 3) -> int:
    from notify.outbox import Outbox
    from salon import state_db

    rng = random.Random(seed)
    outbox = Outbox(db_path=db)
    statuses = ["sent", "sent", "sent", "failed", "not_sent", "queued"]
    for i in range(count):
        outbox.enqueue_now(
            channel="sms",
            to=f"+33612{rng.randint(100_000, 999_999)}",
            body=f"Maison Margaux : RDV confirmé ({i}).",
            dedupe_key=f"bench{i}:booked:sms",
        )
    with state_db.write_transaction(outbox.conn):
        outbox.conn.executemany(
            "UPDATE notify_outbox SET status = ?, detail = ? WHERE id = ?",
            [(rng.choice(statuses), "bench", i + 1) for i in range(count)],
        )
    outbox.conn.close()
    return count


def _signed_in(app: Any) -> Any:
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answer = client.post(
        "/admin/login", data={"csrf_token": token.group(1), "mot_de_passe": PASSWORD}
    )
    assert answer.status_code == 303, answer.status_code
    return client


def _pages(client: Any, today: date) -> dict[str, str]:
    """Every page, with a real booking, call and message to open; `today` is the first day
    the salon is open (a closed day's book is empty, and proves nothing)."""
    from webhook.console.helpers import ctx  # noqa: F401  (app context below)

    pages = {
        "aujourdhui": "/admin/",
        "rendez-vous (jour)": f"/admin/rendez-vous?jour={today.isoformat()}",
        "rendez-vous (semaine)": f"/admin/rendez-vous?jour={today.isoformat()}&vue=semaine",
        "appels": "/admin/appels",
        "appels page 20": "/admin/appels?page=20",
        "questions": "/admin/questions",
        "messages": "/admin/messages",
        "envois": "/admin/envois",
        "envois (échecs)": "/admin/envois?statut=failed",
        "documents": "/admin/documents",
        "réindexation": "/admin/documents/indexation",
        "salon": "/admin/salon",
    }
    week = client.get(pages["rendez-vous (semaine)"]).get_data(as_text=True)
    link = re.search(r'class="row" href="(/admin/rendez-vous/[A-Za-z0-9_-]+\?jour=[0-9-]+)"', week)
    if link:
        pages["un rendez-vous"] = link.group(1).replace("&amp;", "&")
        uid, day = re.match(
            r"/admin/rendez-vous/([^?]+)\?jour=(.*)", pages["un rendez-vous"]
        ).groups()  # type: ignore[union-attr]
        pages["déplacer (horaires libres)"] = f"/admin/rendez-vous/{uid}/deplacer?jour={day}"
    pages["nouveau rendez-vous (horaires libres)"] = (
        f"/admin/rendez-vous/nouveau?prestation=coupe-homme&jour={(today + timedelta(days=1)).isoformat()}"
    )
    pages["un appel"] = "/admin/appels/1000"
    messages = client.get("/admin/messages").get_data(as_text=True)
    found = re.search(r'href="(/admin/messages/\d+)"', messages)
    if found:
        pages["un message"] = found.group(1)
    return pages


def run(*, bookings: int, calls: int, outbox: int, rounds: int, index: bool) -> dict[str, Any]:
    import os

    from tests.fixtures.isolation import FIXTURE_SALON, isolated_state
    from webhook.app import create_app
    from webhook.config import WebhookSettings
    from webhook.console.password import hash_password

    with isolated_state(prefix="console-bench-") as tmp:
        salon = tmp / "salon"
        shutil.copytree(FIXTURE_SALON, salon)
        os.environ["SALON_PROFILE"] = str(salon / "salon.toml")
        db, kb = Path(os.environ["SALON_DB"]), Path(os.environ["KB_DB"])
        made = {
            "bookings": fill_bookings(db, count=bookings),
            "calls": fill_calls(db, count=calls),
            "outbox": fill_outbox(db, count=outbox),
        }
        if index:
            subprocess.run(
                [sys.executable, "-m", "kb.cli.reindex", "--sources", str(salon), "--db",
                 str(kb), "--quiet"],
                check=True, capture_output=True,
            )  # fmt: skip
        settings = WebhookSettings(
            twilio_auth_token="bench-token",
            salon_db=db,
            salon_profile=salon / "salon.toml",
            owner_password_hash=hash_password(PASSWORD),
            kb_db=kb,
        )
        app = create_app(settings)
        client = _signed_in(app)
        from booking.hours import opening_hours
        from salon.profile import load_profile

        profile = load_profile(salon / "salon.toml")
        today = datetime.now(profile.timezone).date()
        while not opening_hours(profile, today):  # a working day: its book is full
            today += timedelta(days=1)
        results: dict[str, Any] = {}
        for name, url in _pages(client, today).items():
            samples = []
            for n in range(rounds + 2):
                started = time.perf_counter()
                answer = client.get(url)
                answer.get_data()
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    raise RuntimeError(f"{url} answered {answer.status_code}")
                if n >= 2:  # the first two warm the templates and caches
                    samples.append(elapsed)
            results[name] = {"url": url, **_percentiles(samples)}
            shown = answer.get_data(as_text=True).count('class="row" href="/admin/rendez-vous/')
            if shown:
                results[name]["bookings_shown"] = shown
        worst = max(r["p95_ms"] for r in results.values())
        return {
            "made": made,
            "indexed": index,
            "rounds": rounds,
            "pages": results,
            "worst_p95_ms": worst,
            "target_p95_ms": TARGET_MS,
            "ok": worst <= TARGET_MS,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench console", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--outbox", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20, help="timed requests per page")
    parser.add_argument("--no-index", action="store_true", help="skip indexing the documents")
    args = parser.parse_args(argv)
    if not (1 <= args.rounds <= 1000 and args.bookings >= 0 and args.calls >= 1001):
        parser.error("--rounds must be in 1..1000, --calls at least 1001 (a call is opened)")
    result = run(bookings=args.bookings, calls=args.calls, outbox=args.outbox,
                 rounds=args.rounds, index=not args.no_index)  # fmt: skip
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
