"""Vietnamese number notation: thousands dots, decimal commas, scale words."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.extract.numbers import format_vn, is_decimal, parse_amount, parse_number


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("3.436.164", 3436164),
        ("98,72", 98.72),
        ("1.000", 1000),
        ("63,80", 63.8),
        ("0,8340", 0.834),
        ("4.0", 4.0),
    ],
)
def test_parse_number(raw: str, value: float) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize(
    ("raw", "scale", "value"),
    [("1,4", "triệu", 1_400_000), ("25", "triệu", 25_000_000), ("15", "nghìn", 15_000), ("2", "tỷ", 2e9)],
)
def test_parse_amount_expands_scale_words(raw: str, scale: str, value: float) -> None:
    assert parse_amount(raw, scale) == value


def test_scores_and_versions_are_decimals_but_grouped_thousands_are_not() -> None:
    assert is_decimal("0,6735") and is_decimal("4.0")
    assert not is_decimal("22.673") and not is_decimal("27")


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_dots_round_trip(n: int) -> None:
    assert parse_number(format_vn(n)) == n


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=99))
def test_decimal_comma_round_trips(whole: int, cents: int) -> None:
    raw = f"{whole},{cents:02d}"
    assert parse_number(raw) == pytest.approx(whole + cents / 100)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=9))
def test_scale_word_multiplies(whole: int, tenth: int) -> None:
    assert parse_amount(f"{whole},{tenth}", "triệu") == (whole * 10 + tenth) * 100_000
