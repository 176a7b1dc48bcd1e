"""Per-call LiveKit tokens for CreateDispatch, minted cheaply; the request is livekit-api's.

`create_dispatch` authenticates with a token granting `roomAdmin` on the dispatch's room.
No token can be cached across calls: LiveKit only honours `roomAdmin` for the room named in
the grant, and every call has its own room (the CallSid). livekit-api mints that token
generically (`AccessToken.to_jwt`: `dataclasses.asdict` of every grant field, then PyJWT),
which measured ~70 us of the ~175 us of CPU a dispatch costs the client. `RoomAdminTokens`
mints the very same claims (taken once from `AccessToken` itself) with one HMAC-SHA256 in
a few microseconds, and `RoomAdminDispatchService` (livekit-api's `AgentDispatchService`)
uses it for exactly that grant; any other grant still goes through livekit-api.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import aiohttp
import jwt
from livekit import api
from livekit.api.agent_dispatch_service import AgentDispatchService

TOKEN_TTL_S = 600  # used at once; livekit-api's default (6 h) is far more than a call needs
_PLACEHOLDER_ROOM = "room-placeholder"


def _b64(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


class RoomAdminTokens:
    """HS256 tokens granting `roomAdmin` on one room, with livekit-api's exact claims."""

    def __init__(self, *, api_key: str, api_secret: str, ttl_s: int = TOKEN_TTL_S) -> None:
        reference = (
            api.AccessToken(api_key, api_secret)
            .with_grants(api.VideoGrants(room_admin=True, room=_PLACEHOLDER_ROOM))
            .to_jwt()
        )
        header = jwt.get_unverified_header(reference)
        claims = jwt.decode(reference, api_secret, algorithms=["HS256"])
        self._video: dict[str, Any] = claims["video"]  # camelCase grant fields, as sent
        self._fixed = {k: v for k, v in claims.items() if k not in ("video", "nbf", "exp")}
        self._header = _b64(_compact(header))
        self._mac = hmac.new(api_secret.encode(), digestmod=hashlib.sha256)
        self._ttl_s = ttl_s

    def mint(self, room: str) -> str:
        if not room:
            raise ValueError("a roomAdmin token needs a room")
        now = int(time.time())
        claims = {"video": {**self._video, "room": room}, **self._fixed}
        claims.update(nbf=now, exp=now + self._ttl_s)
        signing_input = self._header + b"." + _b64(_compact(claims))
        mac = self._mac.copy()
        mac.update(signing_input)
        return (signing_input + b"." + _b64(mac.digest())).decode("ascii")


class RoomAdminDispatchService(AgentDispatchService):
    """livekit-api's dispatch service, with `RoomAdminTokens` for its roomAdmin grant."""

    def __init__(
        self, session: aiohttp.ClientSession, url: str, api_key: str, api_secret: str
    ) -> None:
        # failover=False: region failover only applies to LiveKit Cloud, retries with
        # back-off, and could not fit the caller's few-second budget anyway.
        super().__init__(session, url, api_key, api_secret, failover=False)
        self._tokens = RoomAdminTokens(api_key=api_key, api_secret=api_secret)

    def _auth_header(
        self, grants: api.VideoGrants | None, sip: api.SIPGrants | None = None
    ) -> dict[str, str]:
        if (
            sip is None
            and grants is not None
            and grants.room
            and grants == api.VideoGrants(room_admin=True, room=grants.room)
        ):
            return {"authorization": "Bearer " + self._tokens.mint(grants.room)}
        return super()._auth_header(grants, sip)
