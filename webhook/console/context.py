"""What the console's views share: its settings, the salon's folders, the login
throttle, the reindex job, and the asynchronous back-ends (calendar, outbox) living on
one event loop of their own.

The calendar and the outbox are asynchronous (Cal.com and Twilio over HTTP clients tied
to an event loop); the Flask views are synchronous and run in many threads. One loop in a
background thread owns them, and `run(coro)` hands it work. They are rebuilt when
`salon.toml` changes (the console itself adds closures to it).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import sqlite3
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, TypeVar, cast

from booking import Calendar, open_calendar
from booking.agenda import AppointmentBook
from booking.base import BaseCalendar
from notify.outbox import Outbox
from notify.service import outbox_from_settings
from salon import settings, state_db
from salon.profile import SalonProfile, load_profile
from webhook.config import WebhookSettings
from webhook.console.password import PasswordHash
from webhook.console.reindex_job import ReindexJob
from webhook.console.throttle import LoginThrottle

logger = logging.getLogger("webhook")
T = TypeVar("T")
RUN_TIMEOUT_S = 30.0


class LoopThread:
    """An event loop in a daemon thread, started on first use."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="console-loop", daemon=True).start()
                self._loop = loop
            return self._loop

    def run(self, coro: Coroutine[Any, Any, T], *, timeout: float = RUN_TIMEOUT_S) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop()).result(timeout)


class OwnerCalendar(Calendar, AppointmentBook, Protocol):
    """Both calendars: the caller's operations and the owner's appointment book."""


@dataclass
class Backends:
    profile: SalonProfile
    calendar: OwnerCalendar
    outbox: Outbox


class ConsoleContext:
    """Built once by `register_console`; kept in `app.extensions["salon_console"]`."""

    def __init__(self, cfg: WebhookSettings) -> None:
        if not cfg.owner_password_hash:
            raise settings.MissingSetting(
                "OWNER_PASSWORD_HASH", "pour ouvrir la console du salon (scripts/owner-password)"
            )
        self.cfg = cfg
        self.password = PasswordHash.parse(cfg.owner_password_hash)
        self.profile_path = settings.salon_profile_path(cfg.salon_profile)
        self.sources = self.profile_path.parent
        self.kb_db = settings.kb_db_path(cfg.kb_db)
        self.salon_db = settings.salon_db_path(cfg.salon_db)
        self.max_upload_bytes = cfg.console_max_upload_mb * 1024 * 1024
        self.throttle = LoginThrottle()
        self.reindex = ReindexJob(sources=self.sources, db_dir=self.kb_db)
        self.loop = LoopThread()
        self._lock = threading.Lock()
        self._profile: tuple[tuple[int, int], SalonProfile] | None = None
        self._backends: Backends | None = None

    # ------------------------------------------------------------------ secrets

    def secret_key(self) -> bytes:
        """`CONSOLE_SECRET_KEY`, else a key derived from the Twilio auth token and the
        password hash: changing the password signs every open session out."""
        if self.cfg.console_secret_key:
            return self.cfg.console_secret_key.encode()
        return hmac.new(
            self.cfg.twilio_auth_token.encode(),
            b"salon-console-session\x00" + self.password.text().encode(),
            hashlib.sha256,
        ).digest()

    def password_tag(self) -> str:
        """A short fingerprint of the password hash, kept in the session."""
        return hashlib.sha256(self.password.text().encode()).hexdigest()[:16]

    # ------------------------------------------------------------------ salon

    def profile(self) -> SalonProfile:
        """`salon.toml` as it is now (read again when the file changed)."""
        stat = self.profile_path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._profile is not None and self._profile[0] == key:
                return self._profile[1]
        profile = load_profile(self.profile_path)
        with self._lock:
            self._profile = (key, profile)
        return profile

    def backends(self) -> Backends:
        """The calendar and outbox for the current profile (rebuilt when it changed)."""
        profile = self.profile()
        with self._lock:
            current = self._backends
            if current is not None and current.profile is profile:
                return current
        built = self.loop.run(self._build(profile))
        with self._lock:
            old, self._backends = self._backends, built
        if old is not None:
            self.loop.run(self._close(old))
        return built

    async def _build(self, profile: SalonProfile) -> Backends:
        calendar = open_calendar(profile, db=self.salon_db)
        if isinstance(calendar, BaseCalendar):  # the owner books walk-ins for right now
            calendar.min_notice = timedelta(0)
        outbox = outbox_from_settings(profile=profile, db_path=self.salon_db)
        return Backends(profile=profile, calendar=cast(OwnerCalendar, calendar), outbox=outbox)

    @staticmethod
    async def _close(backends: Backends) -> None:
        try:
            await backends.calendar.aclose()
            await backends.outbox.aclose()
        except Exception:  # closing an old client must not fail a page
            logger.warning("console: closing the previous calendar failed", exc_info=True)

    def connect(self) -> sqlite3.Connection:
        """A connection to the state database (one per request, closed at its end)."""
        return state_db.connect(self.salon_db)
