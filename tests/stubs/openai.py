"""A local OpenAI-compatible chat-completions server (streamed, with tool calls).

It speaks the real wire format the `openai` SDK (and LiveKit's OpenAI plugin) expects:
`POST /v1/chat/completions` with `stream: true` answers Server-Sent Events of
`chat.completion.chunk` objects, text deltas or `tool_calls` deltas, a usage chunk and
`data: [DONE]`. Answers come from a script (one step per request: a reply string, or a
`{"tool": name, "arguments": {...}}` dict, or a list of those dicts) or from a callable
given the request body. Every request body is recorded in `requests`.

A plain script is consumed once, across everything the stub serves. `Replay(script)` plays
it per conversation instead: each request gets the step after those its own history
already holds, so every new conversation starts at the first step (the demo server,
`python -m tests.stubs.openai`, replays its booking call for every `scripts/chat` run;
`--script chloe` picks the call booking « avec Chloé » instead, and `--show-tool-results`
prints each tool result the agent sends back, which is the real calendar's answer).

Usage::

    with OpenAIStub(["Bonjour !", {"tool": "book", "arguments": {"slot": 1}}]) as stub:
        os.environ["OPENAI_BASE_URL"] = stub.base_url  # http://127.0.0.1:<port>/v1
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from tests.stubs.http_stub import JsonHandler, LoopbackStub

StubStep = str | dict[str, Any] | list[dict[str, Any]]
StubResponder = Callable[[dict[str, Any]], StubStep]


class OpenAIStub(LoopbackStub):
    def __init__(
        self,
        script: Sequence[StubStep] | StubResponder = (),
        *,
        default_reply: str = "D'accord.",
        api_key: str = "sk-test-stub",
        port: int = 0,
        models: Sequence[str] = ("gpt-4o-mini", "text-embedding-3-small"),
    ) -> None:
        self._steps: list[StubStep] = [] if callable(script) else list(script)
        self._responder = script if callable(script) else None
        self.default_reply = default_reply
        self.api_key = api_key
        self.models = list(models)  # what GET /v1/models and /v1/models/{id} know
        self.requests: list[dict[str, Any]] = []
        self.unauthorized = 0
        self._serve(self._handler(), port=port)

    def add_steps(self, *steps: StubStep) -> None:
        with self._lock:
            self._steps.extend(steps)

    def _next(self, body: dict[str, Any]) -> StubStep:
        with self._lock:
            self.requests.append(body)
            if self._responder is not None:
                return self._responder(body)
            return self._steps.pop(0) if self._steps else self.default_reply

    def _handler(self) -> type[JsonHandler]:
        stub = self

        class Handler(JsonHandler):
            def _authorized(self) -> bool:
                if self.headers.get("Authorization") == f"Bearer {stub.api_key}":
                    return True
                stub.unauthorized += 1
                self._json(401, {"error": {"message": "Incorrect API key", "type": "auth"}})
                return False

            def do_GET(self) -> None:
                if not self._authorized():
                    return
                path = self.path.split("?")[0].rstrip("/")
                if path.endswith("/models"):
                    data = [_model(m) for m in stub.models]
                    self._json(200, {"object": "list", "data": data})
                elif "/models/" in path:
                    wanted = path.rsplit("/models/", 1)[1]
                    if wanted in stub.models:
                        self._json(200, _model(wanted))
                    else:
                        message = (
                            f"The model `{wanted}` does not exist or you do not have access to it."
                        )
                        error = {
                            "message": message,
                            "type": "invalid_request_error",
                            "param": None,
                            "code": "model_not_found",
                        }
                        self._json(404, {"error": error})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self._authorized():
                    return
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                try:
                    body = json.loads(raw)
                    assert isinstance(body.get("messages"), list) and body.get("model")
                except (ValueError, AssertionError):
                    self._json(400, {"error": {"message": "invalid request body"}})
                    return
                step = stub._next(body)
                if not body.get("stream"):
                    self._json(200, _completion(body, step))
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                for chunk in _chunks(body, step):
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler


class Replay:
    """A responder that plays `steps` from the start in every conversation.

    The conversation is the request's own message history: the steps already answered are
    the script's replies and tool calls found, in order, among its assistant messages
    (anything else there, such as a greeting or a knowledge frame, is skipped). So two
    conversations never take each other's steps, and a retried request gets the same step.
    """

    def __init__(self, steps: Sequence[StubStep], *, default_reply: str = "D'accord.") -> None:
        self.steps = list(steps)
        self.default_reply = default_reply

    def __call__(self, body: dict[str, Any]) -> StubStep:
        done = 0
        for message in body.get("messages") or []:
            if not isinstance(message, dict) or message.get("role") != "assistant":
                continue
            for produced in _produced(message):
                if done < len(self.steps) and _same_step(self.steps[done], produced):
                    done += 1
        return self.steps[done] if done < len(self.steps) else self.default_reply


def _produced(message: dict[str, Any]) -> list[str | list[str]]:
    """What an assistant message holds: its text (spaces folded), then its tool names."""
    content = message.get("content")
    if isinstance(content, list):
        content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    out: list[str | list[str]] = []
    if isinstance(content, str) and content.strip():
        out.append(" ".join(content.split()))
    calls = message.get("tool_calls") or []
    names = [str((c.get("function") or {}).get("name")) for c in calls if isinstance(c, dict)]
    if names:
        out.append(names)
    return out


def _same_step(step: StubStep, produced: str | list[str]) -> bool:
    if isinstance(step, str):
        return produced == " ".join(step.split())
    calls = [step] if isinstance(step, dict) else step
    return produced == [c["tool"] for c in calls]


def _model(ident: str) -> dict[str, Any]:
    return {"id": ident, "object": "model", "created": 1715367049, "owned_by": "system"}


def _tool_calls(step: StubStep) -> list[dict[str, Any]]:
    calls = [step] if isinstance(step, dict) else list(step) if isinstance(step, list) else []
    return [
        {
            "index": i,
            "id": f"call_{int(time.time() * 1000)}_{i}",
            "type": "function",
            "function": {
                "name": c["tool"],
                "arguments": json.dumps(c.get("arguments", {}), ensure_ascii=False),
            },
        }
        for i, c in enumerate(calls)
    ]


def _base(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "gpt-4o-mini"),
    }


def _chunks(body: dict[str, Any], step: StubStep) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    first = {"role": "assistant", "content": ""}
    out.append({**_base(body), "choices": [{"index": 0, "delta": first, "finish_reason": None}]})
    if isinstance(step, str):
        words = step.split(" ")
        for i in range(0, len(words), 3):
            piece = " ".join(words[i : i + 3]) + (" " if i + 3 < len(words) else "")
            delta = {"content": piece}
            out.append(
                {**_base(body), "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            )
        finish = "stop"
    else:
        for call in _tool_calls(step):
            delta = {"tool_calls": [call]}
            out.append(
                {**_base(body), "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            )
        finish = "tool_calls"
    out.append({**_base(body), "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    usage = {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}
    out.append({**_base(body), "choices": [], "usage": usage})
    return out


def _completion(body: dict[str, Any], step: StubStep) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant"}
    if isinstance(step, str):
        message["content"] = step
        finish = "stop"
    else:
        message["content"] = None
        message["tool_calls"] = [
            {k: v for k, v in c.items() if k != "index"} for c in _tool_calls(step)
        ]
        finish = "tool_calls"
    return {
        **_base(body),
        "object": "chat.completion",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
    }


DEMO_SCRIPT: list[StubStep] = [
    "Oui, le samedi le salon est ouvert de 9h à 18h.",
    {"tool": "find_slots", "arguments": {"service": "coupe homme", "day": "samedi"}},
    "Samedi, j'ai trois créneaux. Lequel vous convient ?",
    {
        "tool": "book_appointment",
        "arguments": {"slot_number": 1, "customer_name": "Paul Martin", "confirmed": True},
    },
    "C'est noté, vous allez recevoir un SMS de confirmation. Autre chose ?",
]


# The call booking « avec Chloé » (`--script chloe`): the stylist asked for, her slots,
# the recap and the booking with her.
CHLOE_SCRIPT: list[StubStep] = [
    {
        "tool": "find_slots",
        "arguments": {"service": "coupe femme cheveux courts", "day": "samedi", "stylist": "Chloé"},
    },
    "Samedi, Chloé a trois créneaux. Lequel vous convient ?",
    {
        "tool": "book_appointment",
        "arguments": {"slot_number": 1, "customer_name": "Emma Laurent", "confirmed": False},
    },
    "Je récapitule : coupe et brushing cheveux courts avec Chloé, 48 euros, au nom d'Emma "
    "Laurent. Je confirme ?",
    {
        "tool": "book_appointment",
        "arguments": {"slot_number": 1, "customer_name": "Emma Laurent", "confirmed": True},
    },
    "C'est réservé avec Chloé, vous allez recevoir un SMS de confirmation. Autre chose ?",
]
DEMO_SCRIPTS = {"coupe": DEMO_SCRIPT, "chloe": CHLOE_SCRIPT}


class ShowToolResults:
    """Wraps a responder: prints each tool result a request carries (once per tool call
    id) before answering, so the demo shows what the real calendar answered."""

    def __init__(self, responder: StubResponder, out: Any = None) -> None:
        self.responder = responder
        self.out = out
        self.shown: set[str] = set()

    def __call__(self, body: dict[str, Any]) -> StubStep:
        import sys

        for message in body.get("messages") or []:
            if not isinstance(message, dict) or message.get("role") != "tool":
                continue
            ident = str(message.get("tool_call_id"))
            if ident not in self.shown:
                self.shown.add(ident)
                text = " ".join(str(message.get("content") or "").split())
                print(f"outil: {text}", file=self.out or sys.stdout, flush=True)
        return self.responder(body)


def main(argv: list[str] | None = None) -> int:
    """Serve the stub on a fixed port for trying `scripts/chat` without a key."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m tests.stubs.openai",
        description="A local OpenAI-compatible server answering a scripted booking call.",
    )
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument(
        "--script",
        choices=sorted(DEMO_SCRIPTS),
        default="coupe",
        help="the call it plays: a men's cut (coupe) or a cut « avec Chloé » (chloe)",
    )
    parser.add_argument(
        "--show-tool-results",
        action="store_true",
        help="print each tool result the agent sends back (outil: …)",
    )
    args = parser.parse_args(argv)
    responder: StubResponder = Replay(DEMO_SCRIPTS[args.script])  # each chat: the whole call
    if args.show_tool_results:
        responder = ShowToolResults(responder)
    stub = OpenAIStub(responder, port=args.port)
    print(f"OPENAI_BASE_URL={stub.base_url} OPENAI_API_KEY={stub.api_key}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        stub._server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
