"""Unit tier: the one text format of instants in the state database (`salon.utc`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from salon.utc import parse_utc, utc_text

PARIS_WINTER = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("moment", "precise", "expected"),
    [
        (datetime(2026, 12, 1, 8, 30, tzinfo=UTC), False, "2026-12-01T08:30:00Z"),
        (
            datetime(2026, 12, 1, 9, 30, 59, 999999, tzinfo=PARIS_WINTER),
            False,
            "2026-12-01T08:30:59Z",
        ),
        (datetime(2026, 12, 1, 8, 30, tzinfo=UTC), True, "2026-12-01T08:30:00.000000Z"),
        (datetime(2026, 12, 1, 8, 30, 0, 250, tzinfo=UTC), True, "2026-12-01T08:30:00.000250Z"),
    ],
)
def test_instants_are_written_in_utc_with_a_z(
    moment: datetime, precise: bool, expected: str
) -> None:
    assert utc_text(moment, precise=precise) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-01T08:30:00Z",
        "2026-12-01T08:30:00+00:00",
        "2026-12-01T09:30:00+01:00",
        "2026-12-01T08:30:00",
        " 2026-12-01T08:30:00.000000Z ",
    ],
)
def test_every_stored_spelling_reads_back_as_the_same_utc_instant(text: str) -> None:
    moment = parse_utc(text)
    assert moment == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)


def test_text_of_one_precision_sorts_like_the_instants() -> None:
    base = datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC)
    moments = [base + timedelta(microseconds=n * 250_001) for n in range(10)]
    for precise in (False, True):
        texts = [utc_text(m, precise=precise) for m in moments]
        assert texts == sorted(texts)
        assert [parse_utc(t) for t in texts] == [
            m if precise else m.replace(microsecond=0) for m in moments
        ]


def test_a_naive_datetime_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="naive datetime '2026-12-01T08:30:00'"):
        utc_text(datetime(2026, 12, 1, 8, 30))


@pytest.mark.parametrize("text", ["", "demain", "2026-13-01T00:00:00Z"])
def test_text_that_is_not_an_instant_is_refused_with_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 date and time"):
        parse_utc(text)
