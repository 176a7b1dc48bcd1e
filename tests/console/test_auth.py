"""Integration tier (Flask test client): who may reach the console, and how.

Off without `OWNER_PASSWORD_HASH`; with it, every page and action needs a signed-in
session, every form its CSRF token, and wrong passwords are throttled per address and
overall while open sessions keep working."""

from __future__ import annotations

import dataclasses
import re
import time
from http.cookies import SimpleCookie

import pytest
from flask import Flask

from tests.console.conftest import PASSWORD, AppFactory, console_of, csrf, sign_in
from webhook.config import WebhookSettings

DUMMY = {
    "uid": "AbC_123-xyz",
    "call_id": 1,
    "message_id": 1,
    "entry_id": 1,
    "filename": "console.css",
}
PUBLIC = {"console.login", "console.static"}


def console_rules(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every console route but the public ones."""
    found = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or rule.endpoint in PUBLIC:
            continue
        url = adapter.build(rule.endpoint, {k: DUMMY[k] for k in rule.arguments})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


def test_without_a_password_hash_every_admin_url_is_a_404(
    console_settings: WebhookSettings,
) -> None:
    from webhook.app import create_app

    app = create_app(dataclasses.replace(console_settings, owner_password_hash=None))
    client = app.test_client()
    for url in ("/admin/", "/admin/login", "/admin/rendez-vous", "/admin/static/console.css",
                "/admin/documents/envoyer", "/admin/nimporte-quoi"):  # fmt: skip
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={"mot_de_passe": PASSWORD}).status_code == 404, url
    assert "salon_console" not in app.extensions
    app.extensions["salon_webhook"].close()


def test_the_console_covers_every_page_the_issue_names(app: Flask) -> None:
    urls = {url for _, _, url in console_rules(app)}
    for page in ("/admin/", "/admin/rendez-vous", "/admin/appels", "/admin/questions",
                 "/admin/messages", "/admin/envois", "/admin/documents", "/admin/salon"):  # fmt: skip
        assert page in urls


def test_every_page_redirects_to_the_login_page_when_not_signed_in(app: Flask) -> None:
    client = app.test_client()
    rules = console_rules(app)
    assert len(rules) >= 20
    for endpoint, method, url in rules:
        answer = client.open(url, method=method, data={})
        expected = 302 if method == "GET" else 303
        assert answer.status_code == expected, (endpoint, method, answer.status_code)
        assert answer.headers["Location"].startswith("/admin/login"), endpoint
    # an unknown console path says nothing about which pages exist
    assert client.get("/admin/inconnue").status_code == 302
    assert client.get("/admin/").headers["Location"] == "/admin/login?suivant=/admin/"


def test_the_right_password_signs_in_and_returns_to_the_asked_page(app: Flask) -> None:
    client = app.test_client()
    login = client.get("/admin/login?suivant=/admin/appels")
    assert login.status_code == 200 and "Mot de passe" in login.get_data(as_text=True)
    token = csrf(login.get_data(as_text=True))
    answer = client.post(
        "/admin/login",
        data={"csrf_token": token, "mot_de_passe": PASSWORD, "suivant": "/admin/appels"},
    )
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/appels"
    assert client.get("/admin/appels").status_code == 200


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/admin/\\evil", "/voice"]
)
def test_the_return_address_never_leaves_the_console(app: Flask, target: str) -> None:
    client = app.test_client()
    token = csrf(client.get("/admin/login").get_data(as_text=True))
    answer = client.post(
        "/admin/login", data={"csrf_token": token, "mot_de_passe": PASSWORD, "suivant": target}
    )
    assert answer.headers["Location"] == "/admin/"


def test_a_wrong_password_is_refused_and_opens_nothing(app: Flask) -> None:
    client = app.test_client()
    answer = sign_in(client, "pas le bon")
    assert answer.status_code == 401
    assert "Mot de passe incorrect" in answer.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def _cookie(answer: object) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for header in answer.headers.getlist("Set-Cookie"):  # type: ignore[attr-defined]
        jar.load(header)
    return jar


def test_the_session_cookie_is_httponly_strict_and_scoped_to_the_console(app: Flask) -> None:
    answer = sign_in(app.test_client())
    morsel = _cookie(answer)["salon_console"]
    assert morsel["httponly"] and morsel["samesite"] == "Strict"
    assert morsel["path"] == "/admin"
    assert not morsel["secure"]  # no https public URL: a Secure cookie would never come back


def test_the_session_cookie_is_secure_behind_an_https_public_url(make_console: AppFactory) -> None:
    app = make_console(public_base_url="https://salon.example.org")
    answer = sign_in(app.test_client())
    assert _cookie(answer)["salon_console"]["secure"]


def test_a_session_lasts_twelve_hours_from_login(owner: object, app: Flask) -> None:
    client = owner
    assert client.get("/admin/").status_code == 200  # type: ignore[attr-defined]
    with client.session_transaction() as session:  # type: ignore[attr-defined]
        session["login_at"] = time.time() - 12 * 3600 - 5
    assert client.get("/admin/").status_code == 302  # type: ignore[attr-defined]


def test_a_new_password_signs_every_open_session_out(
    make_console: AppFactory, console_settings: WebhookSettings
) -> None:
    from webhook.console.password import hash_password

    first = make_console(console_secret_key="une clé fixe pour ce test")
    client = first.test_client()
    assert sign_in(client).status_code == 303
    second = make_console(
        console_secret_key="une clé fixe pour ce test",
        owner_password_hash=hash_password("un autre mot de passe", n=2**10),
    )
    other = second.test_client()
    cookie = client.get_cookie("salon_console", path="/admin")
    assert cookie is not None
    other.set_cookie("salon_console", cookie.value, path="/admin")
    assert other.get("/admin/").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_logging_out_ends_the_session(owner: object) -> None:
    client = owner
    page = client.get("/admin/").get_data(as_text=True)  # type: ignore[attr-defined]
    answer = client.post("/admin/logout", data={"csrf_token": csrf(page)})  # type: ignore[attr-defined]
    assert answer.status_code == 303
    assert client.get("/admin/").status_code == 302  # type: ignore[attr-defined]


def test_the_login_form_needs_its_csrf_token(app: Flask) -> None:
    client = app.test_client()
    client.get("/admin/login")
    answer = client.post("/admin/login", data={"mot_de_passe": PASSWORD})
    assert answer.status_code == 403
    assert "formulaire a expiré" in answer.get_data(as_text=True)
    # a token from another browser's session is no better
    other = app.test_client()
    token = csrf(other.get("/admin/login").get_data(as_text=True))
    fresh = app.test_client()
    fresh.get("/admin/login")
    assert (
        fresh.post("/admin/login", data={"csrf_token": token, "mot_de_passe": PASSWORD}).status_code
        == 403
    )
    assert fresh.get("/admin/").status_code == 302


def test_every_changing_form_needs_the_csrf_token(owner: object, app: Flask) -> None:
    client = owner
    posts = [(e, url) for e, method, url in console_rules(app) if method == "POST"]
    assert {e for e, _ in posts} >= {
        "console.cancel_confirmed", "console.move_to", "console.new_booking", "console.message_done",
        "console.retry", "console.upload", "console.delete", "console.reindex",
        "console.add_closure", "console.answer", "console.logout",
    }  # fmt: skip
    for endpoint, url in posts:
        for data in ({}, {"csrf_token": "faux"}):
            answer = client.post(url, data=data)  # type: ignore[attr-defined]
            assert answer.status_code == 403, (endpoint, data)
    assert client.get("/admin/").status_code == 200  # type: ignore[attr-defined]  # still in
    assert console_of(app).reindex.last is None  # nothing ran


def test_five_wrong_passwords_from_one_address_lock_it_out_for_ten_minutes(app: Flask) -> None:
    now = [1000.0]
    console_of(app).throttle.clock = lambda: now[0]
    signed_before = app.test_client()
    assert sign_in(signed_before).status_code == 303
    attacker = app.test_client()
    for _ in range(5):
        assert sign_in(attacker, "essai").status_code == 401
    refused = sign_in(attacker)  # even the right password
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 500
    assert "réessayez dans 10 minute" in refused.get_data(as_text=True)
    # another address is not concerned; an open session keeps working
    elsewhere = app.test_client()
    assert sign_in(elsewhere, environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 303
    assert signed_before.get("/admin/").status_code == 200
    now[0] += 9 * 60
    assert sign_in(attacker).status_code == 429
    now[0] += 61
    assert sign_in(attacker).status_code == 303


def test_wrong_passwords_spread_over_many_addresses_hit_the_overall_cap(app: Flask) -> None:
    throttle = console_of(app).throttle
    now = [1000.0]
    throttle.clock = lambda: now[0]
    for n in range(throttle.overall):
        client = app.test_client()
        address = f"198.51.100.{n % 250}" if n < 250 else f"203.0.113.{n % 250}"
        answer = sign_in(client, "essai", environ_base={"REMOTE_ADDR": address})
        assert answer.status_code == 401
    newcomer = app.test_client()
    assert sign_in(newcomer, environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code == 429
    now[0] += 601
    assert sign_in(newcomer, environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code == 303


def test_behind_a_local_proxy_the_forwarded_address_is_throttled(app: Flask) -> None:
    for _ in range(5):
        sign_in(app.test_client(), "essai", headers={"X-Forwarded-For": "192.0.2.1"})
    assert sign_in(app.test_client(), headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 429
    assert sign_in(app.test_client(), headers={"X-Forwarded-For": "192.0.2.2"}).status_code == 303


def test_console_pages_carry_strict_security_headers(owner: object) -> None:
    answer = owner.get("/admin/")  # type: ignore[attr-defined]
    csp = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_the_style_sheet_is_served_without_a_session(app: Flask) -> None:
    answer = app.test_client().get("/admin/static/console.css")
    assert answer.status_code == 200 and "text/css" in answer.headers["Content-Type"]
    answer.close()


def test_the_twilio_routes_do_not_carry_the_console_cookie_or_headers(app: Flask) -> None:
    answer = app.test_client().get("/healthz")
    assert "Content-Security-Policy" not in answer.headers
    assert not answer.headers.getlist("Set-Cookie")


def test_no_template_marks_anything_safe() -> None:
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "webhook" / "console" / "templates"
    for template in folder.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe|autoescape\s+false|Markup", text), template.name


def test_nothing_the_owner_reads_says_question_s_or_minute_s() -> None:
    """Counts agree in French (« 1 question », « 2 questions »): no « (s) » in a template
    or in a string of the console's code (docstrings aside)."""
    import ast
    from pathlib import Path

    console = Path(__file__).resolve().parents[2] / "webhook" / "console"
    found = []
    for template in sorted((console / "templates").glob("*.html")):
        found += [
            f"{template.name}: {m[0]}" for m in re.finditer(r"\w+\(s\)", template.read_text())
        ]
    for module in sorted(console.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and re.search(r"\w\(s\)", node.value)
            ):
                found.append(f"{module.name}:{node.lineno}: {node.value}")
    assert found == []
