"""Unit tier: the GSM-7 alphabet, segment counting and the French normaliser."""

from __future__ import annotations

import random

import pytest

from notify.gsm7 import (
    BASIC,
    EXTENSION,
    fits_one_segment,
    is_gsm7,
    non_gsm7,
    segments,
    septets,
    to_gsm7,
)


def test_the_default_alphabet_has_128_codes_with_the_escape_at_0x1b() -> None:
    assert len(BASIC) == 128
    assert BASIC[0x1B] == "\x1b"
    assert BASIC[0x00] == "@" and BASIC[0x7F] == "à" and BASIC[0x20] == " "
    assert len(set(BASIC)) == 128


@pytest.mark.parametrize("ch", list("éèùàÉìòÇÄÖÑÜäöñü@£$¥§¿¡_"))
def test_french_and_symbol_characters_in_the_alphabet_are_gsm7(ch: str) -> None:
    assert is_gsm7(ch)


@pytest.mark.parametrize("ch", list("êâîôûëïç’«»–—…œÀÈÊÂÔ\u00a0\u202f") + ["😀"])
def test_characters_outside_the_alphabet_are_detected(ch: str) -> None:
    assert not is_gsm7(f"abc{ch}")
    assert non_gsm7(f"abc{ch}") == [ch]


def test_extension_characters_count_twice() -> None:
    assert septets("€") == 2
    assert septets("[x]") == 5
    assert all(septets(ch) == 2 for ch in EXTENSION)
    assert fits_one_segment("a" * 158 + "€")
    assert not fits_one_segment("a" * 159 + "€")


def test_segments_follow_the_gsm7_and_ucs2_limits() -> None:
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("a" * 306) == 2 and segments("a" * 307) == 3
    assert segments("ê" * 70) == 1 and segments("ê" * 71) == 2
    # one emoji is two UTF-16 units
    assert segments("😀" * 35) == 1 and segments("😀" * 36) == 2


def test_septets_refuses_text_that_is_not_gsm7() -> None:
    with pytest.raises(ValueError, match="not GSM-7"):
        septets("tête")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Vous êtes bien chez nous", "Vous etes bien chez nous"),
        ("l’après-midi", "l'après-midi"),
        ("« Maison »", '"Maison"'),
        ("dit «\u00a0oui\u00a0»", 'dit "oui"'),
        ("9h – 19h", "9h - 19h"),
        ("à bientôt…", "à bientot..."),
        ("ça, façon", "ca, facon"),
        ("août, Noël, maïs, île, âge, hôtel, flûte", "aout, Noel, mais, ile, age, hotel, flute"),
        ("À demain, Ève", "A demain, Eve"),
        ("œuvre", "oeuvre"),
        ("14\u202fh\u00a030", "14 h 30"),
        ("Merci 😀 !", "Merci !"),
        ("élève très où", "élève très où"),
    ],
)
def test_the_normaliser_writes_what_a_french_reader_expects(raw: str, expected: str) -> None:
    assert to_gsm7(raw) == expected


def test_the_normaliser_always_yields_gsm7_for_any_unicode_text() -> None:
    rng = random.Random(7)
    pool = [chr(c) for c in range(32, 0x2FFF)] + ["😀", "🎉", "\U0001f487"]
    for _ in range(300):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        assert is_gsm7(to_gsm7(text)), text
