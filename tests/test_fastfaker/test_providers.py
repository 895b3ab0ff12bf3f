"""The compiled Faker fast path draws Faker's own data with Faker's distribution.

Each check samples the fast closure and Faker itself (seeded, so runs are
deterministic) and compares them: every fast value must lie in the support of
Faker's data, and category frequencies must agree under a two-sample chi-square
test with a lenient threshold.
"""

from __future__ import annotations

import math
import re
import string
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from faker.utils.text import slugify

from asyncfactories import _state
from asyncfactories._fastfaker.compile import compile_fast
from asyncfactories._state import fast_path_enabled, set_fast_path

LOCALES = ("en_US", "de_DE")
P_MIN = 1e-4  # lenient: a real mismatch gives p-values many orders below this


# --- helpers ---------------------------------------------------------------


def _gammq(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x) (series / continued fraction)."""
    if x <= 0:
        return 1.0
    gln = math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-14:
                break
        return 1.0 - total * math.exp(-x + a * math.log(x) - gln)
    b, c, d = x + 1 - a, 1e300, 1 / (x + 1 - a)
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-14:
            break
    return math.exp(-x + a * math.log(x) - gln) * h


def chi2_two_sample(a: Iterable[Hashable], b: Iterable[Hashable], top: int = 30) -> float:
    """P-value that two samples share one categorical distribution.

    The ``top`` most common categories of the pooled sample are kept, the rest
    pooled into one "other" cell, so sparse tails do not dominate the statistic.
    """
    ca, cb = Counter(a), Counter(b)
    na, nb = sum(ca.values()), sum(cb.values())
    keep = [k for k, _ in (ca + cb).most_common(top)]
    cells = [(ca[k], cb[k]) for k in keep]
    cells.append((na - sum(x for x, _ in cells), nb - sum(y for _, y in cells)))
    cells = [c for c in cells if c[0] + c[1] > 0]
    if len(cells) < 2:
        return 1.0
    stat = 0.0
    for x, y in cells:
        pooled = (x + y) / (na + nb)
        stat += (x - na * pooled) ** 2 / (na * pooled) + (y - nb * pooled) ** 2 / (nb * pooled)
    return _gammq((len(cells) - 1) / 2, stat / 2)


def fast_sample(provider: str, locale: str, n: int, **kwargs: object) -> list[Any]:
    """Draw ``n`` values through the compiled fast path."""
    draw = compile_fast(provider, locale, kwargs)
    assert draw is not None, f"no fast path for {provider}({kwargs}) in {locale}"
    return [draw() for _ in range(n)]


def faker_sample(provider: str, locale: str, n: int, **kwargs: object) -> list[Any]:
    """Draw ``n`` values from Faker's own method."""
    method = getattr(_state.faker_for(locale), provider)
    return [method(**kwargs) for _ in range(n)]


def assert_same_distribution(
    provider: str,
    locale: str,
    key: Callable[[Any], Hashable] = lambda v: v,
    n_fast: int = 20_000,
    n_faker: int = 3_000,
    top: int = 30,
    **kwargs: object,
) -> tuple[list[Any], list[Any]]:
    """Compare ``key(value)`` frequencies of the fast path and of Faker; return both samples."""
    fast = fast_sample(provider, locale, n_fast, **kwargs)
    slow = faker_sample(provider, locale, n_faker, **kwargs)
    p = chi2_two_sample(map(key, fast), map(key, slow), top)
    assert p > P_MIN, f"{provider}({kwargs}) in {locale}: p={p:.2e}"
    return fast, slow


def provider_of(locale: str, method: str) -> Any:
    """The Faker provider instance that serves ``method`` for ``locale``."""
    return getattr(_state.faker_for(locale), method).__self__


def data(locale: str, method: str, attr: str) -> Any:
    """A locale's table, read from the provider instance that serves ``method``."""
    return getattr(provider_of(locale, method), attr)


