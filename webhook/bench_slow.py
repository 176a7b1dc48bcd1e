"""Slow-client benchmark: the webhook's memory under many unsigned, slow connections.

`python -m webhook.bench_slow` starts the real server (`python -m webhook.serve`) on
loopback, without LiveKit, and opens `--connections` connections that each announce a
`POST /voice` of `--content-length` bytes, send all of it but the last `--hold` + 5 bytes at
once, then trickle one byte per second for `--hold` seconds: the memory an unsigned client
can park before the signature is ever checked. It prints one JSON object: the server's
resident memory (RSS) before, during and after, its peak (VmHWM), the statuses the
connections got, how many were still open after `--hold` seconds, and /healthz latency
during the attack; `--rounds` repeats the attack on the same server (is memory reused?).
It runs isolated (`tests.fixtures.isolation`): the fixture salon, a temporary state db. Run it on demand, never in a loop (the machine is shared).

Examples:
    python -m webhook.bench_slow                                   # 300 x 1 MB
    python -m webhook.bench_slow --content-length 60000 --hold 15  # under the body limit
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from salon.measure import free_port, rss_mb, stop_process

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token-0123456789abcdef"
CHUNK = 64 * 1024


async def _get(port: int, path: str) -> tuple[int, float]:
    """One `GET` on a fresh connection: (status, seconds)."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        status = int((await asyncio.wait_for(reader.readline(), 10)).split()[1])
    finally:
        writer.close()
    return status, time.perf_counter() - started


async def _wait_healthy(port: int, proc: subprocess.Popen) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"the webhook exited with {proc.returncode}")
        try:
            if (await _get(port, "/healthz"))[0] == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the webhook did not start")


class SlowClient:
    """One connection: headers, a body prefix at once, then one byte per second."""

    def __init__(self, port: int, content_length: int, prefix: bytes) -> None:
        self.port, self.content_length, self.prefix = port, content_length, prefix
        self.status: int | None = None  # the server's answer, if any
        self.closed_after: float | None = None  # seconds from connect to the server closing
        self.started = 0.0
        self.writer: asyncio.StreamWriter | None = None
        self._watch: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self.started = time.monotonic()
        reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self._watch = asyncio.create_task(self._read_answer(reader))
        head = (
            "POST /voice HTTP/1.1\r\nHost: bench\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {self.content_length}\r\n\r\n"
        ).encode()
        try:
            self.writer.write(head)
            for start in range(0, len(self.prefix), CHUNK):
                if self.closed_after is not None:
                    return
                self.writer.write(self.prefix[start : start + CHUNK])
                await self.writer.drain()
        except OSError:
            self._mark_closed()

    async def trickle(self) -> None:
        """Send one byte, unless the server has hung up."""
        if self.closed_after is not None or self.writer is None:
            return
        try:
            self.writer.write(b"x")
            await self.writer.drain()
        except OSError:
            self._mark_closed()

    def _mark_closed(self) -> None:
        if self.closed_after is None:
            self.closed_after = time.monotonic() - self.started

    async def _read_answer(self, reader: asyncio.StreamReader) -> None:
        try:
            line = await reader.readline()
            if line.startswith(b"HTTP/"):
                self.status = int(line.split()[1])
            while await reader.read(CHUNK):
                pass
        except OSError:
            pass
        self._mark_closed()

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self._watch is not None:
            self._watch.cancel()


async def _attack(
    args: argparse.Namespace, port: int, pid: int, before: float
) -> dict[str, object]:
    """One round: open the slow clients, trickle for `--hold` s, close them."""
    trickled = args.hold + 5
    prefix = b"a=" + b"x" * max(0, args.content_length - trickled - 2)
    clients = [SlowClient(port, args.content_length, prefix) for _ in range(args.connections)]
    try:
        started = time.monotonic()
        await asyncio.gather(*(c.open() for c in clients))
        sent_s = time.monotonic() - started
        await asyncio.sleep(1.0)
        during = rss_mb(pid)
        health = [(await _get(port, "/healthz")) for _ in range(5)]
        for _ in range(args.hold):
            await asyncio.sleep(1.0)
            await asyncio.gather(*(c.trickle() for c in clients))
        open_after_hold = sum(1 for c in clients if c.closed_after is None)
        peak = rss_mb(pid, "VmHWM")
    finally:
        for client in clients:
            await client.close()
    await asyncio.sleep(2.0)
    after = rss_mb(pid)
    dropped = [c.closed_after for c in clients if c.closed_after is not None]
    return {
        "prefix_sent_in_s": round(sent_s, 2),
        "statuses": {str(k): v for k, v in Counter(c.status for c in clients).items()},
        "open_after_hold": open_after_hold,
        "dropped_after_s": {
            "median": round(statistics.median(dropped), 2) if dropped else None,
            "max": round(max(dropped), 2) if dropped else None,
        },
        "healthz_during_attack": {
            "statuses": sorted({s for s, _ in health}),
            "max_ms": round(max(t for _, t in health) * 1000, 1),
        },
        "rss_mb": {
            "during": during,
            "after_close": after,
            "peak": peak,
            "growth_during": round(during - before, 1),
            "growth_after_close": round(after - before, 1),
        },
    }


async def _bench(args: argparse.Namespace, tmp: Path) -> dict[str, object]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SALON_DB": str(tmp / "salon.db"),
        "LIVEKIT_URL": "",  # every call would get the fallback: the attack needs no LiveKit
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "webhook.serve", "--port", str(port), "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await _wait_healthy(port, proc)
        for _ in range(20):  # warm-up: imports, thread pool, first allocations
            await _get(port, "/healthz")
        await asyncio.sleep(0.5)
        before = rss_mb(proc.pid)
        hwm_before = rss_mb(proc.pid, "VmHWM")

        rounds = [await _attack(args, port, proc.pid, before) for _ in range(args.rounds)]
        return {
            "connections": args.connections,
            "content_length": args.content_length,
            "hold_s": args.hold,
            "rss_before_mb": before,
            "peak_before_mb": hwm_before,
            "rounds": rounds,
        }
    finally:
        stop_process(proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m webhook.bench_slow",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--content-length", type=int, default=1_000_000)
    parser.add_argument("--hold", type=int, default=15, help="seconds of trickling")
    parser.add_argument("--rounds", type=int, default=1, help="attacks on the same server")
    args = parser.parse_args(argv)
    if not (1 <= args.connections <= 1000 and 1 <= args.hold <= 120 and 1 <= args.rounds <= 5):
        parser.error("--connections must be in 1..1000, --hold in 1..120, --rounds in 1..5")
    if not args.hold + 10 <= args.content_length <= 100_000_000:
        parser.error("--content-length must be in (hold + 10)..100000000")
    from tests.fixtures.isolation import isolated_state

    with isolated_state(prefix="webhook-bench-slow-") as tmp:  # the server inherits it
        result = asyncio.run(_bench(args, tmp))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
