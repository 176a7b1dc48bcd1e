"""A local stub of Twilio's REST API (v2010) on 127.0.0.1, speaking the real wire format.

It serves what this project calls:

- `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` (CreateMessage: SMS and WhatsApp),
- `GET  /2010-04-01/Accounts/{AccountSid}/Messages.json` (ListMessage, filtered by To/From),
- `POST /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json` (UpdateCall: `Twiml` or `Url`,
  used for transfers);
- `GET  /2010-04-01/Accounts/{Sid}.json` (FetchAccount: the doctor's credentials check),
- `GET  /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json` (filtered by PhoneNumber)
  and `POST …/IncomingPhoneNumbers/{Sid}.json` (UpdateIncomingPhoneNumber: the doctor's
  `--fix` of the number's voice, status and SMS URLs).

Every request and every success response is checked against Twilio's OpenAPI description
(`../shared/specs/twilio_api_v2010.json`) with openapi-core when that file exists; problems
are collected in `stub.violations` (and an invalid request is answered 400, like Twilio).

Usage::

    with TwilioStub() as stub:                  # or stub = TwilioStub().start(); stub.stop()
        stub.base_url                           # "http://127.0.0.1:<port>"
        # the real twilio client, pointed at the stub (or set TWILIO_ACCOUNT_SID,
        # TWILIO_AUTH_TOKEN and TWILIO_API_BASE_URL=stub.base_url and call it bare):
        client = make_twilio_client(account_sid=stub.account_sid,
                                    auth_token=stub.auth_token, base_url=stub.base_url)
        await client.calls("CA…").update_async(twiml="<Response>…</Response>")
        stub.call_updates                       # [{"sid": "CA…", "Twiml": "<Response>…"}]
        stub.fail_next(status=429, times=2)     # the next 2 requests get 429 (code 20429)
        stub.fail_next(status=429, retry_after=1)  # ... with a `Retry-After: 1` header
        stub.fail_next(status=500)              # then one 500
        stub.set_failure_rate(0.2, seed=1)      # 20 % of requests fail with random 500/429
        stub.delay_next(2.0)                    # next message is created, answer comes late
        stub.delay_next(2.0, create=False)      # late answer (500), nothing created
        stub.messages                           # created messages (dicts as Twilio returns)
        stub.messages_to("+336…")               # those sent to one number
        stub.attempts                           # every request received, faulted or not
        stub.violations                         # OpenAPI problems seen (expect [])
        stub.add_number("+33478421890", voice_url="https://old.example/voice")  # -> "PN…"
        stub.numbers                            # sid -> number resource (dicts as Twilio returns)
        stub.number_updates                     # [{"sid": "PN…", "VoiceUrl": …}] in order
        stub.account_status = "suspended"       # what FetchAccount reports
        stub.reset()                            # forget messages, faults and violations

`make_twilio_client` is in `notify.twilio_messages`. Requests need HTTP Basic auth
with `stub.account_sid` / `stub.auth_token` (else 401, code 20003), like Twilio.

Numbers: `To` that `phonenumbers` rejects gets 400 / code 21211; a French landline (or any
number that is not a mobile) gets 400 / code 21614, as Twilio answers for SMS.
"""

from __future__ import annotations

import base64
import json
import random
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import phonenumbers
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

SPEC_PATH = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "specs" / "twilio_api_v2010.json"
)
SPEC_HOST = "https://api.twilio.com"

_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json$")
_CALL = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Calls/(?P<sid>[^/]+)\.json$")
_ACCOUNT = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)\.json$")
_NUMBERS = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/IncomingPhoneNumbers\.json$")
_NUMBER = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>[^/]+)/IncomingPhoneNumbers/(?P<sid>PN[0-9a-f]{32})\.json$"
)
# Form fields of UpdateIncomingPhoneNumber -> the resource's keys.
_NUMBER_FIELDS = {
    "VoiceUrl": "voice_url",
    "VoiceMethod": "voice_method",
    "StatusCallback": "status_callback",
    "StatusCallbackMethod": "status_callback_method",
    "SmsUrl": "sms_url",
    "SmsMethod": "sms_method",
    "FriendlyName": "friendly_name",
    "VoiceApplicationSid": "voice_application_sid",
    "SmsApplicationSid": "sms_application_sid",
}

ERROR_TEXT = {
    20003: "Authentication Error - invalid username",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "Internal Server Error",
    20001: "Invalid parameter",
    21211: "Invalid 'To' Phone Number",
    21602: "Message body is required.",
    21604: "A 'To' phone number is required.",
    21614: "'To' number is not a valid mobile number",
}


