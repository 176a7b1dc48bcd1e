"""Unit tier: French confirmation texts fit one SMS segment for every service and many dates."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

import pytest

from notify.gsm7 import fits_one_segment, is_gsm7
from notify.texts import (
    booked_text,
    cancelled_text,
    code_text,
    moved_text,
    service_forms,
)
from salon.french import short_slot_words
from salon.phone import display as display_phone
from salon.profile import SalonProfile

BUILDERS = {"booked": booked_text, "moved": moved_text, "cancelled": cancelled_text}


def _dates(profile: SalonProfile) -> list[datetime]:
    """Sixty start times over a year: every weekday, month, first-of-month, odd minutes."""
    start = datetime(2026, 11, 30, 9, 0, tzinfo=profile.timezone)
    out = [
        start + timedelta(days=6 * i + i % 3, hours=i % 10, minutes=15 * (i % 4)) for i in range(58)
    ]
    out += [
        datetime(2027, 2, 1, 19, 45, tzinfo=profile.timezone),  # lundi 1er février
        datetime(2026, 12, 30, 20, 15, tzinfo=profile.timezone),  # longest month name
    ]
    return out


def _expects_time(text: str, start: datetime) -> bool:
    hour = f"{start.hour}h" if start.minute == 0 else f"{start.hour}h{start.minute:02d}"
    return re.search(rf"\b{hour}\b", text) is not None


@pytest.mark.parametrize("event", list(BUILDERS))
def test_every_service_on_many_dates_fits_one_gsm7_segment_with_all_it_must_say(
    profile: SalonProfile, event: str
) -> None:
    assert len(profile.services) == 44
    phone = display_phone(profile.phone)
    build = BUILDERS[event]
    for service in profile.services:
        for start in _dates(profile):
            text = build(profile=profile, service=service.name, start=start)
            assert is_gsm7(text) and len(text) <= 160, (text, len(text))
            assert profile.short_name in text
            assert phone in text and "appelez" in text
            assert _expects_time(text, start), text
            assert str(start.day) in text or "1er" in text
            shortest = list(service_forms(service.name))[-1]
            # the service is named: at least its shortest form, or its first words when cut
            assert shortest[:12] in text, (service.name, text)


def test_the_long_date_is_used_when_it_fits(profile: SalonProfile) -> None:
    start = datetime(2026, 12, 3, 14, 30, tzinfo=profile.timezone)
    text = booked_text(profile=profile, service="Coupe homme", start=start)
    assert text == (
        "Maison Margaux : RDV confirmé le jeudi 3 décembre à 14h30 pour coupe homme. "
        "Pour le modifier ou l'annuler, appelez le 04 78 42 18 90."
    )


def test_a_long_service_falls_back_to_the_short_date_or_a_shorter_name(
    profile: SalonProfile,
) -> None:
    start = datetime(2026, 12, 30, 20, 15, tzinfo=profile.timezone)
    name = "Coupe spéciale cheveux bouclés et frisés, avec diffuseur"
    text = booked_text(profile=profile, service=name, start=start)
    assert fits_one_segment(text)
    assert "coupe spéciale cheveux bouclés et frisés" in text


def test_short_dates_use_french_abbreviations() -> None:
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    assert short_slot_words(datetime(2026, 12, 1, 9, 0, tzinfo=paris)) == "mar. 1er déc. à 9h"
    assert short_slot_words(datetime(2027, 2, 4, 14, 30, tzinfo=paris)) == "jeu. 4 févr. à 14h30"


def test_times_are_shown_in_the_salon_zone_whatever_zone_they_come_in(
    profile: SalonProfile,
) -> None:
    from datetime import UTC

    utc_start = datetime(2026, 12, 3, 13, 30, tzinfo=UTC)  # 14h30 in Paris (winter)
    assert "14h30" in booked_text(profile=profile, service="Coupe homme", start=utc_start)


def test_moved_text_mentions_the_old_slot_when_room_allows(profile: SalonProfile) -> None:
    tz = profile.timezone
    text = moved_text(
        profile=profile,
        service="Coupe homme",
        start=datetime(2026, 12, 3, 14, 30, tzinfo=tz),
        previous=datetime(2026, 12, 1, 9, 0, tzinfo=tz),
    )
    assert "du mardi 1er décembre à 9h est déplacé au jeudi 3 décembre à 14h30" in text
    assert fits_one_segment(text)


def test_a_naive_datetime_is_refused(profile: SalonProfile) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        booked_text(profile=profile, service="Coupe homme", start=datetime(2026, 12, 3, 14))


def test_a_salon_name_too_long_for_one_segment_is_a_clear_error(profile: SalonProfile) -> None:
    huge = dataclasses.replace(profile, short_name="Salon " * 25)
    start = datetime(2026, 12, 3, 14, 30, tzinfo=profile.timezone)
    with pytest.raises(ValueError, match="too long"):
        booked_text(profile=huge, service="Coupe homme", start=start)


def test_the_verification_code_text_fits_and_checks_the_code(profile: SalonProfile) -> None:
    text = code_text(profile=profile, code="482913")
    assert "482913" in text and fits_one_segment(text) and profile.short_name in text
    with pytest.raises(ValueError, match="digits"):
        code_text(profile=profile, code="12ab")


def test_non_gsm7_characters_in_a_service_name_are_normalised(profile: SalonProfile) -> None:
    start = datetime(2026, 12, 3, 14, 30, tzinfo=profile.timezone)
    text = booked_text(profile=profile, service="Soin « brillance » crème – express", start=start)
    assert is_gsm7(text)
    assert 'soin "brillance" crème - express' in text


def test_any_service_name_however_long_or_odd_still_gives_one_segment(
    profile: SalonProfile,
) -> None:
    import random

    rng = random.Random(11)
    words = [
        "coupe",
        "brushing",
        "couleur",
        "soin",
        "très",
        "long",
        "(offert)",
        "avec",
        "de",
        "cheveux",
        "bouclés",
        "« express »",
        "–",
        "kératine",
        "ça",
        "œil",
        "€",
        "[x]",
    ]
    start = datetime(2026, 12, 30, 20, 15, tzinfo=profile.timezone)
    for _ in range(300):
        name = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        for build in BUILDERS.values():
            text = build(profile=profile, service=name, start=start)
            assert fits_one_segment(text), (name, text)
            assert "20h15" in text and profile.short_name in text


def test_a_single_enormous_word_is_cut_inside_rather_than_failing(profile: SalonProfile) -> None:
    start = datetime(2026, 12, 30, 20, 15, tzinfo=profile.timezone)
    text = booked_text(profile=profile, service="Ultra" + "x" * 200, start=start)
    assert fits_one_segment(text) and "ultraxxx" in text


@pytest.mark.parametrize("event", list(BUILDERS))
@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("Léo Martin", "Léo"),
        ("Alice Dupont", "d'Alice"),
        ("Marie-Christine de La Rochefoucauld-Montbel", "de Marie-Christine"),
        ("Zoë Çelik", "Zo"),  # outside GSM-7: transliterated, still one segment
    ],
)
def test_the_text_names_whose_appointment_it_is_and_still_fits_one_segment(
    profile: SalonProfile, event: str, name: str, named: str
) -> None:
    """One phone may book for several people (a parent and a child): each SMS says whose
    appointment it is, keeping the name before the service's details."""
    build = BUILDERS[event]
    for service in profile.services:
        for start in _dates(profile)[:6]:
            text = build(profile=profile, service=service.name, start=start, name=name)
            assert is_gsm7(text) and len(text) <= 160, (text, len(text))
            assert named in text, text
            assert _expects_time(text, start) and profile.short_name in text


def test_with_a_name_the_confirmation_reads_naturally(profile: SalonProfile) -> None:
    start = datetime(2026, 12, 12, 9, 30, tzinfo=profile.timezone)
    assert booked_text(profile=profile, service="Coupe homme", start=start, name="Léo Martin") == (
        "Maison Margaux : RDV de Léo Martin confirmé le samedi 12 décembre à 9h30 pour coupe "
        "homme. Pour le modifier ou l'annuler, appelez le 04 78 42 18 90."
    )
    cancelled = cancelled_text(profile=profile, service="Coupe homme", start=start, name="Hugo")
    assert cancelled.startswith("Maison Margaux : le RDV d'Hugo du samedi 12 décembre à 9h30")
    unnamed = cancelled_text(profile=profile, service="Coupe homme", start=start, name="  ")
    assert unnamed.startswith("Maison Margaux : votre RDV du samedi 12 décembre")
