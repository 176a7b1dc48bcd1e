"""A local stub of ElevenLabs' API on 127.0.0.1: `GET /v1/models` and `GET /v1/voices/{id}`.

ElevenLabs authenticates with the `xi-api-key` header; a wrong key gets 401
`{"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}`, an unknown voice
400 `{"detail": {"status": "voice_not_found", …}}` (the answers the real API gives). Models
carry `languages: [{"language_id", "name"}]` as in the real list. The doctor points
`ELEVEN_API_URL` at `stub.base_url`.

    with ElevenLabsStub(api_key="xi-test", voices={"v1": "Claire"}) as stub:
        stub.base_url        # "http://127.0.0.1:<port>/v1"
        stub.models          # list of model dicts; edit to remove French from one
"""

from __future__ import annotations

from typing import Any

from tests.stubs.http_stub import JsonHandler, LoopbackStub

FRENCH = {"language_id": "fr", "name": "French"}
ENGLISH = {"language_id": "en", "name": "English"}


def _model(model_id: str, name: str, languages: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "model_id": model_id,
        "name": name,
        "can_be_finetuned": False,
        "can_do_text_to_speech": True,
        "can_do_voice_conversion": False,
        "can_use_style": False,
        "can_use_speaker_boost": False,
        "serves_pro_voices": False,
        "token_cost_factor": 0.5,
        "description": name,
        "requires_alpha_access": False,
        "max_characters_request_free_user": 10000,
        "max_characters_request_subscribed_user": 40000,
        "maximum_text_length_per_request": 40000,
        "languages": languages,
        "model_rates": {"character_cost_multiplier": 0.5},
        "concurrency_group": "standard_flash",
    }


def default_models() -> list[dict[str, Any]]:
    return [
        _model("eleven_flash_v2_5", "Eleven Flash v2.5", [ENGLISH, FRENCH]),
        _model("eleven_multilingual_v2", "Eleven Multilingual v2", [ENGLISH, FRENCH]),
        _model("eleven_flash_v2", "Eleven Flash v2", [ENGLISH]),
    ]


class ElevenLabsStub(LoopbackStub):
    def __init__(
        self, *, api_key: str = "xi-test-stub", voices: dict[str, str] | None = None
    ) -> None:
        self.api_key = api_key
        self.models = default_models()
        self.voices = dict(voices or {"FRvoice000000000001": "Claire"})
        self.requests: list[tuple[str, str]] = []
        self._serve(self._handler())

    def _handler(self) -> type[JsonHandler]:
        stub = self

        class Handler(JsonHandler):
            def _detail(self, status: int, code: str, message: str) -> None:
                self._json(status, {"detail": {"status": code, "message": message}})

            def do_GET(self) -> None:
                path = self.path.split("?")[0].rstrip("/")
                with stub._lock:
                    stub.requests.append(("GET", path))
                if self.headers.get("xi-api-key") != stub.api_key:
                    self._detail(401, "invalid_api_key", "Invalid API key")
                elif path == "/v1/models":
                    self._json(200, stub.models)
                elif path.startswith("/v1/voices/"):
                    voice_id = path.removeprefix("/v1/voices/")
                    name = stub.voices.get(voice_id)
                    if name is None:
                        message = f"A voice for the voice_id {voice_id} was not found."
                        self._detail(400, "voice_not_found", message)
                    else:
                        self._json(200, _voice(voice_id, name))
                else:
                    self._detail(404, "not_found", "Not found")

        return Handler


def _voice(voice_id: str, name: str) -> dict[str, Any]:
    return {
        "voice_id": voice_id,
        "name": name,
        "category": "professional",
        "labels": {"accent": "parisian", "language": "fr", "gender": "female"},
        "description": "Voix française chaleureuse",
        "preview_url": None,
        "settings": None,
        "verified_languages": [{"language": "fr", "model_id": "eleven_flash_v2_5"}],
    }
