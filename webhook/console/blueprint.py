"""The owner's console: French pages under `/admin/`, served by the webhook's Flask app.

`register_console(app, cfg)` is called by `webhook.app.create_app` only when
`OWNER_PASSWORD_HASH` is set; otherwise no route exists and every `/admin/` URL is a
404. Security, as the pages sit on the public URL Twilio calls:

- every `/admin/` URL but the login page and the style sheet redirects to
  `/admin/login` (302 for a GET, 303 otherwise) without a signed-in session;
- the session is Flask's signed cookie `salon_console` (HttpOnly, SameSite=Strict,
  Secure when `PUBLIC_BASE_URL` is https, path `/admin`), valid 12 hours from login,
  signed with `CONSOLE_SECRET_KEY` or a key derived from the Twilio auth token and the
  password hash (a new password signs everyone out);
- every POST, the login form included, carries the session's token in a hidden
  `csrf_token` field (403 otherwise);
- wrong passwords are throttled per address and overall (`webhook.console.throttle`);
- pages are `no-store`, framed by nobody, and allow only their own style sheet and the
  reindex page's script (Content-Security-Policy); templates escape everything.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, TooManyRequests
from werkzeug.wrappers.response import Response as BaseResponse

from salon.profile import ProfileError
from webhook.config import WebhookSettings
from webhook.console import (
    bookings,
    calls,
    changes,
    counter,
    documents,
    erasure,
    messages,
    outbox_page,
    questions,
    salon_page,
    today,
)
from webhook.console.context import ConsoleContext
from webhook.console.helpers import FILTERS, GLOBALS, close_db, csrf_token, ctx, fr_count

logger = logging.getLogger("webhook")

SESSION_HOURS = 12
PUBLIC_ENDPOINTS = {"console.login", "console.static"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
ERROR_TITLES = {
    400: "Demande incorrecte",
    403: "Action refusée",
    404: "Page introuvable",
    405: "Action impossible ici",
    413: "Fichier trop volumineux",
    429: "Trop d'essais",
    500: "Erreur inattendue",
}


def register_console(app: Flask, cfg: WebhookSettings) -> ConsoleContext:
    """Add the console to `app` (see the module docstring); returns its context."""
    console = ConsoleContext(cfg)
    app.extensions["salon_console"] = console
    app.secret_key = console.secret_key()
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config.update(
        SESSION_COOKIE_NAME="salon_console",
        SESSION_COOKIE_PATH="/admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=bool(
            cfg.public_base_url and cfg.public_base_url.startswith("https://")
        ),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )
    bp = Blueprint(
        "console",
        __name__,
        url_prefix="/admin",
        template_folder="templates",
        static_folder="static",
        static_url_path="/static",
    )
    for module in (
        today,
        bookings,
        changes,
        counter,
        calls,
        questions,
        messages,
        outbox_page,
        documents,
        salon_page,
        erasure,
    ):
        module.add_routes(bp)
    bp.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    bp.add_url_rule("/logout", "logout", logout, methods=["POST"])
    bp.before_request(check_csrf)
    bp.register_error_handler(HTTPException, http_error)
    bp.register_error_handler(Exception, unexpected_error)
    bp.app_template_global("csrf_token")(csrf_token)
    for name, value in GLOBALS.items():
        bp.add_app_template_global(value, name)
    for name, function in FILTERS.items():
        bp.add_app_template_filter(function, name)
    bp.teardown_request(close_db)
    app.register_blueprint(bp)
    app.before_request(require_login)
    app.after_request(security_headers)
    return console


# ---------------------------------------------------------------------- the guard


def _is_console_path(path: str) -> bool:
    return path == "/admin" or path.startswith("/admin/")


def signed_in() -> bool:
    """A session from a right password, younger than 12 hours, for today's password."""
    if session.get("owner") is not True:
        return False
    login_at = session.get("login_at")
    if not isinstance(login_at, int | float) or time.time() - login_at > SESSION_HOURS * 3600:
        return False
    return session.get("password") == ctx().password_tag()


def require_login() -> BaseResponse | None:
    """Every console URL but the public ones needs a session (app-wide, so that unknown
    `/admin/…` paths redirect too rather than say which pages exist). Signed in, an
    unknown `/admin/…` path (or a known one asked with the wrong method) gets the
    console's French error page: no blueprint handler sees a URL that matched no route,
    and the app's own handler answers Twilio in plain English."""
    if not _is_console_path(request.path) or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if signed_in():
        unmatched = request.routing_exception
        if isinstance(unmatched, NotFound | MethodNotAllowed):
            return http_error(unmatched)
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else ""
    location = url_for("console.login", suivant=target or None)
    return redirect(location, code=302 if request.method in ("GET", "HEAD") else 303)


