"""What every check returns, and the small helpers the checks share.

A check is an `async def run(ctx) -> list[CheckResult]` in its own module. Each result is
`ok` (what was verified), `skipped` (which setting is unset) or `problem` (one sentence
per problem, naming the setting or the thing to change). Checks read the settings through
`salon.settings` (environment, then `.env`) and never print.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import httpx

from salon import settings

Status = Literal["ok", "problem", "skipped"]
DEFAULT_TIMEOUT = 8.0  # seconds for one service's calls


@dataclass
class CheckResult:
    """One line (or one line per problem) of the doctor's report."""

    name: str
    status: Status
    detail: str = ""
    problems: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ok(name: str, detail: str, *, fixed: list[str] | None = None) -> CheckResult:
    return CheckResult(name=name, status="ok", detail=detail, fixed=fixed or [])


def skipped(name: str, detail: str) -> CheckResult:
    return CheckResult(name=name, status="skipped", detail=detail)


def problem(name: str, *problems: str, fixed: list[str] | None = None) -> CheckResult:
    return CheckResult(name=name, status="problem", problems=list(problems), fixed=fixed or [])


@dataclass(frozen=True)
class Context:
    """How the doctor runs: `fix` repairs what it can (the Twilio number's URLs)."""

    fix: bool = False
    timeout: float = DEFAULT_TIMEOUT


def get(name: str, default: str | None = None) -> str | None:
    """A setting (environment, then `.env`); blank counts as unset."""
    return settings.get(name, default)


def partial(names: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(set, missing) among `names`: a service is skipped when none is set."""
    present = [n for n in names if get(n)]
    return present, [n for n in names if n not in present]


def missing_sentence(present: list[str], missing: list[str]) -> str:
    return (
        f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set while "
        f"{', '.join(present)} {'is' if len(present) == 1 else 'are'}: set "
        f"{'it' if len(missing) == 1 else 'them'} too, or unset the others"
    )


class Unreachable(Exception):
    """The service did not answer (connection refused, DNS, TLS, timeout)."""


async def http_get(url: str, *, headers: dict[str, str], timeout: float) -> tuple[int, Any, str]:
    """GET `url`: (status, parsed JSON or None, text); raises `Unreachable` with a reason."""
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            response = await client.get(url, headers=headers)
    except httpx.TimeoutException as exc:
        raise Unreachable(f"no answer within {timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise Unreachable(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    return response.status_code, body, response.text[:300]


def join_url(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path.lstrip("/")
