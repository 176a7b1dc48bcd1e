"""The salon profile as the owner last saved it, for long-running processes.

The agent worker, the webhook and the back office run for days; the owner edits
`salon.toml` meanwhile (by hand, or through the console's « fermeture exceptionnelle »).
`ProfileSource.current()` costs one `stat` when nothing changed and reloads the file when
its modification time or size did, so the next call, SMS or reminder follows the new
hours and closures without a restart. A new version that does not load (a typo in the
TOML) leaves the last good profile in use and is logged once, naming the error; a
process that never had a good profile raises `ProfileError` as `load_profile` does.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from salon import settings
from salon.profile import ProfileError, SalonProfile, load_profile

logger = logging.getLogger("salon")


class ProfileSource:
    """`current()` returns the profile of `salon.toml` as it is now (thread-safe)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = settings.salon_profile_path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._profile: SalonProfile | None = None

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def changed(self) -> bool:
        """Whether `salon.toml` differs from the version `current()` last read."""
        return self._file_stamp() != self._stamp

    def refresh(self) -> bool:
        """Reload if the file changed; True when a new profile is now in use (a broken
        edit, which keeps the previous profile, gives False)."""
        before = self._profile
        return self.changed() and self.current() is not before

    def current(self) -> SalonProfile:
        with self._lock:
            stamp = self._file_stamp()
            if self._profile is not None and stamp == self._stamp:
                return self._profile
            try:
                profile = load_profile(self.path)
            except ProfileError as exc:
                if self._profile is None:
                    raise
                if stamp != self._stamp:
                    logger.error(
                        "salon.toml changed but cannot be read; the previous profile stays "
                        "in use until it is fixed",
                        extra={"error": str(exc)},
                    )
                self._stamp = stamp
                return self._profile
            if self._profile is not None:
                logger.info("salon.toml changed: profile reloaded")
            self._profile, self._stamp = profile, stamp
            return profile
