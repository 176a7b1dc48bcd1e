"""Integration tier (real SQLite): `python -m records forget` says each count with its
words agreeing in number (« 1 message … supprimé », « 2 messages … supprimés »), as the
console's « Effacer un numéro » page does with the same words."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from records.__main__ import main as records_main
from records.forget_cli import WORDS, done_words
from records.store import CallRecords

ALICE = "+33612345678"
BOB = "+33698765432"
NOW = datetime.now(UTC)


def _forget(db: Path, phone: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert records_main(["forget", phone, "--salon-db", str(db)]) == 0
    return capsys.readouterr().out.splitlines()


def test_one_message_is_said_in_the_singular_and_two_in_the_plural(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "salon.db"
    records = CallRecords(path=db)
    records.add_text_message(channel="sms", phone=ALICE, text="Je serai en retard", at=NOW)
    records.add_text_message(channel="sms", phone=BOB, text="Ma sœur : 06 12 34 56 78", at=NOW)
    for n in range(2):
        records.add_text_message(channel="sms", phone=BOB, text=f"Bonjour {n}", at=NOW)
    records.conn.close()
    alice = _forget(db, "06 12 34 56 78", capsys)
    assert "      1  message de ce numéro pour le salon supprimé" in alice, alice
    assert (
        "      1  message d'une autre personne citant ce numéro "
        "(numéro remplacé par « [numéro effacé] »)"
    ) in alice, alice
    bob = _forget(db, BOB, capsys)
    assert "      3  messages de ce numéro pour le salon supprimés" in bob, bob


@pytest.mark.parametrize("kind", sorted(WORDS))
def test_every_count_has_a_singular_and_a_plural(kind: str) -> None:
    one, two = done_words(kind, 1), done_words(kind, 2)
    assert one != two and "(s)" not in one + two
    assert done_words(kind, 0) == one  # « 0 message », as French says it
