"""A catalogue of misuses: each is a FactoryError naming the factory, the field and the fix.

Every case states the error class, the builtin it refines, what the message
starts with (``Factory.field``) and a part of the fix. Tables are grouped by
area: declaration constructors, declaration values, class definitions, calls,
sessions, persistence, load, the command line and the pytest plugin.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import decimal
import enum
import gc
import inspect
import math
import pickle
import warnings
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_scoped_session,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.orm import Session as SyncSession
from sqlalchemy.pool import StaticPool

import asyncfactories
from asyncfactories import (
    AsyncDeclarationError,
    AsyncFactory,
    CyclicDeclarationError,
    DeclarationValueError,
    FactoryArgumentError,
    FactoryDefinitionError,
    FactoryError,
    Faker,
    LazyAttribute,
    LazyFunction,
    LoadInterruptedError,
    Maybe,
    NoSessionError,
    PersistenceError,
    RelatedFactory,
    RelatedFactoryList,
    SelfAttribute,
    Sequence,
    SubFactory,
    Trait,
    UnknownAttributeError,
    UnknownDeclaredFieldError,
    UnknownFieldError,
    fuzzy,
    post_generation,
    use_session,
)
from asyncfactories import (
    Iterator as IteratorDeclaration,
)
from asyncfactories import _cli as cli
from asyncfactories import pytest_plugin as plugin
from asyncfactories._write.sql import translate
from tests.models import Base as ModelsBase
from tests.models import Member, Point, Team

# -- the factories and models the catalogue misuses ---------------------------------


class TeamFactory(AsyncFactory[Team]):
    name = Sequence(lambda n: f"t{n}")


class MemberFactory(AsyncFactory[Member]):
    team = SubFactory(TeamFactory)
    email = Sequence(lambda n: f"m{n}@example.org")
    name = "m"


class PointFactory(AsyncFactory[Point]):
    x = 1
    y = 2


class LooseMemberFactory(AsyncFactory[Member]):
    """No SubFactory: the refusals below choose the foreign key themselves."""

    team_id = 1
    email = Sequence(lambda n: f"loose{n}@example.org")
    name = "m"


class AbstractTeamFactory(AsyncFactory[Team]):
    class Meta:
        abstract = True


class GadgetBase(DeclarativeBase):
    """Models with fields named like call parameters, and a read-only hybrid."""


class Gadget(GadgetBase):
    __tablename__ = "af_gadgets"
    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(default=1)
    session: Mapped[str] = mapped_column(String(20), default="web")
    name: Mapped[str] = mapped_column(String(20), default="g")

    @hybrid_property
    def shout(self) -> str:
        return self.name.upper()


class GadgetFactory(AsyncFactory[Gadget]):
    name = "gadget"


class Color(enum.Enum):
    RED = "red"


class FailingTeamFactory(AsyncFactory[Team]):
    """Fails on its third row: the CLI and load() must name the field."""

    name = LazyFunction(lambda: _third_fails())


_calls = iter(range(10**9))


def _third_fails() -> str:
    call = next(_calls)
    if call % 5 == 2:
        raise RuntimeError("boom")
    return f"failing-{call}"


async def _nothing() -> int:
    return 1


def _strict(**kwargs: object) -> None:
    raise TypeError(f"unexpected {sorted(kwargs)}")


# -- how a case is written and checked -----------------------------------------------

TYPE = (FactoryDefinitionError, TypeError)
VALUE = (DeclarationValueError, ValueError)
UNKNOWN = (UnknownDeclaredFieldError, TypeError)
OVERRIDE = (UnknownFieldError, TypeError)
ATTRIBUTE = (UnknownAttributeError, AttributeError)
ARGUMENT = (FactoryArgumentError, ValueError)


@dataclasses.dataclass(frozen=True)
class Misuse:
    """One way to get it wrong, and what the error must be and say."""

    name: str
    act: Callable[[], object]
    error: type[FactoryError]
    builtin: type[Exception]
    where: str
    fix: str
    says: tuple[str, ...] = ()


NAMESPACE: dict[str, Any] = {
    "AsyncFactory": AsyncFactory,
    "Faker": Faker,
    "Iterator": IteratorDeclaration,
    "LazyAttribute": LazyAttribute,
    "LazyFunction": LazyFunction,
    "Maybe": Maybe,
    "RelatedFactory": RelatedFactory,
    "RelatedFactoryList": RelatedFactoryList,
    "SelfAttribute": SelfAttribute,
    "Sequence": Sequence,
    "SubFactory": SubFactory,
    "Trait": Trait,
    "post_generation": post_generation,
    "fuzzy": fuzzy,
    "dt": dt,
    "Point": Point,
    "Team": Team,
    "Member": Member,
    "MemberFactory": MemberFactory,
    "TeamFactory": TeamFactory,
}


def body(*lines: str, model: str = "Point") -> Callable[[], type]:
    """A class statement with these body lines, run as the user's module would run it."""
    source = f"class BadFactory(AsyncFactory[{model}]):\n" + "".join(f"    {x}\n" for x in lines)
    code = compile(source, "<catalogue>", "exec")

    def act() -> type:
        namespace = dict(NAMESPACE)
        exec(code, namespace)
        made: type = namespace["BadFactory"]
        return made

    return act


def define(model: object, **members: object) -> Callable[[], type]:
    return lambda: type(
        "BadFactory", (AsyncFactory,), {"Meta": type("Meta", (), {"model": model}), **members}
    )


def define_meta(**meta: object) -> Callable[[], type]:
    return lambda: type(
        "BadFactory", (AsyncFactory,), {"Meta": type("Meta", (), {"model": Team, **meta})}
    )


def run(make: Callable[[], Awaitable[object]]) -> Callable[[], object]:
    return lambda: asyncio.run(_awaited(make))


async def _awaited(make: Callable[[], Awaitable[object]]) -> object:
    return await make()


def in_db(make: Callable[[AsyncSession], Awaitable[object]]) -> Callable[[], object]:
    """Run ``make(session)`` against a fresh in-memory SQLite database of the test models."""

    async def go() -> object:
        engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(ModelsBase.metadata.create_all)
                await connection.run_sync(GadgetBase.metadata.create_all)
            async with AsyncSession(engine) as session:
                return await make(session)
        finally:
            await engine.dispose()

    return lambda: asyncio.run(go())


def assert_names_all(misuse: Misuse) -> None:
    with pytest.raises(FactoryError) as info:
        misuse.act()
    error = info.value
    assert type(error) is misuse.error, f"{type(error).__name__}: {error}"
    assert isinstance(error, misuse.builtin)
    message = str(error)
    assert message.startswith(misuse.where + ": "), message
    assert misuse.fix in error.fix, message
    for part in misuse.says:
        assert part in message, message


def ids(misuse: Misuse) -> str:
    return misuse.name


# -- 1. declaration constructors: wrong types, refused on the class body's line -------

