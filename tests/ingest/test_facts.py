"""Unit tier: what `ingest.facts` reads in rows and sentences, and what it leaves alone."""

from __future__ import annotations

from datetime import time

import pytest

from ingest.document import Document
from ingest.facts import extract_facts
from ingest.model import (
    AddressFact,
    ClosureFact,
    DayOfYear,
    DurationFact,
    Fact,
    HoursFact,
    PhoneFact,
    PriceFact,
)


def _doc(*blocks: tuple[str, str], title: str = "Tarifs") -> Document:
    doc = Document(title=title)
    for kind, text in blocks:
        if kind == "h":
            doc.heading(text, 1)
        elif kind == "row":
            doc.row(text.split(" | "), page=2)
        else:
            doc.text(text, page=2)
    return doc


def _of(kind: type, facts: list[Fact]) -> list:
    return [f for f in facts if isinstance(f, kind)]


@pytest.mark.parametrize(
    ("row", "label", "euros", "high", "from_price"),
    [
        ("Coupe homme | 30 min | 28 €", "Coupe homme", 28.0, None, False),
        (
            "Prestation : Coupe homme | Durée : 30 min | Prix : 28 €",
            "Coupe homme",
            28.0,
            None,
            False,
        ),
        ("Couleur végétale | 2 h | à partir de 79 €", "Couleur végétale", 79.0, None, True),
        ("Couleur végétale | dès 79€", "Couleur végétale", 79.0, None, True),
        ("Balayage | 2 h | de 90 à 120 €", "Balayage", 90.0, 120.0, False),
        ("Shampoing | 12,50 €", "Shampoing", 12.5, None, False),
        ("Diagnostic (offert) | 15 min | gratuit", "Diagnostic (offert)", 0.0, None, False),
        ("Coupe courte femme | 35 min 34 €", "Coupe courte femme", 34.0, None, False),
        ("Mèches au papier 1h45 | 72 €", "Mèches au papier", 72.0, None, False),
    ],
)
def test_a_price_row_gives_its_label_and_price(
    row: str, label: str, euros: float, high: float | None, from_price: bool
) -> None:
    [price] = _of(PriceFact, extract_facts(_doc(("row", row)), source="tarifs.pdf"))
    assert (price.label, price.euros, price.high, price.from_price) == (
        label,
        euros,
        high,
        from_price,
    )
    assert (price.where.source, price.where.page) == ("tarifs.pdf", 2)


@pytest.mark.parametrize(
    ("written", "minutes", "high"),
    [
        ("1 h 30", 90, None),
        ("1h30", 90, None),
        ("90 min", 90, None),
        ("1 heure 30", 90, None),
        ("2 h", 120, None),
        ("45 minutes", 45, None),
        ("45 à 60 min", 45, 60),
        ("1 h à 1 h 30", 60, 90),
    ],
)
def test_durations_written_every_usual_way_read_the_same(
    written: str, minutes: int, high: int | None
) -> None:
    facts = extract_facts(_doc(("row", f"Mèches | {written} | 65 €")), source="x.csv")
    [duration] = _of(DurationFact, facts)
    assert (duration.label, duration.minutes, duration.high) == ("Mèches", minutes, high)


