"""Module-level factories for load() tests: worker processes import them by path."""

from __future__ import annotations

import datetime as dt
import decimal

from asyncfactories import AsyncFactory, Faker, LazyFunction, Sequence, SubFactory, fuzzy
from asyncfactories.examples.agents.models import (
    AgentMaturity,
    AgentRegistry,
    AgentStatus,
    User,
    UserRole,
    UserStatus,
)
from tests.models import Member, Team

MOMENT = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)


class LoadTeamFactory(AsyncFactory[Team]):
    name = Sequence(lambda n: f"team-{n}")


class LoadMemberFactory(AsyncFactory[Member]):
    team = SubFactory(LoadTeamFactory)
    email = Faker("email", unique=True)
    name = Sequence(lambda n: f"member-{n}")


class LoadAgentFactory(AsyncFactory[AgentRegistry]):
    name = Faker("company")
    description = Faker("sentence")
    category = fuzzy.FuzzyChoice(["ops", "sales", "support"])
    module_path = "agents.generic"
    class_name = Sequence(lambda n: f"Agent{n}")
    maturity = fuzzy.FuzzyChoice(AgentMaturity)
    confidence_score = fuzzy.FuzzyFloat(0, 1)
    status = AgentStatus.ACTIVE
    configuration = LazyFunction(lambda: {"temperature": 0.2, "tools": ["search"]})


class ExactUserFactory(AsyncFactory[User]):
    """Values chosen to round-trip through COPY: enums, JSON, NULL, Numeric, aware datetimes."""

    email = Sequence(lambda n: f"user{n}@example.org")
    password_hash = "x" * 60
    first_name = Sequence(lambda n: ["Zoë", "Ann"][n % 2])
    last_name = "Łukasiewicz"
    role = Sequence(lambda n: list(UserRole)[n % len(UserRole)])
    status = Sequence(lambda n: list(UserStatus)[n % len(UserStatus)])
    specialty = Sequence(lambda n: [None, "ml"][n % 2])
    skills = Sequence(lambda n: [["python", "sql"], []][n % 2])
    email_verified = Sequence(lambda n: n % 2 == 0)
    onboarding_completed = False
    onboarding_step = 3
    capacity_hours = 37.5
    hourly_cost_rate = decimal.Decimal("123.45")
    created_at = MOMENT