# fmt: off
CONSTRUCTOR_MISUSES = [
    Misuse("FuzzyChoice of an int", body("x = fuzzy.FuzzyChoice(5)"), *TYPE, "BadFactory.x", "pass a list", ("FuzzyChoice(5)",)),
    Misuse("FuzzyChoice getter not callable", body("x = fuzzy.FuzzyChoice([1], getter=5)"), *TYPE, "BadFactory.x", "pass a function"),
    Misuse("FuzzyInteger of strings", body("x = fuzzy.FuzzyInteger('1', '5')"), *TYPE, "BadFactory.x", "FuzzyInteger(1, 5)", ("low='1'",)),
    Misuse("FuzzyInteger high a string", body("x = fuzzy.FuzzyInteger(1, '5')"), *TYPE, "BadFactory.x", "bounds of that kind", ("high='5'",)),
    Misuse("FuzzyInteger of a float", body("x = fuzzy.FuzzyInteger(1.5, 3)"), *TYPE, "BadFactory.x", "bounds of that kind", ("a whole number",)),
    Misuse("FuzzyInteger of a bool", body("x = fuzzy.FuzzyInteger(True)"), *TYPE, "BadFactory.x", "bounds of that kind", ("low=True",)),
    Misuse("FuzzyInteger step a string", body("x = fuzzy.FuzzyInteger(1, 5, step='2')"), *TYPE, "BadFactory.x", "step=2", ("step='2'",)),
    Misuse("FuzzyFloat of strings", body("x = fuzzy.FuzzyFloat('a', 'b')"), *TYPE, "BadFactory.x", "FuzzyFloat(1, 5)", ("low='a'",)),
    Misuse("FuzzyFloat precision a string", body("x = fuzzy.FuzzyFloat(0, 1, precision='3')"), *TYPE, "BadFactory.x", "precision=6"),
    Misuse("FuzzyDecimal of strings", body("x = fuzzy.FuzzyDecimal('1', '2')"), *TYPE, "BadFactory.x", "bounds of that kind", ("not a number",)),
    Misuse("FuzzyDecimal precision a float", body("x = fuzzy.FuzzyDecimal(1, 2, precision=1.5)"), *TYPE, "BadFactory.x", "precision=2"),
    Misuse("FuzzyText length a string", body("label = fuzzy.FuzzyText(length='5')"), *TYPE, "BadFactory.label", "length=12"),
    Misuse("FuzzyText chars an int", body("label = fuzzy.FuzzyText(chars=5)"), *TYPE, "BadFactory.label", "chars=string.ascii_lowercase"),
    Misuse("FuzzyText chars of ints", body("label = fuzzy.FuzzyText(chars=[1, 2])"), *TYPE, "BadFactory.label", "pass a str"),
    Misuse("FuzzyText prefix an int", body("label = fuzzy.FuzzyText(prefix=3)"), *TYPE, "BadFactory.label", 'prefix="x"'),
    Misuse("FuzzyText suffix None", body("label = fuzzy.FuzzyText(suffix=None)"), *TYPE, "BadFactory.label", 'suffix="x"'),
    Misuse("FuzzyDate of a string", body("x = fuzzy.FuzzyDate('2020-01-01')"), *TYPE, "BadFactory.x", "datetime.date objects", ("start_date='2020-01-01'",)),
    Misuse("FuzzyDate end a string", body("x = fuzzy.FuzzyDate(dt.date(2020, 1, 1), '2021')"), *TYPE, "BadFactory.x", "datetime.date objects", ("end_date='2021'",)),
    Misuse("FuzzyDate of a datetime", body("x = fuzzy.FuzzyDate(dt.datetime(2020, 1, 1))"), *TYPE, "BadFactory.x", "use FuzzyDateTime"),
    Misuse("FuzzyDateTime of a string", body("x = fuzzy.FuzzyDateTime('2020')"), *TYPE, "BadFactory.x", "tzinfo=timezone.utc", ("start_dt='2020'",)),
    Misuse("FuzzyNaiveDateTime end an int", body("x = fuzzy.FuzzyNaiveDateTime(dt.datetime(2020, 1, 1), 5)"), *TYPE, "BadFactory.x", "datetime.datetime objects", ("end_dt=5",)),
    Misuse("FuzzyDateTime force_year a string", body("x = fuzzy.FuzzyDateTime(dt.datetime(2020, 1, 1, tzinfo=dt.UTC), force_year='2020')"), *TYPE, "BadFactory.x", "force_year=1"),
    Misuse("FuzzyAttribute of an int", body("x = fuzzy.FuzzyAttribute(5)"), *TYPE, "BadFactory.x", "zero-argument function"),
    Misuse("Iterator of an int", body("x = Iterator(5)"), *TYPE, "BadFactory.x", "pass a list", ("Iterator(5)",)),
    Misuse("Iterator getter not callable", body("x = Iterator([1], getter=5)"), *TYPE, "BadFactory.x", "getter=lambda item"),
    Misuse("Iterator cycle a string", body("x = Iterator([1], cycle='yes')"), *TYPE, "BadFactory.x", "cycle=True"),
    Misuse("Sequence without n", body("x = Sequence(lambda: 1)"), *TYPE, "BadFactory.x", "lambda n:", ("1 positional argument",)),
    Misuse("Sequence of an int", body("x = Sequence(5)"), *TYPE, "BadFactory.x", "Sequence(lambda n:", ("expects a callable",)),
    Misuse("LazyAttribute without o", body("x = LazyAttribute(lambda: 1)"), *TYPE, "BadFactory.x", "lambda o:"),
    Misuse("LazyAttribute of an int", body("x = LazyAttribute(3)"), *TYPE, "BadFactory.x", "LazyAttribute(lambda o:", ("expects a callable",)),
    Misuse("LazyFunction taking an argument", body("x = LazyFunction(lambda o: 1)"), *TYPE, "BadFactory.x", "LazyFunction(lambda: ...)", ("no arguments",)),
    Misuse("LazyFunction of a string", body("x = LazyFunction('now')"), *TYPE, "BadFactory.x", "pass a function"),
    Misuse("SelfAttribute of an int", body("x = SelfAttribute(5)"), *TYPE, "BadFactory.x", 'SelfAttribute("agent.maturity")'),
    Misuse("SelfAttribute with an empty part", body("x = SelfAttribute('y..z')"), *TYPE, "BadFactory.x", "names joined by dots"),
    Misuse("Maybe deciding on an int", body("x = Maybe(5, 1, 2)"), *TYPE, "BadFactory.x", 'Maybe("finished", yes, no)'),
    Misuse("Faker of an int", body("label = Faker(123)"), *TYPE, "BadFactory.label", 'Faker("email")'),
    Misuse("Faker unique a string", body("label = Faker('name', unique='yes')"), *TYPE, "BadFactory.label", "unique=True or unique=False"),
    Misuse("Faker locale an int", body("label = Faker('name', locale=5)"), *TYPE, "BadFactory.label", 'locale="de_DE"'),
    Misuse("Faker fast an int", body("label = Faker('name', fast=1)"), *TYPE, "BadFactory.label", "fast=True"),
    Misuse("post_generation of an int", body("tags = post_generation(3)"), *TYPE, "BadFactory.tags", "def hook(obj, create, extracted"),
    Misuse("post_generation of the wrong arity", body("tags = post_generation(lambda obj: None)"), *TYPE, "BadFactory.tags", "def hook(obj, create, extracted", ("cannot be called",)),
    Misuse("SubFactory of an int", body("team = SubFactory(5)", model="Member"), *TYPE, "BadFactory.team", "AsyncFactory subclass or its dotted path"),
    Misuse("RelatedFactory of None", body("members = RelatedFactory(None)", model="Team"), *TYPE, "BadFactory.members", "AsyncFactory subclass"),
    Misuse("RelatedFactory related name an int", body("members = RelatedFactory(MemberFactory, 5)", model="Team"), *TYPE, "BadFactory.members", "field pointing back"),
    Misuse("RelatedFactoryList size a string", body("members = RelatedFactoryList(MemberFactory, 'team', size='2')", model="Team"), *TYPE, "BadFactory.members", "size=3"),
    Misuse("RelatedFactoryList index_field an int", body("members = RelatedFactoryList(MemberFactory, 'team', index_field=3)", model="Team"), *TYPE, "BadFactory.members", 'index_field="position"'),
    Misuse("a declaration in Params", body("class Params:", "    spread = fuzzy.FuzzyInteger('a')"), *TYPE, "BadFactory.Params.spread", "bounds of that kind"),
    Misuse("outside a class body, the declaration is named", lambda: fuzzy.FuzzyChoice(5), *TYPE, "FuzzyChoice", "pass a list"),
    Misuse("an Iterator override cannot know its factory", lambda: PointFactory.build(x=IteratorDeclaration(7)), *TYPE, "Iterator", "pass a list"),
]
# fmt: on


