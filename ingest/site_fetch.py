"""HTTP for the crawler: one site's robots.txt, sitemaps and pages, within budgets.

Every answer is streamed and dropped past `max_bytes` (refused up front when its
Content-Length says so); each answer has an overall deadline (`page_seconds`), enforced by
shutting its socket down however slowly the bytes trickle in; the crawl has a deadline
(`max_seconds`) and a request budget (`max_requests`). A refused answer raises
`PageFailed` (a problem for that URL); a spent crawl budget raises `StopCrawl`.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

USER_AGENT = "SalonReceptionistBot/0.1 (+knowledge base of the salon's own site)"
MAX_REDIRECTS = 5
REQUESTS_PER_PAGE = 4  # the default request budget: this many per page asked for, plus…
EXTRA_REQUESTS = 20  # …robots.txt, sitemaps and a few redirects


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 50
    delay: float = 1.0  # seconds between requests (robots.txt Crawl-delay wins if longer)
    timeout: float = 10.0  # seconds to connect, and to wait for each read
    max_bytes: int = 10 * 1024 * 1024  # one answer
    user_agent: str = USER_AGENT
    page_seconds: float = 30.0  # one answer, first byte to last, however slow
    max_seconds: float = 900.0  # the whole crawl
    max_requests: int | None = None  # None: REQUESTS_PER_PAGE × max_pages + EXTRA_REQUESTS

    @property
    def request_budget(self) -> int:
        if self.max_requests is not None:
            return self.max_requests
        return REQUESTS_PER_PAGE * self.max_pages + EXTRA_REQUESTS


@dataclass
class Problem:
    """A URL the crawl did not save and why, in French: the owner reads it in
    `scripts/crawl`'s output (and the manifest)."""

    url: str
    reason: str


class PageFailed(Exception):
    """One answer was refused (too large, too slow): a problem for that URL only."""


