"""Integration tier: `scripts/chat` as a subprocess against the local OpenAI-compatible stub.

The real OpenAI plugin streams chat completions (with tool calls) from `tests/stubs/openai.py`;
the embedded calendar and the outbox live in a temporary `SALON_DB`.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path

from tests.agent.harness import skip_when_the_salon_is_closed
from tests.stubs.openai import OpenAIStub

ROOT = Path(__file__).resolve().parents[2]


def _run_chat(
    stub: OpenAIStub, tmp_path: Path, lines: str, *args: str
) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        OPENAI_BASE_URL=stub.base_url,
        OPENAI_API_KEY=stub.api_key,
        SALON_DB=str(tmp_path / "salon.db"),
        KB_DB=str(tmp_path / "no-kb"),
        BOOTSTRAP_QUIET="1",
    )
    for key in ("CAL_API_KEY", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "SMTP_HOST"):
        env.pop(key, None)
    return subprocess.run(
        [str(ROOT / "scripts" / "chat"), *args],
        input=lines,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )


def test_a_whole_call_answers_books_and_queues_the_sms(tmp_path: Path) -> None:
    skip_when_the_salon_is_closed("samedi")
    script = [
        "Oui, samedi le salon est ouvert de 9h à 18h.",
        {"tool": "find_slots", "arguments": {"service": "coupe homme", "day": "samedi"}},
        "Samedi j'ai 9h, 9h15 ou 10h. Lequel vous convient ?",
        {
            "tool": "book_appointment",
            "arguments": {"slot_number": 1, "customer_name": "Paul Martin", "confirmed": True},
        },
        "C'est noté, vous allez recevoir un SMS de confirmation.",
    ]
    with OpenAIStub(script) as stub:
        done = _run_chat(
            stub,
            tmp_path,
            "Vous êtes ouverts samedi ?\nJe voudrais une coupe homme samedi\n"
            "Le premier, au nom de Paul Martin, oui je confirme\n",
            "--caller",
            "06 12 34 56 78",
        )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(line.startswith("agent: ") for line in lines)
    assert lines[0].startswith("agent: Bon") and "Maison Margaux Coiffure" in lines[0]
    assert lines[1:] == [
        "agent: Oui, samedi le salon est ouvert de 9h à 18h.",
        "agent: Samedi j'ai 9h, 9h15 ou 10h. Lequel vous convient ?",
        "agent: C'est noté, vous allez recevoir un SMS de confirmation.",
    ]
    # what the agent sent: the model, the system prompt from salon.toml, the tools
    first = stub.requests[0]
    assert first["model"] == "gpt-4o-mini" and first["stream"] is True
    system = first["messages"][0]
    assert system["role"] in ("system", "developer")
    assert "Maison Margaux Coiffure" in system["content"]
    assert "18 rue de la Charité" in system["content"]  # built from salon.toml
    tool_names = {t["function"]["name"] for t in first["tools"]}
    assert {"find_slots", "book_appointment", "transfer_to_human", "take_message"} <= tool_names
    # the tool result reached the model on the follow-up request
    assert any(
        m["role"] == "tool" and "Créneaux libres" in m["content"]
        for m in stub.requests[2]["messages"]
    )
    db = sqlite3.connect(tmp_path / "salon.db")
    bookings = db.execute("SELECT service_id, name, phone FROM local_bookings").fetchall()
    assert bookings == [("coupe-homme", "Paul Martin", "+33612345678")]
    record = db.execute("SELECT intent, outcome, caller FROM call_records").fetchall()
    assert record == [("booking", "booked", "+33612345678")]
    turns_measured = db.execute("SELECT count(*) FROM call_turn_metrics").fetchone()[0]
    assert turns_measured == 3  # one latency row per answered caller turn
    sms = db.execute(
        "SELECT recipient, status, body FROM notify_outbox WHERE channel = 'sms'"
    ).fetchall()
    assert len(sms) == 1 and sms[0][0] == "+33612345678" and sms[0][1] == "not_sent"
    assert "RDV de Paul Martin confirmé" in sms[0][2]  # the SMS names whose appointment


def test_without_an_api_key_the_chat_names_the_missing_setting(tmp_path: Path) -> None:
    with OpenAIStub([]) as stub:
        stub.api_key = ""
        env_stub = stub
        done = subprocess.run(
            [str(ROOT / "scripts" / "chat")],
            input="Bonjour\n",
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY",)}
            | {
                "OPENAI_API_KEY": "",
                "SALON_DB": str(tmp_path / "s.db"),
                "BOOTSTRAP_QUIET": "1",
                "OPENAI_BASE_URL": env_stub.base_url,
            },
            timeout=60,
            cwd=ROOT,
        )
    assert done.returncode == 1
    assert "OPENAI_API_KEY" in done.stderr
    assert done.stdout == ""


def _reindex(sources: Path, db: Path) -> None:
    subprocess.run(
        [str(ROOT / "scripts" / "reindex"), "--sources", str(sources), "--db", str(db), "--quiet"],
        check=True,
        capture_output=True,
        env=dict(os.environ, BOOTSTRAP_QUIET="1"),
        timeout=120,
        cwd=ROOT,
    )


def test_chat_answers_from_the_index_and_picks_up_a_reindex_without_restart(
    tmp_path: Path,
) -> None:
    sources, db = tmp_path / "sources", tmp_path / "kb"
    sources.mkdir()
    faq = sources / "faq.md"
    faq.write_text("# FAQ\n\n## Parking\nLe parking Bellecour est à 300 mètres du salon.\n")
    _reindex(sources, db)
    with OpenAIStub(
        ["Le parking Bellecour est à 300 mètres.", "C'est le parking Perrache."]
    ) as stub:
        env = dict(
            os.environ,
            OPENAI_BASE_URL=stub.base_url,
            OPENAI_API_KEY=stub.api_key,
            SALON_DB=str(tmp_path / "salon.db"),
            BOOTSTRAP_QUIET="1",
        )
        env.pop("CAL_API_KEY", None)
        chat = subprocess.Popen(
            [str(ROOT / "scripts" / "chat"), "--db", str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert chat.stdin is not None and chat.stdout is not None
        greeting = chat.stdout.readline()
        chat.stdin.write("Où est-ce que je peux me garer ?\n")
        chat.stdin.flush()
        first = chat.stdout.readline()
        faq.write_text("# FAQ\n\n## Parking\nLe parking Perrache est le plus proche du salon.\n")
        _reindex(sources, db)  # the owner reindexes while the call goes on
        time.sleep(2.2)  # the agent checks the index version at most every 2 s
        rest, errors = chat.communicate("Vous pouvez me redire où me garer ?\n", timeout=60)
    assert chat.returncode == 0, errors
    assert (
        greeting.startswith("agent: ")
        and first == "agent: Le parking Bellecour est à 300 mètres.\n"
    )
    assert rest == "agent: C'est le parking Perrache.\n"
    first_request = stub.requests[0]["messages"]
    assert "Bellecour" in first_request[-1]["content"] and first_request[-2]["role"] == "user"
    second_request = stub.requests[1]["messages"]
    assert "Perrache" in second_request[-1]["content"]
    # the first turn's passages were for that turn only
    assert not any("300 mètres du salon" in str(m.get("content")) for m in second_request)