def word_shape(text: str) -> str:
    """Collapse letter runs to ``a`` and digits to ``9``: the layout of a format."""
    return re.sub(r"[^\W\d_]+", "a", re.sub(r"\d", "9", text))


@pytest.fixture(autouse=True)
def _seeded() -> None:
    _state.seed(20240611)


@pytest.fixture
def fast_path_off() -> Iterator[None]:
    set_fast_path(False)
    try:
        yield
    finally:
        set_fast_path(True)


# --- person ----------------------------------------------------------------

NAME_TABLES = {
    "first_name": "first_names",
    "last_name": "last_names",
    "first_name_male": "first_names_male",
    "first_name_female": "first_names_female",
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("provider", sorted(NAME_TABLES))
def test_names_are_drawn_from_the_locale_table_with_its_weights(locale: str, provider: str) -> None:
    """First/last names come from the locale's table, weighted as Faker weights them."""
    fast, _ = assert_same_distribution(provider, locale, n_faker=4_000)
    assert set(fast) <= set(data(locale, provider, NAME_TABLES[provider]))


@pytest.mark.parametrize("locale", LOCALES)
def test_gendered_last_names_fall_back_like_faker(locale: str) -> None:
    """last_name_male/female use the plain table when the locale has no gendered one."""
    fast, _ = assert_same_distribution("last_name_female", locale, n_faker=3_000)
    assert set(fast) <= set(data(locale, "last_name", "last_names"))


@pytest.mark.parametrize("locale", LOCALES)
def test_full_names_follow_the_locale_formats(locale: str) -> None:
    """name() picks Faker's formats with their weights and fills prefixes, names and suffixes."""
    prefixes = set(data(locale, "prefix_female", "prefixes_female")) | set(
        data(locale, "prefix_male", "prefixes_male")
    )
    firsts = set(data(locale, "first_name", "first_names"))

    def layout(name: str) -> tuple[bool, int]:
        return name.split(" ")[0] in prefixes, name.count(" ")

    fast, _ = assert_same_distribution("name", locale, layout, n_fast=20_000, n_faker=3_000)
    assert all(any(part in firsts for part in name.split(" ")[:3]) for name in fast)
    assert_same_distribution("name", locale, lambda n: n.split(" ")[-1], n_faker=3_000)


# --- internet --------------------------------------------------------------

EMAIL = re.compile(r"^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("provider", "domains"),
    [
        ("email", "safe_domain_names"),
        ("safe_email", "safe_domain_names"),
        ("free_email", "free_email_domains"),
    ],
)
def test_emails_are_valid_and_use_fakers_domains(locale: str, provider: str, domains: str) -> None:
    """Emails have one '@', a dotted domain from Faker's list and Faker's local-part layouts."""
    fast, _ = assert_same_distribution(provider, locale, lambda e: e.split("@")[1], n_faker=2_500)
    allowed = {d.lower() for d in data(locale, provider, domains)}
    assert all(EMAIL.match(e) and e.count("@") == 1 for e in fast)
    assert {e.split("@")[1] for e in fast} <= allowed
    assert_same_distribution(provider, locale, lambda e: word_shape(e.split("@")[0]), n_faker=2_500)


@pytest.mark.parametrize("locale", LOCALES)
def test_company_emails_use_slugged_company_names(locale: str) -> None:
    """company_email's domain is the first word of a company, slugified, plus a locale TLD."""
    fast, _ = assert_same_distribution(
        "company_email", locale, lambda e: e.rsplit(".", 1)[1], n_fast=5_000, n_faker=1_500
    )
    assert all(EMAIL.match(e) for e in fast)
    tlds = set(data(locale, "tld", "tlds"))
    assert {e.rsplit(".", 1)[1] for e in fast} <= tlds


def test_email_honours_domain_and_unsafe_formats() -> None:
    """email(domain=...) keeps the domain; email(safe=False) mixes Faker's two email formats."""
    assert all(
        e.endswith("@acme.test") for e in fast_sample("email", "en_US", 200, domain="Acme.test")
    )
    free = set(data("en_US", "email", "free_email_domains"))

    def kind(e: str) -> bool:
        return e.split("@")[1] in free

    fast, _ = assert_same_distribution("email", "en_US", kind, n_faker=1_500, safe=False)
    assert all(EMAIL.match(e) for e in fast)


@pytest.mark.parametrize("locale", LOCALES)
def test_user_names_are_transliterated_like_faker(locale: str) -> None:
    """user_name lower-cases, transliterates and slugifies names exactly as Faker does."""
    fast, slow = assert_same_distribution("user_name", locale, word_shape, n_faker=3_000)
    # The digits of "{{first_name}}##" and the letter of "?{{last_name}}".
    ends = (u[-1] if u[-1].isdigit() else u[0] for u in fast)
    assert chi2_two_sample(ends, (u[-1] if u[-1].isdigit() else u[0] for u in slow), 40) > P_MIN
    internet = provider_of(locale, "user_name")
    slugs = {
        slugify(internet._to_ascii(n.lower()), allow_unicode=True)
        for n in data(locale, "first_name", "first_names")
    }
    with_digits = [u[:-2] for u in fast if re.fullmatch(r".*\D\d\d", u)]
    assert with_digits
    assert set(with_digits) <= slugs
    assert all(u.isascii() and u == u.lower() for u in fast)


# --- company, job, address -------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_companies_follow_the_locale_formats_and_suffixes(locale: str) -> None:
    """company() uses Faker's formats with last names and the locale's company suffixes."""
    suffixes = sorted(
        set(data(locale, "company_suffix", "company_suffixes")), key=len, reverse=True
    )

    def layout(company: str) -> tuple[str | None, bool, bool]:
        suffix = next((s for s in suffixes if company.endswith(" " + s)), None)
        return suffix, "-" in company, "," in company

    assert_same_distribution("company", locale, layout, n_faker=3_000)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("provider", "table"), [("job", "jobs"), ("country", "countries")])
