"""A local stub of LiveKit's Twirp server API, for the real `livekit-api` client.

It speaks the real wire format: `POST /twirp/livekit.<Service>/<Method>` with a binary
protobuf body (`Content-Type: application/protobuf`) and a `Bearer` JWT, answered with a
binary protobuf or a Twirp JSON error (`{"code": ..., "msg": ...}`). Every request is
checked: content type, JWT signed with the right secret and issued by the right key, and
the grants the real server requires (`roomAdmin` for the dispatch's room, `roomCreate`
for the Twilio connector, `sip.admin` for trunks and dispatch rules).

Implemented methods: AgentDispatchService CreateDispatch/ListDispatch/DeleteDispatch,
Connector ConnectTwilioCall, SIP List/Create/UpdateSIPInboundTrunk and
List/CreateSIPDispatchRule, RoomService ListRooms (needs `roomList`; answers the rooms of
the dispatches so far) and DeleteRoom (needs `roomCreate`; removes the room's dispatches,
as LiveKit's store does, `not_found` for a room that does not exist).
Knobs: `delay` (seconds before answering), `fail_status` (answer every call with this HTTP
status). Two ways to run it:

- in-process: `with LiveKitStub(api_key=..., api_secret=...) as stub: stub.url ...`
  (its own event loop in a daemon thread; the knobs are plain attributes);
- as a process: `python -m tests.stubs.livekit_twirp --api-key K --api-secret S` prints
  `{"port": N}` on its first line; `POST /_stub/config` with JSON `{"delay", "fail_status"}`
  changes the knobs and `GET /_stub/state` returns counters.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from google.protobuf.message import DecodeError, Message
from livekit.api.access_token import Claims, TokenVerifier
from livekit.protocol import agent_dispatch as pb_dispatch
from livekit.protocol import connector_twilio as pb_twilio
from livekit.protocol import models as pb_models
from livekit.protocol import room as pb_room
from livekit.protocol import sip as pb_sip


class TwirpFailure(Exception):
    def __init__(self, status: int, code: str, msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


@dataclass
class StubState:
    """What the stub has seen and holds; read it from tests."""

    dispatches: list[pb_dispatch.AgentDispatch] = field(default_factory=list)
    twilio_connects: list[pb_twilio.ConnectTwilioCallRequest] = field(default_factory=list)
    trunks: list[pb_sip.SIPInboundTrunkInfo] = field(default_factory=list)
    rules: list[pb_sip.SIPDispatchRuleInfo] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # Twirp error codes sent back
    deleted_rooms: list[str] = field(default_factory=list)  # DeleteRoom that found its room
    # dispatches removed by DeleteDispatch or with their room (no longer in `dispatches`)
    deleted_dispatches: list[pb_dispatch.AgentDispatch] = field(default_factory=list)
    trunk_updates: int = 0
    requests: int = 0


class LiveKitStub:
    """The stub server; usable as a context manager (in-process) or via `serve_forever`."""

    def __init__(
        self,
        *,
        api_key: str = "stub-key",
        api_secret: str = "stub-secret-0123456789abcdef0123456789",
        host: str = "127.0.0.1",
        port: int = 0,
        delay: float = 0.0,
        fail_status: int | None = None,
    ) -> None:
        self.api_key, self.api_secret = api_key, api_secret
        self.host, self.port = host, port
        self.delay, self.fail_status = delay, fail_status
        self.state = StubState()
        self._verifier = TokenVerifier(api_key, api_secret)
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post("/twirp/livekit.{service}/{method}", self._handle)
        app.router.add_post("/_stub/config", self._config)
        app.router.add_get("/_stub/state", self._state)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=1024)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def __enter__(self) -> LiveKitStub:
        started = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self.start())
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="livekit-stub", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("LiveKit stub did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._thread is not None
        asyncio.run_coroutine_threadsafe(self.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    # -- checks ----------------------------------------------------------------------
    def _claims(self, request: web.Request) -> Claims:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            raise TwirpFailure(401, "unauthenticated", "missing bearer token")
        try:
            return self._verifier.verify(auth[len("Bearer ") :])
        except Exception as exc:  # jwt raises several types
            raise TwirpFailure(401, "unauthenticated", f"invalid token: {exc}") from exc

    @staticmethod
    def _parse(body: bytes, cls: type[Any]) -> Any:
        try:
            return cls.FromString(body)
        except DecodeError as exc:
            raise TwirpFailure(400, "malformed", "body is not a valid protobuf") from exc

    @staticmethod
    def _need_room_admin(claims: Claims, room: str) -> None:
        video = claims.video
        if video is None or not video.room_admin:
            raise TwirpFailure(403, "permission_denied", "requires roomAdmin")
        # LiveKit honours roomAdmin only for the room the grant names (none: no room)
        if video.room != room:
            raise TwirpFailure(403, "permission_denied", "token is for another room")

    @staticmethod
    def _need_sip_admin(claims: Claims) -> None:
        if claims.sip is None or not claims.sip.admin:
            raise TwirpFailure(403, "permission_denied", "requires SIP admin")

    # -- handlers --------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        with self._lock:
            self.state.requests += 1
        try:
            if request.content_type != "application/protobuf":
                raise TwirpFailure(400, "malformed", "expected application/protobuf")
            claims = self._claims(request)
            body = await request.read()
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.fail_status:
                raise TwirpFailure(self.fail_status, "internal", "stub told to fail")
            name = f"{request.match_info['service']}/{request.match_info['method']}"
            reply = self._route(name, claims, body)
        except TwirpFailure as failure:
            with self._lock:
                self.state.rejected.append(failure.code)
            return web.json_response(
                {"code": failure.code, "msg": failure.msg}, status=failure.status
            )
        return web.Response(body=reply.SerializeToString(), content_type="application/protobuf")

    def _route(self, name: str, claims: Claims, body: bytes) -> Message:
        if name == "AgentDispatchService/CreateDispatch":
            req = self._parse(body, pb_dispatch.CreateAgentDispatchRequest)
            self._need_room_admin(claims, req.room)
            if not req.agent_name or not req.room:
                raise TwirpFailure(400, "invalid_argument", "agent_name and room are required")
            dispatch = pb_dispatch.AgentDispatch(
                id=f"AD_{uuid.uuid4().hex[:12]}",
                agent_name=req.agent_name,
                room=req.room,
                metadata=req.metadata,
            )
            with self._lock:
                self.state.dispatches.append(dispatch)
            return dispatch
        if name == "AgentDispatchService/DeleteDispatch":
            req = self._parse(body, pb_dispatch.DeleteAgentDispatchRequest)
            self._need_room_admin(claims, req.room)
            with self._lock:
                found = [
                    d
                    for d in self.state.dispatches
                    if d.id == req.dispatch_id and d.room == req.room
                ]
                if not found:
                    raise TwirpFailure(404, "not_found", "no such dispatch")
                self.state.dispatches.remove(found[0])
                self.state.deleted_dispatches.append(found[0])
            return found[0]
        if name == "AgentDispatchService/ListDispatch":
            req = self._parse(body, pb_dispatch.ListAgentDispatchRequest)
            self._need_room_admin(claims, req.room)
            found = [d for d in self.state.dispatches if d.room == req.room]
            return pb_dispatch.ListAgentDispatchResponse(agent_dispatches=found)
        if name == "Connector/ConnectTwilioCall":
            req = self._parse(body, pb_twilio.ConnectTwilioCallRequest)
            if claims.video is None or not claims.video.room_create:
                raise TwirpFailure(403, "permission_denied", "requires roomCreate")
            if not req.room_name:
                raise TwirpFailure(400, "invalid_argument", "room_name is required")
            with self._lock:
                self.state.twilio_connects.append(req)
            return pb_twilio.ConnectTwilioCallResponse(
                connect_url=f"wss://twilio-connector.stub.invalid/{req.room_name}"
            )
        if name == "RoomService/ListRooms":
            req = self._parse(body, pb_room.ListRoomsRequest)
            if claims.video is None or not claims.video.room_list:
                raise TwirpFailure(403, "permission_denied", "requires roomList")
            names = sorted({d.room for d in self.state.dispatches})
            rooms = [pb_models.Room(sid=f"RM_{n}", name=n) for n in names]
            if req.names:
                rooms = [r for r in rooms if r.name in req.names]
            return pb_room.ListRoomsResponse(rooms=rooms)
        if name == "RoomService/DeleteRoom":
            req = self._parse(body, pb_room.DeleteRoomRequest)
            if claims.video is None or not claims.video.room_create:
                raise TwirpFailure(403, "permission_denied", "requires roomCreate")
            with self._lock:
                gone = [d for d in self.state.dispatches if d.room == req.room]
                if not gone:
                    raise TwirpFailure(404, "not_found", "requested room does not exist")
                self.state.dispatches = [d for d in self.state.dispatches if d.room != req.room]
                self.state.deleted_dispatches.extend(gone)
                self.state.deleted_rooms.append(req.room)
            return pb_room.DeleteRoomResponse()
        if name.startswith("SIP/"):
            self._need_sip_admin(claims)
            return self._route_sip(name, body)
        raise TwirpFailure(404, "bad_route", f"no such method {name}")

    def _route_sip(self, name: str, body: bytes) -> Message:
        if name == "SIP/ListSIPInboundTrunk":
            self._parse(body, pb_sip.ListSIPInboundTrunkRequest)
            return pb_sip.ListSIPInboundTrunkResponse(items=self.state.trunks)
        if name == "SIP/CreateSIPInboundTrunk":
            req = self._parse(body, pb_sip.CreateSIPInboundTrunkRequest)
            trunk = pb_sip.SIPInboundTrunkInfo()
            trunk.CopyFrom(req.trunk)
            trunk.sip_trunk_id = f"ST_{uuid.uuid4().hex[:12]}"
            with self._lock:
                self.state.trunks.append(trunk)
            return trunk
        if name == "SIP/UpdateSIPInboundTrunk":
            req = self._parse(body, pb_sip.UpdateSIPInboundTrunkRequest)
            known = next((t for t in self.state.trunks if t.sip_trunk_id == req.sip_trunk_id), None)
            if known is None:
                raise TwirpFailure(404, "not_found", "no such trunk")
            if req.HasField("update"):
                for attr in ("auth_username", "auth_password", "name"):
                    if req.update.HasField(attr):
                        setattr(known, attr, getattr(req.update, attr))
            with self._lock:
                self.state.trunk_updates += 1
            return known
        if name == "SIP/ListSIPDispatchRule":
            self._parse(body, pb_sip.ListSIPDispatchRuleRequest)
            return pb_sip.ListSIPDispatchRuleResponse(items=self.state.rules)
        if name == "SIP/CreateSIPDispatchRule":
            req = self._parse(body, pb_sip.CreateSIPDispatchRuleRequest)
            if not req.HasField("rule"):
                raise TwirpFailure(400, "invalid_argument", "rule is required")
            unknown = [
                t for t in req.trunk_ids if t not in {x.sip_trunk_id for x in self.state.trunks}
            ]
            if unknown:
                raise TwirpFailure(400, "invalid_argument", "unknown trunk id")
            rule = pb_sip.SIPDispatchRuleInfo(
                sip_dispatch_rule_id=f"SDR_{uuid.uuid4().hex[:12]}",
                rule=req.rule,
                trunk_ids=req.trunk_ids,
                name=req.name,
                metadata=req.metadata,
            )
            with self._lock:
                self.state.rules.append(rule)
            return rule
        raise TwirpFailure(404, "bad_route", f"no such method {name}")

    async def _config(self, request: web.Request) -> web.Response:
        data = await request.json()
        if "delay" in data:
            self.delay = float(data["delay"])
        if "fail_status" in data:
            self.fail_status = int(data["fail_status"]) if data["fail_status"] else None
        return web.json_response({"delay": self.delay, "fail_status": self.fail_status})

    async def _state(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "requests": self.state.requests,
                "dispatches": len(self.state.dispatches),
                "twilio_connects": len(self.state.twilio_connects),
                "deleted_rooms": len(self.state.deleted_rooms),
                "rejected": self.state.rejected[-20:],
            }
        )


async def _serve(stub: LiveKitStub) -> None:
    await stub.start()
    print(json.dumps({"port": stub.port}), flush=True)
    try:
        while True:  # until the parent process terminates us
            await asyncio.sleep(3600)
    finally:
        await stub.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="LiveKit Twirp API stub on 127.0.0.1")
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--api-secret", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args(argv)
    stub = LiveKitStub(
        api_key=args.api_key, api_secret=args.api_secret, port=args.port, delay=args.delay
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(stub))
    return 0


if __name__ == "__main__":
    sys.exit(main())
