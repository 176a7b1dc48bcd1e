"""The LiveKit worker: a thin entry point (`python -m agent start|dev|console`).

`prewarm` loads, once per job process, the Silero VAD, the local turn detector, the
salon profile and the knowledge-base retriever. Each job is one phone call, dispatched
explicitly by name (`AGENT_NAME`) by the webhook with metadata `{call_sid, from, to}`;
the SIP participant's attributes are the fallback. The agent waits for the caller
before greeting (at most `CALLER_WAIT_S`: a caller who never arrives ends the job, so it
does not hold a process), and writes the call record when the call ends. The settings are
read once, when the process starts (`SETTINGS`), and handed to every call. On start, the
worker puts right what a killed one left (`agent.recovery`): confirmations owed, call
records open. While registered with LiveKit it writes a heartbeat in the state database
(`agent.heartbeat`), so the webhook answers the human fallback at once when it is stopped.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from livekit import rtc
from livekit.agents import (
    NOT_GIVEN,
    AgentServer,
    AgentSession,
    JobContext,
    JobProcess,
    NotGivenOr,
    cli,
)

# LiveKit plugins register themselves on import and must do so on the main thread (job
# processes and console mode run the prewarm and the job in other threads).
from livekit.plugins import deepgram, elevenlabs, openai, silero  # noqa: F401

from agent.config import AgentSettings
from agent.heartbeat import WorkerHeartbeat, attach_heartbeat
from salon import state_db

if TYPE_CHECKING:
    from agent.call_context import CallContext
    from agent.receptionist import Receptionist

logger = logging.getLogger("agent")

CALLER_KINDS = [
    rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
    rtc.ParticipantKind.PARTICIPANT_KIND_CONNECTOR,
    rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD,
]
# How long a job waits for the caller to join its room. Twilio bridges the call within a
# few seconds of the dispatch; a caller who hung up first (or a bridge that failed) never
# comes, and the job would hold its process until the worker restarts.
CALLER_WAIT_S = 60.0


class CallerNeverJoined(Exception):
    """No caller joined the job's room within `CALLER_WAIT_S`."""


@dataclass(frozen=True)
class CallIdentity:
    call_sid: str | None
    caller: str | None
    called: str | None


def call_identity(metadata: str | None, attributes: dict[str, str] | None = None) -> CallIdentity:
    """`call_sid`/`from`/`to` from the dispatch metadata, else the SIP attributes.

    `sip.twilio.callSid` is the child leg, so it is only a last resort for `call_sid`.
    """
    data: dict[str, Any] = {}
    if metadata:
        try:
            loaded = json.loads(metadata)
            data = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            logger.warning("dispatch metadata is not JSON; using SIP attributes")
    attrs = attributes or {}

    def pick(*values: Any) -> str | None:
        return next((str(v).strip() for v in values if v and str(v).strip()), None)

    return CallIdentity(
        call_sid=pick(data.get("call_sid"), data.get("CallSid"), attrs.get("sip.twilio.callSid")),
        caller=pick(data.get("from"), data.get("From"), attrs.get("sip.phoneNumber")),
        called=pick(data.get("to"), data.get("To"), attrs.get("sip.trunkPhoneNumber")),
    )


def prewarm(proc: JobProcess) -> None:
    """Load the heavy, shareable pieces once per process."""
    from agent.retrieval import open_knowledge_base
    from agent.session import load_turn_detector, load_vad
    from salon.profile_source import ProfileSource

    # import what every call uses now, so the first call does not block its event loop
    for module in ("agent.calls", "agent.receptionist", "speech.normalise", "agent.tools"):
        importlib.import_module(module)
    profiles = ProfileSource()
    profiles.current()  # a broken salon.toml stops the worker now, not at the first call
    proc.userdata["profiles"] = profiles
    proc.userdata["vad"] = load_vad()
    proc.userdata["turn_detector"] = load_turn_detector(SETTINGS)
    proc.userdata["kb"] = open_knowledge_base()


# The exit code of a missing or malformed setting, as scripts/webhook and scripts/jobs:
# scripts/serve leaves a program that exits with it stopped (a restart would fail again).
CONFIG_ERROR = 2


def settings_or_exit() -> AgentSettings:
    """The process's settings; a malformed one stops the worker with one French line
    (« agent : erreur : le réglage X doit être …, pas … ») rather than a traceback."""
    try:
        return AgentSettings.from_env()
    except ValueError as exc:
        print(f"agent : erreur : {exc} ; corrigez-le dans .env", file=sys.stderr)
        raise SystemExit(CONFIG_ERROR) from None