def check_csrf() -> None:
    """Every POST of the console carries the session's token (the login form included)."""
    if request.method != "POST":
        return
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf")
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(sent, expected):
        logger.warning("console: form refused, missing or wrong CSRF token",
                       extra={"path": request.path})  # fmt: skip
        raise CsrfRefused()


class CsrfRefused(HTTPException):
    code = 403
    description = (
        "Ce formulaire a expiré ou ne vient pas de la console : rechargez la page et recommencez."
    )


def security_headers(response: Response) -> Response:
    if _is_console_path(request.path):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
    return response


def http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    description = exc.description or ""
    if code == 413:
        limit = ctx().cfg.console_max_upload_mb
        description = f"Le fichier dépasse la taille permise ({limit} Mo)."
    elif code == 404 and "requested URL was not found" in description:
        description = "Cette page n'existe pas, ou plus."
    elif code == 405:
        description = "Cette adresse ne s'utilise pas ainsi."
    body = render_template(
        "error.html",
        title=ERROR_TITLES.get(code, "Erreur"),
        message=description,
        code=code,
        signed_in=signed_in(),
    )
    response = Response(body, status=code, mimetype="text/html")
    if isinstance(exc, TooManyRequests) and exc.retry_after:
        response.headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def unexpected_error(exc: Exception) -> Response:
    if isinstance(exc, ProfileError):  # the owner can fix this one: say what and where
        logger.warning("console: salon.toml does not load: %s", exc)
        message = (
            f"salon.toml ne peut pas être lu : {exc}. Corrigez le fichier (ou remettez sa "
            "version précédente), lancez scripts/doctor pour vérifier, puis rechargez la page."
        )
    else:
        logger.exception("console: unexpected error", extra={"path": request.path})
        message = (
            "La page n'a pas pu s'afficher. Réessayez dans un instant ; si cela "
            "continue, le détail est dans le journal du serveur."
        )
    body = render_template(
        "error.html",
        title=ERROR_TITLES[500],
        message=message,
        code=500,
        signed_in=signed_in(),
    )
    return Response(body, status=500, mimetype="text/html")


# ---------------------------------------------------------------------- login


def client_address() -> str:
    """The address a login attempt comes from. Behind a proxy on this machine (ngrok, a
    local reverse proxy) every request comes from loopback: then the proxy's
    `X-Forwarded-For` (its last entry, the one it added) names the client."""
    remote = request.remote_addr or "unknown"
    forwarded = request.headers.get("X-Forwarded-For", "")
    try:
        local = ipaddress.ip_address(remote).is_loopback
    except ValueError:
        local = False
    if local and forwarded.strip():
        return forwarded.split(",")[-1].strip()[:64] or remote
    return remote


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin/") and "//" not in target and "\\" not in target:
        return target
    return url_for("console.today")


def login() -> Any:
    console = ctx()
    if request.method == "GET":
        if signed_in():
            return redirect(_safe_next(request.args.get("suivant")))
        csrf_token()
        return render_template("login.html", suivant=request.args.get("suivant", ""))
    address = client_address()
    wait = console.throttle.retry_after(address)
    if wait > 0:
        logger.warning("console: login refused, too many wrong passwords")
        minutes = max(1, round(wait / 60))
        exc = TooManyRequests(
            f"Trop de mots de passe erronés : réessayez dans {fr_count(minutes, 'minute')}."
        )
        exc.retry_after = int(wait) + 1
        raise exc
    password = request.form.get("mot_de_passe", "")
    if not console.password.matches(password):
        console.throttle.failed(address)
        logger.warning("console: wrong password")
        body = render_template(
            "login.html", suivant=request.form.get("suivant", ""), error="Mot de passe incorrect."
        )
        return Response(body, status=401, mimetype="text/html")
    console.throttle.succeeded(address)
    session.clear()
    session.permanent = True
    session.update(owner=True, login_at=time.time(), password=console.password_tag())
    csrf_token()  # a new token for the new session
    logger.info("console: owner signed in")
    return redirect(_safe_next(request.form.get("suivant")), code=303)


def logout() -> Any:
    session.clear()
    flash("Vous êtes déconnecté.", "ok")
    return redirect(url_for("console.login"), code=303)
