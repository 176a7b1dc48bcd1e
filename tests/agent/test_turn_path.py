"""Integration tier: scripted speech through the REAL LiveKit voice turn path.

Caller lines enter through the receptionist's `stt_node` as speech events, so each turn
goes through end-of-turn detection, `on_user_turn_completed` and the LLM node, like a
phone call; a scripted LLM records what the agent sends.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.sim import ScriptedLLM
from tests.agent.harness import FakeKB, make_call_context, start_text_call

MODES = ["llm_node", "hook"]


@pytest.mark.parametrize("mode", MODES)
async def test_passages_reach_the_llm_for_a_question_and_are_not_kept_in_history(
    mode: str,
) -> None:
    kb = FakeKB()
    call, agent, model = await start_text_call(
        ["Une coupe femme coûte 54 euros.", "Je vous en prie."], kb=kb, mode=mode
    )
    try:
        first = await call.send("Combien coûte une coupe femme ?")
        second = await call.send("Et pour un homme, c'est combien ?")
    finally:
        await call.aclose()
    assert first.replies == ["Une coupe femme coûte 54 euros."]
    assert second.replies == ["Je vous en prie."]
    sent_first = model.requests[0].messages()
    assert sent_first[-2] == ("user", "Combien coûte une coupe femme ?")
    assert sent_first[-1][0] == "assistant" and "Coupe femme : 54 €." in sent_first[-1][1]
    # the second request holds this turn's passages only: the first turn's are gone
    sent_second = model.requests[-1].messages()
    assert sum("Coupe femme : 54 €." in text for _, text in sent_second) == 1
    assert sent_second[-1][0] == "assistant" and sent_second[-2][0] == "user"
    history = [m.text_content or "" for m in call.session.history.messages()]
    assert not any("Coupe femme : 54 €." in text for text in history)


@pytest.mark.parametrize("mode", MODES)
async def test_a_failing_retriever_still_yields_an_answer(mode: str) -> None:
    kb = FakeKB(error=RuntimeError("index corrupted"))
    call, agent, model = await start_text_call(["Je vérifie pour vous."], kb=kb, mode=mode)
    try:
        turn = await call.send("Quels sont vos horaires le samedi ?")
    finally:
        await call.aclose()
    assert turn.replies == ["Je vérifie pour vous."]
    assert agent.retriever.failures == 1
    assert model.requests[0].messages()[-1] == ("user", "Quels sont vos horaires le samedi ?")


@pytest.mark.parametrize("mode", MODES)
async def test_a_slow_retriever_is_cut_at_its_budget_and_the_caller_still_gets_an_answer(
    mode: str,
) -> None:
    kb = FakeKB(delay=0.5)
    call, agent, model = await start_text_call(
        ["Le salon est ouvert de 9h à 18h."], kb=kb, mode=mode, budget_ms=30
    )
    try:
        turn = await call.send("Vous êtes ouverts samedi ?")
    finally:
        await call.aclose()
    assert turn.replies == ["Le salon est ouvert de 9h à 18h."]
    assert agent.retriever.timeouts == 1
    assert all("Coupe femme" not in text for _, text in model.requests[0].messages())


async def test_a_new_index_version_is_picked_up_without_restart() -> None:
    kb = FakeKB(answers={1: "Coupe femme : 54 €.", 2: "Coupe femme : 58 €."})
    call, agent, model = await start_text_call(["54 euros.", "58 euros."], kb=kb)
    try:
        await call.send("Combien coûte une coupe femme ?")
        kb.published = 2  # scripts/reindex wrote a new version
        await call.send("Vous pouvez me redire le prix de la coupe femme ?")
    finally:
        await call.aclose()
    assert "54 €" in model.requests[0].messages()[-1][1]
    assert "58 €" in model.requests[1].messages()[-1][1]


async def test_acknowledgements_are_not_searched() -> None:
    kb = FakeKB()
    call, agent, model = await start_text_call(["Bonne journée !"], kb=kb)
    try:
        await call.send("Merci beaucoup.")
    finally:
        await call.aclose()
    assert kb.searches == []


async def test_an_unanswerable_question_is_recorded_as_a_knowledge_gap(tmp_path: Path) -> None:
    kb = FakeKB(answerable=False)
    ctx = make_call_context(tmp_path)
    call, agent, model = await start_text_call(
        ["Je ne sais pas, je peux prendre un message."], kb=kb, call=ctx
    )
    try:
        await call.send("Est-ce que vous faites des extensions de cils ?")
    finally:
        await call.aclose()
    assert ctx.knowledge_gaps == ["Est-ce que vous faites des extensions de cils ?"]
    assert ctx.intent == "question"


@pytest.mark.parametrize("mode", MODES)
async def test_a_broken_passage_framing_never_drops_the_turn(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent import knowledge

    def broken(result: object) -> str:
        raise RuntimeError("bad passage")

    monkeypatch.setattr(knowledge, "format_reference", broken)
    call, agent, model = await start_text_call(
        ["Je vous réponds tout de suite."], kb=FakeKB(), mode=mode
    )
    try:
        turn = await call.send("Combien coûte une coupe femme ?")
    finally:
        await call.aclose()
    assert turn.replies == ["Je vous réponds tout de suite."]
    assert model.requests[0].messages()[-1] == ("user", "Combien coûte une coupe femme ?")


async def test_when_the_language_model_is_down_the_caller_hears_an_apology(tmp_path: Path) -> None:
    from livekit.agents import APIStatusError

    from agent import calls

    ctx = make_call_context(tmp_path)
    model = ScriptedLLM(
        [], fail_with=APIStatusError("quota exceeded", status_code=429, retryable=False)
    )
    call, agent, _ = await start_text_call(model, call=ctx)
    calls.watch_session(ctx, call.session)
    try:
        turn = await call.send("Bonjour, vous êtes ouverts demain ?")
    finally:
        await call.aclose()
    assert turn.replies == [calls.LLM_DOWN + calls.LLM_DOWN_CALL_BACK]


async def test_a_slow_model_reply_still_belongs_to_its_turn() -> None:
    model = ScriptedLLM(["Je regarde cela.", "Autre chose ?"], ttft=0.3)
    call, agent, _ = await start_text_call(model, kb=FakeKB())
    try:
        first = await call.send("Combien coûte une coupe femme ?")
        second = await call.send("Et un brushing ?")
    finally:
        await call.aclose()
    assert (first.replies, second.replies) == (["Je regarde cela."], ["Autre chose ?"])
