"""Crawl a salon's website into a dated, offline snapshot under `sources/site/`.

Same host only; honours robots.txt (rules and Crawl-delay); seeds from the sitemap(s) and
follows links up to a page limit; waits between requests. Pages are written to
`OUT/YYYY-MM-DD/` with a `manifest.json` (url → file, fetched_at) and the snapshot is
switched in only when complete, so reindexing stays reproducible and offline. Problems
(404s, off-site redirects, timeouts, non-HTML answers, pages refused by robots.txt) are
reported in the result and the manifest, in French like the command's output: the owner
runs `scripts/crawl` and reads them.

A hostile or broken site costs a bounded amount: every answer is streamed and dropped
past `max_bytes` (refused up front when its Content-Length says so); each page has an
overall deadline (`page_seconds`, however slowly its bytes trickle in) and the crawl one
too (`max_seconds`); every request counts against a budget (`max_requests`, by default
4 per page plus 20), so endless `noindex` pages or 404 links stop the crawl rather than
keep it requesting; file names from long URL segments are shortened with a hash; a
failure leaves no half-written snapshot behind.

    scripts/crawl https://www.mon-salon.fr --max-pages 40 --delay 1
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
import shutil
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.model import printable
from ingest.site_fetch import (
    EXTRA_REQUESTS,
    REQUESTS_PER_PAGE,
    USER_AGENT,
    CrawlOptions,
    Problem,
    SiteFetcher,
    StopCrawl,
    normalise,
    same_host,
)
from salon.cli import french_parser

__all__ = [
    "USER_AGENT",
    "CrawlError",
    "CrawlOptions",
    "CrawlResult",
    "PageRecord",
    "Problem",
    "crawl",
    "file_for",
    "main",
]

log = logging.getLogger("ingest")

SKIP_EXTENSIONS = re.compile(
    r"\.(css|js|mjs|json|png|jpe?g|gif|webp|svg|ico|mp4|webm|mp3|woff2?|ttf|eot|zip|gz)$", re.I
)
HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPE = "application/pdf"
MAX_QUEUE = 10_000  # links waiting to be fetched; more are not remembered
MAX_SEGMENT = 80  # characters of one file or folder name made from a URL
MAX_NAME = 200  # characters of a whole snapshot path made from a URL


@dataclass
class PageRecord:
    url: str
    file: str
    fetched_at: str
    status: int
    content_type: str


@dataclass
class CrawlResult:
    start_url: str
    snapshot: Path
    pages: list[PageRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    requests: int = 0  # HTTP requests made, robots.txt and redirects included


class CrawlError(Exception):
    """The crawl could not start (bad URL) or saved no page at all."""


def _digest(text: str, length: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def _segment(raw: str) -> str:
    """One file or folder name from a URL segment; a long one is cut and ends in a hash."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", raw).strip("-.") or "page"
    if len(safe) > MAX_SEGMENT:
        safe = f"{safe[: MAX_SEGMENT - 13].rstrip('-.')}-{_digest(raw)}"
    return safe


