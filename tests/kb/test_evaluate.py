"""Unit tests: the gold question format and hit matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.evaluate import GoldFileError, GoldQuestion, is_hit, load_gold
from kb.types import Passage


def _passage(text: str, source: str = "tarifs.pdf") -> Passage:
    return Passage(text=text, source=source, score=1.0)


def test_fragments_match_folded_and_as_whole_words() -> None:
    gold = GoldQuestion(question="q", groups=(("balayage", "cheveux longs", "115"),))
    assert is_hit(gold, _passage("Tarifs — Mèches\nBALAYAGE, Cheveux longs — 2 h 30 — 115€"))
    assert not is_hit(gold, _passage("Balayage, cheveux mi-longs — 2 h — 89 €"))
    assert not is_hit(gold, _passage("Balayage, cheveux longs — 1150 €"))


def test_times_match_whatever_their_spacing() -> None:
    gold = GoldQuestion(question="q", groups=(("jeudi", "20 h 30"),))
    assert is_hit(gold, _passage("Jeudi 9h30 – 20h30"))


def test_any_group_of_fragments_is_enough_and_source_must_match() -> None:
    gold = GoldQuestion(question="q", groups=(("noel",), ("25 decembre",)), source="site/")
    assert is_hit(gold, _passage("Fermé le 25 décembre", source="site/acces.html"))
    assert not is_hit(gold, _passage("Fermé le 25 décembre", source="faq.md"))


def test_gold_file_parses_answerable_and_unanswerable_questions(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '# comment\n{"question": "a", "expect": "x"}\n\n'
        '{"question": "b", "answerable": false}\n'
        '{"question": "c", "expect": [["y"], ["z", "w"]]}\n'
    )
    questions = load_gold(path)
    assert [q.answerable for q in questions] == [True, False, True]
    assert questions[0].groups == (("x",),) and questions[2].groups == (("y",), ("z", "w"))
    assert questions[1].line == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "gold.jsonl:1: not valid JSON"),
        ('{"expect": ["x"]}', "gold.jsonl:1: expected an object"),
        ('{"question": "a"}', "gold.jsonl:1: an answerable question needs 'expect'"),
        ('{"question": "a", "expect": [1]}', "gold.jsonl:1: 'expect' must be"),
        ("", "no questions"),
    ],
)
def test_malformed_gold_lines_are_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(content)
    with pytest.raises(GoldFileError, match=message):
        load_gold(path)


def test_the_shipped_gold_set_is_valid_and_large_enough() -> None:
    path = Path(__file__).resolve().parents[2] / "eval" / "gold-questions.jsonl"
    questions = load_gold(path)
    unanswerable = sum(1 for q in questions if not q.answerable)
    assert len(questions) >= 100 and unanswerable >= 20
    assert all(q.question == q.question.lower() for q in questions)
    assert not any(ch in q.question for q in questions for ch in "?!.,")


def test_other_tools_gold_keys_and_source_only_questions_are_understood(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '{"question": "a", "expected": ["x"]}\n'
        '{"question": "b", "expected_source": "tarifs.pdf"}\n'
        '{"question": "c", "expect": []}\n'
    )
    first, second, third = load_gold(path)
    assert first.groups == (("x",),) and first.answerable
    assert second.answerable and is_hit(second, _passage("anything", source="docs/tarifs.pdf"))
    assert not is_hit(second, _passage("anything", source="faq.md"))
    assert not third.answerable
