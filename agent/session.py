"""Building the `AgentSession`: speech, language and voice models from `AgentSettings`.

Production: Deepgram `STT_MODEL` (nova-3) in `STT_LANGUAGE` (fr) with the salon's service
names as key terms, OpenAI `LLM_MODEL` (gpt-4o-mini) honouring `OPENAI_BASE_URL`,
ElevenLabs `TTS_MODEL` (eleven_flash_v2_5) in `TTS_LANGUAGE`, Silero VAD and the local
multilingual turn detector; French speech normalisation runs before the TTS. The text
mode keeps the same LLM and turn path but replaces speech by typed lines.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from livekit.agents import AgentSession, APIConnectOptions, llm
from livekit.agents.types import NOT_GIVEN
from livekit.agents.voice.agent_session import SessionConnectOptions

from agent.call_context import CallContext
from agent.config import AgentSettings
from agent.retrieval import RagOptions
from agent.sim import PlaceholderSTT
from salon.profile import SalonProfile

logger = logging.getLogger("agent")

MAX_KEYTERMS = 100
KEYTERM_TOKEN_BUDGET = 400  # Deepgram allows 500 tokens in all


def _estimated_tokens(term: str) -> int:
    """A conservative token count for Deepgram's keyterm budget (French splits finely)."""
    return len(term) // 3 + 1


def _base_name(name: str) -> str:
    """`Coupe et brushing femme, cheveux longs (avec soin)` -> `Coupe et brushing femme`."""
    return re.sub(r"\s*\([^)]*\)", "", name).split(",")[0].strip()


def keyterms(profile: SalonProfile) -> list[str]:
    """Words the STT should expect: the salon's name, the team, the services' names and
    aliases, within Deepgram's limits (100 terms, 500 tokens: over the token limit the
    stream silently stops transcribing, so the budget is kept well below)."""
    seen: dict[str, str] = {}
    budget = KEYTERM_TOKEN_BUDGET
    for term in (
        profile.short_name,
        *(m.name.split()[0] for m in profile.team if m.name),
        *(_base_name(s.name) for s in profile.services),
        *(a for s in profile.services for a in s.aliases),
    ):
        cleaned = term.strip()
        cost = _estimated_tokens(cleaned)
        if not cleaned or cleaned.lower() in seen or cost > budget:
            continue
        seen[cleaned.lower()] = cleaned
        budget -= cost
        if len(seen) == MAX_KEYTERMS:
            break
    return list(seen.values())


def cloud_llm(settings: AgentSettings) -> llm.LLM:
    """OpenAI chat model; any OpenAI-compatible server through `OPENAI_BASE_URL`."""
    from livekit.plugins import openai

    return openai.LLM(
        model=settings.llm_model,
        api_key=settings.require("OPENAI_API_KEY"),
        base_url=settings.openai_base_url or NOT_GIVEN,
        temperature=settings.llm_temperature,
    )


def cloud_stt(profile: SalonProfile, settings: AgentSettings) -> Any:
    from livekit.plugins import deepgram

    return deepgram.STT(
        model=settings.stt_model,
        language=settings.stt_language,
        keyterm=keyterms(profile),
        api_key=settings.require("DEEPGRAM_API_KEY"),
    )


def cloud_tts(settings: AgentSettings) -> Any:
    from livekit.plugins import elevenlabs

    options: dict[str, Any] = {
        "model": settings.tts_model,
        "language": settings.tts_language,
        "api_key": settings.require("ELEVEN_API_KEY"),
    }
    if settings.tts_voice_id:
        options["voice_id"] = settings.tts_voice_id
    return elevenlabs.TTS(**options)


def load_vad() -> Any:
    from livekit.plugins import silero

    return silero.VAD.load()


def load_turn_detector(settings: AgentSettings) -> Any:
    """The local multilingual end-of-turn model (`TURN_DETECTOR=v1-mini`), or "vad"."""
    version = settings.turn_detector
    if version in ("vad", "stt"):
        return version
    from livekit.agents import inference

    return inference.TurnDetector(version=version)  # type: ignore[arg-type]


def tts_text_transforms() -> list[Any]:
    """Markdown and emoji filters, then French normalisation of prices, times, numbers."""
    from speech.normalise import tts_transform

    return ["filter_markdown", "filter_emoji", tts_transform]


def llm_connect_options(settings: AgentSettings) -> SessionConnectOptions:
    """How long the caller may wait on the LLM before the apology: `LLM_TIMEOUT` per
    attempt and `LLM_MAX_RETRY` retries half a second apart (STT and TTS keep LiveKit's)."""
    return SessionConnectOptions(
        llm_conn_options=APIConnectOptions(
            max_retry=settings.llm_max_retry, retry_interval=0.5, timeout=settings.llm_timeout
        )
    )


def build_voice_session(
    *,
    profile: SalonProfile,
    call: CallContext,
    vad: Any,
    turn_detector: Any,
    settings: AgentSettings,
    rag: RagOptions | None = None,
) -> AgentSession:
    """The production session: cloud STT/LLM/TTS, prewarmed VAD and turn detector.

    `rag` defaults to `settings.rag` (the benchmark passes others)."""
    rag = rag or settings.rag
    return AgentSession(
        stt=cloud_stt(profile, settings),
        llm=cloud_llm(settings),
        tts=cloud_tts(settings),
        vad=vad,
        userdata=call,
        turn_handling={
            "turn_detection": turn_detector,
            "endpointing": {
                "min_delay": settings.endpointing_min_delay,
                "max_delay": settings.endpointing_max_delay,
            },
            "preemptive_generation": {"enabled": rag.preemptive_generation},
        },
        tts_text_transforms=tts_text_transforms(),
        max_tool_steps=5,
        conn_options=llm_connect_options(settings),
    )


def build_text_session(
    *,
    model: llm.LLM,
    call: CallContext | None,
    preemptive: bool = True,
    settings: AgentSettings | None = None,
) -> AgentSession:
    """A session with no audio: typed lines come in through the agent's `stt_node`,
    end-of-turn is decided on the transcript (`turn_detection="stt"`) with no delay."""
    return AgentSession(
        stt=PlaceholderSTT(),
        llm=model,
        vad=None,
        userdata=call if call is not None else NOT_GIVEN,
        turn_handling={
            "turn_detection": "stt",
            "endpointing": {"min_delay": 0.0},
            "preemptive_generation": {"enabled": preemptive},
        },
        max_tool_steps=5,
        user_away_timeout=None,
        session_close_transcript_timeout=0.05,
        conn_options=llm_connect_options(settings) if settings is not None else NOT_GIVEN,
    )