@pytest.mark.parametrize("misuse", CONSTRUCTOR_MISUSES, ids=ids)
def test_constructor_misuse_names_the_class_body_factory_and_field(misuse: Misuse) -> None:
    """A wrong-typed argument fails on its own line, naming the factory and field."""
    assert_names_all(misuse)


# -- 2. declaration values: impossible together, refused at class definition -----------

# fmt: off
VALUE_MISUSES = [
    Misuse("FuzzyInteger reversed", define(Team, level=fuzzy.FuzzyInteger(9, 1)), *VALUE, "BadFactory.level", "swap the bounds", ("FuzzyInteger(9, 1) has low > high",)),
    Misuse("FuzzyInteger step 0", define(Team, level=fuzzy.FuzzyInteger(0, 5, step=0)), *VALUE, "BadFactory.level", "positive step"),
    Misuse("FuzzyFloat reversed", define(Point, x=fuzzy.FuzzyFloat(0.9, 0.5)), *VALUE, "BadFactory.x", "swap the bounds"),
    Misuse("FuzzyFloat precision -1", define(Point, x=fuzzy.FuzzyFloat(0, 1, precision=-1)), *VALUE, "BadFactory.x", "at least 1 significant digit"),
    Misuse("FuzzyFloat infinite", define(Point, x=fuzzy.FuzzyFloat(0, math.inf)), *VALUE, "BadFactory.x", "finite bounds"),
    Misuse("FuzzyDecimal reversed", define(Point, x=fuzzy.FuzzyDecimal(3, 1)), *VALUE, "BadFactory.x", "swap the bounds"),
    Misuse("FuzzyDecimal without a value at its precision", define(Point, x=fuzzy.FuzzyDecimal(decimal.Decimal("0.011"), decimal.Decimal("0.019"))), *VALUE, "BadFactory.x", "widen the bounds"),
    Misuse("FuzzyDecimal precision -1", define(Point, x=fuzzy.FuzzyDecimal(1, 2, precision=-1)), *VALUE, "BadFactory.x", "0 or more decimal places"),
    Misuse("FuzzyDecimal precision past Decimal's digits", define(Point, x=fuzzy.FuzzyDecimal(10, 20, precision=28)), *VALUE, "BadFactory.x", "use fewer decimal places"),
    Misuse("FuzzyText negative length", define(Point, label=fuzzy.FuzzyText(length=-1)), *VALUE, "BadFactory.label", "length of 0 or more"),
    Misuse("FuzzyText no characters", define(Point, label=fuzzy.FuzzyText(chars="")), *VALUE, "BadFactory.label", "pass chars"),
    Misuse("FuzzyChoice of nothing", define(Point, x=fuzzy.FuzzyChoice(())), *VALUE, "BadFactory.x", "at least one value"),
    Misuse("FuzzyDate reversed", define(Point, x=fuzzy.FuzzyDate(dt.date(2024, 2, 1), dt.date(2024, 1, 1))), *VALUE, "BadFactory.x", "swap the bounds"),
    Misuse("FuzzyDateTime naive", define(Point, x=fuzzy.FuzzyDateTime(dt.datetime(2024, 1, 1))), *VALUE, "BadFactory.x", "tzinfo", ("naive start_dt",)),
    Misuse("FuzzyNaiveDateTime aware", define(Point, x=fuzzy.FuzzyNaiveDateTime(dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2024, 1, 2))), *VALUE, "BadFactory.x", "drop the tzinfo"),
    Misuse("FuzzyDateTime forcing month 13", define(Point, x=fuzzy.FuzzyNaiveDateTime(dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 1), force_month=13)), *VALUE, "BadFactory.x", "within range", ("force_month=13",)),
    Misuse("FuzzyDateTime reversed", define(Point, x=fuzzy.FuzzyDateTime(dt.datetime(2024, 2, 1, tzinfo=dt.UTC), dt.datetime(2024, 1, 1, tzinfo=dt.UTC))), *VALUE, "BadFactory.x", "swap the bounds"),
    Misuse("RelatedFactoryList negative size", define(Team, members=RelatedFactoryList(MemberFactory, "team", size=-2)), *VALUE, "BadFactory.members", "size of 0 or more"),
    Misuse("a reversed bound inside a Maybe", define(Point, x=Maybe("y", fuzzy.FuzzyInteger(9, 1), 0), y=1), *VALUE, "BadFactory.x", "swap the bounds"),
    Misuse("a reversed bound inside Faker's arguments", define(Point, label=Faker("pystr", max_chars=fuzzy.FuzzyInteger(9, 1))), *VALUE, "BadFactory.label", "swap the bounds"),
    Misuse("a reversed bound inside a Trait", define(Point, Params=type("Params", (), {"big": Trait(x=fuzzy.FuzzyInteger(9, 1))})), *VALUE, "BadFactory.Params.big", "swap the bounds"),
]
# fmt: on


@pytest.mark.parametrize("misuse", VALUE_MISUSES, ids=ids)
def test_impossible_values_fail_when_the_class_is_defined(misuse: Misuse) -> None:
    """Reversed bounds, nothing to choose from: a ValueError naming factory and field."""
    assert_names_all(misuse)


# -- 3. class definitions: Meta, Params, fields ----------------------------------------