def spec_available() -> bool:
    """Whether Twilio's OpenAPI description is present next to the project."""
    return SPEC_PATH.is_file()


@lru_cache(maxsize=1)
def _openapi() -> Any:
    from openapi_core import OpenAPI

    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return OpenAPI.from_dict(spec)


def _rfc2822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC))


def _sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


@dataclass
class Fault:
    """One injected answer: an HTTP status with a Twilio error code, or a late answer."""

    status: int = 500
    code: int | None = None
    delay: float = 0.0
    create: bool = True  # for delays: the message is created before the late answer
    retry_after: float | None = None


@dataclass
class TwilioStub:
    """The stub server; see the module docstring for its small API."""

    account_sid: str = "AC" + "0123456789abcdef" * 2
    auth_token: str = "stub-auth-token"
    validate: bool = True
    messages: list[dict[str, Any]] = field(default_factory=list)
    call_updates: list[dict[str, str]] = field(default_factory=list)
    numbers: dict[str, dict[str, Any]] = field(default_factory=dict)
    number_updates: list[dict[str, str]] = field(default_factory=list)
    account_status: str = "active"
    attempts: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._rate = 0.0
        self._rng = random.Random(0)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.validate = self.validate and spec_available()

    # --- lifecycle -------------------------------------------------------------------
    def start(self) -> TwilioStub:
        if self.validate:
            _openapi()  # load the spec now (about 1 s, once per process), not on a request
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> TwilioStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "stub not started"
        return f"http://127.0.0.1:{self._server.server_port}"

    # --- fault injection ---------------------------------------------------------------
    def fail_next(
        self,
        *,
        status: int = 500,
        code: int | None = None,
        times: int = 1,
        retry_after: float | None = None,
    ) -> None:
        """The next `times` requests are answered `status` (Twilio error JSON).

        `retry_after` adds a `Retry-After` header (seconds) to those answers.
        """
        with self._lock:
            self._faults.extend(
                Fault(status=status, code=code, retry_after=retry_after) for _ in range(times)
            )

    def delay_next(self, seconds: float, *, create: bool = True) -> None:
        """The next request is answered after `seconds`.

        With `create` the message is created first (a timeout after Twilio accepted it);
        without, the late answer is a 500 and nothing is created.
        """
        with self._lock:
            self._faults.append(Fault(status=201, delay=seconds, create=create))

    def set_failure_rate(self, rate: float, *, seed: int = 0) -> None:
        """Fail this share of requests at random with 500 or 429 (reproducible with `seed`)."""
        with self._lock:
            self._rate = rate
            self._rng = random.Random(seed)

    def reset(self) -> None:
        with self._lock:
            self._faults.clear()
            self._rate = 0.0
            self.messages.clear()
            self.call_updates.clear()
            self.number_updates.clear()
            self.attempts.clear()
            self.violations.clear()

    def messages_to(self, number: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["to"] == number]

    def add_number(self, phone_number: str, **fields: Any) -> str:
        """An IncomingPhoneNumber of the account (E.164); `fields` override its keys."""
        sid = _sid("PN")
        now = _rfc2822(datetime.now(UTC))
        number: dict[str, Any] = {
            "account_sid": self.account_sid,
            "address_requirements": "none",
            "address_sid": None,
            "api_version": "2010-04-01",
            "beta": False,
            "bundle_sid": None,
            "capabilities": {"voice": True, "sms": True, "mms": False, "fax": False},
            "date_created": now,
            "date_updated": now,
            "emergency_address_sid": None,
            "emergency_address_status": "unregistered",
            "emergency_status": "Inactive",
            "friendly_name": phone_number,
            "identity_sid": None,
            "origin": "twilio",
            "phone_number": phone_number,
            "sid": sid,
            "sms_application_sid": None,
            "sms_fallback_method": "POST",
            "sms_fallback_url": None,
            "sms_method": "POST",
            "sms_url": None,
            "status": "in-use",
            "status_callback": None,
            "status_callback_method": "POST",
            "trunk_sid": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/IncomingPhoneNumbers/{sid}.json",
            "voice_application_sid": None,
            "voice_caller_id_lookup": False,
            "voice_fallback_method": "POST",
            "voice_fallback_url": None,
            "voice_method": "POST",
            "voice_receive_mode": "voice",
            "voice_url": None,
            "type": "local",
        }
        number.update(fields)
        with self._lock:
            self.numbers[sid] = number
        return sid

    # --- HTTP ----------------------------------------------------------------------------
    def _wsgi(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)

    def _next_fault(self) -> Fault | None:
        with self._lock:
            if self._faults:
                return self._faults.pop(0)
            if self._rate and self._rng.random() < self._rate:
                return Fault(status=self._rng.choice((500, 429)))
        return None

    def _handle(self, request: Request) -> Response:
        form = {k: v[-1] for k, v in parse_qs(request.get_data(as_text=True)).items()}
        with self._lock:
            self.attempts.append({"method": request.method, "path": request.path, "form": form})
        if not self._authorised(request):
            return self._error(401, 20003)
        messages, call = _MESSAGES.match(request.path), _CALL.match(request.path)
        account, numbers = _ACCOUNT.match(request.path), _NUMBERS.match(request.path)
        number = _NUMBER.match(request.path)
        match = messages or call or account or numbers or number
        if match is None or match["account"] != self.account_sid:
            return self._error(404, 20404)
        problem = self._check_request(request)
        if problem:
            self.violations.append(problem)
            return self._error(400, 20001 if form.get("To") else 21604, problem)
        fault = self._next_fault()
        if fault is not None and fault.status >= 400:
            error = self._error(fault.status, fault.code)
            if fault.retry_after is not None:
                error.headers["Retry-After"] = f"{fault.retry_after:g}"
            return error
        if fault is not None and fault.delay and not fault.create:
            time.sleep(fault.delay)  # lost on the way: late, and nothing was created
            return self._error(500, None)
        if messages and request.method == "GET":
            response = self._list_messages(request)
        elif messages and request.method == "POST":
            response = self._create_message(form, fault)
        elif call and request.method == "POST":
            response = self._update_call(call["sid"], form)
        elif account and request.method == "GET":
            response = self._fetch_account()
        elif numbers and request.method == "GET":
            response = self._list_numbers(request)
        elif number and request.method == "POST":
            response = self._update_number(number["sid"], form)
        else:
            return self._error(405, None)
        if response.status_code < 300:
            self._check_response(request, response)
        return response

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}"

    def _error(self, status: int, code: int | None, message: str | None = None) -> Response:
        code = code or {401: 20003, 404: 20404, 429: 20429}.get(status, 20500)
        body = {
            "code": code,
            "message": message or ERROR_TEXT.get(code, "Error"),
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
        return Response(json.dumps(body), status=status, mimetype="application/json")

    def _create_message(self, form: dict[str, str], fault: Fault | None) -> Response:
        to = form["To"]
        number = to.removeprefix("whatsapp:")
        try:
            parsed = phonenumbers.parse(number, None)
            valid = phonenumbers.is_valid_number(parsed)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            return self._error(400, 21211)
        kind = phonenumbers.number_type(parsed)
        mobile = (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
        if kind not in mobile:
            return self._error(400, 21614)
        if not form.get("Body") and not form.get("ContentSid"):
            return self._error(400, 21602, "Message body is required.")
        now = datetime.now(UTC)
        sid = _sid("SM")
        message = {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": form.get("Body", ""),
            "date_created": _rfc2822(now),
            "date_sent": None,
            "date_updated": _rfc2822(now),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"
            },
            "to": to,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            # Not part of Twilio's answer: kept for tests (template sends).
            "_content_sid": form.get("ContentSid"),
            "_content_variables": form.get("ContentVariables"),
        }
        with self._lock:
            self.messages.append(message)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        public = {k: v for k, v in message.items() if not k.startswith("_")}
        return Response(json.dumps(public), status=201, mimetype="application/json")

    def _list_messages(self, request: Request) -> Response:
        to, sender = request.args.get("To"), request.args.get("From")
        with self._lock:
            found = [
                {k: v for k, v in m.items() if not k.startswith("_")}
                for m in reversed(self.messages)
                if (to is None or m["to"] == to) and (sender is None or m["from"] == sender)
            ]
        size = int(request.args.get("PageSize", "50"))
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json?PageSize={size}&Page=0"
        body = {
            "end": max(0, min(size, len(found)) - 1),
            "first_page_uri": uri,
            "messages": found[:size],
            "next_page_uri": None,
            "page": 0,
            "page_size": size,
            "previous_page_uri": None,
            "start": 0,
            "uri": uri,
        }
        return Response(json.dumps(body), status=200, mimetype="application/json")

    def _fetch_account(self) -> Response:
        now = _rfc2822(datetime.now(UTC))
        base = f"/2010-04-01/Accounts/{self.account_sid}"
        body = {
            "auth_token": self.auth_token,
            "date_created": now,
            "date_updated": now,
            "friendly_name": "Stub salon account",
            "owner_account_sid": self.account_sid,
            "sid": self.account_sid,
            "status": self.account_status,
            "subresource_uris": {
                "incoming_phone_numbers": f"{base}/IncomingPhoneNumbers.json",
                "messages": f"{base}/Messages.json",
                "calls": f"{base}/Calls.json",
            },
            "type": "Full",
            "uri": f"{base}.json",
        }
        return Response(json.dumps(body), status=200, mimetype="application/json")

    def _list_numbers(self, request: Request) -> Response:
        wanted = request.args.get("PhoneNumber")
        with self._lock:
            found = [
                dict(n)
                for n in self.numbers.values()
                if wanted is None or n["phone_number"] == wanted
            ]
        size = int(request.args.get("PageSize", "50"))
        uri = (
            f"/2010-04-01/Accounts/{self.account_sid}/IncomingPhoneNumbers.json"
            f"?PageSize={size}&Page=0"
        )
        body = {
            "end": max(0, min(size, len(found)) - 1),
            "first_page_uri": uri,
            "incoming_phone_numbers": found[:size],
            "next_page_uri": None,
            "page": 0,
            "page_size": size,
            "previous_page_uri": None,
            "start": 0,
            "uri": uri,
        }
        return Response(json.dumps(body), status=200, mimetype="application/json")

    def _update_number(self, sid: str, form: dict[str, str]) -> Response:
        with self._lock:
            number = self.numbers.get(sid)
            if number is None:
                return self._error(404, 20404)
            self.number_updates.append({"sid": sid, **form})
            for name, key in _NUMBER_FIELDS.items():
                if name in form:
                    number[key] = form[name] or None  # an empty value clears the field
            number["date_updated"] = _rfc2822(datetime.now(UTC))
            body = dict(number)
        return Response(json.dumps(body), status=200, mimetype="application/json")

    def _update_call(self, sid: str, form: dict[str, str]) -> Response:
        if not re.fullmatch(r"CA[0-9a-fA-F]{32}", sid):
            return self._error(404, 20404)
        with self._lock:
            self.call_updates.append({"sid": sid, **form})
        now = _rfc2822(datetime.now(UTC))
        body: dict[str, Any] = {
            "account_sid": self.account_sid,
            "answered_by": None,
            "api_version": "2010-04-01",
            "caller_name": None,
            "date_created": now,
            "date_updated": now,
            "direction": "inbound",
            "duration": None,
            "end_time": None,
            "forwarded_from": None,
            "from": "+33478421890",
            "from_formatted": "04 78 42 18 90",
            "group_sid": None,
            "parent_call_sid": None,
            "phone_number_sid": None,
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "start_time": now,
            "status": "in-progress",
            "subresource_uris": {},
            "to": "+33478421890",
            "to_formatted": "04 78 42 18 90",
            "trunk_sid": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{sid}.json",
            "queue_time": "0",
        }
        return Response(json.dumps(body), status=200, mimetype="application/json")

    # --- OpenAPI checks -------------------------------------------------------------------
    def _check_request(self, request: Request) -> str | None:
        if not self.validate:
            return None
        try:
            _openapi().validate_request(_AtTwilio(request))
        except Exception as exc:  # every validation error becomes a recorded violation
            return f"{request.method} {request.path}: {_describe(exc)}"
        return None

    def _check_response(self, request: Request, response: Response) -> None:
        if not self.validate:
            return
        from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse

        try:
            _openapi().validate_response(_AtTwilio(request), WerkzeugOpenAPIResponse(response))
        except Exception as exc:
            self.violations.append(f"response to {request.method} {request.path}: {_describe(exc)}")


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # no access log in tests
        return None


def _describe(exc: BaseException) -> str:
    causes = [str(exc)]
    inner = getattr(exc, "__cause__", None)
    while inner is not None:
        causes.append(str(inner))
        for sub in getattr(inner, "schema_errors", ()) or ():
            causes.append(str(getattr(sub, "message", sub)))
        inner = getattr(inner, "__cause__", None)
    return " / ".join(causes)


def _at_twilio_class() -> type:
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest

    class AtTwilio(WerkzeugOpenAPIRequest):
        """The request as if it had reached api.twilio.com (the spec's server)."""

        @property
        def host_url(self) -> str:
            return SPEC_HOST

    return AtTwilio


def _AtTwilio(request: Request) -> Any:  # noqa: N802 - reads like a constructor
    return _at_twilio_class()(request)
