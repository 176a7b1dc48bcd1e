"""Unit tier: `scripts/jobs`' retention line says each count with words agreeing in
number (« 1 appel, 1 message sortant », « 2 appels »), never « 1 appels »."""

from __future__ import annotations

import pytest

from records.retention import RETENTION_WORDS, retention_words


def test_one_is_said_in_the_singular_and_two_in_the_plural() -> None:
    assert retention_words({"call_records": 1, "outbox": 1}) == "1 appel, 1 message sortant"
    assert retention_words({"call_records": 2, "outbox": 12}) == "2 appels, 12 messages sortants"
    assert retention_words({"webhook_calls": 1}) == "1 entrée du journal d'appels"
    assert retention_words({}) == "rien à effacer"


@pytest.mark.parametrize("kind", sorted(RETENTION_WORDS))
def test_every_count_reads_as_french(kind: str) -> None:
    one, two = retention_words({kind: 1}), retention_words({kind: 2})
    assert one.startswith("1 ") and two.startswith("2 ") and "(s)" not in one + two
    assert retention_words({kind: 0}) == "0 " + one.removeprefix("1 ")
