"""Unique columns of the sample domain stay unique at scale (generation only, no database).

The 100,000-value check runs with the suite; the 1,000,000-value one is marked
``scale`` (``pytest -m scale`` runs it; it takes about a minute here).
"""

from __future__ import annotations

import re

import pytest

from asyncfactories.examples.agents import UserFactory

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


def unique_emails(total: int) -> tuple[int, bool]:
    """How many distinct emails ``total`` users get, and whether all are valid."""
    UserFactory.reset_sequence()
    seen: set[str] = set()
    valid = True
    for start in range(0, total, 10_000):
        for attributes in (UserFactory.attributes() for _ in range(min(10_000, total - start))):
            email = str(attributes["email"])
            seen.add(email)
            valid = valid and bool(EMAIL.match(email))
    return len(seen), valid


def test_a_hundred_thousand_user_emails_are_distinct_and_valid() -> None:
    """100,000 users: 100,000 distinct, valid emails."""
    assert unique_emails(100_000) == (100_000, True)


@pytest.mark.scale
def test_a_million_user_emails_are_distinct_and_valid() -> None:
    """1,000,000 users: 0 duplicates, every email valid."""
    assert unique_emails(1_000_000) == (1_000_000, True)