def test_jobs_and_countries_come_from_the_locale_lists(
    locale: str, provider: str, table: str
) -> None:
    """job() and country() draw uniformly from the locale's own lists."""
    fast, _ = assert_same_distribution(provider, locale, n_faker=10_000)
    assert set(fast) <= set(data(locale, provider, table))


@pytest.mark.parametrize("locale", LOCALES)
def test_cities_and_street_addresses_follow_the_locale_formats(locale: str) -> None:
    """city() and street_address() reproduce the layout mix of Faker's formats."""
    assert_same_distribution("city", locale, lambda c: c.count(" "), n_faker=3_000)
    assert_same_distribution("street_address", locale, word_shape, n_faker=3_000)
    if locale == "de_DE":
        fast, _ = assert_same_distribution("city", locale, n_faker=10_000)
        assert set(fast) <= set(data(locale, "city_name", "cities"))


@pytest.mark.parametrize("locale", LOCALES)
def test_postcodes_and_building_numbers_have_fakers_digits(locale: str) -> None:
    """postcode() and building_number() fill Faker's digit markers with Faker's digit odds."""
    fast, _ = assert_same_distribution("postcode", locale, lambda p: (len(p), p[0], p[-1]), top=100)
    assert all(re.fullmatch(r"\d{5}(-\d{4})?", p) for p in fast)
    assert_same_distribution(
        "building_number", locale, lambda b: (word_shape(b), b[0], b[-1]), top=200
    )


def test_us_addresses_mix_civil_and_military_formats_like_faker() -> None:
    """address() for en_US keeps Faker's 25:1:1:1 format weights and two-line layout."""
    fast, _ = assert_same_distribution(
        "address", "en_US", lambda a: a.split("\n")[1][:3], n_fast=10_000, n_faker=2_000, top=60
    )
    assert all(a.count("\n") == 1 for a in fast)


