"""Eval tier: a real LLM answers as the receptionist, a real LLM judges tone and grounding.

Skipped without OPENAI_API_KEY (and never run against the local stub). Uses LiveKit's
`RunResult` judge on the text path, with this turn's passages given by a fixed knowledge
base so groundedness can be judged.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.config import AgentSettings
from agent.session import cloud_llm
from kb.types import Passage, SearchResult
from tests.agent.harness import make_call_context

pytestmark = pytest.mark.eval

if not os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL", "").startswith(
    "http://127.0.0.1"
):
    pytest.skip("evals need a real OPENAI_API_KEY", allow_module_level=True)


class PriceKB:
    def search(self, query: str, k: int = 4) -> SearchResult:
        passage = Passage(
            text="Coupe femme, cheveux courts — 45 min — 54 €", source="tarifs.pdf", score=0.9
        )
        return SearchResult(query=query, passages=[passage], answerable=True, confidence=0.9)

    def reload_if_changed(self) -> bool:
        return False


async def test_a_price_question_gets_a_short_warm_grounded_answer(tmp_path: Path) -> None:
    from livekit.agents import AgentSession

    from agent.receptionist import build_receptionist
    from agent.retrieval import BudgetedRetriever, RagOptions

    call = make_call_context(tmp_path, caller="+33612345678")
    model = cloud_llm(AgentSettings.from_env())
    judge = cloud_llm(AgentSettings.from_env())
    agent = build_receptionist(
        call=call, retriever=BudgetedRetriever(PriceKB(), options=RagOptions(mode="llm_node"))
    )
    async with AgentSession(llm=model, userdata=call) as session:
        await session.start(agent)
        result = await session.run(
            user_input="Bonjour, c'est combien une coupe femme cheveux courts ?"
        )
        await (
            result.expect.next_event()
            .is_message(role="assistant")
            .judge(
                judge,
                intent=(
                    "Answers in French, politely and briefly, that a short-hair women's cut "
                    "costs 54 euros, without inventing other prices."
                ),
            )
        )


class EmptyKB:
    def search(self, query: str, k: int = 4) -> SearchResult:
        return SearchResult(query=query, passages=[], answerable=False, confidence=0.05)

    def reload_if_changed(self) -> bool:
        return False


async def test_a_question_the_documents_do_not_answer_is_not_made_up(tmp_path: Path) -> None:
    from livekit.agents import AgentSession

    from agent.receptionist import build_receptionist
    from agent.retrieval import BudgetedRetriever, RagOptions

    call = make_call_context(tmp_path, caller="+33612345678")
    agent = build_receptionist(
        call=call, retriever=BudgetedRetriever(EmptyKB(), options=RagOptions(mode="llm_node"))
    )
    async with AgentSession(llm=cloud_llm(AgentSettings.from_env()), userdata=call) as session:
        await session.start(agent)
        result = await session.run(user_input="Vous faites les extensions de cils ?")
        await (
            result.expect.next_event()
            .is_message(role="assistant")
            .judge(
                cloud_llm(AgentSettings.from_env()),
                intent=(
                    "Says in French, warmly, that it does not have this information, without "
                    "claiming the salon does or does not offer eyelash extensions, and offers "
                    "to take a message or to pass the call to the salon."
                ),
            )
        )