# fmt: off
DEFINITION_MISUSES = [
    Misuse("unknown Meta key", define_meta(modle=Team), *TYPE, "BadFactory.Meta.modle", "did you mean Meta.model?"),
    Misuse("unknown Meta key far from any", define_meta(colour="red"), *TYPE, "BadFactory.Meta.colour", "use one of: model"),
    Misuse("Meta.model an int", define_meta(model=3), *TYPE, "BadFactory.Meta.model", "set it to the model class", ("is 3",)),
    Misuse("Meta.model a string", define_meta(model="Team"), *TYPE, "BadFactory.Meta.model", "set it to the model class"),
    Misuse("Meta.abstract a string", define_meta(abstract="no"), *TYPE, "BadFactory.Meta.abstract", "abstract = True"),
    Misuse("Meta.persistence unknown", define_meta(persistence="save"), *TYPE, "BadFactory.Meta.persistence", '"commit"'),
    Misuse("Meta.session_factory not callable", define_meta(session_factory=3), *TYPE, "BadFactory.Meta.session_factory", "async_sessionmaker"),
    Misuse("Meta.get_or_create an int", define_meta(get_or_create=5), *TYPE, "BadFactory.Meta.get_or_create", 'get_or_create = ("email",)'),
    Misuse("Meta.get_or_create of ints", define_meta(get_or_create=(1, 2)), *TYPE, "BadFactory.Meta.get_or_create", "tuple of field names"),
    Misuse("Meta.get_or_create a non-field", define_meta(get_or_create=("nmae",)), *UNKNOWN, "BadFactory.Meta.get_or_create['nmae']", "list field names"),
    Misuse("declared non-field", define(Team, nmae="x"), *UNKNOWN, "BadFactory.nmae", "did you mean 'name'?"),
    Misuse("declared non-field of a dataclass", define(Point, z=1), *UNKNOWN, "BadFactory.z", "move it into class Params"),
    Misuse("Trait in the class body", define(Point, flag=Trait(x=1)), *TYPE, "BadFactory.flag", "move it into class Params"),
    Misuse("Trait sets a non-field", define(Point, Params=type("Params", (), {"big": Trait(zz=1)})), *UNKNOWN, "BadFactory.Params.big", "fix the name in the Trait"),
    Misuse("Params entry named like a body field", define(Team, name="x", Params=type("Params", (), {"name": "y"})), *TYPE, "BadFactory.name", "remove it from Params"),
    Misuse("a field named create", define(Team, create="x"), *TYPE, "BadFactory.create", "create(create=...)"),
    Misuse("a field named build", define(Team, build=Faker("name")), *TYPE, "BadFactory.build", "declare its default under another name"),
    Misuse("a field named load", define(Team, load=1), *TYPE, "BadFactory.load", "another name"),
    Misuse("a field named create_batch", define(Team, create_batch=1), *TYPE, "BadFactory.create_batch", "another name"),
    Misuse("a field named reset_sequence", define(Team, reset_sequence=1), *TYPE, "BadFactory.reset_sequence", "another name"),
    Misuse("a field named attributes", define(Team, attributes=1), *TYPE, "BadFactory.attributes", "another name"),
    Misuse("a read-only hybrid as a field", define(Gadget, shout="X"), *TYPE, "BadFactory.shout", "give the hybrid a setter"),
    Misuse("SubFactory of a non-factory", define(Member, team=SubFactory(dict)), *TYPE, "BadFactory.team", "AsyncFactory subclass"),
    Misuse("SubFactory of an abstract factory", define(Member, team=SubFactory(AbstractTeamFactory)), *TYPE, "BadFactory.team", "concrete subclass", ("is abstract",)),
    Misuse("RelatedFactory of an abstract factory", define(Team, members=RelatedFactory(AbstractTeamFactory, "team")), *TYPE, "BadFactory.members", "concrete subclass"),
    Misuse("empty SelfAttribute", define(Point, x=SelfAttribute(""), y=1), *TYPE, "BadFactory.x", "SelfAttribute(\"name\")"),
    Misuse("LazyAttribute cycle", define(Point, x=LazyAttribute(lambda o: o.y), y=LazyAttribute(lambda o: o.x)), CyclicDeclarationError, TypeError, "BadFactory.x", "give one of them a value", ("x -> y -> x",)),
    Misuse("three-field cycle", define(Point, x=LazyAttribute(lambda o: o.y), y=LazyAttribute(lambda o: o.label), label=SelfAttribute("x")), CyclicDeclarationError, TypeError, "BadFactory.x", "give one of them", ("x -> y -> label -> x",)),
    Misuse("LazyAttribute reads a non-field", define(Point, x=LazyAttribute(lambda o: o.nope), y=1), *UNKNOWN, "BadFactory.x", "fix the name"),
    Misuse("unknown Faker provider", define(Team, name=Faker("compnay")), *TYPE, "BadFactory.name", "Faker('company')"),
    Misuse("Faker argument unknown", define(Team, name=Faker("text", max_chars=3)), *TYPE, "BadFactory.name", "check the arguments of Faker's text()"),
    Misuse("Faker unknown locale", define(Team, name=Faker("name", locale="xx_YY")), *TYPE, "BadFactory.name", '"de_DE"'),
    Misuse("Faker provider_unique on a provider without one", define(Team, name=Faker("name", provider_unique=True)), *TYPE, "BadFactory.name", "check the arguments"),
    Misuse("SubFactory default naming a non-field", define(Member, team=SubFactory(TeamFactory, nmae="x")), *UNKNOWN, "BadFactory.team", "did you mean 'name'?", ("SubFactory(TeamFactory) sets 'nmae'",)),
    Misuse("RelatedFactory pointing back through a non-field", define(Team, members=RelatedFactory(MemberFactory, "teem")), *UNKNOWN, "BadFactory.members", "did you mean 'team'?", ("points back through 'teem'",)),
    Misuse("RelatedFactoryList numbering a non-field", define(Team, members=RelatedFactoryList(MemberFactory, "team", index_field="position")), *UNKNOWN, "BadFactory.members", "name a field of MemberFactory"),
    Misuse("SelfAttribute of a misspelt sibling", define(Point, x=1, y=SelfAttribute("z")), *UNKNOWN, "BadFactory.y", "fix the name", ("reads 'z'",)),
    Misuse("Maybe deciding on a misspelt field", define(Point, x=1, y=Maybe("lable", 1, 2)), *UNKNOWN, "BadFactory.y", "did you mean 'label'?"),
    Misuse("an async declaration inside Faker's arguments", define(Team, name=Faker("text", max_nb_chars=LazyFunction(_nothing))), *TYPE, "BadFactory.name", "plain function", ("cannot await it",)),
]
# fmt: on


@pytest.mark.parametrize("misuse", DEFINITION_MISUSES, ids=ids)
def test_definition_misuse_fails_when_the_class_is_defined(misuse: Misuse) -> None:
    """A wrong class body fails when the class statement runs, naming the fix."""
    assert_names_all(misuse)


# -- 4. calls: overrides and arguments, checked where the call starts -------------------