# --- lorem -----------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_words_come_uniformly_from_the_word_list(locale: str) -> None:
    """word() and words(nb=3) draw uniformly from the locale's lorem word list."""
    vocabulary = set(data(locale, "word", "word_list"))
    fast, _ = assert_same_distribution("word", locale, n_faker=10_000)
    assert set(fast) <= vocabulary
    triples = fast_sample("words", locale, 3_000)
    assert all(len(t) == 3 and set(t) <= vocabulary for t in triples)


@pytest.mark.parametrize("locale", LOCALES)
def test_sentences_and_paragraphs_have_fakers_length_distribution(locale: str) -> None:
    """sentence() has Faker's +/-40 % word counts; paragraph() its sentence counts."""
    fast, _ = assert_same_distribution("sentence", locale, lambda s: s.count(" "), n_faker=5_000)
    assert all(s[0].isupper() and s.endswith(".") for s in fast)
    assert_same_distribution("paragraph", locale, lambda p: p.count("."), n_faker=3_000)
    fixed = fast_sample("sentence", locale, 200, nb_words=4, variable_nb_words=False)
    assert {s.count(" ") for s in fixed} == {3}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("limit", [20, 60, 200])
def test_text_stays_within_max_nb_chars_like_faker(locale: str, limit: int) -> None:
    """text(max_nb_chars) never exceeds the limit and matches Faker's length distribution."""
    fast, _ = assert_same_distribution(
        "text",
        locale,
        lambda t: len(t) * 10 // limit,
        n_fast=5_000,
        n_faker=1_500,
        max_nb_chars=limit,
    )
    assert all(0 < len(t) <= limit and t.endswith(".") for t in fast)


# --- uuid, numbers, elements -----------------------------------------------


def test_uuid4_strings_are_random_version_4_uuids() -> None:
    """uuid4() yields canonical version-4 UUID strings with uniform random digits."""
    fast, _ = assert_same_distribution("uuid4", "en_US", lambda u: u[19], n_faker=3_000)
    parsed = [uuid.UUID(u) for u in fast]
    assert all(
        p.version == 4 and p.variant == uuid.RFC_4122 and str(p) == u
        for p, u in zip(parsed, fast, strict=True)
    )
    assert_same_distribution("uuid4", "en_US", lambda u: u[0] + u[35], n_faker=3_000, top=256)
    raw = fast_sample("uuid4", "en_US", 10, cast_to=None)
    assert all(isinstance(u, uuid.UUID) and u.version == 4 for u in raw)


