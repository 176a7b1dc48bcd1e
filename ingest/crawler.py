"""Crawl a salon's website into a dated, offline snapshot under `sources/site/`.

Same host only; honours robots.txt (rules and Crawl-delay); seeds from the sitemap(s) and
follows links up to a page limit; waits between requests; bounds every request with a
timeout. Pages are written to `OUT/YYYY-MM-DD/` with a `manifest.json` (url → file,
fetched_at) and the snapshot is switched in only when complete, so reindexing stays
reproducible and offline. Problems (404s, off-site redirects, timeouts, non-HTML answers,
pages refused by robots.txt) are reported in the result and the manifest.

    scripts/crawl https://www.mon-salon.fr --max-pages 40 --delay 1
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

log = logging.getLogger("ingest")

USER_AGENT = "SalonReceptionistBot/0.1 (+knowledge base of the salon's own site)"
SKIP_EXTENSIONS = re.compile(
    r"\.(css|js|mjs|json|png|jpe?g|gif|webp|svg|ico|mp4|webm|mp3|woff2?|ttf|eot|zip|gz)$", re.I
)
HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPE = "application/pdf"
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 50
    delay: float = 1.0  # seconds between requests (robots.txt Crawl-delay wins if longer)
    timeout: float = 10.0  # seconds per request
    max_bytes: int = 10 * 1024 * 1024
    user_agent: str = USER_AGENT


@dataclass
class PageRecord:
    url: str
    file: str
    fetched_at: str
    status: int
    content_type: str


@dataclass
class Problem:
    url: str
    reason: str


@dataclass
class CrawlResult:
    start_url: str
    snapshot: Path
    pages: list[PageRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class CrawlError(Exception):
    """The crawl could not start (bad URL) or saved no page at all."""


def _normalise(url: str) -> str:
    url, _ = urldefrag(url.strip())
    parts = urlsplit(url)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def _same_host(url: str, host: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host


def file_for(url: str, *, suffix: str = ".html") -> str:
    """Snapshot file name for a URL: `/` → index.html, `/a/b/` → a/b.html."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    if not path:
        path = "index"
    path = re.sub(r"\.(html?|php|aspx?)$", "", path, flags=re.I) if suffix == ".html" else path
    if parts.query:
        path += "-" + parts.query
    safe = "/".join(
        re.sub(r"[^A-Za-z0-9._-]+", "-", segment).strip("-.") or "page"
        for segment in path.split("/")
    )
    return safe if safe.lower().endswith(suffix) else safe + suffix


class _Crawler:
    def __init__(self, start_url: str, options: CrawlOptions, client: httpx.Client) -> None:
        self.start = _normalise(start_url)
        self.host = urlsplit(self.start).netloc.lower()
        self.opts = options
        self.client = client
        self.robots = RobotFileParser()
        self.robots.parse([])
        self.delay = options.delay
        self.last_request = 0.0
        self.problems: list[Problem] = []

    def _get(self, url: str) -> httpx.Response:
        wait = self.last_request + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            return self.client.get(url, follow_redirects=False)
        finally:
            self.last_request = time.monotonic()

    def load_robots(self) -> list[str]:
        """Read robots.txt; returns the sitemap URLs it lists."""
        url = urljoin(self.start, "/robots.txt")
        try:
            response = self._get(url)
        except httpx.HTTPError:
            return []
        if response.status_code == 200:
            self.robots.parse(response.text.splitlines())
            crawl_delay = self.robots.crawl_delay(self.opts.user_agent)
            if crawl_delay is not None:
                self.delay = max(self.delay, float(crawl_delay))
        elif 500 <= response.status_code < 600:
            self.problems.append(Problem(url, f"HTTP {response.status_code}: rules unknown"))
        return [urljoin(self.start, sm.strip()) for sm in self.robots.site_maps() or []]

    def sitemap_urls(self, sitemaps: list[str]) -> list[str]:
        todo = deque(sitemaps or [urljoin(self.start, "/sitemap.xml")])
        seen: set[str] = set()
        found: list[str] = []
        while todo and len(seen) < 10:
            url = todo.popleft()
            if url in seen or not _same_host(url, self.host):
                continue
            seen.add(url)
            try:
                response = self._get(url)
            except httpx.HTTPError:
                continue
            if response.status_code != 200:
                continue
            try:
                root = ET.fromstring(response.content)
            except ET.ParseError:
                self.problems.append(Problem(url, "sitemap is not valid XML"))
                continue
            locs = [el.text.strip() for el in root.iter() if el.tag.endswith("loc") and el.text]
            if root.tag.endswith("sitemapindex"):
                todo.extend(locs)
            else:
                found.extend(_normalise(u) for u in locs if _same_host(u, self.host))
        return found

    def fetch(self, url: str) -> tuple[str, httpx.Response] | None:
        """GET with same-host redirects only; records a problem and returns None on failure."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not self.robots.can_fetch(self.opts.user_agent, current):
                self.problems.append(Problem(current, "disallowed by robots.txt"))
                return None
            try:
                response = self._get(current)
            except httpx.TimeoutException:
                self.problems.append(
                    Problem(current, f"timeout after {self.opts.timeout:g} s (slow server)")
                )
                return None
            except httpx.HTTPError as exc:
                self.problems.append(Problem(current, f"request failed ({type(exc).__name__})"))
                return None
            if response.is_redirect:
                target = _normalise(urljoin(current, response.headers.get("location", "")))
                if not _same_host(target, self.host):
                    self.problems.append(Problem(current, f"redirects off-site to {target}"))
                    return None
                current = target
                continue
            if response.status_code != 200:
                self.problems.append(Problem(current, f"HTTP {response.status_code}"))
                return None
            if len(response.content) > self.opts.max_bytes:
                self.problems.append(Problem(current, "page too large"))
                return None
            return current, response
        self.problems.append(Problem(url, "too many redirects"))
        return None


def _parse_page(html: str, base: str, host: str) -> tuple[list[str], set[str]]:
    """Same-host links to follow, and the page's `<meta name="robots">` directives."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    directives: set[str] = set()
    for meta in soup.find_all("meta", attrs={"name": re.compile("^robots$", re.I)}):
        directives |= {d.strip().lower() for d in str(meta.get("content", "")).split(",")}
    out: list[str] = []
    for anchor in soup.find_all("a", href=True):
        href = str(anchor.get("href", "")).strip()
        if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        if str(anchor.get("rel", "")).find("nofollow") >= 0:
            continue
        url = _normalise(urljoin(base, href))
        if _same_host(url, host) and not SKIP_EXTENSIONS.search(urlsplit(url).path):
            out.append(url)
    return out, directives


