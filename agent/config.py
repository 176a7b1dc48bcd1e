"""The agent's settings, read once per process from the environment into a frozen dataclass.

The worker reads them when it starts (`agent.worker.SETTINGS`), the text mode in `main`;
both hand the same object to the session, the calls and the transfers, so nothing in
`agent/` reads an environment variable in the middle of a call. Tests build
`AgentSettings(...)` directly. Every variable is listed in `.env.example`; a required one
that is missing raises `MissingSetting` naming it (`require`), a malformed one a
`ValueError` naming it in French (« le réglage X doit être …, pas … »), like
`salon.settings`: the owner reads it when the worker refuses to start.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.retrieval import RagOptions
from salon import settings

TRANSPORTS = ("sip", "stream")

# Variable -> (field, what it is for): the keys a command may need before it starts. The
# purposes are French: the owner reads them when the worker refuses to start.
SECRETS = {
    "LIVEKIT_URL": ("livekit_url", "l'adresse du serveur LiveKit, wss://<projet>.livekit.cloud"),
    "LIVEKIT_API_KEY": ("livekit_api_key", "les identifiants LiveKit"),
    "LIVEKIT_API_SECRET": ("livekit_api_secret", "les identifiants LiveKit"),
    "OPENAI_API_KEY": ("openai_api_key", "le modèle de langage OpenAI de la réceptionniste"),
    "DEEPGRAM_API_KEY": ("deepgram_api_key", "la reconnaissance de la parole par Deepgram"),
    "ELEVEN_API_KEY": ("eleven_api_key", "la voix de synthèse ElevenLabs"),
}


@dataclass(frozen=True)
class AgentSettings:
    """Everything the agent process reads from its environment, with the defaults."""

    agent_name: str = "salon-receptionist"  # AGENT_NAME: explicit dispatch by the webhook
    idle_processes: int = 1  # AGENT_IDLE_PROCESSES
    memory_warn_mb: float = 700.0  # AGENT_MEMORY_WARN_MB
    livekit_url: str | None = None
    livekit_api_key: str | None = None
    livekit_api_secret: str | None = None
    openai_api_key: str | None = None
    openai_base_url: str | None = None  # any OpenAI-compatible server
    llm_model: str = "gpt-4o-mini"
    llm_temperature: float = 0.4
    # A caller waits in silence while the LLM is retried: LiveKit's defaults (10 s, 3
    # retries) mean 40 s and more before the apology. One retry of 5 s each is plenty for a
    # model whose first token normally comes in under a second.
    llm_timeout: float = 5.0  # LLM_TIMEOUT, seconds per attempt (connect and each read)
    llm_max_retry: int = 1  # LLM_MAX_RETRY
    deepgram_api_key: str | None = None
    stt_model: str = "nova-3"
    stt_language: str = "fr"
    eleven_api_key: str | None = None
    tts_model: str = "eleven_flash_v2_5"
    tts_language: str = "fr"
    tts_voice_id: str | None = None
    turn_detector: str = "v1-mini"  # a local model version, or "vad" / "stt"
    endpointing_min_delay: float = 0.4
    endpointing_max_delay: float = 3.0
    rag: RagOptions = field(default_factory=RagOptions)  # RAG_MODE, RAG_BUDGET_MS, RAG_TOP_K
    transport: str = "sip"  # TELEPHONY_TRANSPORT: how the webhook bridged the call
    twilio_account_sid: str | None = None  # for transfers by Twilio REST
    twilio_auth_token: str | None = None
    twilio_api_base_url: str | None = None
    # PUBLIC_BASE_URL: the webhook's public URL, for the action of a transfer's <Dial>
    # (`/transfer-done`: hang up after the conversation, or say nobody answered)
    public_base_url: str | None = None
    chat_caller: str | None = None  # CHAT_CALLER: the text mode's default caller number
    # FILLER_DELAY: seconds of quiet while a calendar call is pending before the caller
    # hears one short line (« Je regarde les disponibilités… »); 0 turns the lines off.
    filler_delay: float = 0.7

    def __post_init__(self) -> None:
        if not 0.5 <= self.llm_timeout <= 60:
            raise ValueError(
                "le réglage LLM_TIMEOUT doit être un nombre de secondes entre 0.5 et 60, "
                f"pas {self.llm_timeout!r}"
            )
        if not 0 <= self.llm_max_retry <= 5:
            raise ValueError(
                "le réglage LLM_MAX_RETRY doit être un nombre entier de 0 à 5, "
                f"pas {self.llm_max_retry!r}"
            )
        if not 0 <= self.filler_delay <= 5:
            raise ValueError(
                "le réglage FILLER_DELAY doit être un nombre de secondes entre 0 (désactivé) "
                f"et 5, pas {self.filler_delay!r}"
            )
        if self.transport not in TRANSPORTS:
            raise ValueError(
                f"le réglage TELEPHONY_TRANSPORT doit être {' ou '.join(TRANSPORTS)}, "
                f"pas {self.transport!r}"
            )

    @classmethod
    def from_env(cls) -> AgentSettings:
        """Read every setting once; raises `ValueError` naming a malformed one."""
        get = settings.get
        return cls(
            agent_name=get("AGENT_NAME", "salon-receptionist") or "salon-receptionist",
            idle_processes=settings.get_int("AGENT_IDLE_PROCESSES", 1),
            memory_warn_mb=settings.get_float("AGENT_MEMORY_WARN_MB", 700.0),
            livekit_url=get("LIVEKIT_URL"),
            livekit_api_key=get("LIVEKIT_API_KEY"),
            livekit_api_secret=get("LIVEKIT_API_SECRET"),
            openai_api_key=get("OPENAI_API_KEY"),
            openai_base_url=get("OPENAI_BASE_URL"),
            llm_model=get("LLM_MODEL", "gpt-4o-mini") or "gpt-4o-mini",
            llm_temperature=settings.get_float("LLM_TEMPERATURE", 0.4),
            llm_timeout=settings.get_float("LLM_TIMEOUT", 5.0),
            llm_max_retry=settings.get_int("LLM_MAX_RETRY", 1),
            deepgram_api_key=get("DEEPGRAM_API_KEY"),
            stt_model=get("STT_MODEL", "nova-3") or "nova-3",
            stt_language=get("STT_LANGUAGE", "fr") or "fr",
            eleven_api_key=get("ELEVEN_API_KEY"),
            tts_model=get("TTS_MODEL", "eleven_flash_v2_5") or "eleven_flash_v2_5",
            tts_language=get("TTS_LANGUAGE", "fr") or "fr",
            tts_voice_id=get("TTS_VOICE_ID"),
            turn_detector=get("TURN_DETECTOR", "v1-mini") or "v1-mini",
            endpointing_min_delay=settings.get_float("ENDPOINTING_MIN_DELAY", 0.4),
            endpointing_max_delay=settings.get_float("ENDPOINTING_MAX_DELAY", 3.0),
            rag=RagOptions.from_env(),
            transport=(get("TELEPHONY_TRANSPORT", "sip") or "sip").lower(),
            twilio_account_sid=get("TWILIO_ACCOUNT_SID"),
            twilio_auth_token=get("TWILIO_AUTH_TOKEN"),
            twilio_api_base_url=get("TWILIO_API_BASE_URL"),
            public_base_url=(get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
            chat_caller=get("CHAT_CALLER"),
            filler_delay=settings.get_float("FILLER_DELAY", 0.7),
        )

    def require(self, name: str) -> str:
        """The value of the secret `name` (e.g. "OPENAI_API_KEY"); `MissingSetting` naming
        it when unset."""
        attribute, purpose = SECRETS[name]
        value: str | None = getattr(self, attribute)
        if not value:
            raise settings.MissingSetting(name, purpose)
        return value

    def missing_for(self, command: str | None) -> list[tuple[str, str]]:
        """(variable, purpose) of each secret a worker command needs and lacks; `console`
        needs no LiveKit server, other commands (`download-files`, `--help`) need none."""
        if command not in ("start", "dev", "console", "connect"):
            return []
        names = [n for n in SECRETS if command != "console" or not n.startswith("LIVEKIT_")]
        return [(n, SECRETS[n][1]) for n in names if not getattr(self, SECRETS[n][0])]

    @property
    def twilio_configured(self) -> bool:
        """Twilio REST credentials are set (a transfer redirects the parent call at once)."""
        return bool(self.twilio_account_sid and self.twilio_auth_token)