# fmt: off
CALL_MISUSES = [
    Misuse("unknown override", lambda: PointFactory.build(z=3), *OVERRIDE, "PointFactory.z", "pass one of its fields", ("is not a field of Point",)),
    Misuse("unknown override close to a field", lambda: TeamFactory.build(nmae="x"), *OVERRIDE, "TeamFactory.nmae", "did you mean name=?"),
    Misuse("unknown override lists the other columns", lambda: MemberFactory.build(nick="x"), *OVERRIDE, "MemberFactory.nick", "other fields of Member: age, id, nickname, team_id"),
    Misuse("nested override into a plain field", lambda: PointFactory.build(x__y=3), *OVERRIDE, "PointFactory.x__y", "declare it as a SubFactory"),
    Misuse("unknown override one level down", lambda: MemberFactory.build(team__nmae="x"), *OVERRIDE, "TeamFactory.nmae", "did you mean name=?"),
    Misuse("override with an unknown Faker provider", lambda: TeamFactory.build(name=Faker("no_such")), *TYPE, "TeamFactory.name", "pick a Faker provider"),
    Misuse("override with reversed bounds", lambda: TeamFactory.build(level=fuzzy.FuzzyInteger(9, 1)), *VALUE, "TeamFactory.level", "swap the bounds"),
    Misuse("override with a SubFactory of a non-factory", lambda: MemberFactory.build(team=SubFactory(dict)), *TYPE, "MemberFactory.team", "AsyncFactory subclass"),
    Misuse("override with a SubFactory of an abstract factory", lambda: MemberFactory.build(team=SubFactory(AbstractTeamFactory)), *TYPE, "MemberFactory.team", "concrete subclass"),
    Misuse("nested override with an unknown provider", lambda: MemberFactory.build(team__name=Faker("no_such")), *TYPE, "TeamFactory.name", "pick a Faker provider"),
    Misuse("override with an async Faker argument", lambda: TeamFactory.build(name=Faker("text", max_nb_chars=LazyFunction(_nothing))), *TYPE, "TeamFactory.name", "plain function"),
    Misuse("override with an empty FuzzyChoice", lambda: PointFactory.build(x=fuzzy.FuzzyChoice([])), *VALUE, "PointFactory.x", "at least one value"),
    Misuse("a Trait passed as a value", lambda: PointFactory.build(x=Trait(y=1)), *TYPE, "PointFactory.x", "a plain value"),
    Misuse("Faker provider refusing a value", lambda: type("ValueFactory", (PointFactory,), {"x": Faker("pyint", min_value=9, max_value=1)}).build(), *VALUE, "ValueFactory.x", "check the values passed to Faker's pyint()"),
    Misuse("Faker provider refusing a type", lambda: type("TypedFactory", (PointFactory,), {"x": Faker("random_element", elements=5)}).build(), *TYPE, "TypedFactory.x", "check the values passed"),
    Misuse("negative build_batch", lambda: PointFactory.build_batch(-3), *ARGUMENT, "PointFactory", "0 or more", ("build_batch() got size=-3",)),
    Misuse("build_batch of a string", lambda: PointFactory.build_batch("3"), *ARGUMENT, "PointFactory", "whole number", ("size='3'",)),  # type: ignore[arg-type]
    Misuse("create_batch of a float", run(lambda: TeamFactory.create_batch(2.5)), *ARGUMENT, "TeamFactory", "whole number"),  # type: ignore[arg-type]
    Misuse("async declaration under build", lambda: type("AsyncPointFactory", (PointFactory,), {"x": LazyFunction(_nothing)}).build(), AsyncDeclarationError, TypeError, "AsyncPointFactory.x", "await create()"),
    Misuse("abstract factory build", lambda: AbstractTeamFactory.build(), *TYPE, "AbstractTeamFactory.Meta.model", "set Meta.model"),
    Misuse("Iterator runs out", lambda: type("ShortFactory", (PointFactory,), {"x": IteratorDeclaration([1], cycle=False)}).build_batch(2), *VALUE, "ShortFactory.x", "cycle=True"),
    Misuse("FuzzyChoice of an empty generator", lambda: type("GenFactory", (PointFactory,), {"x": fuzzy.FuzzyChoice(v for v in ())}).build(), *VALUE, "GenFactory.x", "pass a list"),
    Misuse("model refuses resolved fields", lambda: type("RefusedFactory", (AsyncFactory,), {"Meta": type("Meta", (), {"model": _strict}), "b": 1}).build(), *OVERRIDE, "RefusedFactory", "match what the model accepts"),
    Misuse("SelfAttribute to a parent without one", lambda: type("OrphanFactory", (PointFactory,), {"y": SelfAttribute("..y")}).build(), *ATTRIBUTE, "OrphanFactory.y", "default=None", ("not reached through a SubFactory",)),
    Misuse("SelfAttribute with a typo in its path", lambda: type("TypoFactory", (PointFactory,), {"y": SelfAttribute("x.typo")}).build(), *ATTRIBUTE, "TypoFactory.y", "fix the path", ("'typo'",)),
    Misuse("LazyAttribute reading an undeclared name", lambda: type("ReadFactory", (PointFactory,), {"y": LazyAttribute(lambda o: getattr(o, "nickname"))}).build(), *ATTRIBUTE, "ReadFactory.y", "declare it"),  # noqa: B009
    Misuse("LazyAttribute reading a field Maybe left unset", lambda: type("SkipFactory", (PointFactory,), {"Params": type("Params", (), {"flag": False}), "label": Maybe("flag", "a"), "x": LazyAttribute(lambda o: o.label)}).build(), *ATTRIBUTE, "SkipFactory.x", "give it a value"),
    Misuse("SubFactory path without dots", lambda: MemberFactory.build(team=SubFactory("TeamFactory")), *TYPE, "MemberFactory.team", "package.module.FactoryName"),
    Misuse("SubFactory path to a missing module", lambda: MemberFactory.build(team=SubFactory("no_such_module.TeamFactory")), *TYPE, "MemberFactory.team", "check the dotted path"),
    Misuse("SubFactory path to a model", lambda: MemberFactory.build(team=SubFactory("tests.models.Team")), *TYPE, "MemberFactory.team", "AsyncFactory subclass defined in tests.models"),
    Misuse("SubFactory path to an abstract factory", lambda: MemberFactory.build(team=SubFactory("tests.test_errors.AbstractTeamFactory")), *TYPE, "MemberFactory.team", "concrete subclass"),
    Misuse("RelatedFactoryList size callable gives -1", lambda: type("ListFactory", (TeamFactory,), {"members": RelatedFactoryList(MemberFactory, "team", size=lambda: -1)}).build(), *VALUE, "ListFactory.members", "size of 0 or more"),
    Misuse("unique Faker runs dry", lambda: type("DryFactory", (PointFactory,), {"x": Faker("boolean", unique=True)}).build_batch(3), *VALUE, "DryFactory.x", "drop unique=True"),
    Misuse("reset_sequence of a string", lambda: TeamFactory.reset_sequence("10"), *ARGUMENT, "TeamFactory", "reset_sequence(10)"),  # type: ignore[arg-type]
    Misuse("reset_sequence below 0", lambda: TeamFactory.reset_sequence(-1), *ARGUMENT, "TeamFactory", "0 or more"),
    Misuse("seed of a string", lambda: asyncfactories.seed("abc"), *ARGUMENT, "seed", "seed(1234)"),  # type: ignore[arg-type]
    Misuse("seed of None", lambda: asyncfactories.seed(None), *ARGUMENT, "seed", "pass an int"),  # type: ignore[arg-type]
    Misuse("seed of a float", lambda: asyncfactories.seed(1.5), *ARGUMENT, "seed", "pass an int"),  # type: ignore[arg-type]
    Misuse("create of a plain class", run(lambda: PointFactory.create()), *TYPE, "PointFactory.Meta.model", "use build() for plain classes"),
    Misuse("load of an abstract factory", run(lambda: AbstractTeamFactory.load(3)), *TYPE, "AbstractTeamFactory.Meta.model", "set Meta.model"),
    Misuse("load of a negative count", run(lambda: TeamFactory.load(-1)), *ARGUMENT, "TeamFactory", "0 or more", ("n=-1",)),
    Misuse("load with chunk_size 0", run(lambda: TeamFactory.load(3, chunk_size=0)), *ARGUMENT, "TeamFactory", "1 or more"),
    Misuse("load with workers and no engine", run(lambda: TeamFactory.load(3, workers=2)), *ARGUMENT, "TeamFactory", "engine=create_async_engine(url)"),
    Misuse("load with progress a string", run(lambda: TeamFactory.load(1, progress="yes")), *ARGUMENT, "TeamFactory.load", "pass True or a function"),  # type: ignore[arg-type]
    Misuse("load with shard a string", run(lambda: TeamFactory.load(1, shard="0/2")), *ARGUMENT, "TeamFactory", "e.g. (0, 4)"),  # type: ignore[arg-type]
    Misuse("load with workers a string", run(lambda: TeamFactory.load(1, workers="2")), *ARGUMENT, "TeamFactory", "1 or more"),  # type: ignore[arg-type]
    Misuse("load of a factory with a post_generation hook", run(lambda: type("HookFactory", (TeamFactory,), {"tags": post_generation(lambda o, c, e: None)}).load(1)), *TYPE, "HookFactory.tags", "RelatedFactory"),
]
# fmt: on


@pytest.mark.parametrize("misuse", CALL_MISUSES, ids=ids)
def test_call_misuse_names_factory_field_and_fix(misuse: Misuse) -> None:
    """Misuse at call time is a FactoryError, never a bare KeyError or AttributeError."""
    assert_names_all(misuse)


# -- 5. sessions ----------------------------------------------------------------------


def _sync_session_factory() -> object:
    return object()


