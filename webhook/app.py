"""The Flask app Twilio calls: `/voice`, `/dial-done`, `/transfer-done`, `/status`, `/sms`,
`/healthz`.

Serve it with `scripts/webhook` (Hypercorn, port 8000) or `hypercorn webhook.asgi:app`
(both put `webhook.asgi.GuardedWsgi`, the per-route body limits, in front of it).
`create_app(settings=None)` is the factory; the module attribute `app` (a `LazyApp`) builds
it from the environment on the first request, so importing this module needs no settings.

Every Twilio endpoint checks `X-Twilio-Signature` first (403 and nothing else happens
when it does not match). `/voice` then dispatches the agent into the room named after the
CallSid and answers TwiML bridging the audio there; when LiveKit is slow, failing or not
configured, it answers the human fallback instead. Unexpected errors also answer the
fallback: Twilio never gets a 5xx, so a caller is never left with an application error.
`/sms` (Twilio Messaging: SMS and WhatsApp) acts on « ANNULER », « OUI » or keeps the text
for the salon (`webhook.sms`); its answers go through the outbox.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, Response, abort, jsonify, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from salon import settings as salon_settings
from salon.phone import mask
from salon.profile import SalonProfile
from salon.profile_source import ProfileSource
from webhook import sms as sms_replies
from webhook import twiml
from webhook.call_log import CallLog, CallRow
from webhook.config import WebhookSettings
from webhook.dispatch import (
    AgentDispatcher,
    Bridge,
    DispatchFailed,
    LiveKitDispatcher,
    UnconfiguredDispatcher,
)
from webhook.fallback import GENERIC_SORRY, FallbackAnswers, transfer_done_twiml
from webhook.fields import InvalidField, check_form
from webhook.signature import HEADER, SignatureChecker, public_url

logger = logging.getLogger("webhook")
T = TypeVar("T")

FORM_TYPE = "application/x-www-form-urlencoded"
TWIML_TYPE = "text/xml"
# Twilio CallSids are "CA" + 32 hex digits; anything else is refused before it can reach a
# SIP URI or a room name.
CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
# The agent's SIP leg never connected: the caller must still reach someone.
DIAL_FAILED = {"busy", "no-answer", "failed"}
EMPTY_MESSAGING = twiml.empty_messaging()
# LIVEKIT_DISPATCH_TIMEOUT is the longest a caller's webhook waits for its answer, counted
# from the start of /voice; LiveKit gets that minus this reserve, kept for building and
# sending the fallback answer (and for the other calls queued behind it under a burst).
ANSWER_RESERVE_S = 0.1


@dataclass
class WebhookContext:
    """What the views share; kept in `app.extensions["salon_webhook"]`."""

    settings: WebhookSettings
    checker: SignatureChecker
    calls: CallLog
    dispatcher: AgentDispatcher
    profiles: ProfileSource
    profile_error: str | None = None  # the last one logged: said once, not per request

    @property
    def profile(self) -> SalonProfile | None:
        """The owner's salon.toml as saved now (a console closure or an edited transfer
        number counts from the next request), or None when it cannot be read."""
        try:
            return self.profiles.current()
        except Exception as exc:
            if str(exc) != self.profile_error:
                self.profile_error = str(exc)
                logger.error(
                    "salon profile unreadable: the fallback uses a generic message",
                    extra={"error": str(exc)},
                )
            return None

    def close(self) -> None:
        self.dispatcher.close()


def _make_dispatcher(cfg: WebhookSettings) -> AgentDispatcher:
    if not cfg.livekit_configured:
        logger.warning(
            "LiveKit is not configured (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET): "
            "every call will get the human fallback"
        )
        return UnconfiguredDispatcher()
    if cfg.transport == "sip" and not cfg.sip_configured:
        logger.error("TELEPHONY_TRANSPORT=sip needs LIVEKIT_SIP_HOST: calls will get the fallback")
        return UnconfiguredDispatcher(reason="misconfigured", detail="LIVEKIT_SIP_HOST is not set")
    assert cfg.livekit_url and cfg.livekit_api_key and cfg.livekit_api_secret
    return LiveKitDispatcher(
        url=cfg.livekit_url,
        api_key=cfg.livekit_api_key,
        api_secret=cfg.livekit_api_secret,
        agent_name=cfg.agent_name,
        transport=cfg.transport,
        timeout=cfg.dispatch_timeout,
    )


def create_app(
    settings: WebhookSettings | None = None,
    *,
    dispatcher: AgentDispatcher | None = None,
    now: Callable[[], datetime] | None = None,
) -> Flask:
    """Build the webhook app.

    Args:
        settings: test or explicit settings; `WebhookSettings.from_env()` when None.
        dispatcher: replaces the LiveKit dispatcher (tests of the app alone).
        now: the clock the fallback reads the opening hours with (tests); the real one.
    """
    cfg = settings or WebhookSettings.from_env()
    app = Flask("webhook")
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_content_length
    limits = cfg.route_limits
    ctx = WebhookContext(
        settings=cfg,
        checker=SignatureChecker(auth_token=cfg.twilio_auth_token),
        calls=CallLog(db_path=cfg.salon_db),
        dispatcher=dispatcher or _make_dispatcher(cfg),
        profiles=ProfileSource(cfg.salon_profile),
    )
    app.extensions["salon_webhook"] = ctx
    start_profile = ctx.profile
    instance = instance_id(
        account_sid=salon_settings.get("TWILIO_ACCOUNT_SID"),
        salon_name=start_profile.name if start_profile else None,
        public_base_url=cfg.public_base_url,
    )
    # The fallback answers depend on the hour (open or closed, « Bonsoir ») and the number
    # dialled: built once a minute per version of the profile, not per request.
    clock = now or (lambda: datetime.now(UTC))
    answers: dict[str, Any] = {"profile": object()}

    def fallback_answers(called: str | None = None) -> tuple[str, str]:
        """(fallback, transfer) TwiML for a call to `called` (Twilio's `To`)."""
        profile = ctx.profile
        if answers["profile"] is not profile:
            answers.update(profile=profile, built=FallbackAnswers(profile))
        built: FallbackAnswers = answers["built"]
        return built.at(clock(), called=called, action_url=absolute_url("/transfer-done"))

    def twiml_response(body: str) -> Response:
        return Response(body, status=200, mimetype=TWIML_TYPE)

    def absolute_url(path: str) -> str:
        base = cfg.public_base_url or request.url_root.rstrip("/")
        return base + path

    def twilio_form() -> MultiDict[str, str]:
        """The POST form of a genuine Twilio request; aborts 415/413/403 otherwise."""
        if request.mimetype != FORM_TYPE:
            abort(415, description=f"expected {FORM_TYPE}")
        form = request.form  # 413 past MAX_CONTENT_LENGTH
        signed_url = public_url(
            request_url="" if cfg.public_base_url else request.url,
            path=request.script_root + request.path,
            query=request.query_string.decode("latin-1"),
            public_base_url=cfg.public_base_url,
        )
        if not ctx.checker.is_valid(
            url=signed_url, params=form, signature=request.headers.get(HEADER)
        ):
            logger.warning(
                "refused a request with a bad or missing Twilio signature",
                extra={"path": request.path},
            )
            if not cfg.public_base_url and "X-Forwarded-Proto" in request.headers:
                logger.warning(
                    "behind a proxy or ngrok, set PUBLIC_BASE_URL to the public https URL: "
                    "Twilio signs the URL it called, not the one this server sees"
                )
            abort(403, description="invalid Twilio signature")
        return form

    def required(form: MultiDict[str, str], *names: str) -> list[str]:
        """The values of `names` (CallSid first), once every field's size and format is
        checked (`webhook.fields`); aborts 400 naming the field otherwise."""
        try:
            check_form(form, required=names)
        except InvalidField as exc:
            logger.warning(
                "refused a signed request with a malformed field",
                extra={"path": request.path, "detail": exc.field},
            )
            abort(400, description=str(exc))
        assert CALL_SID.match(form[names[0]])
        return [form[name] for name in names]

    def bridge_twiml(call_sid: str, bridge: Bridge) -> str:
        if cfg.transport == "stream":
            assert bridge.connect_url
            return twiml.stream_bridge(
                connect_url=bridge.connect_url, action_url=absolute_url("/dial-done")
            )
        assert cfg.sip_host
        return twiml.sip_bridge_fast(  # call_sid matched CALL_SID: nothing to escape
            call_sid=call_sid,
            sip_host=cfg.sip_host,
            username=cfg.sip_username,
            password=cfg.sip_password,
            action_url=absolute_url("/dial-done"),
        )

    def answer_retry(call_sid: str, row: CallRow, called: str) -> Response:
        if row.state == "pending":
            row = (
                ctx.calls.wait_settled(call_sid=call_sid, timeout=cfg.dispatch_timeout + 0.5) or row
            )
        logger.info(
            "retried webhook answered from the call log, no second dispatch",
            extra={"call_sid": call_sid, "state": row.state},
        )
        if row.state == "bridged" and (cfg.transport == "sip" or row.connect_url):
            bridge = Bridge(dispatch_id=row.dispatch_id, connect_url=row.connect_url)
            return twiml_response(bridge_twiml(call_sid, bridge))
        return twiml_response(fallback_answers(called)[0])

    def fallback(
        call_sid: str, reason: str, detail: str = "", from_masked: str = "", called: str = ""
    ) -> Response:
        ctx.calls.mark_fallback(call_sid=call_sid, reason=reason)
        context = {"call_sid": call_sid, "reason": reason, "detail": detail}
        if from_masked:
            context["from_masked"] = from_masked
        logger.warning("agent unavailable, answering the human fallback", extra=context)
        return twiml_response(fallback_answers(called)[0])

    @app.post("/voice")
    def voice() -> Response:
        deadline = time.monotonic() + max(0.05, cfg.dispatch_timeout - ANSWER_RESERVE_S)
        form = twilio_form()
        call_sid, caller = required(form, "CallSid", "From")
        callee = (form.get("To") or "").strip()
        masked = mask(caller)
        # One log line per call, written once the outcome is known (at most the dispatch
        # budget later): each line costs the GIL-bound server CPU under a burst of calls.
        try:
            # claim the CallSid (once across retries and processes), dispatch, mark bridged
            outcome = ctx.dispatcher.dispatch_once(
                calls=ctx.calls,
                call_sid=call_sid,
                caller=caller,
                caller_masked=masked,
                callee=callee,
                transport=cfg.transport,
                deadline=deadline,
            )
        except DispatchFailed as exc:
            return fallback(call_sid, exc.reason, exc.detail, from_masked=masked, called=callee)
        if isinstance(outcome, CallRow):
            return answer_retry(call_sid, outcome, callee)
        logger.info(
            "incoming call, agent dispatched",
            extra={"call_sid": call_sid, "from_masked": masked, "transport": cfg.transport},
        )
        return twiml_response(bridge_twiml(call_sid, outcome))

    @app.post("/dial-done")
    def dial_done() -> Response:
        form = twilio_form()
        (call_sid,) = required(form, "CallSid")
        dial_status = (form.get("DialCallStatus") or "").strip()
        called = (form.get("To") or "").strip()
        reason = ctx.calls.pending_transfer(call_sid=call_sid)
        if reason is not None:
            logger.info(
                "forwarding to a human at the agent's request", extra={"call_sid": call_sid}
            )
            return twiml_response(fallback_answers(called)[1])
        if dial_status in DIAL_FAILED:
            return fallback(call_sid, "bridge-failed", dial_status, called=called)
        logger.info("bridged call ended", extra={"call_sid": call_sid, "status": dial_status})
        return twiml_response(twiml.hangup())

    @app.post("/transfer-done")
    def transfer_done() -> Response:
        """The `<Dial>` to the salon's human ended: hang up, or say nobody answered."""
        form = twilio_form()
        (call_sid,) = required(form, "CallSid")
        dial_status = (form.get("DialCallStatus") or "").strip()
        logger.info("transfer ended", extra={"call_sid": call_sid, "status": dial_status})
        return twiml_response(transfer_done_twiml(ctx.profile, dial_status))

    @app.post("/status")
    def status() -> Response:
        form = twilio_form()
        call_sid, call_status = required(form, "CallSid", "CallStatus")
        ctx.calls.record_status(
            call_sid=call_sid,
            status=call_status,
            duration_s=_int_or_none(form.get("CallDuration")),
            sequence=_int_or_none(form.get("SequenceNumber")),
        )
        logger.info("call status", extra={"call_sid": call_sid, "status": call_status})
        # An empty TwiML answer rather than a bodiless 204: some servers (Hypercorn's own
        # WSGI wrapper) never start a response that has no body, and Twilio saw 500s.
        return twiml_response(twiml.empty())

    @app.post("/sms")
    def sms() -> Response:
        form = twilio_form()  # 403 when forged, exactly as /voice
        try:
            check_form(form, required=("MessageSid", "From"))
        except InvalidField as exc:
            logger.warning(
                "refused a signed request with a malformed field",
                extra={"path": request.path, "detail": exc.field},
            )
            abort(400, description=str(exc))
        message = sms_replies.Inbound(
            message_sid=form["MessageSid"], sender=form["From"], body=form.get("Body") or ""
        )
        now = datetime.now(UTC)
        profile = ctx.profile
        if profile is None:
            logger.error("text message received but the salon profile cannot be read")
            sms_replies.keep_as_message(message, db_path=cfg.salon_db, now=now)
            return twiml_response(EMPTY_MESSAGING)
        try:
            handled = _run_coroutine(
                sms_replies.handle_text(message, profile=profile, db_path=cfg.salon_db, now=now)
            )
        except Exception:  # the text is kept for the salon; Twilio gets a valid answer
            logger.exception("text message not handled, kept as a message for the salon")
            sms_replies.keep_as_message(message, db_path=cfg.salon_db, now=now, profile=profile)
            return twiml_response(EMPTY_MESSAGING)
        logger.info(
            "text message handled",
            extra={
                "from_masked": mask(message.sender.removeprefix("whatsapp:")),
                "state": handled.kind,
                "status": handled.outcome,
            },
        )
        # Answers go through the outbox (stored, retried, sent by scripts/jobs): the
        # HTTP answer is an empty TwiML document, never a bodiless 204.
        return twiml_response(EMPTY_MESSAGING)

    @app.before_request
    def body_limit() -> None:
        # the table `webhook.asgi` enforces in front of the app, again at the form parser
        request.max_content_length = limits.for_path(request.path).max_bytes

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(
            status="ok",
            transport=cfg.transport,
            livekit_configured=cfg.livekit_configured,
            profile_loaded=ctx.profile is not None,
            instance=instance,
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        # Client errors (403, 413, 415, 400, 405, 404) keep their status, with a short text.
        return Response(
            f"{exc.code} {exc.name}: {exc.description}\n",
            status=exc.code or 400,
            mimetype="text/plain",
        )

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        logger.exception("unexpected error, answering the human fallback")
        return twiml_response(fallback_answers()[0])

    if cfg.console_enabled:  # the owner's pages under /admin/; without a password, 404
        from webhook.console.blueprint import register_console

        register_console(app, cfg)
    return app


def _run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion from a synchronous view: in this thread when it has no
    event loop (Hypercorn's worker threads), else in a short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="webhook-sms") as pool:
        return pool.submit(asyncio.run, coro).result()


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def instance_id(
    *, account_sid: str | None, salon_name: str | None, public_base_url: str | None
) -> str:
    """Twelve hex digits of SHA-256 over the Twilio account, the salon's name and the public
    URL: `/healthz` shows it, `scripts/doctor` computes it too, so a tunnel or proxy that
    reaches another salon's webhook (or one started with other settings) is caught. It
    reveals none of them."""
    text = "\n".join((account_sid or "", salon_name or "", (public_base_url or "").rstrip("/")))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class LazyApp:
    """The WSGI app `hypercorn webhook.asgi:app` serves, built on the first request.

    Importing this module must not need the settings (tests import `create_app`), and
    Hypercorn reads `app` with `eval`, which ignores a module `__getattr__`: hence this small
    proxy. If the settings are invalid it never answers a 5xx to Twilio: `/healthz` says 503
    with the reason and every other path a short French message (and an error log naming
    the setting). `scripts/webhook` builds the app before listening and fails fast instead.
    """

    def __init__(self) -> None:
        self._app: Flask | None = None
        self._lock = threading.Lock()

    def get(self) -> Flask:
        """The Flask app, built from the environment once."""
        with self._lock:
            if self._app is None:
                self._app = create_app()
            return self._app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        error = ""
        if self._app is None:
            try:
                self.get()
            except Exception as exc:  # retried on the next request: it may be transient
                error = f"{type(exc).__name__}: {exc}"
        if self._app is not None:
            return self._app(environ, start_response)
        logger.error("webhook misconfigured: %s", error)
        if environ.get("PATH_INFO") == "/healthz":
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [f"misconfigured: {error}\n".encode()]
        body = twiml.message_only(text=GENERIC_SORRY).encode()
        start_response("200 OK", [("Content-Type", TWIML_TYPE)])
        return [body]


app = LazyApp()
