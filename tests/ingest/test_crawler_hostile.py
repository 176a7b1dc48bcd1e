"""Integration tier: the crawler against a hostile local site on 127.0.0.1 (issue 13).

Endless or oversized answers are cut at the byte cap, a trickle at the page deadline,
endless noindex pages and 404 links at the request budget; a long path segment or a
name the file system refuses costs one page, never the crawl; nothing half-written is
left behind."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.crawler import CrawlError, CrawlOptions, crawl, file_for, main

DAY = date(2026, 11, 25)
HTML = "text/html; charset=utf-8"


def _page(body: str, *links: str, head: str = "") -> bytes:
    anchors = "".join(f"<a href='{href}'>lien</a> " for href in links)
    return (
        f"<html><head>{head}</head><body><main><p>{body}</p>{anchors}</main></body></html>".encode()
    )


class _Hostile:
    """What the server did: the paths asked, the bytes it managed to send."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.sent = 0
        self.lock = threading.Lock()


@pytest.fixture
def hostile() -> Iterator[tuple[str, _Hostile]]:
    state = _Hostile()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()
            with state.lock:
                state.sent += len(data)

        def _answer(self, status: int, body: bytes, ctype: str = HTML) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self._send(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            state.requests.append(self.path)
            path = self.path
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                if path in ("/robots.txt", "/sitemap.xml"):
                    self._answer(404, b"")
                elif path == "/":
                    self._answer(200, _page("Salon Lumière, coupe homme 28 euros."))
                elif path == "/endless":  # chunked, never ends
                    self.send_response(200)
                    self.send_header("Content-Type", HTML)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    chunk = b"<p>" + b"a" * 65_000 + b"</p>"
                    while True:
                        self._send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                elif path == "/huge":  # announces 200 MB, sends as fast as it can
                    self.send_response(200)
                    self.send_header("Content-Type", HTML)
                    self.send_header("Content-Length", str(200 * 1024 * 1024))
                    self.end_headers()
                    for _ in range(200):
                        self._send(b"b" * 1024 * 1024)
                elif path == "/trickle":  # one byte every 0.1 s, for ever
                    self.send_response(200)
                    self.send_header("Content-Type", HTML)
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    while True:
                        self._send(b"x")
                        time.sleep(0.1)
                elif path == "/slow-headers":  # the headers themselves trickle
                    self._send(b"HTTP/1.1 200 OK\r\n")
                    while True:
                        self._send(b"X-Lent: a\r\n")
                        time.sleep(0.1)
                elif path.startswith("/noindex/"):  # endless pages that ask not to be saved
                    n = int(path.rsplit("/", 1)[1])
                    links = [f"/noindex/{n * 3 + k}" for k in (1, 2, 3)]
                    meta = "<meta name='robots' content='noindex'>"
                    self._answer(200, _page("En travaux.", *links, head=meta))
                elif path.startswith("/liens/"):  # a page of 404s, then the next page
                    n = int(path.rsplit("/", 1)[1])
                    links = [f"/absent/{n}-{k}" for k in range(50)] + [f"/liens/{n + 1}"]
                    self._answer(200, _page(f"Page {n} du salon.", *links))
                elif path == "/long":
                    self._answer(200, _page("Accueil.", "/" + "a" * 300 + "/tarifs"))
                elif path == "/conflit":  # a file and a folder of the same name
                    self._answer(200, _page("Accueil.", "/x.html", "/x.html/y", "/a\x1bb"))
                elif len(path) > 250 or path.startswith("/x.html"):
                    self._answer(200, _page(f"Coupe homme 28 euros ({len(path)})."))
                else:
                    self._answer(404, b"<h1>Introuvable</h1>")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


FAST = CrawlOptions(delay=0.0, timeout=2.0, max_bytes=1024 * 1024, page_seconds=1.0)


def test_an_endless_page_is_cut_at_the_byte_cap(
    hostile: tuple[str, _Hostile], tmp_path: Path
) -> None:
    base, state = hostile
    started = time.monotonic()
    with pytest.raises(
        CrawlError, match=r"page trop lourde \(plus de 1 Mo\) : téléchargement arrêté"
    ):
        crawl(base + "/endless", out=tmp_path, options=FAST, today=DAY)
    assert time.monotonic() - started < 3
    assert state.sent < 12 * 1024 * 1024  # the cap plus what the sockets buffer
    assert list(tmp_path.iterdir()) == []  # no .partial left


def test_a_page_announced_too_large_is_refused_before_downloading(
    hostile: tuple[str, _Hostile], tmp_path: Path
) -> None:
    base, _ = hostile
    started = time.monotonic()
    with pytest.raises(
        CrawlError, match=r"page trop lourde \(200 Mo annoncés, limite 1 Mo\) : pas téléchargée"
    ):
        crawl(base + "/huge", out=tmp_path, options=FAST, today=DAY)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("path", ["/trickle", "/slow-headers"])
def test_a_trickle_is_stopped_at_the_page_deadline(
    hostile: tuple[str, _Hostile], tmp_path: Path, path: str
) -> None:
    base, _ = hostile
    started = time.monotonic()
    with pytest.raises(
        CrawlError, match=r"page trop lente : incomplète après 1 s, téléchargement arrêté"
    ):
        crawl(base + path, out=tmp_path, options=FAST, today=DAY)
    assert time.monotonic() - started < 3  # a read timeout alone would wait for ever
    assert list(tmp_path.iterdir()) == []


def test_endless_noindex_pages_stop_at_the_request_budget(
    hostile: tuple[str, _Hostile], tmp_path: Path
) -> None:
    base, state = hostile
    opts = CrawlOptions(delay=0.0, timeout=2.0, max_pages=5)  # 4 × 5 + 20 = 40 requests
    with pytest.raises(CrawlError, match=r"limite de 40 requêtes atteinte : copie arrêtée"):
        crawl(base + "/noindex/0", out=tmp_path, options=opts, today=DAY)
    assert len(state.requests) == 40


def test_endless_404_links_stop_at_the_request_budget_and_keep_the_pages_saved(
    hostile: tuple[str, _Hostile], tmp_path: Path
) -> None:
    base, state = hostile
    opts = CrawlOptions(delay=0.0, timeout=2.0, max_pages=50, max_requests=60)
    result = crawl(base + "/liens/0", out=tmp_path, options=opts, today=DAY)
    assert len(state.requests) == 60 == result.requests
    assert [p.file for p in result.pages] == ["liens/0.html", "liens/1.html"]
    assert result.problems[-1].reason == "limite de 60 requêtes atteinte : copie arrêtée"
    assert (tmp_path / "2026-11-25" / "manifest.json").is_file()


def test_the_crawl_stops_at_its_time_limit(hostile: tuple[str, _Hostile], tmp_path: Path) -> None:
    base, _ = hostile
    opts = CrawlOptions(delay=0.3, timeout=2.0, max_pages=50, max_seconds=1.0)
    started = time.monotonic()
    result = crawl(base + "/liens/0", out=tmp_path, options=opts, today=DAY)
    assert time.monotonic() - started < 2
    assert (
        result.pages
        and result.problems[-1].reason == "durée maximale atteinte (1 s) : copie arrêtée"
    )


def test_a_300_character_segment_is_saved_under_a_short_hashed_name(
    hostile: tuple[str, _Hostile], tmp_path: Path
) -> None:
    base, _ = hostile
    result = crawl(base + "/long", out=tmp_path, options=FAST, today=DAY)
    names = [p.file for p in result.pages]
    assert names[0] == "long.html"
    folder, leaf = names[1].split("/")
    assert leaf == "tarifs.html" and len(folder) == 80 and folder.startswith("aaaa")
    assert (tmp_path / "2026-11-25" / names[1]).is_file()
    assert not list(tmp_path.glob(".*partial"))


def test_a_name_the_file_system_refuses_costs_one_page_not_the_crawl(
    hostile: tuple[str, _Hostile], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = hostile
    code = main([base + "/conflit", "--out", str(tmp_path), "--delay", "0", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "3 page(s) enregistrée(s) dans " in out  # x.html, and x.html/y under a flat hashed name
    assert "adresse invalide" in out and "\x1b" not in out and "\\x1b" in out
    (snapshot,) = tmp_path.iterdir()  # today's, and no .partial
    files = sorted(p.name for p in snapshot.iterdir())
    assert "x.html" in files and any(f.startswith("page-") for f in files)


def test_a_failure_mid_crawl_leaves_no_partial_snapshot(
    hostile: tuple[str, _Hostile], tmp_path: Path
) -> None:
    base, _ = hostile

    def disk_full(_: object) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        crawl(base + "/liens/0", out=tmp_path, options=FAST, today=DAY, on_page=disk_full)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://s.fr/" + "b" * 300, "b" * 67 + "-"),
        ("https://s.fr/" + "/".join(["dossier"] * 40), "dossier-"),
    ],
)
def test_file_names_stay_short_whatever_the_url(url: str, name: str) -> None:
    safe = file_for(url)
    assert safe.startswith(name) and safe.endswith(".html")
    assert all(len(part) <= 85 for part in safe.split("/")) and len(safe) <= 210
    assert file_for(url) == safe and file_for(url + "x") != safe