# fmt: off
SESSION_MISUSES = [
    Misuse("create without a session", run(lambda: TeamFactory.create()), NoSessionError, RuntimeError, "TeamFactory", "use_session(session)"),
    Misuse("session= a string", run(lambda: TeamFactory.create(session="db")), *ARGUMENT, "TeamFactory.session", "AsyncSession or async_scoped_session", ("session= got str",)),  # type: ignore[arg-type]
    Misuse("create_batch session= an int", run(lambda: TeamFactory.create_batch(2, session=3)), *ARGUMENT, "TeamFactory.session", "AsyncSession"),  # type: ignore[arg-type]
    Misuse("a sync Session where a model field is named session", run(lambda: GadgetFactory.create(session=SyncSession())), *ARGUMENT, "GadgetFactory.session", "a sync Session cannot be awaited"),  # type: ignore[arg-type]
    Misuse("use_session of a string", lambda: use_session("db"), *ARGUMENT, "use_session", "async_scoped_session"),  # type: ignore[arg-type]
    Misuse("Meta.session_factory returning no session", run(lambda: type("SyncFactory", (TeamFactory,), {"Meta": type("Meta", (), {"session_factory": _sync_session_factory})}).create()), *ARGUMENT, "SyncFactory.Meta.session_factory", "async_sessionmaker(engine)"),
    Misuse("load with session and engine", in_db(lambda s: TeamFactory.load(1, session=s, engine=s.bind)), *ARGUMENT, "TeamFactory", "pass one of them"),  # type: ignore[arg-type]
    Misuse("load with engine= a string", run(lambda: TeamFactory.load(1, engine="sqlite://")), *ARGUMENT, "TeamFactory", "create_async_engine"),  # type: ignore[arg-type]
]
# fmt: on


@pytest.mark.parametrize("misuse", SESSION_MISUSES, ids=ids)
def test_session_misuse_names_the_three_ways(misuse: Misuse) -> None:
    """A missing or wrong session says which session to pass, and how."""
    assert_names_all(misuse)


# -- 6. persistence: the database refuses, the error names field and column -------------


@dataclasses.dataclass(frozen=True)
class Refusal:
    """One row the database refuses, and what the PersistenceError must carry."""

    name: str
    overrides: dict[str, object]
    field: str
    column: str
    fix: str


# fmt: off
REFUSALS = [
    Refusal("foreign key to no row", {"team_id": 987654}, "team_id", "team_id", "point it at a row that exists"),
    Refusal("NULL into NOT NULL", {"name": None}, "name", "name", "declare the field"),
    Refusal("duplicate unique value", {"email": "same@example.org"}, "email", "email", "make the value unique"),
]
# fmt: on


@pytest.mark.asyncio
@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda r: r.name)
async def test_a_refused_insert_names_field_and_column(
    refusal: Refusal, session: AsyncSession
) -> None:
    """Each constraint violation is a PersistenceError with field and column filled in."""
    team = await TeamFactory.create(session=session)
    overrides = {"team_id": team.id, **refusal.overrides}
    with pytest.raises(PersistenceError) as info:
        await LooseMemberFactory.create_batch(2, session=session, **overrides)
    error = info.value
    assert isinstance(error, RuntimeError)
    assert (error.field, error.column, error.table) == (refusal.field, refusal.column, "af_members")
    assert str(error).startswith(f"LooseMemberFactory.{refusal.field}: INSERT into af_members")
    assert refusal.fix in error.fix


@pytest.mark.asyncio
async def test_a_check_violation_names_the_constraint(session: AsyncSession) -> None:
    """A CHECK constraint is named in the message and kept as ``constraint``."""
    with pytest.raises(PersistenceError) as info:
        await MemberFactory.create(session=session, age=-1)
    assert info.value.constraint == "ck_member_age"
    assert "ck_member_age" in str(info.value)
    assert "satisfy the constraint" in info.value.fix


class _ForeignKeyViolation(Exception):
    """What asyncpg raises: a sqlstate and the constraint's name, no detail here."""

    sqlstate = "23503"

    def __init__(self, constraint: str | None) -> None:
        super().__init__("insert or update violates foreign key constraint")
        self.constraint_name = constraint


def _two_keys() -> Table:
    metadata = MetaData()
    Table("people", metadata, Column("id", Integer, primary_key=True))
    return Table(
        "reviews",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("author_id", Integer, ForeignKey("people.id", name="fk_author")),
        Column("editor_id", Integer, ForeignKey("people.id", name="fk_editor")),
    )


@pytest.mark.parametrize(
    ("constraint", "column"), [("fk_editor", "editor_id"), ("fk_author", "author_id"), (None, None)]
)
def test_translate_maps_a_foreign_key_by_the_constraint_name(
    constraint: str | None, column: str | None
) -> None:
    """With two foreign keys, the constraint's name tells which column failed."""
    error = translate(
        _ForeignKeyViolation(constraint), "ReviewFactory", _two_keys(), {"editor_id": "editor"}
    )
    assert error.column == column
    assert error.field == {"editor_id": "editor"}.get(column or "", column)


# -- 7. load ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_an_interrupted_load_names_the_failing_field(engine: AsyncEngine) -> None:
    """LoadInterruptedError's message names the field whose declaration raised."""
    with pytest.raises(LoadInterruptedError) as info:
        await FailingTeamFactory.load(10, engine=engine, chunk_size=1)
    error = info.value
    assert isinstance(error, RuntimeError)
    assert error.field == "name"
    assert str(error).startswith("FailingTeamFactory.name: load() stopped after committing")
    assert "fix the cause" in error.fix
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.field, str(copy)) == ("name", str(error))


@pytest.mark.asyncio
async def test_an_interrupted_load_names_the_refused_column(engine: AsyncEngine) -> None:
    """A constraint violation mid-load: the field of the refused column is named."""
    with pytest.raises(LoadInterruptedError) as info:
        await MemberFactory.load(4, engine=engine, chunk_size=2, email="dup@example.org")
    assert info.value.field == "email"
    assert str(info.value).startswith("MemberFactory.email: load() stopped after committing")


# -- 8. the command line: one line, the field kept, an exit code ------------------------

# fmt: off
CLI_MISUSES = [
    (["load", "no_such_module:F", "--count", "1"], "cannot import module 'no_such_module'", 2),
    (["load", "tests.test_errors:NoSuch", "--count", "1"], "has no 'NoSuch'", 2),
    (["load", "tests.test_errors:Team", "--count", "1"], "is not an AsyncFactory subclass", 2),
    (["load", "tests.test_errors", "--count", "1"], "is not package.module:FactoryName", 2),
    (["load", "tests.test_errors:TeamFactory", "--count", "-1"], "--count must be 0 or more", 2),
    (["load", "tests.test_errors:TeamFactory", "--count", "1", "--shard", "2/2"], "needs 0 <= i < N", 2),
    (["load", "tests.test_errors:TeamFactory", "--count", "1", "--url", "nonsense"], "not a database URL", 2),
    (["load", "tests.test_errors:AbstractTeamFactory", "--count", "1"], "AbstractTeamFactory.Meta.model: is abstract", 1),
    (["load", "tests.test_errors:TeamFactory", "--count", "1", "--chunk-size", "0"], "--chunk-size and --workers must be 1 or more", 2),
    (["load", "tests.test_errors:PointFactory", "--count", "1"], "PointFactory.Meta.model: <class 'tests.models.Point'> is not a SQLAlchemy-mapped class", 1),
    (["load", "tests.test_errors:FailingTeamFactory", "--count", "10", "--chunk-size", "1", "--create-tables"], "stopped: FailingTeamFactory.name: load() stopped after committing", 1),
]
# fmt: on


