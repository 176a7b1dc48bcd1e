"""Unit tier: the one home of phone numbers (E.164, display, mask) and of accent folding."""

from __future__ import annotations

import pytest

from salon.phone import display, is_mobile, mask, region_of, to_e164
from salon.text import fold, plain_words, strip_accents

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "0612345678",
        "06.12.34.56.78",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        "whatsapp:+33612345678",
    ],
)
def test_every_way_of_writing_a_french_mobile_becomes_the_same_e164(raw: str) -> None:
    assert to_e164(raw) == "+33612345678"


@pytest.mark.parametrize("raw", [None, "", "  ", "12", "abc", "06 12 34 56 78 90 12", "+33 0"])
def test_what_is_not_a_valid_number_has_no_e164(raw: str | None) -> None:
    assert to_e164(raw) is None


def test_foreign_numbers_keep_their_country() -> None:
    assert to_e164("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("+33478421890", "04 78 42 18 90"),
        ("0612345678", "06 12 34 56 78"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("not a number", "not a number"),
        (None, "numéro masqué"),
        ("", "numéro masqué"),
    ],
)
def test_numbers_are_shown_as_a_french_caller_dials_them(number: str | None, shown: str) -> None:
    assert display(number) == shown


def test_a_missing_number_can_be_worded_by_the_caller() -> None:
    assert display(None, unknown="non communiqué") == "non communiqué"


def test_the_international_form_is_there_for_whoever_dials_from_abroad() -> None:
    assert display("04 78 42 18 90", international=True) == "+33 4 78 42 18 90"


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+33612345678", "+336******78"),
        ("06 12 34 56 78", "+336******78"),  # any spelling gives the same mask
        ("+442079460958", "+442*******58"),
        ("Anonymous", "Anon***us"),
        ("123", "***"),
        ("", ""),
        (None, None),
    ],
)
def test_one_mask_for_logs_and_listings(number: str | None, masked: str | None) -> None:
    assert mask(number) == masked


def test_a_mask_never_holds_the_number() -> None:
    assert "12345678" not in (mask("+33612345678") or "")


@pytest.mark.parametrize(
    ("number", "mobile"),
    [("06 12 34 56 78", True), ("07 56 78 90 12", True), ("04 78 42 18 90", False), ("x", False)],
)
def test_only_mobiles_are_mobiles(number: str, mobile: bool) -> None:
    assert is_mobile(number) is mobile


OVERSEAS_MOBILES = [
    ("0690 12 34 56", "+590690123456"),  # Guadeloupe, Saint-Martin
    ("0691 12 34 56", "+590691123456"),
    ("0694 12 34 56", "+594694123456"),  # Guyane
    ("0696 12 34 56", "+596696123456"),  # Martinique
    ("0697 12 34 56", "+596697123456"),
    ("0692 12 34 56", "+262692123456"),  # La Réunion
    ("0693 12 34 56", "+262693123456"),
    ("0639 12 34 56", "+262639123456"),  # Mayotte
]


@pytest.mark.parametrize(("raw", "e164"), OVERSEAS_MOBILES)
@pytest.mark.parametrize("subdivision", [None, "971", "972", "973", "974", "976"])
def test_overseas_mobiles_in_national_form_are_french_mobiles_wherever_the_salon_is(
    raw: str, e164: str, subdivision: str | None
) -> None:
    region = region_of(subdivision)
    assert to_e164(raw, region=region) == e164
    assert to_e164(e164, region=region) == e164
    assert is_mobile(raw, region=region) and is_mobile(e164)
    assert display(e164) == raw  # as France dials it
    assert mask(raw) == e164[:4] + "*" * (len(e164) - 6) + e164[-2:]


def test_a_salon_overseas_reads_its_own_landlines_first() -> None:
    assert [region_of(s) for s in ("971", "972", "973", "974", "976")] == [
        "GP", "MQ", "GF", "RE", "YT",
    ]  # fmt: skip
    assert region_of(None) == region_of("57") == "FR"
    assert to_e164("0596 70 12 34", region="MQ") == "+596596701234"
    assert to_e164("0590 82 12 34") == "+590590821234"  # only Guadeloupe has it
    assert not is_mobile("0590 82 12 34")
    assert to_e164("06 12 34 56 78", region="RE") == "+33612345678"  # a metropolitan mobile
    assert to_e164("+33 690 12 34 56") is None  # not how France numbers them


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Kératine À L’ŒIL", "keratine a l'oeil"),
        ("Décaler l’RDV", "decaler l'rdv"),
        ("Ex æquo", "ex aequo"),
        ("déjà", "deja"),
    ],
)
def test_folding_drops_case_and_accents_and_expands_ligatures(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_plain_words_keep_letters_and_digits_only() -> None:
    assert plain_words("Mèches, cheveux longs (40 cm) !") == "meches cheveux longs 40 cm"
    assert plain_words("Zoé  L’Hôte-Dupré") == "zoe l hote dupre"


def test_stripping_accents_keeps_case() -> None:
    assert strip_accents("Crème Brûlée À") == "Creme Brulee A"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Léo Martin", "de Léo Martin"),
        ("Alice", "d'Alice"),
        ("Inès", "d'Inès"),
        ("Élodie", "d'Élodie"),
        ("Hugo", "d'Hugo"),
        ("Yves", "d'Yves"),
        ("Yanis", "de Yanis"),
        ("Yasmine", "de Yasmine"),
    ],
)
def test_de_before_a_name_elides_as_french_does(name: str, expected: str) -> None:
    from salon.french import of_name

    assert of_name(name) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(2.5, None, "2,5"), (30.0, None, "30"), (0.05, None, "0,05"), (2.46, 1, "2,5"),
     (12.5, 2, "12,50"), (3.0, 1, "3,0")],
)  # fmt: skip
def test_numbers_are_written_with_the_french_decimal_comma(
    value: float, digits: int | None, expected: str
) -> None:
    from salon.french import decimal_words

    assert decimal_words(value, digits=digits) == expected


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 message envoyé"), (1, "1 message envoyé"), (2, "2 messages envoyés")]
)
def test_counts_agree_in_french_without_bracketed_plurals(n: int, expected: str) -> None:
    from salon.french import agree, count_fr

    assert f"{count_fr(n, 'message')} {agree(n, 'envoyé')}" == expected
    assert count_fr(n, "rendez-vous", "rendez-vous").endswith("rendez-vous")
