"""`scripts/bench agent`: the agent's own cost per turn, hook vs LLM node, memory, concurrency.

Prints one JSON object. Every number is measured on the REAL LiveKit turn path (scripted
speech through `stt_node`, end of turn, `on_user_turn_completed`, the LLM node) with a
scripted LLM, so what is measured is the agent's overhead, not a cloud model's.

- `overhead`: end of the caller's speech -> first reply text handed on (LiveKit's own
  `e2e_latency`), retrieval included, instant LLM; p50/p95 in ms per RAG design.
- `overhead_with_preflight`: the same, but the STT gives a preflight transcript before
  the end of turn, as a streaming STT does while the endpointer waits.
- `retrieval_alone`: the knowledge-base search by itself (same questions), for scale.
- `realistic`: the same with an LLM answering after `--llm-ttft` and a streaming STT that
  gives its preflight transcript `--preflight` seconds before the end of turn (what lets
  LiveKit's preemptive generation work); shows which design answers sooner.
  `hook_with_preemptive_on` keeps LiveKit's default: the hook edits the turn, so the
  early generation is thrown away and the LLM is asked twice (livekit/agents#4881).
- `rss_mb_after_prewarm`: resident memory of a fresh process after `prewarm`.
- `concurrency`: N simultaneous calls in one process (question, slots, booking) on the
  embedded calendar; errors and timeouts counted.

It runs isolated (`tests.fixtures.isolation`): the fixture salon (`tests/fixtures/salon/`),
a temporary state database (its bookings and queued SMS vanish with it), no outside
service; without `--db` the knowledge base is a temporary index of the fixture salon,
built first. Nothing in the checkout's `data/` or `sources/` is read or written.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from agent import persona
from agent.receptionist import Receptionist
from agent.retrieval import BudgetedRetriever, KnowledgeBase, RagOptions, open_knowledge_base
from agent.session import build_text_session
from agent.sim import CallerInput, ScriptedLLM, ToolCall
from agent.textcall import TextCall
from kb.types import Passage, SearchResult
from salon.measure import percentile
from salon.profile import load_profile

QUESTIONS = [
    "Combien coûte une coupe femme ?",
    "Vous êtes ouverts le samedi ?",
    "C'est quoi votre adresse ?",
    "Vous faites les balayages ?",
    "Quel est le prix d'une couleur ?",
    "Est-ce qu'on peut payer par carte ?",
    "Il y a un parking à côté ?",
    "Vous fermez à quelle heure le jeudi ?",
    "Combien de temps dure un brushing ?",
    "Vous faites les coupes pour enfants ?",
]


class _InstantKB:
    def search(self, query: str, k: int = 4) -> SearchResult:
        passage = Passage(text="Coupe femme : 54 €.", source="tarifs.pdf", score=0.9)
        return SearchResult(query=query, passages=[passage], answerable=True, confidence=0.9)

    def reload_if_changed(self) -> bool:
        return False


async def _turns(
    *,
    mode: str,
    kb: KnowledgeBase,
    turns: int,
    llm_ttft: float,
    preflight: float,
    preemptive: bool | None = None,
) -> dict[str, Any]:
    profile = load_profile()
    model = ScriptedLLM(lambda ctx, tools: "Bien sûr, je vous explique.", ttft=llm_ttft)
    caller = CallerInput()
    options = RagOptions(mode=mode, budget_ms=150, preemptive=preemptive)
    retriever = BudgetedRetriever(kb, options=options)
    agent = Receptionist(
        instructions=persona.build_instructions(profile), retriever=retriever, caller_input=caller
    )
    session = build_text_session(model=model, call=None, preemptive=options.preemptive_generation)
    await session.start(agent)
    call = TextCall(session=session, caller_input=caller)
    e2e: list[float] = []
    try:
        await call.send("Bonjour.")  # warm-up turn
        requests_before = len(model.requests)
        for i in range(turns):
            question = QUESTIONS[i % len(QUESTIONS)] + ("" if i < len(QUESTIONS) else f" ({i})")
            turn = await call.send(question, preflight_lead=preflight, timeout=30)
            values = [m["e2e_latency"] for m in turn.metrics if "e2e_latency" in m]
            if values:
                e2e.append(values[0] * 1000)
        llm_calls = len(model.requests) - requests_before
    finally:
        await call.aclose()
    return {
        "turns": len(e2e),
        "p50_ms": round(percentile(e2e, 0.5), 1),
        "p95_ms": round(percentile(e2e, 0.95), 1),
        "mean_ms": round(statistics.fmean(e2e), 1) if e2e else None,
        "llm_requests_per_turn": round(llm_calls / max(1, turns), 2),
        "retrieval_timeouts": retriever.timeouts,
        "retrieval_failures": retriever.failures,
    }


async def _one_call(index: int, db_dir: Path, kb: KnowledgeBase | None) -> dict[str, Any]:
    from agent import calls
    from agent.receptionist import build_receptionist
    from salon import state_db

    profile = load_profile()
    conn = state_db.connect(db_dir / "salon.db")
    call_ctx = calls.open_call(
        profile=profile, conn=conn, caller=f"+3361234{index:04d}", call_sid=f"CAbench{index}"
    )
    model = ScriptedLLM(
        [
            "Une coupe homme coûte 29 euros.",
            ToolCall("find_slots", {"service": "coupe homme", "earliest": True}),
            "J'ai trois créneaux, lequel vous convient ?",
            ToolCall(
                "book_appointment",
                {
                    "slot_number": 1 + index % 3,
                    "customer_name": f"Client {index}",
                    "confirmed": True,
                },
            ),
            "C'est réservé.",
        ]
    )
    caller = CallerInput()
    retriever = BudgetedRetriever(kb, options=RagOptions())
    agent = build_receptionist(call=call_ctx, retriever=retriever, caller_input=caller)
    session = build_text_session(model=model, call=call_ctx)
    await session.start(agent)
    text_call = TextCall(session=session, caller_input=caller)
    errors = 0
    try:
        await text_call.greet(calls.greeting_for(call_ctx))
        for line in (
            "Combien coûte une coupe homme ?",
            "Je voudrais un rendez-vous pour une coupe homme au plus tôt",
            f"Le premier, au nom de Client {index}, je confirme",
        ):
            await text_call.send(line, timeout=30)
    except Exception:
        errors += 1
    finally:
        await text_call.aclose()
        await calls.finish_call(call_ctx, session=session)
    return {"errors": errors, "outcome": call_ctx.outcome}


async def _concurrency(calls_n: int, kb: KnowledgeBase | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        results = await asyncio.gather(
            *(_one_call(i, Path(tmp), kb) for i in range(calls_n)), return_exceptions=True
        )
        elapsed = time.perf_counter() - started
    crashed = sum(isinstance(r, BaseException) for r in results)
    ok = [r for r in results if isinstance(r, dict)]
    return {
        "calls": calls_n,
        "errors": crashed + sum(r["errors"] for r in ok),
        "booked": sum(r["outcome"] == "booked" for r in ok),
        "wall_s": round(elapsed, 2),
    }


def _retrieval_alone(kb: KnowledgeBase, turns: int) -> dict[str, float]:
    timings = []
    for i in range(turns):
        started = time.perf_counter()
        kb.search(f"{QUESTIONS[i % len(QUESTIONS)]} {i}", 4)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
    }


def _rss_after_prewarm(db: str | None) -> float | None:
    code = (
        "import types, agent.worker as w; p = types.SimpleNamespace(userdata={}); "
        "w.prewarm(p); "
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmRSS')][0])"
    )
    try:
        env = dict(os.environ, **({"KB_DB": str(Path(db).resolve())} if db else {}))
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            env=env,
        )
        return round(int(done.stdout.strip().splitlines()[-1]) / 1024, 1)
    except (subprocess.SubprocessError, ValueError, IndexError, OSError):
        return None


async def run(args: argparse.Namespace) -> dict[str, Any]:
    # No question-vector cache: every design must pay for its own embedding, otherwise
    # the design measured second finds the first one's questions already embedded.
    kb: KnowledgeBase | None = open_knowledge_base(args.db, query_cache=0, wait_for_index=False)
    kb_used = "index" if kb is not None else "instant-fake"
    kb_for_turns: KnowledgeBase = kb if kb is not None else _InstantKB()
    out: dict[str, Any] = {"knowledge_base": kb_used, "target_p95_ms": 30}
    out["overhead"] = {
        mode: await _turns(
            mode=mode, kb=kb_for_turns, turns=args.turns, llm_ttft=0.0, preflight=0.0
        )
        for mode in ("llm_node", "hook")
    }
    out["overhead_with_preflight"] = {
        "preflight_lead_ms": args.preflight * 1000,
        **{
            mode: await _turns(
                mode=mode,
                kb=kb_for_turns,
                turns=max(5, args.turns // 3),
                llm_ttft=0.0,
                preflight=args.preflight,
            )
            for mode in ("llm_node", "hook")
        },
    }
    out["retrieval_alone"] = _retrieval_alone(kb_for_turns, args.turns)
    out["realistic"] = {
        "llm_ttft_ms": args.llm_ttft * 1000,
        "preflight_lead_ms": args.preflight * 1000,
        **{
            mode: await _turns(
                mode=mode,
                kb=kb_for_turns,
                turns=max(5, args.turns // 4),
                llm_ttft=args.llm_ttft,
                preflight=args.preflight,
            )
            for mode in ("llm_node", "hook")
        },
        "hook_with_preemptive_on": await _turns(
            mode="hook",
            kb=kb_for_turns,
            turns=max(5, args.turns // 4),
            llm_ttft=args.llm_ttft,
            preflight=args.preflight,
            preemptive=True,
        ),
    }
    out["concurrency"] = await _concurrency(args.calls, kb)
    out["rss_mb_after_prewarm"] = _rss_after_prewarm(args.db)
    out["rss_target_mb"] = 500
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench agent", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db", help="knowledge-base directory (default: a temporary index of the fixture salon)"
    )
    parser.add_argument("--turns", type=int, default=60, help="measured turns per design")
    parser.add_argument("--llm-ttft", type=float, default=0.35, help="simulated LLM TTFT (s)")
    parser.add_argument("--preflight", type=float, default=0.3, help="preflight lead (s)")
    parser.add_argument("--calls", type=int, default=10, help="concurrent simulated calls")
    args = parser.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.ERROR)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from tests.fixtures.isolation import FIXTURE_SALON, isolated_state

    with isolated_state(prefix="agent-bench-") as state:
        if args.db is None:
            from kb.indexer import reindex

            args.db = str(state / "kb")
            reindex(sources=FIXTURE_SALON, db_dir=Path(args.db))
        result = asyncio.run(run(args))
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