class StopCrawl(Exception):
    """The crawl's own budget (requests or time) ran out: save what was fetched."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason


def _size(n: int) -> str:
    return f"{n / 1_048_576:.0f} Mo" if n >= 1_048_576 else f"{n / 1024:.0f} Ko"


@dataclass
class Answer:
    """An HTTP answer whose body, for a 200, was read within the limits."""

    status: int
    headers: httpx.Headers
    content: bytes = b""

    @property
    def is_redirect(self) -> bool:
        return self.status in (301, 302, 303, 307, 308) and "location" in self.headers

    @property
    def text(self) -> str:
        match = re.search(r"charset=([\w.-]+)", self.headers.get("content-type", ""), re.I)
        try:
            return self.content.decode(match.group(1) if match else "utf-8", "replace")
        except LookupError:
            return self.content.decode("utf-8", "replace")


class Watchdog:
    """Shuts a request's socket down at its deadline. httpx bounds each read, not a whole
    answer: a server sending one byte every few seconds (headers or body) would hold the
    crawl forever. Connections are not kept alive, so each request opens its own socket,
    which httpcore's trace hook hands over."""

    def __init__(self, seconds: float) -> None:
        self.sock: socket.socket | None = None
        self.fired = False
        self.timer = threading.Timer(max(0.0, seconds), self._fire)
        self.timer.daemon = True

    def trace(self, event: str, info: dict[str, object]) -> None:
        stream = info.get("return_value")
        if event == "connection.connect_tcp.complete" and stream is not None:
            self.sock = stream.get_extra_info("socket")  # type: ignore[attr-defined]
            if self.fired:
                self._fire()

    def _fire(self) -> None:
        self.fired = True
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def normalise(url: str) -> str:
    url, _ = urldefrag(url.strip())
    parts = urlsplit(url)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def same_host(url: str, host: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host


class SiteFetcher:
    def __init__(self, start_url: str, options: CrawlOptions, client: httpx.Client) -> None:
        self.start = normalise(start_url)
        self.host = urlsplit(self.start).netloc.lower()
        self.opts = options
        self.client = client
        self.robots = RobotFileParser()
        self.robots.parse([])
        self.delay = options.delay
        self.last_request = 0.0
        self.problems: list[Problem] = []
        self.requests = 0
        self.deadline = time.monotonic() + options.max_seconds

    def _get(self, url: str) -> Answer:
        """One request within the budgets; raises `StopCrawl` when the crawl's budget is spent,
        `PageFailed` when this answer is too large or too slow, `httpx.HTTPError`."""
        budget = self.opts.request_budget
        if self.requests >= budget:
            raise StopCrawl(url, f"limite de {budget} requêtes atteinte : copie arrêtée")
        wait = self.last_request + self.delay - time.monotonic()
        if time.monotonic() + max(0.0, wait) >= self.deadline:
            raise StopCrawl(
                url, f"durée maximale atteinte ({self.opts.max_seconds:g} s) : copie arrêtée"
            )
        try:
            httpx.URL(url)
        except httpx.InvalidURL as exc:  # a hostile link: control characters, bad port…
            raise PageFailed(f"adresse invalide ({exc})") from exc
        if wait > 0:
            time.sleep(wait)
        self.requests += 1
        seconds = min(self.opts.page_seconds, self.deadline - time.monotonic())
        try:
            with Watchdog(seconds) as dog:
                try:
                    return self._stream(url, dog)
                except httpx.HTTPError as exc:
                    if not dog.fired:
                        raise
                    raise PageFailed(
                        f"page trop lente : incomplète après {seconds:g} s, téléchargement arrêté"
                    ) from exc
        finally:
            self.last_request = time.monotonic()

    def _stream(self, url: str, dog: Watchdog) -> Answer:
        extensions = {"trace": dog.trace}
        with self.client.stream("GET", url, follow_redirects=False, extensions=extensions) as r:
            answer = Answer(r.status_code, r.headers)
            if r.status_code != 200:
                return answer  # redirects and errors: the body is not needed
            declared = r.headers.get("content-length", "")
            limit = self.opts.max_bytes
            if declared.isdigit() and int(declared) > limit:
                raise PageFailed(
                    f"page trop lourde ({_size(int(declared))} annoncés, limite {_size(limit)}) : "
                    "pas téléchargée"
                )
            parts: list[bytes] = []
            size = 0
            for part in r.iter_bytes():
                size += len(part)
                if size > limit:
                    raise PageFailed(
                        f"page trop lourde (plus de {_size(limit)}) : téléchargement arrêté"
                    )
                parts.append(part)
            answer.content = b"".join(parts)
            return answer

    def load_robots(self) -> list[str]:
        """Read robots.txt; returns the sitemap URLs it lists."""
        url = urljoin(self.start, "/robots.txt")
        try:
            response = self._get(url)
        except httpx.HTTPError:
            return []
        except PageFailed as exc:
            self.problems.append(Problem(url, f"{exc} : règles de robots.txt inconnues"))
            return []
        if response.status == 200:
            self.robots.parse(response.text.splitlines())
            crawl_delay = self.robots.crawl_delay(self.opts.user_agent)
            if crawl_delay is not None:
                self.delay = max(self.delay, float(crawl_delay))
        elif 500 <= response.status < 600:
            self.problems.append(
                Problem(url, f"erreur HTTP {response.status} : règles de robots.txt inconnues")
            )
        return [urljoin(self.start, sm.strip()) for sm in self.robots.site_maps() or []]

    def sitemap_urls(self, sitemaps: list[str]) -> list[str]:
        todo = deque(sitemaps or [urljoin(self.start, "/sitemap.xml")])
        seen: set[str] = set()
        found: list[str] = []
        while todo and len(seen) < 10:
            url = todo.popleft()
            if url in seen or not same_host(url, self.host):
                continue
            seen.add(url)
            try:
                response = self._get(url)
            except httpx.HTTPError:
                continue
            except PageFailed as exc:
                self.problems.append(Problem(url, str(exc)))
                continue
            if response.status != 200:
                continue
            try:
                root = ET.fromstring(response.content)
            except ET.ParseError:
                self.problems.append(
                    Problem(url, "plan du site (sitemap) illisible : XML invalide")
                )
                continue
            locs = [el.text.strip() for el in root.iter() if el.tag.endswith("loc") and el.text]
            if root.tag.endswith("sitemapindex"):
                todo.extend(locs)
            else:
                found.extend(normalise(u) for u in locs if same_host(u, self.host))
        return found

    def fetch(self, url: str) -> tuple[str, Answer] | None:
        """GET with same-host redirects only; records a problem and returns None on failure."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not self.robots.can_fetch(self.opts.user_agent, current):
                self.problems.append(Problem(current, "interdite par robots.txt"))
                return None
            try:
                response = self._get(current)
            except httpx.TimeoutException:
                self.problems.append(
                    Problem(current, f"pas de réponse après {self.opts.timeout:g} s (serveur lent)")
                )
                return None
            except httpx.HTTPError as exc:
                self.problems.append(Problem(current, f"requête échouée ({type(exc).__name__})"))
                return None
            except PageFailed as exc:
                self.problems.append(Problem(current, str(exc)))
                return None
            if response.is_redirect:
                target = normalise(urljoin(current, response.headers.get("location", "")))
                if not same_host(target, self.host):
                    self.problems.append(Problem(current, f"redirige hors du site, vers {target}"))
                    return None
                current = target
                continue
            if response.status != 200:
                self.problems.append(Problem(current, f"erreur HTTP {response.status}"))
                return None
            return current, response
        self.problems.append(Problem(url, "trop de redirections"))
        return None