def crawl(
    start_url: str,
    *,
    out: Path,
    options: CrawlOptions | None = None,
    today: date | None = None,
    on_page: Callable[[PageRecord], None] | None = None,
) -> CrawlResult:
    """Crawl `start_url` into `out/YYYY-MM-DD/`; raises `CrawlError` if nothing was saved."""
    opts = options or CrawlOptions()
    parts = urlsplit(start_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CrawlError(f"{start_url}: not an http(s) URL")
    day = (today or date.today()).isoformat()
    final = out / day
    staging = out / f".{day}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    headers = {"User-Agent": opts.user_agent, "Accept": "text/html,application/xhtml+xml,*/*"}
    with httpx.Client(timeout=opts.timeout, headers=headers) as client:
        crawler = _Crawler(start_url, opts, client)
        result = CrawlResult(start_url=crawler.start, snapshot=final)
        sitemaps = crawler.load_robots()
        queue: deque[str] = deque([crawler.start, *crawler.sitemap_urls(sitemaps)])
        seen: set[str] = set()
        used_files: set[str] = set()
        saved: set[str] = set()  # content hashes of saved pages
        while queue and len(result.pages) < opts.max_pages:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            fetched = crawler.fetch(url)
            if fetched is None:
                continue
            final_url, response = fetched
            if final_url != url:
                if final_url in seen:
                    continue
                seen.add(final_url)
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype in HTML_TYPES:
                name = file_for(final_url)
            elif ctype == PDF_TYPE:
                name = file_for(final_url, suffix=".pdf")
            else:
                crawler.problems.append(Problem(final_url, f"not HTML ({ctype or 'no type'})"))
                continue
            digest = hashlib.sha256(response.content).hexdigest()
            if digest in saved:
                continue  # the same page under another URL (tracking parameters, aliases)
            saved.add(digest)
            if ctype in HTML_TYPES:
                links, directives = _parse_page(response.text, final_url, crawler.host)
                if "nofollow" not in directives and "none" not in directives:
                    queue.extend(u for u in links if u not in seen)
                if "noindex" in directives or "none" in directives:
                    crawler.problems.append(Problem(final_url, "page asks not to be indexed"))
                    continue
            base, ext = name.rsplit(".", 1)
            n = 2
            while name in used_files:
                name, n = f"{base}-{n}.{ext}", n + 1
            used_files.add(name)
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(response.content)
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            record = PageRecord(final_url, name, stamp, response.status_code, ctype)
            result.pages.append(record)
            if on_page is not None:
                on_page(record)
        result.problems = crawler.problems
    if not result.pages:
        shutil.rmtree(staging, ignore_errors=True)
        reasons = "; ".join(f"{p.url}: {p.reason}" for p in result.problems[:3])
        raise CrawlError(f"no page could be saved from {start_url} ({reasons or 'no pages'})")
    manifest = {
        "start_url": result.start_url,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pages": [asdict(p) for p in result.pages],
        "problems": [asdict(p) for p in result.problems],
    }
    (staging / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if final.exists():
        shutil.rmtree(final)
    staging.rename(final)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/crawl",
        description="Save the salon's website as a dated offline snapshot for reindexing.",
        epilog="example: scripts/crawl https://www.maison-margaux.fr --max-pages 40",
    )
    parser.add_argument("url", help="start page of the salon's site")
    parser.add_argument("--out", type=Path, default=None, help="snapshot folder (sources/site)")
    parser.add_argument("--max-pages", type=int, default=50, help="page limit (default 50)")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds between requests")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    args = parser.parse_args(argv)
    if args.max_pages < 1 or args.delay < 0 or args.timeout <= 0:
        parser.error("--max-pages must be ≥ 1, --delay ≥ 0 and --timeout > 0")
    from salon import settings

    out = args.out or settings.project_path("sources/site")

    def show(page: PageRecord) -> None:
        if not args.quiet:
            print(f"saved {page.file}  ← {page.url}")

    try:
        result = crawl(
            args.url,
            out=out,
            options=CrawlOptions(max_pages=args.max_pages, delay=args.delay, timeout=args.timeout),
            on_page=show,
        )
    except CrawlError as exc:
        print(f"crawl: error: {exc}", file=sys.stderr)
        return 1
    for problem in result.problems:
        print(f"problem: {problem.url}: {problem.reason}")
    print(
        f"{len(result.pages)} page(s) saved in {result.snapshot}, "
        f"{len(result.problems)} problem(s); run scripts/reindex to index them"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