@pytest.mark.parametrize(("args", "message", "code"), CLI_MISUSES, ids=lambda v: str(v)[:40])
def test_cli_misuse_is_one_line_and_an_exit_code(
    args: list[str], message: str, code: int, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each CLI misuse: one line naming the problem (and the field), no traceback."""
    if "--url" not in args:
        args = [*args, "--url", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"]
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    assert info.value.code == code
    stderr = capsys.readouterr().err
    errors = [line for line in stderr.splitlines() if line.startswith("asyncfactories: error: ")]
    assert len(errors) == 1, stderr  # progress lines aside, one line says what went wrong
    assert message in errors[0]
    assert "Traceback" not in stderr


# -- 9. the pytest plugin's options -------------------------------------------------------

# fmt: off
PLUGIN_MISUSES = [
    Misuse("factories_seed not a number", lambda: plugin._ini_seed("abc"), *ARGUMENT, "pytest plugin.factories_seed", "factories_seed = 1234"),
    Misuse("factories_metadata without a colon", lambda: plugin._load_metadata("tests.models"), *ARGUMENT, "pytest plugin.factories_metadata", "package.module:Base"),
    Misuse("factories_metadata of a missing module", lambda: plugin._load_metadata("no_such_module:Base"), *ARGUMENT, "pytest plugin.factories_metadata", "check the module path"),
    Misuse("factories_metadata of a missing name", lambda: plugin._load_metadata("tests.models:Nope"), *ARGUMENT, "pytest plugin.factories_metadata", "declarative base or MetaData"),
    Misuse("factories_metadata of a plain class", lambda: plugin._load_metadata("tests.models:Point"), *ARGUMENT, "pytest plugin.factories_metadata", "declarative base class or its metadata"),
    Misuse("factories_url not a URL", lambda: plugin._parsed_url("not a url"), *ARGUMENT, "pytest plugin.factories_url", "sqlite+aiosqlite:///test.db"),
    Misuse("register of a model", lambda: plugin.register(Team), *ARGUMENT, "register", "AsyncFactory subclass"),
    Misuse("register of an int", lambda: plugin.register(3), *ARGUMENT, "register", "AsyncFactory subclass"),  # type: ignore[arg-type]
]
# fmt: on


@pytest.mark.parametrize("misuse", PLUGIN_MISUSES, ids=ids)
def test_plugin_option_misuse_names_the_option(misuse: Misuse) -> None:
    """A bad ini value or flag is a FactoryError naming the option and the fix."""
    assert_names_all(misuse)


def test_a_bad_ini_seed_stops_the_run_with_the_option_named(pytester: pytest.Pytester) -> None:
    """In a real pytest run, ``factories_seed = abc`` is reported by name."""
    pytester.makeini("[pytest]\nfactories_seed = abc\n")
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess()
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*factories_seed: is 'abc', not a whole number*"])


# -- the catalogue as a whole ---------------------------------------------------------------

CATALOGUE = {
    "constructors": len(CONSTRUCTOR_MISUSES),
    "values": len(VALUE_MISUSES),
    "definitions": len(DEFINITION_MISUSES),
    "calls": len(CALL_MISUSES),
    "sessions": len(SESSION_MISUSES),
    "persistence": len(REFUSALS) + 1 + 3,
    "load": 2,
    "cli": len(CLI_MISUSES),
    "plugin": len(PLUGIN_MISUSES) + 1,
}


def test_the_catalogue_holds_at_least_120_distinct_misuses() -> None:
    """Every case has its own name; together they are at least 120."""
    tables: list[list[Misuse]] = [
        CONSTRUCTOR_MISUSES,
        VALUE_MISUSES,
        DEFINITION_MISUSES,
        CALL_MISUSES,
        SESSION_MISUSES,
        PLUGIN_MISUSES,
    ]
    names = [m.name for table in tables for m in table]
    assert len(names) == len(set(names))
    assert sum(CATALOGUE.values()) >= 120


def test_every_error_class_subclasses_the_builtin_it_refines() -> None:
    """Existing ``except TypeError/ValueError/AttributeError/RuntimeError`` keep working."""
    refines = {
        FactoryDefinitionError: TypeError,
        CyclicDeclarationError: TypeError,
        DeclarationValueError: ValueError,
        UnknownFieldError: TypeError,
        UnknownDeclaredFieldError: TypeError,
        UnknownAttributeError: AttributeError,
        AsyncDeclarationError: TypeError,
        FactoryArgumentError: ValueError,
        NoSessionError: RuntimeError,
        PersistenceError: RuntimeError,
        LoadInterruptedError: RuntimeError,
    }
    for error, builtin in refines.items():
        assert issubclass(error, FactoryError), error
        assert issubclass(error, builtin), error
    assert issubclass(UnknownDeclaredFieldError, UnknownFieldError)


def test_errors_keep_their_parts_as_attributes() -> None:
    """factory, field, problem and fix are attributes, not only text."""
    with pytest.raises(FactoryDefinitionError) as info:
        define(Point, x=fuzzy.FuzzyInteger(3, 1), y=1)()
    error = info.value
    assert (error.factory, error.field, error.fix) == ("BadFactory", "x", "swap the bounds")


def test_errors_survive_pickling() -> None:
    """Errors cross process boundaries (load workers) intact."""
    error = UnknownFieldError("F", "x", "is wrong", "fix it")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.field) == (UnknownFieldError, str(error), "x")


def test_the_error_tree_is_drawn_in_its_module() -> None:
    """Every public error appears in the tree drawn in ``_errors``' docstring."""
    from asyncfactories import _errors

    for name in _errors.__all__:
        if name[0].isupper():
            assert name in (_errors.__doc__ or ""), name


# -- what the fixes made work ---------------------------------------------------------------


def test_getattr_with_a_default_inside_a_lazy_attribute_returns_the_default() -> None:
    """``getattr(o, name, default)`` and ``hasattr`` behave as on any object."""

    class NickFactory(AsyncFactory[Point]):
        x = 1
        y = 2
        label = LazyAttribute(lambda o: f"{getattr(o, 'nickname', 'none')}-{hasattr(o, 'x')}")

    assert NickFactory.build().label == "none-True"


def test_fuzzy_decimal_never_draws_below_its_low_bound() -> None:
    """Rounding stays inside the bounds: 0.011 rounds up to 0.02, never down to 0.01."""
    draw = fuzzy.FuzzyDecimal(decimal.Decimal("0.011"), decimal.Decimal("0.05"))
    values = {draw.fuzz() for _ in range(2000)}
    assert min(values) >= decimal.Decimal("0.011")
    assert max(values) <= decimal.Decimal("0.05")


def test_fuzzy_float_over_the_whole_float_range_spreads() -> None:
    """A span wider than the largest float still spreads instead of returning high."""
    draw = fuzzy.FuzzyFloat(-1e308, 1e308)
    values = [draw.fuzz() for _ in range(200)]
    assert all(-1e308 <= v <= 1e308 and math.isfinite(v) for v in values)
    assert len(set(values)) > 100


def test_unique_faker_values_may_be_unhashable() -> None:
    """``unique=True`` on lists and dicts compares them by a frozen form."""

    class TagsFactory(AsyncFactory[Point]):
        x = Faker("random_elements", elements=["a", "b", "c"], length=2, unique=True)
        y = Faker("pydict", nb_elements=2, unique=True)

    made = TagsFactory.build_batch(6)
    assert len({tuple(p.x) for p in made}) == 6
    assert len({repr(sorted(p.y.items(), key=str)) for p in made}) == 6


def test_provider_unique_reaches_the_provider() -> None:
    """``provider_unique=True`` is the provider's own ``unique=``: no element repeats in a value."""

    class SampleFactory(AsyncFactory[Point]):
        x = Faker("random_elements", elements=list(range(5)), length=5, provider_unique=True)
        y = 0

    assert all(sorted(p.x) == [0, 1, 2, 3, 4] for p in SampleFactory.build_batch(5))


def test_an_async_faker_argument_leaves_no_coroutine_behind() -> None:
    """Refused at definition, before any coroutine exists: no "never awaited" warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(FactoryDefinitionError):
            define(Team, name=Faker("text", max_nb_chars=LazyFunction(_nothing)))()
        gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)]


def test_a_parameter_may_take_its_value_from_the_body() -> None:
    """A Params name that is no model field may get a declaration from the body."""

    class KeyFactory(AsyncFactory[Point]):
        x = 1
        shifted = LazyAttribute(lambda o: o.x + 1)
        y = SelfAttribute("shifted")

        class Params:
            shifted = None

    assert KeyFactory.build() == Point(x=1, y=2)


def test_batch_size_is_positional_so_a_size_field_can_be_overridden() -> None:
    """``build_batch(2, size=7)`` sets the model's ``size`` field."""
    assert [g.size for g in GadgetFactory.build_batch(2, size=7)] == [7, 7]


@pytest.fixture
def gadget_engine() -> Iterator[AsyncEngine]:
    engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)

    async def tables() -> None:
        async with engine.begin() as connection:
            await connection.run_sync(GadgetBase.metadata.create_all)

    asyncio.run(tables())
    yield engine
    asyncio.run(engine.dispose())


