"""The fuzzy family: factory_boy's signatures, inclusive bounds, one seedable source."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import string

import pytest

from asyncfactories import AsyncFactory, FactoryDefinitionError, fuzzy, seed


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


def draws(declaration: fuzzy.BaseFuzzyAttribute, n: int = 2000) -> list[object]:
    return [declaration.fuzz() for _ in range(n)]


def test_fuzzy_integer_bounds_are_inclusive() -> None:
    """FuzzyInteger(1, 3) yields 1, 2 and 3."""
    assert set(draws(fuzzy.FuzzyInteger(1, 3))) == {1, 2, 3}


def test_fuzzy_integer_with_one_argument_starts_at_zero() -> None:
    """FuzzyInteger(high) means 0..high."""
    assert set(draws(fuzzy.FuzzyInteger(2))) == {0, 1, 2}


def test_fuzzy_integer_honours_step() -> None:
    """Step spaces the values from low."""
    assert set(draws(fuzzy.FuzzyInteger(0, 10, step=5))) == {0, 5, 10}


def test_fuzzy_float_stays_within_bounds() -> None:
    """FuzzyFloat values lie in [low, high]."""
    values = draws(fuzzy.FuzzyFloat(0.5, 0.7))
    assert all(0.5 <= v <= 0.7 for v in values)  # type: ignore[operator]
    assert len(set(values)) > 1000


def test_fuzzy_decimal_has_two_places_by_default() -> None:
    """FuzzyDecimal rounds to precision=2 and stays in bounds."""
    values = draws(fuzzy.FuzzyDecimal(1, 2))
    assert all(isinstance(v, decimal.Decimal) and v.as_tuple().exponent == -2 for v in values)
    assert all(decimal.Decimal(1) <= v <= decimal.Decimal(2) for v in values)  # type: ignore[operator]


def test_fuzzy_text_is_twelve_ascii_letters_by_default() -> None:
    """FuzzyText() is 12 characters of string.ascii_letters, with prefix and suffix."""
    text = fuzzy.FuzzyText(prefix="a-", suffix="-z").fuzz()
    assert text.startswith("a-")
    assert text.endswith("-z")
    assert len(text) == 16
    assert set(text[2:-2]) <= set(string.ascii_letters)


def test_fuzzy_choice_accepts_an_enum_class() -> None:
    """FuzzyChoice(EnumClass) draws members."""
    assert set(draws(fuzzy.FuzzyChoice(Color))) == {Color.RED, Color.BLUE}


def test_fuzzy_choice_consumes_a_generator_lazily() -> None:
    """A generator is read on first use, not at class definition."""
    read: list[int] = []

    def gen():  # type: ignore[no-untyped-def]
        read.append(1)
        yield from (1, 2)

    choice = fuzzy.FuzzyChoice(gen())

    class F(AsyncFactory[dict[str, object]]):
        class Meta:
            model = dict

        value = choice

    assert read == []
    assert F.build()["value"] in (1, 2)
    assert read == [1]


def test_fuzzy_choice_getter_maps_the_choice() -> None:
    """Getter transforms the picked value."""
    assert fuzzy.FuzzyChoice(Color, getter=lambda c: c.value).fuzz() in ("red", "blue")


def test_fuzzy_date_covers_its_range() -> None:
    """FuzzyDate draws every day between the bounds, inclusive."""
    start = dt.date(2024, 1, 1)
    values = set(draws(fuzzy.FuzzyDate(start, dt.date(2024, 1, 3))))
    assert values == {dt.date(2024, 1, 1), dt.date(2024, 1, 2), dt.date(2024, 1, 3)}


def test_fuzzy_datetime_is_aware_and_in_bounds() -> None:
    """FuzzyDateTime returns aware datetimes between the bounds."""
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    values = draws(fuzzy.FuzzyDateTime(start, end))
    assert all(start <= v <= end and v.tzinfo is not None for v in values)  # type: ignore[operator, attr-defined]


def test_fuzzy_datetime_force_fields_pin_parts() -> None:
    """force_hour etc. pin that part of every value."""
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    assert {v.hour for v in draws(fuzzy.FuzzyDateTime(start, end, force_hour=3), 50)} == {3}  # type: ignore[attr-defined]


def test_fuzzy_naive_datetime_is_naive() -> None:
    """FuzzyNaiveDateTime returns naive datetimes."""
    value = fuzzy.FuzzyNaiveDateTime(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)).fuzz()
    assert value.tzinfo is None


def test_fuzzy_attribute_calls_its_function() -> None:
    """FuzzyAttribute(fuzzer) returns fuzzer()."""
    assert fuzzy.FuzzyAttribute(lambda: 42).fuzz() == 42


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (
            fuzzy.FuzzyInteger(5, 1),
            r"F\.value: FuzzyInteger\(5, 1\) has low > high; swap the bounds\.",
        ),
        (
            fuzzy.FuzzyFloat(0.9, 0.5),
            r"F\.value: FuzzyFloat\(0\.9, 0\.5\) has low > high; swap the bounds\.",
        ),
        (
            fuzzy.FuzzyDecimal(3, 1),
            r"F\.value: FuzzyDecimal\(3, 1\) has low > high; swap the bounds\.",
        ),
        (fuzzy.FuzzyInteger(0, 5, step=0), r"has a step below 1; use a positive step"),
        (fuzzy.FuzzyText(length=-1), r"has a negative length"),
        (fuzzy.FuzzyChoice([]), r"has no choices; give it at least one value"),
        (fuzzy.FuzzyDate(dt.date(2024, 2, 1), dt.date(2024, 1, 1)), r"start_date > end_date"),
        (
            fuzzy.FuzzyDateTime(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)),
            r"has a naive start_dt; give it a tzinfo",
        ),
        (
            fuzzy.FuzzyNaiveDateTime(
                dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2024, 1, 2)
            ),
            r"has an aware start_dt; drop the tzinfo",
        ),
    ],
)
def test_impossible_fuzzy_arguments_fail_at_class_definition(
    declaration: fuzzy.BaseFuzzyAttribute, message: str
) -> None:
    """Bad bounds are a FactoryDefinitionError when the class statement runs."""
    with pytest.raises(FactoryDefinitionError, match=message):

        class F(AsyncFactory[dict[str, object]]):
            class Meta:
                model = dict

            value = declaration


def test_seed_reproduces_every_fuzzy_draw() -> None:
    """seed(n) twice gives the same fuzzy values."""
    declarations = [
        fuzzy.FuzzyInteger(0, 10**9),
        fuzzy.FuzzyFloat(0, 1),
        fuzzy.FuzzyText(),
        fuzzy.FuzzyChoice(Color),
        fuzzy.FuzzyDecimal(0, 100),
    ]
    seed(99)
    first = [d.fuzz() for d in declarations for _ in range(5)]
    seed(99)
    assert [d.fuzz() for d in declarations for _ in range(5)] == first
