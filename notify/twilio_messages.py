"""SMS and WhatsApp through Twilio's Messages API, with the official `twilio` async client.

`make_twilio_client()` builds a `twilio.rest.Client` on `AsyncTwilioHttpClient` that honours
`TWILIO_API_BASE_URL` (requests to `https://*.twilio.com` are sent there instead, so the real
library runs against a local stub) and bounds every request with a timeout. The voice agent
reuses it for transfers: `await client.calls(sid).update_async(twiml=...)`.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from notify.base import Channel, OutgoingMessage, SendError, logger
from notify.whatsapp_window import WhatsAppWindow
from salon import settings

DEFAULT_TIMEOUT = 5.0
FIND_SENT_LIMIT = 1000  # Twilio's largest PageSize: one request
NOT_CONFIGURED = "Twilio not configured"

# The twilio library logs every request URL at INFO, and a list URL carries `To=<number>`:
# its logger is kept at WARNING so phone numbers never reach INFO logs.
_http_logger = logging.getLogger("notify.twilio_http")
_http_logger.setLevel(logging.WARNING)

# Headers of the last error answer in the current send (the twilio exceptions drop them).
_error_headers: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "twilio_error_headers", default=None
)


class _BaseUrlHttpClient(AsyncTwilioHttpClient):
    """`AsyncTwilioHttpClient` that sends `*.twilio.com` requests to `base_url` when set."""

    def __init__(self, *, base_url: str | None, timeout: float) -> None:
        super().__init__(timeout=timeout, logger=_http_logger)
        self._base = base_url.rstrip("/") if base_url else None

    async def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        parts = urlsplit(url)
        if self._base and (parts.hostname or "").endswith("twilio.com"):
            url = self._base + parts.path + (f"?{parts.query}" if parts.query else "")
        response = await super().request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout or self.timeout,
            allow_redirects=allow_redirects,
        )
        holder = _error_headers.get()
        if holder is not None and response.status_code >= 400:
            holder.update({k.lower(): str(v) for k, v in (response.headers or {}).items()})
        return response


def make_twilio_client(
    *,
    account_sid: str | None = None,
    auth_token: str | None = None,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Client:
    """A Twilio REST client with the async HTTP client; call inside a running event loop.

    Arguments win over `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_API_BASE_URL`;
    missing credentials raise `MissingSetting`. Close it with `await close_twilio_client(c)`.
    """
    sid = account_sid or settings.require("TWILIO_ACCOUNT_SID", "l'identifiant du compte Twilio")
    token = auth_token or settings.require("TWILIO_AUTH_TOKEN", "le jeton secret du compte Twilio")
    http = _BaseUrlHttpClient(
        base_url=base_url or settings.get("TWILIO_API_BASE_URL"), timeout=timeout
    )
    return Client(sid, token, http_client=http)


async def close_twilio_client(client: Client) -> None:
    http = client.http_client
    if isinstance(http, AsyncTwilioHttpClient):
        await http.close()


@dataclass(frozen=True)
class TwilioOptions:
    """Where Twilio messages come from; `from_settings()` reads the environment."""

    account_sid: str | None = None
    auth_token: str | None = None
    base_url: str | None = None
    sms_from: str | None = None
    messaging_service_sid: str | None = None
    whatsapp_from: str | None = None
    whatsapp_content_sid: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_settings(cls, *, sms_sender_fallback: str | None = None) -> TwilioOptions:
        return cls(
            account_sid=settings.get("TWILIO_ACCOUNT_SID"),
            auth_token=settings.get("TWILIO_AUTH_TOKEN"),
            base_url=settings.get("TWILIO_API_BASE_URL"),
            sms_from=settings.get("TWILIO_SMS_FROM", sms_sender_fallback),
            messaging_service_sid=settings.get("TWILIO_MESSAGING_SERVICE_SID"),
            whatsapp_from=settings.get("TWILIO_WHATSAPP_FROM"),
            whatsapp_content_sid=settings.get("TWILIO_WHATSAPP_CONTENT_SID"),
        )


class TwilioNotifier:
    """The `Notifier` for the `sms` and `whatsapp` channels."""

    channels: tuple[Channel, ...] = ("sms", "whatsapp")

    def __init__(self, options: TwilioOptions, *, window: WhatsAppWindow | None = None) -> None:
        self.options = options
        self.window = window
        self._client: Client | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def not_configured_reason(self, channel: Channel) -> str | None:
        o = self.options
        if not (o.account_sid and o.auth_token):
            return NOT_CONFIGURED
        if channel == "sms" and not (o.sms_from or o.messaging_service_sid):
            return "Twilio SMS sender not configured"
        if channel == "whatsapp" and not o.whatsapp_from:
            return "Twilio WhatsApp sender not configured"
        return None if channel in self.channels else f"{channel} is not a Twilio channel"

    def _twilio(self) -> Client:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = make_twilio_client(
                account_sid=self.options.account_sid,
                auth_token=self.options.auth_token,
                base_url=self.options.base_url,
                timeout=self.options.timeout,
            )
            self._loop = loop
        return self._client

    def _params(self, message: OutgoingMessage) -> dict[str, Any]:
        o = self.options
        if message.channel == "whatsapp":
            number = message.to.removeprefix("whatsapp:")
            params: dict[str, Any] = {
                "to": f"whatsapp:{number}",
                "from_": o.whatsapp_from
                if (o.whatsapp_from or "").startswith("whatsapp:")
                else f"whatsapp:{o.whatsapp_from}",
            }
            if self.window is not None and self.window.is_open(number):
                params["body"] = message.body
            elif o.whatsapp_content_sid:
                params["content_sid"] = o.whatsapp_content_sid
                params["content_variables"] = json.dumps(message.template_vars)
            else:
                raise SendError(
                    "outside the WhatsApp 24-hour window and no template "
                    "(TWILIO_WHATSAPP_CONTENT_SID)",
                    retryable=False,
                    not_configured=True,
                )
            return params
        params = {"to": message.to, "body": message.body}
        if o.messaging_service_sid:
            params["messaging_service_sid"] = o.messaging_service_sid
        else:
            params["from_"] = o.sms_from
        return params

    async def send(self, message: OutgoingMessage) -> str:
        reason = self.not_configured_reason(message.channel)
        if reason:
            raise SendError(reason, retryable=False, not_configured=True)
        params = self._params(message)
        client = self._twilio()
        headers: dict[str, str] = {}
        _error_headers.set(headers)  # wait_for's task copies the context: same dict
        try:
            created = await asyncio.wait_for(
                client.messages.create_async(**params), self.options.timeout + 1
            )
        except TwilioException as exc:
            raise _translate(exc, retry_after=_seconds(headers.get("retry-after"))) from exc
        except TimeoutError as exc:
            raise SendError(
                "Twilio did not answer in time", retryable=True, uncertain=True
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise SendError("cannot reach Twilio", retryable=True) from exc
        except aiohttp.ClientError as exc:
            raise SendError(
                f"Twilio connection failed: {type(exc).__name__}", retryable=True, uncertain=True
            ) from exc
        if message.channel == "whatsapp" and self.window is not None:
            self.window.record_outbound(message.to)
        return str(created.sid)

    async def find_sent(self, message: OutgoingMessage) -> str | None:
        """Look for this message among Twilio's recent messages to the same number.

        Up to `FIND_SENT_LIMIT` messages (one page of Twilio's largest size) are read: a
        number that received many messages since (a busy test number, a family sharing a
        phone) must not push the uncertain one out of view, or it would be sent twice. No
        `DateSent` filter: a message Twilio still holds as queued has no sent date yet."""
        if self.not_configured_reason(message.channel):
            return None
        to = message.to if message.channel == "sms" else f"whatsapp:{message.to}"
        try:
            recent = await asyncio.wait_for(
                self._twilio().messages.list_async(to=to, limit=FIND_SENT_LIMIT),
                self.options.timeout + 1,
            )
        except (TwilioException, TimeoutError, aiohttp.ClientError):
            logger.warning("notify: could not check Twilio for an uncertain message")
            raise SendError("cannot check Twilio after an uncertain send", retryable=True) from None
        for item in recent:
            created = item.date_created.timestamp() if item.date_created else 0.0
            if item.body == message.body and created >= message.created_at - 120:
                return str(item.sid)
        return None

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await close_twilio_client(client)


# Twilio error codes that mean "this message will never go through as it is".
PERMANENT_CODES = {
    21211: "invalid number",
    21614: "not a mobile number",
    21610: "recipient opted out",
}


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _translate(exc: TwilioException, *, retry_after: float | None = None) -> SendError:
    if isinstance(exc, TwilioRestException | TwilioServiceException):
        code = exc.code if isinstance(exc.code, int) else None
        status = int(exc.status or 0)
        text = getattr(exc, "msg", None) or getattr(exc, "detail", None) or exc.title
    else:
        code, status, text = None, 0, type(exc).__name__
    label = PERMANENT_CODES.get(code or 0, str(text or "error").split("\n")[0][:120])
    reason = f"Twilio {status} ({code}): {label}" if code else f"Twilio {status}: {label}"
    if status in (401, 403) or code == 20003:
        return SendError(reason, retryable=False, code=code, not_configured=True)
    if status == 429 or status >= 500 or code == 20429 or status == 0:
        return SendError(reason, retryable=True, code=code, retry_after=retry_after)
    return SendError(reason, retryable=False, code=code)
