"""The webhook's settings, read once from the environment into a frozen dataclass.

Tests build `WebhookSettings(...)` directly; `WebhookSettings.from_env()` reads the
variables listed in `.env.example` (Twilio, LiveKit and Webhook sections).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from salon import settings
from webhook.console.password import PasswordHash
from webhook.limits import BodyLimit, RouteLimits

TRANSPORTS = ("sip", "stream")
MAX_DISPATCH_TIMEOUT = 3.0  # Twilio waits 15 s; the caller must not wait more than this
DEFAULT_MAX_BODY = 64 * 1024  # a Twilio voice webhook is about 1-2 KiB of form data
MAX_MAX_BODY = 1024 * 1024  # WEBHOOK_MAX_BODY is for Twilio's forms; uploads get their own route
DEFAULT_RECEIVE_TIMEOUT = 5.0  # Twilio sends a request at once; a slow client is not Twilio
MAX_RECEIVE_TIMEOUT = 60.0
DEFAULT_CONSOLE_UPLOAD_MB = 20  # the owner's console (/admin/): largest document uploaded
MAX_CONSOLE_UPLOAD_MB = 200
CONSOLE_FORM_SLACK = 256 * 1024  # the upload form's other fields and multipart framing
CONSOLE_RECEIVE_TIMEOUT = 120.0  # 20 MB in two minutes: 1.4 Mbit/s, a phone's slow uplink
# The settings' errors reach the owner (scripts/webhook, scripts/serve, the doctor): French.
TWILIO_TOKEN_PURPOSE = "pour vérifier que les appels viennent bien de Twilio"


@dataclass(frozen=True)
class WebhookSettings:
    """Everything the webhook needs. Only `twilio_auth_token` is mandatory.

    Without LiveKit credentials the webhook still answers every call, with the human
    fallback (a French message and a `<Dial>` to the salon's transfer number).
    """

    twilio_auth_token: str
    public_base_url: str | None = None
    transport: str = "sip"
    livekit_url: str | None = None
    livekit_api_key: str | None = None
    livekit_api_secret: str | None = None
    agent_name: str = "salon-receptionist"
    sip_host: str | None = None
    sip_username: str | None = None
    sip_password: str | None = None
    dispatch_timeout: float = MAX_DISPATCH_TIMEOUT
    salon_db: Path | str | None = None
    salon_profile: Path | str | None = None
    max_content_length: int = DEFAULT_MAX_BODY
    receive_timeout: float = DEFAULT_RECEIVE_TIMEOUT
    # the owner's console (`webhook.console`): off unless a password hash is set
    owner_password_hash: str | None = None
    console_secret_key: str | None = None
    console_max_upload_mb: int = DEFAULT_CONSOLE_UPLOAD_MB
    kb_db: Path | str | None = None

    def __post_init__(self) -> None:
        if not self.twilio_auth_token:
            raise settings.MissingSetting("TWILIO_AUTH_TOKEN", TWILIO_TOKEN_PURPOSE)
        if self.transport not in TRANSPORTS:
            raise ValueError(
                f"le réglage TELEPHONY_TRANSPORT doit être {' ou '.join(TRANSPORTS)}, "
                f"pas {self.transport!r}"
            )
        if not 0 < self.dispatch_timeout <= MAX_DISPATCH_TIMEOUT:
            raise ValueError(
                "le réglage LIVEKIT_DISPATCH_TIMEOUT doit être un nombre de secondes entre 0 "
                f"(exclu) et {MAX_DISPATCH_TIMEOUT:g}, pas {self.dispatch_timeout!r}"
            )
        if not 1024 <= self.max_content_length <= MAX_MAX_BODY:
            raise ValueError(
                f"le réglage WEBHOOK_MAX_BODY doit être un nombre d'octets entre 1024 et "
                f"{MAX_MAX_BODY}, pas {self.max_content_length!r}"
            )
        if not 0 < self.receive_timeout <= MAX_RECEIVE_TIMEOUT:
            raise ValueError(
                "le réglage WEBHOOK_RECEIVE_TIMEOUT doit être un nombre de secondes entre 0 "
                f"(exclu) et {MAX_RECEIVE_TIMEOUT:g}, pas {self.receive_timeout!r}"
            )
        if self.public_base_url and not self.public_base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"le réglage PUBLIC_BASE_URL doit commencer par https:// ou http://, "
                f"pas {self.public_base_url!r}"
            )
        if self.owner_password_hash:
            PasswordHash.parse(self.owner_password_hash)  # InvalidHash names the setting
        if not 1 <= self.console_max_upload_mb <= MAX_CONSOLE_UPLOAD_MB:
            raise ValueError(
                f"le réglage CONSOLE_MAX_UPLOAD_MB doit être un nombre de mégaoctets entre 1 "
                f"et {MAX_CONSOLE_UPLOAD_MB}, pas {self.console_max_upload_mb!r}"
            )

    @property
    def livekit_configured(self) -> bool:
        return bool(self.livekit_url and self.livekit_api_key and self.livekit_api_secret)

    @property
    def sip_configured(self) -> bool:
        return bool(self.sip_host)

    @property
    def console_enabled(self) -> bool:
        """The owner's console answers under `/admin/` only when `OWNER_PASSWORD_HASH` is set."""
        return bool(self.owner_password_hash)

    @functools.cached_property
    def route_limits(self) -> RouteLimits:
        """Every route takes a Twilio-sized body (`WEBHOOK_MAX_BODY`), received within
        `WEBHOOK_RECEIVE_TIMEOUT`; a route taking uploads adds its own prefix here: the
        console's `/admin/` (`CONSOLE_MAX_UPLOAD_MB`), only when the console is on."""
        by_prefix: tuple[tuple[str, BodyLimit], ...] = ()
        if self.console_enabled:
            upload = self.console_max_upload_mb * 1024 * 1024 + CONSOLE_FORM_SLACK
            by_prefix = (("/admin/", BodyLimit(upload, CONSOLE_RECEIVE_TIMEOUT)),)
        return RouteLimits(
            default=BodyLimit(max_bytes=self.max_content_length, timeout_s=self.receive_timeout),
            by_prefix=by_prefix,
        )

    @classmethod
    def from_env(cls) -> WebhookSettings:
        """Read the settings; raises `MissingSetting` naming TWILIO_AUTH_TOKEN when absent."""
        base = settings.get("PUBLIC_BASE_URL")
        return cls(
            twilio_auth_token=settings.require("TWILIO_AUTH_TOKEN", TWILIO_TOKEN_PURPOSE),
            public_base_url=base.rstrip("/") if base else None,
            transport=(settings.get("TELEPHONY_TRANSPORT", "sip") or "sip").lower(),
            livekit_url=settings.get("LIVEKIT_URL"),
            livekit_api_key=settings.get("LIVEKIT_API_KEY"),
            livekit_api_secret=settings.get("LIVEKIT_API_SECRET"),
            agent_name=settings.get("AGENT_NAME", "salon-receptionist") or "salon-receptionist",
            sip_host=settings.get("LIVEKIT_SIP_HOST"),
            sip_username=settings.get("LIVEKIT_SIP_USERNAME"),
            sip_password=settings.get("LIVEKIT_SIP_PASSWORD"),
            dispatch_timeout=settings.get_float("LIVEKIT_DISPATCH_TIMEOUT", MAX_DISPATCH_TIMEOUT),
            salon_db=settings.salon_db_path(),
            salon_profile=settings.salon_profile_path(),
            max_content_length=settings.get_int("WEBHOOK_MAX_BODY", DEFAULT_MAX_BODY),
            receive_timeout=settings.get_float("WEBHOOK_RECEIVE_TIMEOUT", DEFAULT_RECEIVE_TIMEOUT),
            owner_password_hash=settings.get("OWNER_PASSWORD_HASH"),
            console_secret_key=settings.get("CONSOLE_SECRET_KEY"),
            console_max_upload_mb=settings.get_int(
                "CONSOLE_MAX_UPLOAD_MB", DEFAULT_CONSOLE_UPLOAD_MB
            ),
            # resolved only for the console (an isolated process may not name data/kb)
            kb_db=settings.kb_db_path() if settings.get("OWNER_PASSWORD_HASH") else None,
        )
