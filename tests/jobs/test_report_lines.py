"""Integration tier: the lines `scripts/jobs --once` prints, pass after pass, against the
Twilio stub — transcripts kept while SMTP is not set up are said once, on the pass that
kept them, not as the same « 2 gardés faute de réglages » on every pass."""

from __future__ import annotations

import pytest

from jobs.__main__ import _line
from jobs.runner import PassReport
from tests.jobs.conftest import Rig

pytestmark = pytest.mark.integration


def _outbox_line(report: PassReport) -> str:
    [result] = [r for r in report.results if r.name == "outbox"]
    return _line(result)


def _transcript(rig: Rig, n: int) -> None:
    rig.outbox.enqueue_now(channel="email", to="salon@example.fr", subject="Appel",
                           body="Compte rendu", dedupe_key=f"call{n}:transcript:email")  # fmt: skip


async def test_messages_kept_for_lack_of_settings_are_said_on_the_pass_that_kept_them(
    rig: Rig,
) -> None:
    for n in range(2):  # two calls ended; SMTP is not configured
        _transcript(rig, n)
    first = await rig.office.run_once()
    assert _outbox_line(first) == "0 envoyé, 0 en échec, 0 à réessayer, 2 gardés faute de réglages"
    for _ in range(3):
        again = await rig.office.run_once()
        assert _outbox_line(again) == "0 envoyé, 0 en échec, 0 à réessayer"
        assert again.as_dict()["outbox"]["not_sent"] == 2  # still there, for programs
    _transcript(rig, 2)  # another call
    later = await rig.office.run_once()
    assert _outbox_line(later) == "0 envoyé, 0 en échec, 0 à réessayer, 1 gardé faute de réglages"
    assert later.as_dict()["outbox"]["held"] == 1
