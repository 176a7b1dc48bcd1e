"""OpenAI: the key works and the agent's model (`LLM_MODEL`) is available to it.

One `GET {OPENAI_BASE_URL}/models/{model}` per model (plus the embeddings model when
`KB_EMBEDDINGS=openai`), which costs nothing and proves both the key and the model.
"""

from __future__ import annotations

from urllib.parse import quote

from ops.doctor.base import (
    CheckResult,
    Context,
    KeyedApi,
    Unreachable,
    get,
    names_fr,
    ok,
    problem,
)

NAME = "OpenAI"
DEFAULT_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
EMBEDDINGS_MODEL = "text-embedding-3-small"
API = KeyedApi(NAME, "OPENAI_API_KEY", "OPENAI_BASE_URL", DEFAULT_URL)


async def run(ctx: Context) -> list[CheckResult]:
    key = API.key()
    if not key:
        return [API.unset()]
    wanted = [("LLM_MODEL", get("LLM_MODEL", DEFAULT_MODEL) or DEFAULT_MODEL)]
    if (get("KB_EMBEDDINGS", "local") or "").lower() == "openai":
        wanted.append(("KB_EMBEDDINGS=openai", EMBEDDINGS_MODEL))
    problems: list[str] = []
    for setting, model in wanted:
        try:
            status, _, text = await API.fetch(
                f"models/{quote(model, safe='')}", key=key, timeout=ctx.timeout
            )
        except Unreachable as exc:
            where = "OPENAI_BASE_URL" if get("OPENAI_BASE_URL") else "l'API OpenAI"
            return [problem(NAME, f"impossible de joindre {where} ({API.base()}) : {exc}")]
        if status == 401:
            return [API.refused(status)]
        if status == 404:
            problems.append(
                f"le modèle {model} ({setting}) n'est pas accessible avec cette clé : "
                "choisissez un autre modèle ou activez-le pour le projet"
            )
        elif status != 200:
            problems.append(f"OpenAI a répondu HTTP {status} pour le modèle {model} : {text[:120]}")
    if problems:
        return [problem(NAME, *problems)]
    models = names_fr([m for _, m in wanted])
    return [ok(NAME, f"clé valide, {models} disponible{'s' if len(wanted) > 1 else ''}")]
