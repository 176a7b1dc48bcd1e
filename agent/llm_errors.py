"""A language model that cannot be reached: one log line and a reason for the call record.

When the LLM provider fails for good (connection refused, timeouts, 5xx after LiveKit's
retries), LiveKit logs the whole exception chain of `_llm_inference_task` — a hundred
lines for one unreachable server. The session's `error` event (see
`agent.calls.watch_session`) already apologises to the caller and logs one line with the
reason, so `quiet_provider_tracebacks()` drops that duplicate traceback. Any other error
in the same task (a bug in our own code) keeps its traceback.
"""

from __future__ import annotations

import logging

from livekit.agents import APIError

_LIVEKIT_LOGGER = "livekit.agents"
_INFERENCE_TASK = "Error in _llm_inference_task"


class _ProviderFailureFilter(logging.Filter):
    """Drops LiveKit's traceback of an LLM inference that failed on the provider's side."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith(_INFERENCE_TASK) or not record.exc_info:
            return True
        error = record.exc_info[1]
        return not isinstance(error, APIError)


_FILTER = _ProviderFailureFilter()


def quiet_provider_tracebacks() -> None:
    """Install the filter on LiveKit's logger (idempotent)."""
    logger = logging.getLogger(_LIVEKIT_LOGGER)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def failure_reason(error: BaseException) -> str:
    """A short reason for the call record and the log line, the root cause included:
    `modèle de langue injoignable : APIConnectionError (ConnectError: All connection
    attempts failed)`."""
    root: BaseException = error
    seen = {id(root)}
    while root.__cause__ is not None and id(root.__cause__) not in seen:
        root = root.__cause__
        seen.add(id(root))
    head = f"modèle de langue injoignable : {type(error).__name__}"
    if root is not error:
        detail = str(root).strip()
        head += f" ({type(root).__name__}: {detail})" if detail else f" ({type(root).__name__})"
    return head[:300]
