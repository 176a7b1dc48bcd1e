"""What every check returns, and the small helpers the checks share.

A check is an `async def run(ctx) -> list[CheckResult]` in its own module. Each result is
`ok` (what was verified), `skipped` (which setting is unset) or `problem` (one sentence
per problem, naming the setting or the thing to change). Those sentences are the owner's,
in French (in `--json` too, where the names and statuses stay English keys); setting
names, commands and URLs stay as they are written. Checks read the settings through
`salon.settings` (environment, then `.env`) and never print.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import httpx

from salon import settings
from salon.french import decimal_words

Status = Literal["ok", "problem", "skipped"]
# The report's words for the owner (the doctor and `scripts/serve`); `--json` keeps the
# English names and statuses.
STATUS_FR = {"ok": "ok", "problem": "problème", "skipped": "non réglé"}
NAME_FR = {
    "Twilio number": "numéro Twilio",
    "SMS sender": "expéditeur SMS",
    "Public URL": "adresse publique",
}
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


def names_fr(names: list[str] | tuple[str, ...]) -> str:
    """`A`, `A et B`, `A, B et C`."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"


def unconfigured(name: str, names: tuple[str, ...], *, unset: str) -> CheckResult | None:
    """For a service that needs all of the settings `names`: `skipped` (saying `unset`)
    when none is set, a `problem` naming the missing ones when only some are, None when
    all are."""
    present = [n for n in names if get(n)]
    missing = [n for n in names if n not in present]
    if not present:
        return skipped(name, unset)
    if not missing:
        return None
    one = len(missing) == 1
    lacks = "n'est pas réglé" if one else "ne sont pas réglés"
    has = "l'est" if len(present) == 1 else "le sont"
    return problem(
        name,
        f"{names_fr(missing)} {lacks} alors que {names_fr(present)} {has} : "
        f"réglez-{'le' if one else 'les'} aussi (ou retirez {names_fr(present)})",
    )


class Unreachable(Exception):
    """The service did not answer (connection refused, DNS, TLS, timeout)."""


async def http_get(url: str, *, headers: dict[str, str], timeout: float) -> tuple[int, Any, str]:
    """GET `url`: (status, parsed JSON or None, text); raises `Unreachable` with a reason."""
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            response = await client.get(url, headers=headers)
    except httpx.TimeoutException as exc:
        raise Unreachable(f"pas de réponse en {decimal_words(timeout)} s") from exc
    except httpx.HTTPError as exc:
        raise Unreachable(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    return response.status_code, body, response.text[:300]


def join_url(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class KeyedApi:
    """An HTTP API called with one key setting, at a base URL that another setting may
    move (a proxy, a local stub): its requests and the sentences its checks share.

    The key goes in `Authorization: <scheme> <key>`, or alone in `key_header`."""

    name: str
    key_setting: str
    url_setting: str
    default_url: str
    scheme: str = "Bearer"
    key_header: str | None = None

    def key(self) -> str | None:
        return get(self.key_setting)

    def base(self) -> str:
        return get(self.url_setting, self.default_url) or self.default_url

    async def fetch(self, path: str, *, key: str, timeout: float) -> tuple[int, Any, str]:
        """`http_get` of `path` below the base URL, with the key; raises `Unreachable`."""
        if self.key_header:
            headers = {self.key_header: key}
        else:
            headers = {"Authorization": f"{self.scheme} {key}"}
        return await http_get(join_url(self.base(), path), headers=headers, timeout=timeout)

    def unset(self, consequence: str = "") -> CheckResult:
        return skipped(self.name, f"{self.key_setting} n'est pas réglé{consequence}")

    def refused(self, status: int | str, reason: str | None = None) -> CheckResult:
        why = f"{status} : {reason}" if reason else str(status)
        return problem(
            self.name, f"{self.name} refuse {self.key_setting} ({why}) : vérifiez la clé"
        )

    def unreachable(self, why: object) -> CheckResult:
        where = f"{self.base()} ({self.url_setting})"
        return problem(self.name, f"impossible de joindre {self.name} à {where} : {why}")
