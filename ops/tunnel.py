"""The public URL for `scripts/serve`: an ngrok tunnel opened in-process, or a given URL.

`open_ngrok(port)` uses ngrok's Python SDK (`ngrok.forward`; the agent runs inside this
process, no binary is downloaded) with `NGROK_AUTHTOKEN` and, when set, `NGROK_DOMAIN`
(a reserved domain keeps the same URL across restarts). `GivenUrl` stands for a tunnel or
proxy run by something else (`scripts/serve --public-url https://…`), and for tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from salon import settings


class Tunnel(Protocol):
    url: str

    async def close(self) -> None: ...


@dataclass
class GivenUrl:
    """A public URL someone else keeps open."""

    url: str

    async def close(self) -> None:
        return None


@dataclass
class NgrokTunnel:
    url: str
    listener: Any

    async def close(self) -> None:
        await self.listener.close()


async def open_ngrok(
    port: int,
    *,
    authtoken: str | None = None,
    domain: str | None = None,
    forward: Callable[..., Any] | None = None,
) -> NgrokTunnel:
    """Forward `https://<random or NGROK_DOMAIN>` to `localhost:port`.

    Raises `MissingSetting` naming NGROK_AUTHTOKEN when there is none; `forward` replaces
    `ngrok.forward` (tests).
    """
    token = authtoken or settings.require(
        "NGROK_AUTHTOKEN", "pour ouvrir le tunnel de scripts/serve --ngrok"
    )
    if forward is None:
        import ngrok

        forward = ngrok.forward
    options: dict[str, Any] = {"authtoken": token}
    chosen = domain or settings.get("NGROK_DOMAIN")
    if chosen:
        options["domain"] = chosen
    # the SDK's call blocks while the session is established: keep it off the event loop
    listener = await asyncio.to_thread(forward, f"localhost:{port}", **options)
    url = listener.url()
    if not str(url).startswith("https://"):
        raise RuntimeError(f"ngrok gave a URL that is not https: {url}")
    return NgrokTunnel(url=str(url).rstrip("/"), listener=listener)