def test_prices_in_sentences_take_the_words_before_them() -> None:
    text = "Coupe enfant de moins de 10 ans : 16 € ; coupe junior de 10 à 16 ans : 22 €."
    prices = _of(PriceFact, extract_facts(_doc(("p", text)), source="faq.md"))
    assert [(p.label, p.euros) for p in prices] == [
        ("Coupe enfant de moins de 10 ans", 16.0),
        ("coupe junior de 10 à 16 ans", 22.0),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "La coupe homme est à 22 €, et la coupe avec barbe à 30 €.",
            [("La coupe homme", "", "", 22.0), ("la coupe avec barbe", "", "", 30.0)],
        ),
        (
            "Coupe enfant : 14 € (moins de 10 ans), 18 € pour les ados.",
            [
                ("Coupe enfant", "moins de 10 ans", "", 14.0),
                ("", "pour les ados", "Coupe enfant", 18.0),
            ],
        ),
        (
            "La couleur est à 58 € sur cheveux courts, 72 € sur cheveux mi-longs ou longs.",
            [
                ("La couleur", "sur cheveux courts", "", 58.0),
                ("", "sur cheveux mi-longs ou longs", "La couleur", 72.0),
            ],
        ),
        (
            "Comptez 22 € pour une coupe homme et 30 € pour la coupe avec barbe.",
            [("", "pour une coupe homme", "", 22.0), ("", "pour la coupe avec barbe", "", 30.0)],
        ),
        (
            "Une coupe homme coûte 28 €, avec la barbe c'est 42 €.",
            [("Une coupe homme", "", "", 28.0), ("", "avec la barbe", "Une coupe homme", 42.0)],
        ),
        (
            "La coupe homme, shampoing compris, est à 19 € et prend une demi-heure.",
            [("La coupe homme, shampoing compris", "", "", 19.0)],
        ),
    ],
)
def test_each_price_of_a_sentence_keeps_its_own_words(text: str, expected: list) -> None:
    prices = _of(PriceFact, extract_facts(_doc(("p", text)), source="tarifs.pdf"))
    assert [(p.label, p.qualifier, p.subject, p.euros) for p in prices] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Supplément cheveux très épais : +10 €.",
        "Cheveux très longs | +15 €",
        "Déplacement hors de Lyon : 0,60 € par kilomètre.",
        "Au dixième tampon, un soin profond (valeur 25 €) vous est offert.",
        "Un acompte de 20 € est demandé après deux rendez-vous manqués.",
        "Un balayage sur cheveux longs dure environ 2 h 30.",
    ],
)
def test_supplements_unit_prices_gift_values_and_approximations_are_not_read(text: str) -> None:
    kind = "row" if " | " in text else "p"
    facts = extract_facts(_doc((kind, text)), source="faq.md")
    assert not [f for f in facts if isinstance(f, PriceFact | DurationFact) and f.label]


def test_a_spreadsheet_row_is_named_by_its_product_column_not_its_brand() -> None:
    row = "Marque : Olaplex | Produit : N°3 Hair Perfector | Contenance : 100 ml | Prix : 30 €"
    [price] = _of(PriceFact, extract_facts(_doc(("row", row)), source="produits.xlsx"))
    assert price.label == "N°3 Hair Perfector"


def _hours(facts: list[Fact]) -> dict[int, tuple[bool, tuple]]:
    return {f.weekday: (f.closed, f.intervals) for f in _of(HoursFact, facts)}


T = time


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        (
            [("p", "Le salon est ouvert du mardi au samedi de 9h30 à 19h.")],
            {d: (False, ((T(9, 30), T(19)),)) for d in range(1, 6)},
        ),
        (
            [("p", "Ouvert du mardi au samedi de 9h30 à 19h, le jeudi jusqu'à 20h30.")],
            {
                **{d: (False, ((T(9, 30), T(19)),)) for d in (1, 2, 4, 5)},
                3: (False, ((T(9, 30), T(20, 30)),)),
            },
        ),
        (
            [("h", "Horaires"), ("row", "Jeudi | 9h30 – 20h30")],
            {3: (False, ((T(9, 30), T(20, 30)),))},
        ),
        ([("h", "Horaires"), ("row", "Lundi | Fermé")], {0: (True, ())}),
        ([("p", "Fermé le dimanche et le lundi.")], {0: (True, ()), 6: (True, ())}),
        (
            [("p", "Le samedi, le salon est ouvert de 9h à 12h et de 14h à 18h.")],
            {5: (False, ((T(9), T(12)), (T(14), T(18))))},
        ),
        (
            [("p", "Nocturne le jeudi jusqu'à 21 h, le salon ouvre tard.")],
            {3: (False, ((None, T(21)),))},
        ),
    ],
)
def test_weekly_hours_in_rows_and_sentences(blocks: list, expected: dict) -> None:
    assert _hours(extract_facts(_doc(*blocks, title="Infos"), source="site/acces.html")) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Yanis travaille du mardi au samedi de 9h à 17h.",
        "Le parking est ouvert du lundi au samedi de 7h à 22h.",
        "Nous prenons les clients sans rendez-vous le samedi de 9h à 12h.",
        "Lundi 21 décembre : ouvert de 10h à 18h (ouverture exceptionnelle).",
        "Ouvert du mardi au samedi de 9h à 19h sauf pendant les vacances scolaires.",
        "Ouvert du mardi au samedi de 9h à 19h sauf le 24 décembre.",
        "Fermé le samedi après-midi.",
        "La coupe étudiant est à 25 € du mardi au jeudi.",
    ],
)
def test_sentences_about_other_hours_are_not_the_salons_weekly_hours(text: str) -> None:
    assert _hours(extract_facts(_doc(("p", text), title="Infos"), source="faq.md")) == {}


