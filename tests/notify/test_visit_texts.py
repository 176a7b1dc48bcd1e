"""Unit tier: a visit of several services with its stylist is named whole in every text
(booked, moved, cancelled, reminder), with the visit's total price in the booked one, and
every text still fits one GSM-7 segment."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from notify.gsm7 import fits_one_segment, is_gsm7
from notify.texts import (
    booked_text,
    cancelled_text,
    moved_text,
    reminder_text,
    template_vars,
    visit_forms,
)
from salon.french import visit_price_words
from salon.phone import display as display_phone
from salon.profile import SalonProfile, Service

NAMES = [None, "Léo Martin", "Marie-Christine de La Rochefoucauld-Montbel"]
STYLISTS = ["Chloé", "Inès", "Margaux", "Yanis"]


def _svc(profile: SalonProfile, *ids: str) -> tuple[Service, ...]:
    return tuple(profile.service(i) for i in ids)


def _build(event: str, profile: SalonProfile, **kw: object) -> str:
    if event == "booked":
        return booked_text(profile=profile, **kw)  # type: ignore[arg-type]
    if event == "moved":
        kw.pop("price", None)
        return moved_text(profile=profile, previous=kw["start"] - timedelta(days=2), **kw)  # type: ignore[arg-type, operator]
    if event == "cancelled":
        kw.pop("price", None)
        return cancelled_text(profile=profile, **kw)  # type: ignore[arg-type]
    kw.pop("price", None)
    return reminder_text(profile=profile, replies=False, **kw)  # type: ignore[arg-type]


EVENTS = ["booked", "moved", "cancelled", "reminder"]


def test_a_visit_of_two_services_with_a_stylist_reads_naturally(profile: SalonProfile) -> None:
    start = datetime(2026, 12, 12, 9, 30, tzinfo=profile.timezone)
    visit = _svc(profile, "couleur-racines", "coupe-homme")
    text = booked_text(
        profile=profile,
        service=[s.name for s in visit],
        start=start,
        name="Léo Martin",
        stylist="Chloé",
        price=visit_price_words(visit),
    )
    assert text == (
        "Maison Margaux : RDV de Léo Martin confirmé le sam. 12/12 à 9h30 pour couleur racines "
        "+ coupe homme avec Chloé (77 €). Pour changer, appelez le 04 78 42 18 90."
    )
    assert fits_one_segment(text)


@pytest.mark.parametrize("event", ["moved", "cancelled", "reminder"])
def test_moves_cancellations_and_reminders_name_every_service_and_the_stylist(
    profile: SalonProfile, event: str
) -> None:
    start = datetime(2026, 12, 12, 9, 30, tzinfo=profile.timezone)
    names = [s.name for s in _svc(profile, "couleur-racines", "coupe-homme")]
    text = _build(event, profile, service=names, start=start, name="Léo", stylist="Chloé")
    assert "(couleur racines + coupe homme avec Chloé)" in text, text
    assert fits_one_segment(text)
    assert "€" not in text  # only the booked confirmation gives the price


def test_a_visit_priced_from_says_a_partir_de_on_its_total(profile: SalonProfile) -> None:
    start = datetime(2026, 12, 3, 14, 30, tzinfo=profile.timezone)
    visit = _svc(profile, "couleur-vegetale", "coupe-homme")  # 79 € « à partir de » + 28 €
    price = visit_price_words(visit)
    assert price == "à partir de 107 €"
    text = booked_text(
        profile=profile, service=[s.name for s in visit], start=start, stylist="Inès", price=price
    )
    assert "couleur végétale + coupe homme avec Inès (à partir de 107 €)" in text, text
    assert fits_one_segment(text)


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (("coupe-homme",), "28 €"),
        (("couleur-racines", "coupe-homme"), "77 €"),
        (("test-allergie", "coupe-homme"), "28 €"),  # a free service adds nothing
        (("test-allergie",), None),  # a free visit says nothing about price
        (("decoloration-complete", "test-allergie"), "à partir de 110 €"),
    ],
)
def test_the_visit_price_is_the_total_with_a_partir_de_when_any_service_says_so(
    profile: SalonProfile, ids: tuple[str, ...], expected: str | None
) -> None:
    assert visit_price_words(_svc(profile, *ids)) == expected


def test_a_visit_price_in_cents_is_written_the_french_way() -> None:
    a = Service(id="a", name="A", category="", duration=30, price=12.5)
    b = Service(id="b", name="B", category="", duration=30, price=20.25, price_from=True)
    assert visit_price_words([a, b]) == "à partir de 32,75 €"
    assert visit_price_words([]) is None


def test_a_partir_de_becomes_des_only_when_nothing_else_fits(profile: SalonProfile) -> None:
    start = datetime(2026, 12, 3, 14, 30, tzinfo=profile.timezone)
    visit = _svc(profile, "couleur-vegetale", "coupe-homme")
    kw = {"service": [s.name for s in visit], "start": start, "stylist": "Chloé"}
    roomy = booked_text(profile=profile, price="à partir de 107 €", **kw)  # type: ignore[arg-type]
    assert "(à partir de 107 €)" in roomy
    tight = booked_text(profile=profile, price="à partir de 107 €", name="Paul", **kw)  # type: ignore[arg-type]
    assert "couleur végétale + coupe homme avec Chloé (dès 107 €)" in tight, tight
    assert fits_one_segment(tight)


def test_a_free_visit_confirmation_says_nothing_about_price(profile: SalonProfile) -> None:
    start = datetime(2026, 12, 3, 14, 30, tzinfo=profile.timezone)
    visit = _svc(profile, "test-allergie")
    text = booked_text(
        profile=profile, service=visit[0].name, start=start, price=visit_price_words(visit)
    )
    assert "€" not in text and "gratuit (" not in text and "()" not in text


def test_a_long_visit_is_shortened_but_names_every_service_and_the_stylist(
    profile: SalonProfile,
) -> None:
    start = datetime(2026, 12, 30, 20, 15, tzinfo=profile.timezone)
    visit = _svc(profile, "coupe-boucles", "couleur-complete-longs", "soin-profond")
    text = booked_text(
        profile=profile,
        service=[s.name for s in visit],
        start=start,
        name="Marie-Christine de La Rochefoucauld-Montbel",
        stylist="Inès",
        price=visit_price_words(visit),
    )
    assert fits_one_segment(text), (len(text), text)
    assert "avec Inès (165 €)" in text, text
    for service in visit:  # each service keeps at least its first word
        assert service.name.split()[0].lower() in text.lower(), (service.name, text)
    assert text.count(" + ") == 2
    assert "20h15" in text and display_phone(profile.phone) in text


def test_shorter_forms_shorten_every_service_of_the_visit_together() -> None:
    assert visit_forms(["Couleur complète, cheveux courts", "Coupe étudiant (carte)"]) == [
        "couleur complète, cheveux courts + coupe étudiant",
        "couleur complète + coupe étudiant",
    ]
    assert visit_forms(["Coupe homme"]) == ["coupe homme"]


@pytest.mark.parametrize("event", EVENTS)
def test_every_pair_of_services_with_any_stylist_and_name_fits_one_segment(
    profile: SalonProfile, event: str
) -> None:
    phone = display_phone(profile.phone)
    bookable = [s for s in profile.services if s.bookable]
    pairs = list(itertools.combinations(bookable, 2))[::7]
    start = datetime(2026, 12, 30, 20, 15, tzinfo=profile.timezone)
    for i, (a, b) in enumerate(pairs):
        stylist = STYLISTS[i % len(STYLISTS)]
        name = NAMES[i % len(NAMES)]
        text = _build(
            event,
            profile,
            service=[a.name, b.name],
            start=start,
            name=name,
            stylist=stylist,
            price=visit_price_words([a, b]),
        )
        assert is_gsm7(text) and fits_one_segment(text), (len(text), text)
        assert f"avec {stylist}" in text and "20h15" in text, text
        assert profile.short_name in text and phone in text
        assert " + " in text, text
        price = visit_price_words([a, b])
        if event == "booked" and price:  # « dès » only when « à partir de » cannot fit
            short = price.replace("à partir de", "dès")
            assert f"({price})" in text or f"({short})" in text, text


def test_the_whatsapp_template_names_the_visit_and_its_stylist(profile: SalonProfile) -> None:
    start = datetime(2026, 12, 3, 14, 30, tzinfo=profile.timezone)
    one = template_vars(profile=profile, service="Coupe homme", start=start, event="booked")
    assert one["2"] == "Coupe homme"
    visit = template_vars(
        profile=profile,
        service=["Couleur racines", "Coupe homme"],
        start=start,
        event="reminder",
        stylist="Chloé",
    )
    assert visit["2"] == "Couleur racines + Coupe homme avec Chloé"
    assert visit["3"] == "jeudi 3 décembre à 14h30" and visit["5"] == "reminder"
