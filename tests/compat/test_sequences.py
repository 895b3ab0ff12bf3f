"""Sequence counters shared as factory_boy shares them."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

import asyncfactories as factory
from tests.compat.models import Employee, Person


class PersonFactory(factory.AsyncFactory[Person]):
    kind = "person"
    email = factory.Sequence(lambda n: f"p{n}@example.org")


class EmployeeFactory(PersonFactory):
    class Meta:
        model = Employee

    kind = "employee"


def test_a_subclass_factory_of_a_subclass_model_shares_the_counter() -> None:
    """EmployeeFactory(PersonFactory) with Employee(Person) counts on PersonFactory's sequence."""
    PersonFactory.reset_sequence()
    emails = [PersonFactory.build().email, EmployeeFactory.build().email]
    emails.append(PersonFactory.build().email)
    assert emails == ["p0@example.org", "p1@example.org", "p2@example.org"]


@pytest.mark.asyncio
async def test_shared_counters_keep_unique_columns_apart(session: AsyncSession) -> None:
    """Rows of both factories land in one table without colliding on the unique email."""
    PersonFactory.reset_sequence()
    await PersonFactory.create_batch(2, session=session)
    employees = await EmployeeFactory.create_batch(2, session=session)
    assert [e.email for e in employees] == ["p2@example.org", "p3@example.org"]


def test_an_unrelated_model_gets_its_own_counter() -> None:
    """A subclass factory of another model (not a subclass) starts its own count."""

    class Other:
        def __init__(self, email: str, kind: str) -> None:
            self.email = email

    class OtherFactory(PersonFactory):
        class Meta:
            model = Other

    PersonFactory.build_batch(3)
    OtherFactory.reset_sequence()
    assert OtherFactory.build().email == "p0@example.org"


def test_dual_inheritance_merges_the_declarations_of_both_bases() -> None:
    """Class C(A, B): B's declarations are kept, A's counter goes on."""

    class AFactory(factory.DictFactory):
        one = factory.Sequence(lambda n: n)

    class BFactory(factory.DictFactory):
        two = factory.Sequence(lambda n: n * 10)
        shared = "from B"

    class CFactory(AFactory, BFactory):
        three = factory.Sequence(lambda n: n * 100)

    factory.DictFactory.reset_sequence()
    made = CFactory.build()
    assert made == {"one": 0, "two": 0, "shared": "from B", "three": 0}
    assert AFactory.build()["one"] == 1