def file_for(url: str, *, suffix: str = ".html") -> str:
    """Snapshot file name for a URL: `/` → index.html, `/a/b/` → a/b.html. Long segments
    are shortened with a hash; a path too long or too deep becomes one hashed name."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    if not path:
        path = "index"
    path = re.sub(r"\.(html?|php|aspx?)$", "", path, flags=re.I) if suffix == ".html" else path
    if parts.query:
        path += "-" + parts.query
    safe = "/".join(_segment(segment) for segment in path.split("/"))
    if len(safe) > MAX_NAME:
        safe = f"{_segment(path.split('/')[0])[:40]}-{_digest(path, 16)}"
    return safe if safe.lower().endswith(suffix) else safe + suffix


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
        url = normalise(urljoin(base, href))
        if same_host(url, host) and not SKIP_EXTENSIONS.search(urlsplit(url).path):
            out.append(url)
    return out, directives


def _save(staging: Path, name: str, url: str, content: bytes, used: set[str]) -> str | None:
    """Write one page under a name not used yet (compared case-insensitively). A name the
    file system refuses (a file where a folder of the same name is needed) falls back to a
    flat hashed name. Returns the name written, or None."""
    base, ext = name.rsplit(".", 1)
    n = 2
    while name.casefold() in used:
        name, n = f"{base}-{n}.{ext}", n + 1
    for candidate in (name, f"page-{_digest(url, 16)}.{ext}"):
        if candidate.casefold() in used:
            continue
        target = staging / candidate
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        except OSError:
            continue
        used.add(candidate.casefold())
        return candidate
    return None


def _walk(
    crawler: SiteFetcher,
    result: CrawlResult,
    staging: Path,
    on_page: Callable[[PageRecord], None] | None,
) -> None:
    """Fetch pages breadth-first into `staging` until the page limit; `StopCrawl` ends it early."""
    opts = crawler.opts
    sitemaps = crawler.load_robots()
    queue: deque[str] = deque([crawler.start, *crawler.sitemap_urls(sitemaps)[:MAX_QUEUE]])
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
            crawler.problems.append(
                Problem(final_url, f"ni page HTML ni PDF ({ctype or 'type inconnu'})")
            )
            continue
        digest = hashlib.sha256(response.content).hexdigest()
        if digest in saved:
            continue  # the same page under another URL (tracking parameters, aliases)
        saved.add(digest)
        if ctype in HTML_TYPES:
            links, directives = _parse_page(response.text, final_url, crawler.host)
            if "nofollow" not in directives and "none" not in directives:
                room = max(0, MAX_QUEUE - len(queue))
                queue.extend(itertools.islice((u for u in links if u not in seen), room))
            if "noindex" in directives or "none" in directives:
                crawler.problems.append(
                    Problem(final_url, "la page demande à ne pas être indexée (noindex)")
                )
                continue
        written = _save(staging, name, final_url, response.content, used_files)
        if written is None:
            crawler.problems.append(
                Problem(final_url, "impossible à enregistrer (nom de fichier refusé)")
            )
            continue
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        record = PageRecord(final_url, written, stamp, response.status, ctype)
        result.pages.append(record)
        if on_page is not None:
            on_page(record)


def crawl(
    start_url: str,
    *,
    out: Path,
    options: CrawlOptions | None = None,
    today: date | None = None,
    on_page: Callable[[PageRecord], None] | None = None,
) -> CrawlResult:
    """Crawl `start_url` into `out/YYYY-MM-DD/`; raises `CrawlError` if nothing was saved.
    Whatever happens, no half-written `.YYYY-MM-DD.partial` folder is left behind."""
    opts = options or CrawlOptions()
    parts = urlsplit(start_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CrawlError(
            f"{start_url} n'est pas une adresse de site : donnez-la en entier, "
            "par exemple https://www.mon-salon.fr"
        )
    day = (today or date.today()).isoformat()
    final = out / day
    staging = out / f".{day}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    headers = {"User-Agent": opts.user_agent, "Accept": "text/html,application/xhtml+xml,*/*"}
    limits = httpx.Limits(max_keepalive_connections=0)  # one socket per request: Watchdog
    try:
        with httpx.Client(timeout=opts.timeout, headers=headers, limits=limits) as client:
            crawler = SiteFetcher(start_url, opts, client)
            result = CrawlResult(start_url=crawler.start, snapshot=final)
            stopped: list[Problem] = []
            try:
                _walk(crawler, result, staging, on_page)
            except StopCrawl as stop:
                stopped.append(Problem(stop.url, stop.reason))
                crawler.problems.append(stopped[0])
            result.problems = crawler.problems
        if not result.pages:
            first = [*stopped, *result.problems[: 3 - len(stopped)]]
            reasons = " ; ".join(f"{p.url} : {p.reason}" for p in first)
            raise CrawlError(
                f"aucune page n'a pu être enregistrée depuis {start_url} "
                f"({reasons or 'aucune page trouvée'}) ; vérifiez l'adresse du site"
            )
        manifest = {
            "start_url": result.start_url,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "requests": crawler.requests,
            "pages": [asdict(p) for p in result.pages],
            "problems": [asdict(p) for p in result.problems],
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.requests = crawler.requests
    return result


def main(argv: list[str] | None = None) -> int:
    parser = french_parser(
        prog="scripts/crawl",
        description="Enregistre le site du salon en une copie datée, lisible hors ligne, "
        "que scripts/reindex indexe ensuite.",
        epilog="exemple : scripts/crawl https://www.maison-margaux.fr --max-pages 40",
    )
    parser.add_argument("url", metavar="ADRESSE", help="la page d'accueil du site du salon")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DOSSIER",
        help="dossier des copies (par défaut : sources/site)",
    )
    parser.add_argument(
        "--max-pages",
        type=int,
        default=50,
        metavar="N",
        help="nombre de pages au plus (par défaut : 50)",
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=1.0,
        metavar="SECONDES",
        help="attente entre deux requêtes (par défaut : 1)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDES",
        help="attente maximale pour se connecter et pour chaque lecture (par défaut : 10)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=None,
        metavar="N",
        help=f"nombre de requêtes au plus, robots.txt et redirections comprises "
        f"(par défaut : {REQUESTS_PER_PAGE} × max-pages + {EXTRA_REQUESTS})",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=900.0,
        metavar="SECONDES",
        help="durée maximale de la copie (par défaut : 900)",
    )
    parser.add_argument("--quiet", action="store_true", help="n'afficher que le bilan")
    args = parser.parse_args(argv)
    if args.max_pages < 1:
        parser.error("--max-pages doit valoir au moins 1")
    if args.delay < 0:
        parser.error("--delay ne peut pas être négatif")
    if args.timeout <= 0 or args.max_seconds <= 0:
        parser.error("--timeout et --max-seconds doivent être des durées positives")
    if args.max_requests is not None and args.max_requests < 1:
        parser.error("--max-requests doit valoir au moins 1")
    from salon import settings

    out = args.out or settings.project_path("sources/site")

    def show(page: PageRecord) -> None:
        if not args.quiet:
            print(printable(f"enregistré {page.file}  ← {page.url}"))

    try:
        result = crawl(
            args.url,
            out=out,
            options=CrawlOptions(
                max_pages=args.max_pages,
                delay=args.delay,
                timeout=args.timeout,
                max_requests=args.max_requests,
                max_seconds=args.max_seconds,
            ),
            on_page=show,
        )
    except CrawlError as exc:
        print(f"crawl : erreur : {printable(str(exc))}", file=sys.stderr)
        return 1
    for problem in result.problems:
        print(printable(f"problème : {problem.url} : {problem.reason}"))
    print(
        f"{len(result.pages)} page(s) enregistrée(s) dans {result.snapshot}, "
        f"{len(result.problems)} problème(s), {result.requests} requête(s) ; "
        "lancez scripts/reindex pour les indexer"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
