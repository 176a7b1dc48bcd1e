"""Unit tier: the receptionist's tools as the owner reads them after a call.

`records.report.ACTIONS_FR` is the one table of French words for the tools the agent
noted (`CallContext.used_tool`); the transcript e-mail and the console's call page both
read it. Every tool the agent has gets a label, so a new tool cannot reach the owner as
an English function name; a name the table does not know (an old record) stays as is.
"""

from __future__ import annotations

from datetime import UTC, datetime

from livekit.agents.llm import FunctionTool

from agent.tools import ALL_TOOLS
from records.report import ACTIONS_FR, actions_words, transcript_email
from records.types import CallRecord
from salon.profile import load_profile


def test_every_tool_the_agent_has_has_a_french_label() -> None:
    assert all(isinstance(tool, FunctionTool) for tool in ALL_TOOLS)
    names = {tool.info.name for tool in ALL_TOOLS if isinstance(tool, FunctionTool)}
    assert names - ACTIONS_FR.keys() == set()
    assert not any("_" in label for label in ACTIONS_FR.values())


def test_actions_are_french_once_each_in_order_unknown_names_kept() -> None:
    used = ["find_slots", "book_appointment", "find_slots", "old_tool"]
    assert actions_words(used) == ["recherche de créneaux", "prise de rendez-vous", "old_tool"]


def test_the_transcript_email_names_the_actions_in_french() -> None:
    record = CallRecord(
        call_sid="CA-1",
        started_at=datetime(2026, 12, 1, 13, 30, tzinfo=UTC),
        outcome="message",
        tools_used=["find_slots", "transfer_to_human", "take_message", "end_call"],
    )
    _, body = transcript_email(record, load_profile())
    assert (
        "Actions de l'assistante : recherche de créneaux, transfert vers le salon, "
        "prise de message, fin de l'appel\n" in body
    )
    assert "find_slots" not in body and "take_message" not in body