@pytest.mark.parametrize(
    "kwargs", [{}, {"min_value": 5, "max_value": 50, "step": 5}, {"min_value": -3, "max_value": 3}]
)
def test_pyint_stays_within_bounds_and_step(kwargs: dict[str, int]) -> None:
    """pyint() is uniform over range(min_value, max_value + 1, step), like Faker."""
    lo, hi, step = kwargs.get("min_value", 0), kwargs.get("max_value", 9999), kwargs.get("step", 1)
    fast, _ = assert_same_distribution(
        "pyint", "en_US", lambda v: v * 20 // (hi + 1 - lo), **kwargs
    )
    assert all(lo <= v <= hi and (v - lo) % step == 0 for v in fast)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_value": 0, "max_value": 100, "right_digits": 2},
        {},
        {"left_digits": 3, "right_digits": 2, "positive": True},
        {"min_value": -10, "max_value": 10},
    ],
)
def test_pyfloat_matches_fakers_digits_and_bounds(kwargs: dict[str, Any]) -> None:
    """pyfloat() respects bounds and digit counts and has Faker's value distribution."""

    def magnitude(v: float) -> tuple[bool, int]:
        return v < 0, int(math.log10(abs(v))) if v else -99

    fast, _ = assert_same_distribution("pyfloat", "en_US", magnitude, **kwargs)
    if "min_value" in kwargs:
        assert all(kwargs["min_value"] <= v <= kwargs["max_value"] for v in fast)
        assert_same_distribution("pyfloat", "en_US", lambda v: int(v // 2), top=100, **kwargs)
    if "right_digits" in kwargs:
        assert all(round(v, kwargs["right_digits"]) == v for v in fast)
    if kwargs.get("positive"):
        assert all(0 < v < 1000 for v in fast)


@pytest.mark.parametrize("probability", [50, 20])
def test_pybool_is_true_with_the_given_probability(probability: int) -> None:
    """pybool(truth_probability) is True as often as Faker's."""
    fast, _ = assert_same_distribution("pybool", "en_US", truth_probability=probability)
    assert abs(sum(fast) / len(fast) - probability / 100) < 0.02


def test_random_element_honours_ordered_dict_weights() -> None:
    """random_element uses OrderedDict weights and picks tuples uniformly, as Faker does."""
    weighted = OrderedDict([("a", 0.6), ("b", 0.3), ("c", 0.1)])
    fast, _ = assert_same_distribution("random_element", "en_US", elements=weighted)
    assert abs(fast.count("a") / len(fast) - 0.6) < 0.02
    assert_same_distribution("random_element", "en_US", elements=tuple("wxyz"))


def test_random_elements_match_fakers_lengths_and_values() -> None:
    """random_elements draws Faker's lengths and values, with and without replacement."""
    elements = tuple("abcdef")
    assert_same_distribution("random_elements", "en_US", len, elements=elements)
    assert_same_distribution("random_elements", "en_US", tuple, top=40, elements=elements, length=2)
    unique = fast_sample("random_elements", "en_US", 500, elements=elements, length=4, unique=True)
    assert all(len(set(u)) == 4 for u in unique)


# --- dates -----------------------------------------------------------------


def _position(start: datetime, end: datetime) -> Callable[[datetime], int]:
    span = (end - start).total_seconds()
    return lambda v: int((v - start).total_seconds() * 10 // span)


def test_date_time_is_naive_between_epoch_and_now() -> None:
    """date_time() is naive, after 1970 and not in the future, spread like Faker's."""
    now = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
    fast, _ = assert_same_distribution("date_time", "en_US", _position(datetime(1970, 1, 1), now))
    assert all(v.tzinfo is None and datetime(1970, 1, 1) <= v <= now for v in fast)
    aware = fast_sample("date_time", "en_US", 500, tzinfo=UTC)
    assert all(v.tzinfo is UTC for v in aware)


@pytest.mark.parametrize("tz", [None, UTC, ZoneInfo("Europe/Berlin")])
@pytest.mark.parametrize("period", ["year", "month", "decade"])
def test_date_time_this_period_stays_within_the_period(period: str, tz: Any) -> None:
    """date_time_this_<period>() lies between the period's start and now, tz-aware when asked."""
    now = datetime.now(tz)
    start = {
        "year": now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0),
        "month": now.replace(day=1, hour=0, minute=0, second=0, microsecond=0),
        "decade": datetime(now.year - now.year % 10, 1, 1, tzinfo=tz),
    }[period]
    fast, _ = assert_same_distribution(
        f"date_time_this_{period}",
        "en_US",
        _position(start, now),
        n_fast=5_000,
        n_faker=2_000,
        tzinfo=tz,
    )
    slack = timedelta(hours=14)  # the naive variant counts local wall-clock time as UTC
    for v in fast:
        assert (v.tzinfo is None) == (tz is None)
        assert start - slack <= v <= datetime.now(tz) + slack


def test_date_time_between_respects_its_bounds_and_tzinfo() -> None:
    """date_time_between(start, end, tzinfo) stays inside [start, end] and is aware."""
    start, end = datetime(2001, 5, 1, tzinfo=UTC), datetime(2003, 5, 1, tzinfo=UTC)
    tz = ZoneInfo("America/New_York")
    fast, _ = assert_same_distribution(
        "date_time_between",
        "en_US",
        _position(start, end),
        start_date=start,
        end_date=end,
        tzinfo=tz,
    )
    assert all(start <= v <= end and v.tzinfo is tz for v in fast)
    recent = fast_sample("date_time_between", "en_US", 500, start_date="-1d", tzinfo=UTC)
    assert all(
        datetime.now(UTC) - timedelta(days=1, seconds=2) <= v <= datetime.now(UTC) for v in recent
    )


def test_date_this_year_is_a_date_of_this_year_up_to_today() -> None:
    """date_this_year() returns dates from 1 January up to today, spread like Faker's."""
    today = date.today()
    fast, _ = assert_same_distribution("date_this_year", "en_US", lambda d: d.month)
    assert all(isinstance(d, date) and d.year == today.year and d <= today for d in fast)
    future = fast_sample("date_this_month", "en_US", 300, before_today=False, after_today=True)
    assert all(today <= d and d.month == today.month for d in future)


# --- fallback, seeding, switch ----------------------------------------------


@pytest.mark.parametrize(
    ("provider", "locale", "kwargs"),
    [
        ("no_such_provider", "en_US", {}),
        ("_to_ascii", "en_US", {}),
        ("first_name", "en_US", {"gender": "x"}),
        ("text", "en_US", {"max_nb_chars": 3}),
        ("pyint", "en_US", {"min_value": 1.5}),
        ("random_element", "en_US", {"elements": {"a": 1}}),
        ("email", "en_US", {"safe": True, "unknown": 1}),
        ("first_name", "ja_JP", {}),
        ("first_name", "xx_XX", {}),
    ],
)
def test_unsupported_combinations_have_no_fast_path(
    provider: str, locale: str, kwargs: Mapping[str, object]
) -> None:
    """Unknown providers, unknown or invalid arguments and unmodelled locales return None."""
    assert compile_fast(provider, locale, kwargs) is None


REPRODUCIBLE: list[tuple[str, str, dict[str, object]]] = [
    ("name", "en_US", {}),
    ("email", "de_DE", {}),
    ("company", "de_DE", {}),
    ("address", "en_US", {}),
    ("text", "en_US", {}),
    ("uuid4", "en_US", {}),
    ("pyfloat", "en_US", {}),
    ("pyint", "en_US", {"min_value": 1, "max_value": 10**12}),
    ("random_elements", "en_US", {"elements": tuple(string.ascii_lowercase)}),
    (
        "date_time_between",
        "en_US",
        {"start_date": datetime(2000, 1, 1), "end_date": datetime(2010, 1, 1)},
    ),
]


@pytest.mark.parametrize(("provider", "locale", "kwargs"), REPRODUCIBLE)
def test_seed_reproduces_fast_values_exactly(
    provider: str, locale: str, kwargs: dict[str, object]
) -> None:
    """seed(5) followed by the same draws gives the same values."""
    _state.seed(5)
    first = fast_sample(provider, locale, 50, **kwargs)
    _state.seed(5)
    assert fast_sample(provider, locale, 50, **kwargs) == first
    _state.seed(6)
    assert fast_sample(provider, locale, 50, **kwargs) != first


def test_compiled_closures_are_cached_per_provider_locale_and_arguments() -> None:
    """The same (provider, locale, kwargs) compiles once; other arguments compile anew."""
    small = compile_fast("pyint", "en_US", {"max_value": 5})
    assert small is compile_fast("pyint", "en_US", {"max_value": 5})
    assert small is not compile_fast("pyint", "en_US", {})


@pytest.mark.usefixtures("fast_path_off")
def test_switching_the_fast_path_off_disables_every_provider() -> None:
    """set_fast_path(False) makes compile_fast return None for everything."""
    assert not fast_path_enabled()
    for provider, locale, kwargs in REPRODUCIBLE:
        assert compile_fast(provider, locale, kwargs) is None


def test_the_fast_path_is_on_by_default() -> None:
    """Unless switched off, the fast path is enabled and compiles."""
    assert fast_path_enabled()
    assert compile_fast("first_name", "en_US", {}) is not None
