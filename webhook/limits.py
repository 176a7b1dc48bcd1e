"""How big a request body may be, and how long a client may take to send it, per route.

Enforced twice with the same table: in front of the app by `webhook.asgi.GuardedWsgi`
(before a byte is buffered or the signature checked: 413 on a too large body, 408 on a
too slow one) and by Flask's per-request `max_content_length` (a second guard for any
other server). Twilio's forms are 1-3 KiB, so every route gets the small default; a
route that takes uploads gets its own line, looked up by the longest matching prefix:

    RouteLimits(default=BodyLimit(max_bytes=65536, timeout_s=5.0),
                by_prefix=(("/admin/", BodyLimit(max_bytes=20 * MIB, timeout_s=120.0)),))
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class BodyLimit:
    """At most `max_bytes` of body, all received within `timeout_s` of the headers."""

    max_bytes: int
    timeout_s: float

    def __post_init__(self) -> None:
        if self.max_bytes < 0 or not self.timeout_s > 0:
            raise ValueError(f"a body limit needs max_bytes >= 0 and timeout_s > 0, got {self}")


@dataclass(frozen=True)
class RouteLimits:
    """The body limit of each path: the longest matching prefix of `by_prefix`, else
    `default`."""

    default: BodyLimit
    by_prefix: tuple[tuple[str, BodyLimit], ...] = ()

    def __post_init__(self) -> None:
        for prefix, _ in self.by_prefix:
            if not prefix.startswith("/"):
                raise ValueError(f"a route prefix starts with '/', got {prefix!r}")
        # longest first, so "/admin/uploads/" wins over "/admin/"
        ordered = sorted(self.by_prefix, key=lambda item: len(item[0]), reverse=True)
        object.__setattr__(self, "by_prefix", tuple(ordered))

    def for_path(self, path: str) -> BodyLimit:
        for prefix, limit in self.by_prefix:
            if path.startswith(prefix):
                return limit
        return self.default

    @property
    def longest_timeout_s(self) -> float:
        return max([self.default.timeout_s, *(limit.timeout_s for _, limit in self.by_prefix)])
