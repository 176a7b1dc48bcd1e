"""`scripts/doctor [--fix] [--json]`: is every configured service ready for a real call?

Examples:
  scripts/doctor              # one line per check: ok, problem or skipped
  scripts/doctor --fix        # also point the Twilio number at PUBLIC_BASE_URL
  scripts/doctor --json       # one JSON object: {"ok", "checks": [...], "summary"}

Exit codes: 0 nothing is a problem, 1 at least one problem, 2 usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from ops.doctor import CheckResult, Context, run_checks


def _lines(results: list[CheckResult]) -> list[str]:
    width = max(len(r.name) for r in results) + 2
    lines = []
    for result in results:
        texts = result.problems if result.status == "problem" else [result.detail]
        for text in texts:
            lines.append(f"{result.status:<8} {result.name:<{width}} {text}")
    return lines


def _summary(results: list[CheckResult]) -> dict[str, int]:
    return {s: sum(r.status == s for r in results) for s in ("ok", "problem", "skipped")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/doctor",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--fix", action="store_true", help="repair the Twilio number's URLs")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--timeout", type=float, default=8.0, help="seconds per service call (default 8)"
    )
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be a positive number of seconds")
    # libraries log their own retries and warnings: the report says it all, once
    logging.basicConfig(level=logging.CRITICAL)
    results = asyncio.run(run_checks(Context(fix=args.fix, timeout=args.timeout)))
    summary = _summary(results)
    if args.json:
        payload = {
            "ok": summary["problem"] == 0,
            "checks": [r.as_dict() for r in results],
            "summary": summary,
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print("\n".join(_lines(results)))
        print(
            f"\n{len(results)} checks: {summary['ok']} ok, {summary['problem']} "
            f"problem{'s' if summary['problem'] != 1 else ''}, {summary['skipped']} skipped"
        )
    return 1 if summary["problem"] else 0


if __name__ == "__main__":
    sys.exit(main())
