"""Webhook benchmark (`scripts/bench webhook`): prints one JSON object.

On loopback only, three processes are started: the LiveKit Twirp stub
(`tests.stubs.livekit_twirp`), the real webhook (`python -m webhook.serve`) and a bare
Flask-on-Hypercorn endpoint returning fixed TwiML (same runner settings). Then:

1. throughput and latency: `--rounds` bursts of `--concurrency` simultaneous signed
   `POST /voice` (each a new CallSid, so each is a real dispatch), alternating with the same
   bursts against the bare endpoint; targets: ratio >= 0.5, webhook p99 <= 50 ms; then, for
   reference, latency under light load (bursts of `--light` calls);
2. fallback: the stub is made `--slow` seconds slow and one burst is sent; target: the
   slowest answer is within the dispatch budget (`--budget`) + 100 ms, all of them fallback.

Example: scripts/bench webhook --concurrency 100 --rounds 5 --budget 1.0

It runs isolated (`tests.fixtures.isolation`): the fixture salon, a temporary state
database, no outside service beyond the loopback stub; the checkout's `data/` and
`sources/` are not used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from salon.measure import cpu_seconds, free_port, percentile
from webhook.signature import SignatureChecker

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token-0123456789abcdef"
API_KEY = "APIbench"
API_SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
FIXED_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Sip>sip:bench@sip.invalid'
    "</Sip></Dial></Response>"
)


def _bare_app() -> object:
    from flask import Flask, Response

    app = Flask("bare")

    @app.post("/voice")
    def voice() -> Response:
        return Response(FIXED_TWIML, mimetype="text/xml")

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app


def _serve_bare(port: int, threads: int) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    config.errorlog = None

    async def run() -> None:
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=threads))
        await serve(_bare_app(), config, mode="wsgi")  # type: ignore[arg-type]

    asyncio.run(run())
    return 0


async def _wait_healthy(session: aiohttp.ClientSession, url: str, proc: subprocess.Popen) -> None:
    for _ in range(300):  # 30 s at most
        if proc.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {proc.returncode}")
        try:
            async with session.get(url + "/healthz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"server for {url} did not start")


def _signed_forms(base: str, count: int) -> list[tuple[dict[str, str], str]]:
    checker = SignatureChecker(auth_token=TOKEN)
    out = []
    for _ in range(count):
        form = {
            "CallSid": "CA" + secrets.token_hex(16),
            "From": "+33612345678",
            "To": "+33478421890",
            "AccountSid": "AC" + "0" * 32,
            "CallStatus": "ringing",
            "Direction": "inbound",
        }
        out.append((form, checker.sign(url=base + "/voice", params=form)))
    return out


async def _burst(
    session: aiohttp.ClientSession, base: str, batch: list[tuple[dict[str, str], str]]
) -> tuple[float, list[float], list[str]]:
    async def one(form: dict[str, str], signature: str) -> tuple[float, str]:
        started = time.perf_counter()
        async with session.post(
            base + "/voice", data=form, headers={"X-Twilio-Signature": signature}
        ) as resp:
            body = await resp.text()
            if resp.status != 200:
                raise RuntimeError(f"{base}/voice answered {resp.status}")
        return time.perf_counter() - started, body

    started = time.perf_counter()
    results = await asyncio.gather(*(one(form, sig) for form, sig in batch))
    wall = time.perf_counter() - started
    return wall, [r[0] for r in results], [r[1] for r in results]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


async def _bench(args: argparse.Namespace, tmp: Path) -> dict[str, object]:
    procs: list[subprocess.Popen] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        stub = subprocess.Popen(
            [sys.executable, "-m", "tests.stubs.livekit_twirp"]
            + ["--api-key", API_KEY, "--api-secret", API_SECRET],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        procs.append(stub)
        assert stub.stdout is not None
        stub_url = f"http://127.0.0.1:{json.loads(stub.stdout.readline())['port']}"

        hook_port, bare_port = free_port(), free_port()
        hook_env = {
            **env,
            "TWILIO_AUTH_TOKEN": TOKEN,
            # as deployed behind ngrok or a proxy: the signed URL comes from the setting
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{hook_port}",
            "TELEPHONY_TRANSPORT": "sip",
            "LIVEKIT_URL": stub_url,
            "LIVEKIT_API_KEY": API_KEY,
            "LIVEKIT_API_SECRET": API_SECRET,
            "LIVEKIT_SIP_HOST": "bench.sip.invalid",
            "LIVEKIT_DISPATCH_TIMEOUT": str(args.budget),
            "SALON_DB": str(tmp / "salon.db"),
        }
        server_args = ["--port", str(hook_port), "--quiet", "--threads", str(args.threads)]
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "webhook.serve", *server_args], cwd=ROOT, env=hook_env
            )
        )
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "webhook.bench", "--serve-bare", str(bare_port)]
                + ["--threads", str(args.threads)],
                cwd=ROOT,
                env=env,
            )
        )
        hook, bare = f"http://127.0.0.1:{hook_port}", f"http://127.0.0.1:{bare_port}"
        connector = aiohttp.TCPConnector(limit=args.concurrency * 2)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            await _wait_healthy(session, hook, procs[1])
            await _wait_healthy(session, bare, procs[2])
            n = args.concurrency
            for base in (bare, hook):  # warm-up: open the connections, first imports
                await _burst(session, base, _signed_forms(base, n))

            walls = {"bare": 0.0, "hook": 0.0}
            pids = {"hook": procs[1].pid, "bare": procs[2].pid, "stub": stub.pid}
            cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            client_cpu = {"bare": 0.0, "hook": 0.0}  # this process: the load generator
            lat: dict[str, list[float]] = {"bare": [], "hook": []}
            bodies_ok = True
            for _ in range(args.rounds):
                for name, base in (("bare", bare), ("hook", hook)):
                    batch = _signed_forms(base, n)
                    before = time.process_time()
                    wall, latencies, bodies = await _burst(session, base, batch)
                    client_cpu[name] += time.process_time() - before
                    walls[name] += wall
                    lat[name].extend(latencies)
                    if name == "hook":
                        bodies_ok &= all("<Sip" in b for b in bodies)
            cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
            light: list[float] = []  # a busy salon's reality: a few calls at once
            for _ in range(args.rounds * 4):
                light.extend((await _burst(session, hook, _signed_forms(hook, args.light)))[1])
            async with session.get(stub_url + "/_stub/state") as resp:
                stub_state = await resp.json()

            async with session.post(stub_url + "/_stub/config", json={"delay": args.slow}):
                pass
            slow_wall, slow_lat, slow_bodies = await _burst(session, hook, _signed_forms(hook, n))

        total = n * args.rounds
        bare_rps, hook_rps = total / walls["bare"], total / walls["hook"]
        slow_max = max(slow_lat)
        return {
            "concurrency": n,
            "requests_per_server": total,
            "bare_rps": round(bare_rps, 1),
            "voice_rps": round(hook_rps, 1),
            "ratio": round(hook_rps / bare_rps, 3),
            "voice_p50_ms": _ms(statistics.median(lat["hook"])),
            "voice_p99_ms": _ms(percentile(lat["hook"], 0.99)),
            "voice_max_ms": _ms(max(lat["hook"])),
            "bare_p50_ms": _ms(statistics.median(lat["bare"])),
            "bare_p99_ms": _ms(percentile(lat["bare"], 0.99)),
            "light_load": {
                "concurrency": args.light,
                "voice_p50_ms": _ms(statistics.median(light)),
                "voice_p99_ms": _ms(percentile(light, 0.99)),
            },
            "all_bridged": bodies_ok,
            "cpu_ms_per_request": {name: round(sec * 1000 / total, 3) for name, sec in cpu.items()},
            # the load generator shares the 2 cores: its CPU per request in each phase
            "client_cpu_ms_per_request": {
                name: round(sec * 1000 / total, 3) for name, sec in client_cpu.items()
            },
            "stub_dispatches": stub_state["dispatches"],
            "slow": {
                "stub_delay_s": args.slow,
                "budget_s": args.budget,
                "max_ms": _ms(slow_max),
                "p50_ms": _ms(statistics.median(slow_lat)),
                "over_budget_ms": _ms(slow_max - args.budget),
                # the human fallback (a <Dial> only while the salon is open)
                "all_fallback": all("<Sip" not in b and "<Say" in b for b in slow_bodies),
            },
            "targets_met": {
                "ratio_ge_0.5": hook_rps / bare_rps >= 0.5,
                "voice_p99_le_50ms": percentile(lat["hook"], 0.99) <= 0.050,
                "slow_max_le_budget_plus_100ms": slow_max <= args.budget + 0.100,
            },
        }
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench webhook", description=__doc__)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="bursts per server")
    parser.add_argument("--budget", type=float, default=1.0, help="LIVEKIT_DISPATCH_TIMEOUT")
    parser.add_argument("--slow", type=float, default=2.0, help="stub delay in the 2nd phase")
    parser.add_argument("--light", type=int, default=5, help="concurrency of the light phase")
    parser.add_argument("--threads", type=int, default=128, help="server worker threads")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        return _serve_bare(args.serve_bare, args.threads)
    if not (1 <= args.concurrency <= 1000 and 1 <= args.rounds <= 100 and 1 <= args.light <= 100):
        parser.error("--concurrency must be in 1..1000, --rounds and --light in 1..100")
    if args.slow <= args.budget:
        parser.error("--slow must exceed --budget, or the fallback phase measures nothing")
    from tests.fixtures.isolation import isolated_state

    with isolated_state(prefix="webhook-bench-") as tmp:  # the servers inherit it
        result = asyncio.run(_bench(args, tmp))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
