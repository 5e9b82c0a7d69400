"""Numbers, dates and the domain's codes in Vietnamese first, English second."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.portal.i18n import Translator, parse_day


@pytest.fixture
def vi() -> Translator:
    return Translator("vi")


@pytest.fixture
def en() -> Translator:
    return Translator("en")


def test_numbers_are_written_as_each_language_writes_them(vi: Translator, en: Translator) -> None:
    assert vi.number(1234.5) == "1.234,5"
    assert en.number(1234.5) == "1,234.5"
    assert vi.number(1_000_000_000_000_000) == "1.000.000.000.000.000"
    assert vi.number(287) == "287"
    assert vi.number(0.1 + 0.2) == "0,3"
    assert vi.number(None) == ""
    assert vi.percent(229.0) == "229 %"
    assert vi.typed_number(0.123456) == "0,123456"


def test_dates_are_day_month_year_and_times_are_the_provinces(vi: Translator) -> None:
    assert vi.date(date(2024, 3, 5)) == "05/03/2024"
    assert vi.date("2024-12-31") == "31/12/2024"
    assert vi.date("not a date") == ""
    moment = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
    assert vi.datetime(moment) == "05/03/2024 08:30"
    assert vi.datetime("2024-03-05T17:30:00Z") == "06/03/2024 00:30"


@pytest.mark.parametrize(
    ("typed", "lang", "read"),
    [
        ("1.234,5", "vi", 1234.5),
        ("287", "vi", 287),
        ("1234,5", "vi", 1234.5),
        (" 26 ", "vi", 26),
        ("1,234.5", "en", 1234.5),
        ("287.5", "en", 287.5),
        ("287.5", "vi", None),  # a Vietnamese decimal is a comma: not guessed
        ("1.09,5", "vi", None),
        ("1,234.5", "vi", None),
        ("abc", "vi", None),
        ("", "vi", None),
        ("NaN", "en", None),
    ],
)
def test_numbers_are_read_as_typed_in_the_readers_language(
    typed: str, lang: str, read: float | None
) -> None:
    assert Translator(lang).parse_number(typed) == read


def test_a_whole_number_is_read_as_an_integer(vi: Translator) -> None:
    value = vi.parse_number("1.000")
    assert value == 1000
    assert isinstance(value, int)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("31/12/2024", date(2024, 12, 31)),
        ("1/2/2024", date(2024, 2, 1)),
        ("05-03-2024", date(2024, 3, 5)),
        ("05.03.2024", date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        ("31/02/2024", None),
        ("12/2024", None),
        ("31/12/24", None),
        ("", None),
    ],
)
def test_dates_are_read_day_first(typed: str, read: date | None) -> None:
    assert parse_day(typed) == read


def test_codes_are_named_in_the_readers_language(vi: Translator, en: Translator) -> None:
    assert vi.label("status", "pending") == "Chờ duyệt"
    assert vi.label("rating", "excellent") == "Hoàn thành xuất sắc nhiệm vụ"
    assert vi.label("kind", "creative") == "Sáng tạo"
    assert en.label("rating", "not_completed") == "Not completed"
    assert vi.label("status", "something_new") == "something_new"
    assert vi.label("rating", None) == ""


def test_messages_take_their_values_and_unknown_keys_show_as_themselves(
    vi: Translator, en: Translator
) -> None:
    assert vi("leader.title", year=2024) == "Nhiệm vụ của tôi năm 2024"
    assert en("leader.title", year=2024) == "My tasks in 2024"
    assert vi("no.such.key") == "no.such.key"
    assert Translator("fr").lang == "vi"
