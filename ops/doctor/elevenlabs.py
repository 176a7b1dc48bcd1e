"""ElevenLabs: the key works, `TTS_MODEL` speaks French, `TTS_VOICE_ID` exists.

`GET /v1/models` (key and model languages) and `GET /v1/voices/{TTS_VOICE_ID}`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ops.doctor.base import CheckResult, Context, KeyedApi, Unreachable, get, ok, problem

NAME = "ElevenLabs"
DEFAULT_URL = "https://api.elevenlabs.io/v1"
DEFAULT_MODEL = "eleven_flash_v2_5"
NOT_FOUND = {"voice_not_found", "voice_does_not_exist"}
API = KeyedApi(NAME, "ELEVEN_API_KEY", "ELEVEN_API_URL", DEFAULT_URL, key_header="xi-api-key")


def _status_code(body: Any) -> str:
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail.get("status", "")) if isinstance(detail, dict) else ""


async def run(ctx: Context) -> list[CheckResult]:
    key = API.key()
    if not key:
        return [API.unset()]
    model_id = get("TTS_MODEL", DEFAULT_MODEL) or DEFAULT_MODEL
    voice_id = get("TTS_VOICE_ID")
    try:
        status, models, text = await API.fetch("models", key=key, timeout=ctx.timeout)
        if status == 401:
            return [API.refused(status)]
        if status != 200 or not isinstance(models, list):
            return [problem(NAME, f"ElevenLabs a répondu HTTP {status} à /models : {text[:120]}")]
        problems = []
        model = next((m for m in models if m.get("model_id") == model_id), None)
        if model is None:
            problems.append(
                f"TTS_MODEL={model_id} n'est pas un modèle ElevenLabs de ce compte : "
                f"utilisez {DEFAULT_MODEL}"
            )
        elif not model.get("can_do_text_to_speech", True):
            problems.append(
                f"TTS_MODEL={model_id} ne fait pas de synthèse vocale : utilisez {DEFAULT_MODEL}"
            )
        elif "fr" not in {lang.get("language_id") for lang in model.get("languages") or []}:
            problems.append(
                f"TTS_MODEL={model_id} ne parle pas français : utilisez {DEFAULT_MODEL} "
                "ou eleven_multilingual_v2"
            )
        voice_name = None
        if voice_id:
            status, voice, text = await API.fetch(
                f"voices/{quote(voice_id, safe='')}", key=key, timeout=ctx.timeout
            )
            if status in (400, 404) and (status == 404 or _status_code(voice) in NOT_FOUND):
                problems.append(
                    f"TTS_VOICE_ID={voice_id} n'est pas une voix de ce compte ElevenLabs : "
                    "ajoutez la voix à My Voices ou corrigez l'identifiant"
                )
            elif status != 200 or not isinstance(voice, dict):
                problems.append(f"ElevenLabs a répondu HTTP {status} pour la voix {voice_id}")
            else:
                voice_name = voice.get("name")
    except Unreachable as exc:
        return [API.unreachable(exc)]
    if problems:
        return [problem(NAME, *problems)]
    voice_text = (
        f"voix {voice_name or voice_id} trouvée"
        if voice_id
        else "TTS_VOICE_ID non réglé (voix par défaut d'ElevenLabs)"
    )
    return [ok(NAME, f"clé valide, {model_id} parle français, {voice_text}")]