_9_19 = (False, ((T(9), T(19)),))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Nous sommes ouverts du mardi au vendredi de 9h à 18h30, sauf le jeudi : "
            "le jeudi, nous sommes ouverts de 10h à 19h.",
            {
                **{d: (False, ((T(9), T(18, 30)),)) for d in (1, 2, 4)},
                3: (False, ((T(10), T(19)),)),
            },
        ),
        (
            "Ouvert du mardi au samedi de 9h à 19h sauf le mercredi.",
            {**{d: _9_19 for d in (1, 3, 4, 5)}, 2: (True, ())},
        ),
        (
            "Ouvert du mardi au samedi sauf le jeudi, de 9h à 19h.",
            {**{d: _9_19 for d in (1, 2, 4, 5)}, 3: (True, ())},
        ),
        (
            "Ouvert du mardi au samedi de 9h à 19h, sauf le samedi jusqu'à 17h.",
            {**{d: _9_19 for d in (1, 2, 3, 4)}, 5: (False, ((T(9), T(17)),))},
        ),
        (
            "Ouvert du mardi au samedi de 9h à 19h, sauf le mercredi après-midi.",
            {d: _9_19 for d in (1, 3, 4, 5)},
        ),
        (
            "Ouvert du mardi au samedi de 9h à 19h sauf jours fériés.",
            {d: _9_19 for d in range(1, 6)},
        ),
        (
            "Ouvert tous les jours sauf le dimanche, de 9h à 19h.",
            {**{d: _9_19 for d in range(6)}, 6: (True, ())},
        ),
        ("Fermé le dimanche et le lundi, sauf le lundi de Pâques.", {6: (True, ())}),
    ],
)
def test_an_exception_with_sauf_gives_its_days_their_own_hours(text: str, expected: dict) -> None:
    assert _hours(extract_facts(_doc(("p", text), title="Infos"), source="faq.md")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Le salon est ouvert du lundi au vendredi, fermé le samedi et le dimanche.",
            {5: (True, ()), 6: (True, ())},
        ),
        (
            "Ouvert du lundi au vendredi de 10h à 19h, fermé le samedi et le dimanche.",
            {**{d: (False, ((T(10), T(19)),)) for d in range(5)}, 5: (True, ()), 6: (True, ())},
        ),
        ("Lundi fermé, mardi de 9h à 19h.", {0: (True, ()), 1: _9_19}),
    ],
)
def test_ferme_before_days_closes_those_days_not_the_ones_before(text: str, expected: dict) -> None:
    assert _hours(extract_facts(_doc(("p", text), title="Infos"), source="faq.md")) == expected


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        (
            "Fermé du lundi 9 août au lundi 23 août 2027 (congés d'été).",
            [((8, 9, 2027), (8, 23, 2027))],
        ),
        (
            "Le salon ferme pendant les vacances, du 15 au 22 février 2027.",
            [((2, 15, 2027), (2, 22, 2027))],
        ),
        (
            "Le salon sera fermé le 25 et le 26 décembre, ainsi que le 1er janvier.",
            [
                ((12, 25, None), (12, 25, None)),
                ((12, 26, None), (12, 26, None)),
                ((1, 1, None), (1, 1, None)),
            ],
        ),
        ("Fermeture annuelle du 24/12 au 02/01.", [((12, 24, None), (1, 2, None))]),
        ("Fermé le 1er mai. Réouverture le 2 mai à 9h30.", [((5, 1, None), (5, 1, None))]),
        ("Le salon ferme trois semaines en août.", []),
        ("Réouverture le mardi 5 janvier 2027 à 9h30.", []),
    ],
)
def test_closures_on_dates(text: str, spans: list) -> None:
    facts = _of(ClosureFact, extract_facts(_doc(("p", text), title="Infos"), source="blog.html"))
    assert [(f.start, f.end) for f in facts] == [(DayOfYear(*a), DayOfYear(*b)) for a, b in spans]


def test_phone_numbers_and_addresses_are_read_with_their_spelling() -> None:
    text = "Adresse : 18 rue de la Charité, 69002 Lyon — Tél. 04.78.42.18.90"
    facts = extract_facts(_doc(("p", text)), source="contact.html")
    [phone] = _of(PhoneFact, facts)
    [address] = _of(AddressFact, facts)
    assert (phone.number, phone.written) == ("+33478421890", "04.78.42.18.90")
    assert (address.street, address.postcode) == ("18 rue de la Charité", "69002")


def test_a_parking_address_is_not_the_salons() -> None:
    text = "Parking Bellecour, 2 place Bellecour, 69002 Lyon, à 300 mètres."
    assert _of(AddressFact, extract_facts(_doc(("p", text)), source="acces.html")) == []
