"""The webhook's settings, read once from the environment into a frozen dataclass.

Tests build `WebhookSettings(...)` directly; `WebhookSettings.from_env()` reads the
variables listed in `.env.example` (Twilio, LiveKit and Webhook sections).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from salon import settings

TRANSPORTS = ("sip", "stream")
MAX_DISPATCH_TIMEOUT = 3.0  # Twilio waits 15 s; the caller must not wait more than this
DEFAULT_MAX_BODY = 64 * 1024  # a Twilio voice webhook is about 1-2 KiB of form data


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

    def __post_init__(self) -> None:
        if not self.twilio_auth_token:
            raise settings.MissingSetting("TWILIO_AUTH_TOKEN", "to check X-Twilio-Signature")
        if self.transport not in TRANSPORTS:
            raise ValueError(
                f"setting TELEPHONY_TRANSPORT must be one of {', '.join(TRANSPORTS)}, "
                f"got {self.transport!r}"
            )
        if not 0 < self.dispatch_timeout <= MAX_DISPATCH_TIMEOUT:
            raise ValueError(
                "setting LIVEKIT_DISPATCH_TIMEOUT must be a number of seconds in "
                f"(0, {MAX_DISPATCH_TIMEOUT:g}], got {self.dispatch_timeout!r}"
            )
        if self.public_base_url and not self.public_base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"setting PUBLIC_BASE_URL must start with https:// or http://, "
                f"got {self.public_base_url!r}"
            )

    @property
    def livekit_configured(self) -> bool:
        return bool(self.livekit_url and self.livekit_api_key and self.livekit_api_secret)

    @property
    def sip_configured(self) -> bool:
        return bool(self.sip_host)

    @classmethod
    def from_env(cls) -> WebhookSettings:
        """Read the settings; raises `MissingSetting` naming TWILIO_AUTH_TOKEN when absent."""
        base = settings.get("PUBLIC_BASE_URL")
        return cls(
            twilio_auth_token=settings.require("TWILIO_AUTH_TOKEN", "to check X-Twilio-Signature"),
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
        )
