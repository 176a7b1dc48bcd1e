"""Integration tier: the crawler against a real local HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.crawler import CrawlError, CrawlOptions, crawl, file_for, main
from ingest.pipeline import ingest_directory
from tests.fixtures.bad_inputs import text_pdf

PAGE = "<html><head><title>{title}</title></head><body><nav><a href='/'>Accueil</a></nav>" \
    "<main><h1>{title}</h1><p>{body}</p>{links}</main></body></html>"  # fmt: skip


def _page(title: str, body: str, *links: str) -> bytes:
    anchors = "".join(f"<a href='{href}'>{href}</a> " for href in links)
    return PAGE.format(title=title, body=body, links=anchors).encode()


class _Site:
    """Routes of a small salon site, with the failures a real crawl meets."""

    def __init__(self, tmp: Path) -> None:
        self.requests: list[str] = []
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.slow_seconds = 1.0
        pdf = text_pdf(tmp / "carte.pdf", ["Carte des tarifs", "Coupe homme 28 euros"])
        html = {"Content-Type": "text/html; charset=utf-8"}
        self.routes.update(
            {
                "/robots.txt": (
                    200,
                    {"Content-Type": "text/plain"},
                    b"User-agent: *\nDisallow: /prive/\nSitemap: /sitemap.xml\n",
                ),
                "/": (
                    200,
                    html,
                    _page(
                        "Accueil",
                        "Bienvenue au salon.",
                        "/prestations/",
                        "/absent",
                        "/partenaire",
                        "/lent",
                        "/ancienne-page",
                        "/prive/admin",
                        "/carte.pdf",
                        "/logo.png",
                        "/flux.xml",
                        "https://autre-site.example/page",
                        "mailto:bonjour@salon.fr",
                        "/#haut",
                    ),
                ),
                "/prestations/": (200, html, _page("Prestations", "Coupe homme : 28 €.", "/")),
                "/equipe/": (200, html, _page("Équipe", "Margaux, coloriste.")),
                "/ancienne-page": (301, {"Location": "/equipe/"}, b""),
                "/partenaire": (302, {"Location": "https://autre-site.example/promo"}, b""),
                "/prive/admin": (200, html, _page("Admin", "Ne pas indexer.")),
                "/carte.pdf": (200, {"Content-Type": "application/pdf"}, pdf.read_bytes()),
                "/flux.xml": (200, {"Content-Type": "application/rss+xml"}, b"<rss/>"),
                "/sitemap.xml": (
                    200,
                    {"Content-Type": "application/xml"},
                    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                    b'sitemap/0.9"><url><loc>{base}/infos/</loc></url></urlset>',
                ),
                "/infos/": (200, html, _page("Infos", "Ouvert du mardi au samedi.", "/?utm=x")),
            }
        )
        self.routes["/?utm=x"] = self.routes["/"]  # the home page again, under a tracking URL


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, _Site]]:
    state = _Site(tmp_path)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            state.requests.append(self.path)
            if self.path == "/lent":
                time.sleep(state.slow_seconds)
            status, headers, body = state.routes.get(
                self.path, (404, {"Content-Type": "text/html"}, b"<h1>Introuvable</h1>")
            )
            body = body.replace(b"{base}", base.encode())
            self.send_response(status)
            for key, value in headers.items():
                if key == "Location" and value.startswith("/"):
                    value = base + value
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield base, state
    finally:
        server.shutdown()
        server.server_close()


FAST = CrawlOptions(delay=0.0, timeout=0.3)


def test_a_crawl_saves_same_host_pages_and_reports_every_problem(
    site: tuple[str, _Site], tmp_path: Path
) -> None:
    base, state = site
    out = tmp_path / "site"
    result = crawl(base + "/", out=out, options=FAST, today=date(2026, 11, 25))
    assert result.snapshot == out / "2026-11-25"
    files = {p.file: p.url for p in result.pages}
    assert files == {
        "index.html": base + "/",
        "infos.html": base + "/infos/",  # from the sitemap only
        "prestations.html": base + "/prestations/",
        "equipe.html": base + "/equipe/",  # via a same-host redirect
        "carte.pdf": base + "/carte.pdf",
    }
    problems = {p.url.removeprefix(base): p.reason for p in result.problems}
    assert problems["/absent"] == "erreur HTTP 404"
    assert problems["/partenaire"] == "redirige hors du site, vers https://autre-site.example/promo"
    assert problems["/lent"].startswith("pas de réponse après 0.3 s")
    assert problems["/prive/admin"] == "interdite par robots.txt"
    assert problems["/flux.xml"] == "ni page HTML ni PDF (application/rss+xml)"
    assert "/?utm=x" in state.requests  # fetched, but identical to "/": not saved twice
    assert "/prive/admin" not in state.requests  # robots.txt honoured before any request
    assert "/logo.png" not in state.requests
    assert not any("autre-site" in r for r in state.requests)


def test_the_manifest_maps_urls_to_files_and_the_snapshot_ingests(
    site: tuple[str, _Site], tmp_path: Path
) -> None:
    base, _ = site
    out = tmp_path / "sources" / "site"
    crawl(base + "/", out=out, options=FAST, today=date(2026, 11, 25))
    manifest = json.loads((out / "2026-11-25" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["start_url"] == base + "/"
    assert {p["file"] for p in manifest["pages"]} >= {"index.html", "carte.pdf"}
    assert all(p["fetched_at"] and p["url"].startswith(base) for p in manifest["pages"])
    assert any(p["reason"] == "erreur HTTP 404" for p in manifest["problems"])
    result = ingest_directory(tmp_path / "sources")
    assert not [r for r in result.reports if r.status == "error"]
    text = "\n".join(c.text for c in result.chunks)
    assert "Coupe homme : 28 €." in text and "Coupe homme 28 euros" in text
    assert "Accueil\n" not in text  # navigation dropped


def test_the_page_limit_stops_the_crawl(site: tuple[str, _Site], tmp_path: Path) -> None:
    base, _ = site
    opts = CrawlOptions(delay=0.0, timeout=0.3, max_pages=2)
    result = crawl(base + "/", out=tmp_path, options=opts, today=date(2026, 1, 2))
    assert len(result.pages) == 2
    assert sorted(p.name for p in (tmp_path / "2026-01-02").iterdir()) == [
        "index.html",
        "infos.html",
        "manifest.json",
    ]


def test_a_recrawl_the_same_day_replaces_the_snapshot_whole(
    site: tuple[str, _Site], tmp_path: Path
) -> None:
    base, state = site
    day = date(2026, 11, 25)
    crawl(base + "/", out=tmp_path, options=FAST, today=day)
    del state.routes["/equipe/"]
    crawl(base + "/", out=tmp_path, options=FAST, today=day)
    assert not (tmp_path / "2026-11-25" / "equipe.html").exists()
    assert not list(tmp_path.glob(".*partial"))


def test_a_site_that_only_fails_raises_and_leaves_no_snapshot(tmp_path: Path) -> None:
    with pytest.raises(
        CrawlError, match="^aucune page n'a pu être enregistrée depuis http://127.0.0.1:9/ "
    ):
        crawl("http://127.0.0.1:9/", out=tmp_path, options=FAST, today=date(2026, 1, 1))
    assert list(tmp_path.iterdir()) == []


def test_the_cli_exits_0_with_a_summary_and_2_on_usage_errors(
    site: tuple[str, _Site], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = site
    code = main([base + "/", "--out", str(tmp_path), "--delay", "0", "--timeout", "0.3", "--quiet"])
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert f"problème : {base}/absent : erreur HTTP 404" in out
    assert re.fullmatch(
        r"5 page\(s\) enregistrée\(s\) dans \S+, \d+ problème\(s\), \d+ requête\(s\) ; "
        r"lancez scripts/reindex pour les indexer",
        out[-1],
    )
    with pytest.raises(SystemExit) as exc:
        main([base, "--max-pages", "0"])
    assert exc.value.code == 2
    capsys.readouterr()
    assert main(["ftp://example.fr/", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "crawl : erreur : ftp://example.fr/ n'est pas une adresse de site : donnez-la en "
        "entier, par exemple https://www.mon-salon.fr\n"
    )


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://s.fr/", "index.html"),
        ("https://s.fr/prestations/", "prestations.html"),
        ("https://s.fr/infos-pratiques/acces/", "infos-pratiques/acces.html"),
        ("https://s.fr/tarifs.php?page=2", "tarifs-page-2.html"),
        ("https://s.fr/contact.html", "contact.html"),
    ],
)
def test_file_names_follow_the_url_path(url: str, name: str) -> None:
    assert file_for(url) == name


def test_without_robots_txt_everything_on_the_host_may_be_fetched(
    site: tuple[str, _Site], tmp_path: Path
) -> None:
    base, state = site
    del state.routes["/robots.txt"]
    result = crawl(base + "/", out=tmp_path, options=FAST, today=date(2026, 11, 25))
    assert base + "/prive/admin" in {p.url for p in result.pages}
    assert base + "/infos/" in {p.url for p in result.pages}  # /sitemap.xml by default


def test_robots_crawl_delay_slows_the_crawler_down(site: tuple[str, _Site]) -> None:
    import httpx

    from ingest.site_fetch import SiteFetcher

    base, state = site
    state.routes["/robots.txt"] = (200, {}, b"User-agent: *\nCrawl-delay: 3\n")
    with httpx.Client(timeout=1) as client:
        crawler = SiteFetcher(base + "/", FAST, client)
        crawler.load_robots()
    assert crawler.delay == 3


def test_noindex_pages_are_not_saved_but_their_links_are_followed(
    site: tuple[str, _Site], tmp_path: Path
) -> None:
    base, state = site
    state.routes["/prestations/"] = (
        200,
        {"Content-Type": "text/html"},
        b"<html><head><meta name='robots' content='noindex, follow'></head><body><main>"
        b"<p>Page en travaux</p><a href='/cache/'>x</a></main></body></html>",
    )
    state.routes["/cache/"] = (200, {"Content-Type": "text/html"}, _page("Cache", "Vu."))
    result = crawl(base + "/", out=tmp_path, options=FAST, today=date(2026, 11, 25))
    urls = {p.url.removeprefix(base) for p in result.pages}
    assert "/prestations/" not in urls and "/cache/" in urls
    reasons = {p.url.removeprefix(base): p.reason for p in result.problems}
    assert reasons["/prestations/"] == "la page demande à ne pas être indexée (noindex)"
