"""Integration tier: the README's chat demo, and the stub's replay of its demo call.

The bundled OpenAI-compatible stub (`python -m tests.stubs.openai`) plays its scripted
booking call again for every conversation, and `scripts/chat --demo` runs it on the
fixture salon and throwaway state, so the demo can be run any number of times and leaves
nothing behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.agent.harness import skip_when_the_salon_is_closed
from tests.stubs.openai import CHLOE_SCRIPT, DEMO_SCRIPT, OpenAIStub, Replay, ShowToolResults

ROOT = Path(__file__).resolve().parents[2]
README_INPUT = (
    "Vous êtes ouverts samedi ?\nJe voudrais une coupe homme samedi\n"
    "Le premier, au nom de Paul Martin, je confirme\n"
)
CHLOE_INPUT = (
    "Je voudrais une coupe femme cheveux courts avec Chloé samedi\n"
    "Le premier, au nom d'Emma Laurent\nOui, je confirme\n"
)
GREETING = {"role": "assistant", "content": "Bonjour, Maison Margaux Coiffure, que puis-je ?"}
FRAME = {"role": "assistant", "content": "Note interne pour ce tour seulement : extraits…"}


def _ask(stub: OpenAIStub, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """One non-streamed chat completion; returns the assistant message."""
    request = urllib.request.Request(
        stub.base_url + "/chat/completions",
        data=json.dumps({"model": "gpt-4o-mini", "messages": messages}).encode(),
        headers={"Authorization": f"Bearer {stub.api_key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as reply:
        return json.load(reply)["choices"][0]["message"]


def _said(message: dict[str, Any]) -> str | list[str]:
    if message.get("tool_calls"):
        return [c["function"]["name"] for c in message["tool_calls"]]
    return str(message["content"])


def test_each_conversation_gets_the_demo_script_from_its_first_step() -> None:
    with OpenAIStub(Replay(DEMO_SCRIPT)) as stub:
        first = [{"role": "system", "content": "…"}, GREETING, {"role": "user", "content": "Q1"}]
        a1 = _ask(stub, [*first, FRAME])  # a knowledge frame after the question is skipped
        assert _said(a1) == DEMO_SCRIPT[0]
        a = [*first, a1, {"role": "user", "content": "Je voudrais une coupe homme"}]
        a2 = _ask(stub, a)
        assert _said(a2) == ["find_slots"]
        other = _ask(stub, first)  # another conversation starts over
        assert _said(other) == DEMO_SCRIPT[0]
        a += [a2, {"role": "tool", "tool_call_id": a2["tool_calls"][0]["id"], "content": "…"}]
        assert _said(_ask(stub, a)) == DEMO_SCRIPT[2]
        assert _said(_ask(stub, a)) == DEMO_SCRIPT[2]  # a retried request: the same step
        done = [*a, {"role": "assistant", "content": str(DEMO_SCRIPT[2])}]
        done += [{"role": "assistant", "tool_calls": [_call("book_appointment")]}]
        done += [{"role": "assistant", "content": str(DEMO_SCRIPT[4])}]
        assert _said(_ask(stub, done)) == stub.default_reply == "D'accord."


def _call(name: str) -> dict[str, Any]:
    return {"id": "call_1", "type": "function", "function": {"name": name, "arguments": "{}"}}


@pytest.fixture
def demo_server() -> Iterator[str]:
    """`python -m tests.stubs.openai` as the README starts it (on a free port)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.stubs.openai", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline().split()
        yield dict(item.split("=", 1) for item in first)["OPENAI_BASE_URL"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def _demo(lines: str, url: str, key: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """The README's `scripts/chat --demo` with `lines` as the caller's turns, its
    throwaway state under `tmp`."""
    env = dict(
        os.environ, OPENAI_BASE_URL=url, OPENAI_API_KEY=key, BOOTSTRAP_QUIET="1", TMPDIR=str(tmp)
    )
    return subprocess.run(
        [str(ROOT / "scripts" / "chat"), "--demo", "--caller", "06 12 34 56 78"],
        input=lines,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )


def test_the_readme_chat_demo_can_be_run_twice_and_leaves_no_state(
    demo_server: str, tmp_path: Path
) -> None:
    outputs = []
    for _ in range(2):
        done = _demo(README_INPUT, demo_server, "sk-test-stub", tmp_path)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.splitlines())
    assert outputs[0] == outputs[1]
    assert "Maison Margaux Coiffure" in outputs[0][0]  # the fixture salon greets
    assert outputs[0][1:] == [f"agent: {DEMO_SCRIPT[i]}" for i in (0, 2, 4)]
    assert list(tmp_path.iterdir()) == []  # the demo's state folder is gone


def test_the_readme_chloe_demo_books_with_chloe_and_shows_the_real_tool_results(
    tmp_path: Path,
) -> None:
    """`--script chloe --show-tool-results`: the replies are the script's; the slots, the
    recap and the booking printed as `outil:` are what the calendar really answered."""
    import io

    skip_when_the_salon_is_closed("samedi")

    shown = io.StringIO()
    with OpenAIStub(ShowToolResults(Replay(CHLOE_SCRIPT), out=shown)) as stub:
        done = _demo(CHLOE_INPUT, stub.base_url, stub.api_key, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [f"agent: {CHLOE_SCRIPT[i]}" for i in (1, 3, 5)]
    results = shown.getvalue().splitlines()
    assert len(results) == 3, results
    assert results[0].startswith("outil: Créneaux libres pour Coupe et brushing femme, cheveux")
    assert results[0].count("avec Chloé") == 3
    assert results[2].startswith("outil: Rendez-vous confirmé : Coupe et brushing femme")
    assert "avec Chloé. Un SMS de confirmation est envoyé." in results[2]
    assert list(tmp_path.iterdir()) == []