@pytest.mark.asyncio
async def test_create_batch_size_and_session_fields_can_be_overridden(
    gadget_engine: AsyncEngine,
) -> None:
    """``size`` is positional-only; a ``session=`` that is no session sets the field."""
    async with AsyncSession(gadget_engine) as session:
        made = await GadgetFactory.create_batch(2, session=session, size=7)
        assert [g.size for g in made] == [7, 7]
        with use_session(session):
            gadget = await GadgetFactory.create(session="mobile")  # type: ignore[arg-type]
        assert (gadget.session, gadget in session) == ("mobile", True)


@pytest.mark.asyncio
async def test_an_async_scoped_session_is_accepted(gadget_engine: AsyncEngine) -> None:
    """``session=async_scoped_session(...)`` stands for the current scope's session."""
    scoped = async_scoped_session(async_sessionmaker(gadget_engine), scopefunc=asyncio.current_task)
    try:
        gadget = await GadgetFactory.create(session=scoped)
        assert gadget in scoped()
        with use_session(scoped):
            assert (await GadgetFactory.create()) in scoped()
    finally:
        await scoped.remove()


@pytest.mark.asyncio
async def test_a_factory_called_in_a_hook_sees_the_calls_session(
    gadget_engine: AsyncEngine,
) -> None:
    """Inside an async hook, ``create()`` without ``session=`` uses the outer call's session."""
    inner: list[Gadget] = []

    class OuterFactory(AsyncFactory[Gadget]):
        @post_generation
        async def sibling(obj: Gadget, create: bool, extracted: object) -> None:
            if create:
                inner.append(await GadgetFactory.create())

    async with AsyncSession(gadget_engine) as session:
        await OuterFactory.create(session=session)
        assert len(inner) == 1
        assert inner[0] in session
    with pytest.raises(NoSessionError):
        await GadgetFactory.create()


# -- random wrong-typed arguments: only FactoryError comes out -------------------------------

WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just(object()),
    st.just(Color),
    st.just(dt.date(2020, 1, 1)),
    st.just(dt.datetime(2020, 1, 1)),
    st.just(decimal.Decimal("1.5")),
    st.just(lambda: 1),
    st.just(lambda x: x),
    st.just(TeamFactory),
    st.just(Sequence(lambda n: n)),
)

CONSTRUCTORS: list[Callable[..., object]] = [
    fuzzy.FuzzyAttribute,
    fuzzy.FuzzyChoice,
    fuzzy.FuzzyInteger,
    fuzzy.FuzzyFloat,
    fuzzy.FuzzyDecimal,
    fuzzy.FuzzyText,
    fuzzy.FuzzyDate,
    fuzzy.FuzzyDateTime,
    fuzzy.FuzzyNaiveDateTime,
    Faker,
    LazyFunction,
    LazyAttribute,
    Sequence,
    SelfAttribute,
    IteratorDeclaration,
    Maybe,
    Trait,
    SubFactory,
    RelatedFactory,
    RelatedFactoryList,
    post_generation,
]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(constructor=st.sampled_from(CONSTRUCTORS), data=st.data())
def test_random_wrong_arguments_only_ever_raise_factory_error(
    constructor: Callable[..., object], data: st.DataObject
) -> None:
    """Arguments of any type, bound to each public constructor's own signature.

    The constructor, and a factory class using what it made, raise FactoryError or nothing.
    """
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for parameter in inspect.signature(constructor).parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            names = st.sampled_from(["x", "y", "label", "max_chars", "nope"])
            kwargs.update(data.draw(st.dictionaries(names, WRONG, max_size=2)))
        elif parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        elif parameter.default is inspect.Parameter.empty or data.draw(st.booleans()):
            value = data.draw(WRONG, label=parameter.name)
            if parameter.kind is inspect.Parameter.POSITIONAL_ONLY:
                args.append(value)
            else:
                kwargs[parameter.name] = value
    try:
        declaration = constructor(*args, **kwargs)
    except FactoryError:
        return
    members: dict[str, object] = (
        {"Params": type("Params", (), {"flag": declaration})}
        if isinstance(declaration, Trait)
        else {"x": declaration}
    )
    with contextlib.suppress(FactoryError):
        type(
            "RandomFactory",
            (AsyncFactory,),
            {"Meta": type("Meta", (), {"model": Point}), **members},
        )


META_KEYS = ["model", "abstract", "persistence", "session_factory", "get_or_create"]


@settings(max_examples=300, deadline=None)
@given(meta=st.dictionaries(st.sampled_from(META_KEYS), WRONG, max_size=3))
def test_random_meta_values_only_ever_raise_factory_error(meta: dict[str, object]) -> None:
    """Any values for the Meta options: the class statement succeeds or raises FactoryError."""
    with contextlib.suppress(FactoryError):
        type("RandomMetaFactory", (AsyncFactory,), {"Meta": type("Meta", (), meta), "x": 1})


CALLS: list[Callable[[object], object]] = [
    lambda v: asyncio.run(TeamFactory.create_batch(v)),  # type: ignore[arg-type]
    lambda v: TeamFactory.reset_sequence(v),  # type: ignore[arg-type]
    lambda v: asyncfactories.seed(v),  # type: ignore[arg-type]
    lambda v: use_session(v),  # type: ignore[arg-type]
    lambda v: PointFactory.build(x__y=v),
    lambda v: asyncio.run(TeamFactory.create(session=v)),  # type: ignore[arg-type]
    lambda v: asyncio.run(TeamFactory.load(1, chunk_size=v)),  # type: ignore[arg-type]
    lambda v: asyncio.run(TeamFactory.load(1, workers=v)),  # type: ignore[arg-type]
    lambda v: asyncio.run(TeamFactory.load(1, shard=v)),  # type: ignore[arg-type]
    lambda v: asyncio.run(TeamFactory.load(v)),  # type: ignore[arg-type]
]


@settings(max_examples=300, deadline=None)
@given(call=st.sampled_from(CALLS), value=WRONG)
def test_random_call_arguments_only_ever_raise_factory_error(
    call: Callable[[object], object], value: object
) -> None:
    """Wrong-typed call arguments: FactoryError (a missing session is one too), nothing else."""
    with contextlib.suppress(FactoryError):
        call(value)
    asyncfactories.seed(1)
    TeamFactory.reset_sequence()
