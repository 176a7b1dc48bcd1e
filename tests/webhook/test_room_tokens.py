"""Unit and integration tests of the per-call roomAdmin tokens (`webhook.room_tokens`): the
cheap minter must write exactly what livekit-api's AccessToken writes, or LiveKit refuses."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import jwt
import pytest
from livekit import api

from tests.stubs.livekit_twirp import LiveKitStub
from tests.webhook.conftest import API_KEY, API_SECRET
from webhook.room_tokens import TOKEN_TTL_S, RoomAdminDispatchService, RoomAdminTokens


def _claims(token: str, secret: str = API_SECRET) -> dict:
    return jwt.decode(token, secret, algorithms=["HS256"])


def test_a_minted_token_carries_the_same_claims_as_livekit_apis_own() -> None:
    room = "CA" + "ab" * 16
    ours = RoomAdminTokens(api_key=API_KEY, api_secret=API_SECRET).mint(room)
    theirs = (
        api.AccessToken(API_KEY, API_SECRET)
        .with_grants(api.VideoGrants(room_admin=True, room=room))
        .to_jwt()
    )
    assert jwt.get_unverified_header(ours) == jwt.get_unverified_header(theirs)
    mine, reference = _claims(ours), _claims(theirs)
    assert mine["video"] == reference["video"] == {**reference["video"], "room": room}
    assert {k: v for k, v in mine.items() if k not in ("nbf", "exp")} == {
        k: v for k, v in reference.items() if k not in ("nbf", "exp")
    }
    assert abs(mine["nbf"] - time.time()) < 5
    assert mine["exp"] - mine["nbf"] == TOKEN_TTL_S


def test_livekit_apis_verifier_accepts_a_minted_token_and_a_wrong_secret_does_not() -> None:
    token = RoomAdminTokens(api_key=API_KEY, api_secret=API_SECRET).mint("CA1")
    claims = api.TokenVerifier(API_KEY, API_SECRET).verify(token)
    assert claims.video is not None and claims.video.room_admin and claims.video.room == "CA1"
    with pytest.raises(jwt.InvalidSignatureError):
        _claims(token, secret="x" * 40)


def test_a_token_without_a_room_is_refused() -> None:
    with pytest.raises(ValueError, match="room"):
        RoomAdminTokens(api_key=API_KEY, api_secret=API_SECRET).mint("")


async def test_the_dispatch_service_uses_the_minter_only_for_a_rooms_admin_grant() -> None:
    async with aiohttp.ClientSession() as session:
        service = RoomAdminDispatchService(session, "http://127.0.0.1:1", API_KEY, API_SECRET)
        own = service._auth_header(api.VideoGrants(room_admin=True, room="CA1"))
        other = service._auth_header(api.VideoGrants(room_create=True))
    assert _claims(own["authorization"].removeprefix("Bearer "))["exp"] - time.time() < 3600
    # any other grant is livekit-api's own token (its 6 h default lifetime)
    other_claims = _claims(other["authorization"].removeprefix("Bearer "))
    assert other_claims["video"] == {**other_claims["video"], "roomCreate": True}
    assert other_claims["exp"] - time.time() > 3600


async def test_the_stub_accepts_a_dispatch_authenticated_with_a_minted_token(
    stub: LiveKitStub,
) -> None:
    async with aiohttp.ClientSession() as session:
        service = RoomAdminDispatchService(session, stub.url, API_KEY, API_SECRET)
        created = await asyncio.wait_for(
            service.create_dispatch(
                api.CreateAgentDispatchRequest(agent_name="salon-receptionist", room="CA9")
            ),
            5,
        )
    assert created.room == "CA9"
    assert [d.room for d in stub.state.dispatches] == ["CA9"]