class SalonAgentServer(AgentServer):
    """LiveKit's `AgentServer` whose heartbeat says "stopped" as soon as it drains or
    closes: from then on, new calls get the human fallback instead of an empty room."""

    heartbeat: WorkerHeartbeat | None = None

    async def drain(self, timeout: NotGivenOr[int | None] = NOT_GIVEN) -> None:
        if self.heartbeat is not None:
            await self.heartbeat.stop()
        await super().drain(timeout)

    async def aclose(self) -> None:
        if self.heartbeat is not None:
            await self.heartbeat.stop()
        await super().aclose()


SETTINGS = settings_or_exit()
server = SalonAgentServer(
    num_idle_processes=SETTINGS.idle_processes,
    job_memory_warn_mb=SETTINGS.memory_warn_mb,
)
server.setup_fnc = prewarm
server.heartbeat = attach_heartbeat(server)


@dataclass
class PreparedCall:
    call: CallContext
    agent: Receptionist
    session: AgentSession


async def prepare_call(
    ctx: JobContext, settings: AgentSettings | None = None, *, caller_wait_s: float | None = None
) -> PreparedCall:
    """Wait for the caller, then build the call, the receptionist and the session
    (with the process's `SETTINGS` unless others are given).

    Raises `CallerNeverJoined` when no caller joined within `caller_wait_s` seconds
    (`CALLER_WAIT_S` by default).
    """
    settings = settings or SETTINGS
    caller_wait_s = CALLER_WAIT_S if caller_wait_s is None else caller_wait_s
    from agent import calls
    from agent.receptionist import build_receptionist
    from agent.retrieval import BudgetedRetriever
    from agent.session import build_voice_session

    profile = ctx.proc.userdata["profiles"].current()  # the owner's latest salon.toml
    attributes: dict[str, str] = {}
    if not ctx.is_fake_job():  # console mode has a mock room and no caller to wait for
        await ctx.connect()
        try:
            async with asyncio.timeout(caller_wait_s):
                participant = await ctx.wait_for_participant(kind=CALLER_KINDS)
        except TimeoutError:
            raise CallerNeverJoined(f"no caller within {caller_wait_s:g} s") from None
        attributes = dict(participant.attributes)
    identity = call_identity(ctx.job.metadata, attributes)
    conn = state_db.connect()
    call = calls.open_call(
        profile=profile,
        conn=conn,
        caller=identity.caller,
        called=identity.called,
        call_sid=identity.call_sid,
        settings=settings,
    )
    agent = build_receptionist(
        call=call, retriever=BudgetedRetriever(ctx.proc.userdata["kb"], options=settings.rag)
    )
    session = build_voice_session(
        profile=profile,
        call=call,
        vad=ctx.proc.userdata["vad"],
        turn_detector=ctx.proc.userdata["turn_detector"],
        settings=settings,
    )
    calls.watch_session(call, session)

    async def finish(reason: str = "") -> None:
        await calls.finish_call(call, session=session)
        await calls.release_call(call)
        conn.close()

    ctx.add_shutdown_callback(finish)
    return PreparedCall(call=call, agent=agent, session=session)


@server.rtc_session(agent_name=SETTINGS.agent_name)
async def entrypoint(ctx: JobContext) -> None:
    from agent import calls

    try:
        prepared = await prepare_call(ctx)
    except CallerNeverJoined as exc:
        logger.warning(
            "caller never joined the room: job ended",
            extra={
                "call_sid": call_identity(ctx.job.metadata).call_sid,
                "room": getattr(ctx.room, "name", None),
                "detail": str(exc),
            },
        )
        ctx.shutdown(reason="caller never joined")
        return
    await prepared.session.start(agent=prepared.agent, room=ctx.room)
    prepared.session.say(calls.greeting_for(prepared.call), allow_interruptions=True)


def main(argv: list[str] | None = None, *, settings: AgentSettings | None = None) -> None:
    """`python -m agent start|dev|console|…`; stops with one line per missing setting."""
    args = sys.argv[1:] if argv is None else argv
    missing = (settings or SETTINGS).missing_for(args[0] if args else None)
    if missing:
        for name, purpose in missing:
            print(f"agent : erreur : réglage manquant : {name} ({purpose})", file=sys.stderr)
        print(
            "agent : ajoutez-les dans .env (tous les réglages sont décrits dans .env.example)",
            file=sys.stderr,
        )
        raise SystemExit(CONFIG_ERROR)
    if args and args[0] in ("start", "dev", "console", "connect"):
        from agent.recovery import recover_at_start

        recover_at_start()  # what a killed worker left: owed SMS, open call records
    cli.run_app(server)


if __name__ == "__main__":
    main()
