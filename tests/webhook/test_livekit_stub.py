"""Integration tests of the LiveKit Twirp stub itself: it must refuse what LiveKit refuses,
or the webhook tests that rely on it would prove nothing."""

from __future__ import annotations

import httpx
import pytest
from livekit import api

from tests.stubs.livekit_twirp import LiveKitStub
from tests.webhook.conftest import API_KEY, API_SECRET

pytestmark = pytest.mark.integration

DISPATCH = "/twirp/livekit.AgentDispatchService/CreateDispatch"


def _token(grants: api.VideoGrants | None = None, *, key: str = API_KEY, secret: str = API_SECRET):
    token = api.AccessToken(key, secret)
    if grants is not None:
        token.with_grants(grants)
    return token.to_jwt()


def _post(stub: LiveKitStub, path: str, body: bytes, token: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/protobuf"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(stub.url + path, content=body, headers=headers, timeout=5)


def _dispatch_body(room: str = "CA1") -> bytes:
    request = api.CreateAgentDispatchRequest(agent_name="salon-receptionist", room=room)
    return request.SerializeToString()


def test_a_dispatch_with_room_admin_for_that_room_is_accepted(stub: LiveKitStub) -> None:
    token = _token(api.VideoGrants(room_admin=True, room="CA1"))
    response = _post(stub, DISPATCH, _dispatch_body("CA1"), token)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/protobuf"
    assert api.AgentDispatch.FromString(response.content).room == "CA1"


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        (None, 401, "unauthenticated"),
        (
            _token(api.VideoGrants(room_admin=True, room="CA1"), secret="x" * 40),
            401,
            "unauthenticated",
        ),
        (_token(api.VideoGrants(room_admin=True, room="CA1"), key="other"), 401, "unauthenticated"),
        (_token(api.VideoGrants(room_list=True)), 403, "permission_denied"),
        (_token(api.VideoGrants(room_admin=True, room="CA2")), 403, "permission_denied"),
        (_token(api.VideoGrants(room_admin=True)), 403, "permission_denied"),
    ],
    ids=["no-token", "wrong-secret", "wrong-key", "no-room-admin", "other-room", "no-room"],
)
def test_a_dispatch_without_the_right_credentials_is_refused(
    stub: LiveKitStub, token: str | None, status: int, code: str
) -> None:
    response = _post(stub, DISPATCH, _dispatch_body("CA1"), token)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert stub.state.dispatches == []


def test_a_json_body_or_garbage_protobuf_is_malformed(stub: LiveKitStub) -> None:
    token = _token(api.VideoGrants(room_admin=True, room="CA1"))
    as_json = httpx.post(
        stub.url + DISPATCH,
        json={"room": "CA1"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert as_json.status_code == 400 and as_json.json()["code"] == "malformed"
    garbage = _post(stub, DISPATCH, b"\xff\xff\xff", token)
    assert garbage.status_code == 400


def test_sip_methods_need_the_sip_admin_grant(stub: LiveKitStub) -> None:
    token = _token(api.VideoGrants(room_admin=True))
    body = api.ListSIPInboundTrunkRequest().SerializeToString()
    response = _post(stub, "/twirp/livekit.SIP/ListSIPInboundTrunk", body, token)
    assert response.status_code == 403


def test_an_unknown_method_is_a_bad_route(stub: LiveKitStub) -> None:
    token = _token(api.VideoGrants(room_admin=True, room="CA1"))
    response = _post(stub, "/twirp/livekit.RoomService/RemoveParticipant", b"", token)
    assert response.status_code == 404 and response.json()["code"] == "bad_route"


def test_deleting_a_room_needs_room_create_and_takes_its_dispatches(stub: LiveKitStub) -> None:
    created = _post(
        stub, DISPATCH, _dispatch_body("CA1"), _token(api.VideoGrants(room_admin=True, room="CA1"))
    )
    assert created.status_code == 200
    path = "/twirp/livekit.RoomService/DeleteRoom"
    body = api.DeleteRoomRequest(room="CA1").SerializeToString()
    refused = _post(stub, path, body, _token(api.VideoGrants(room_admin=True, room="CA1")))
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert [d.room for d in stub.state.dispatches] == ["CA1"]
    deleted = _post(stub, path, body, _token(api.VideoGrants(room_create=True)))
    assert deleted.status_code == 200
    assert stub.state.dispatches == [] and stub.state.deleted_rooms == ["CA1"]
    assert [d.room for d in stub.state.deleted_dispatches] == ["CA1"]
    again = _post(stub, path, body, _token(api.VideoGrants(room_create=True)))
    assert again.status_code == 404 and again.json()["code"] == "not_found"


def test_deleting_a_dispatch_needs_room_admin_for_its_room(stub: LiveKitStub) -> None:
    admin = _token(api.VideoGrants(room_admin=True, room="CA1"))
    dispatch = api.AgentDispatch.FromString(
        _post(stub, DISPATCH, _dispatch_body("CA1"), admin).content
    )
    path = "/twirp/livekit.AgentDispatchService/DeleteDispatch"
    body = api.DeleteAgentDispatchRequest(dispatch_id=dispatch.id, room="CA1").SerializeToString()
    other_room = _token(api.VideoGrants(room_admin=True, room="CA2"))
    assert _post(stub, path, body, other_room).status_code == 403
    deleted = _post(stub, path, body, admin)
    assert deleted.status_code == 200
    assert api.AgentDispatch.FromString(deleted.content).id == dispatch.id
    assert stub.state.dispatches == []
    assert _post(stub, path, body, admin).json()["code"] == "not_found"
