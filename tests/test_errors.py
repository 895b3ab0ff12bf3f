"""Every misuse gets a FactoryError naming the factory, the field and the fix."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import (
    AsyncDeclarationError,
    AsyncFactory,
    CyclicDeclarationError,
    FactoryArgumentError,
    FactoryDefinitionError,
    FactoryError,
    Faker,
    Iterator,
    LazyAttribute,
    LazyFunction,
    NoSessionError,
    RelatedFactoryList,
    SelfAttribute,
    Sequence,
    SubFactory,
    Trait,
    UnknownFieldError,
    fuzzy,
)
from tests.models import Member, Point, Team


class TeamFactory(AsyncFactory[Team]):
    name = Sequence(lambda n: f"t{n}")


class MemberFactory(AsyncFactory[Member]):
    team = SubFactory(TeamFactory)
    email = Sequence(lambda n: f"m{n}@example.org")
    name = "m"


class PointFactory(AsyncFactory[Point]):
    x = 1
    y = 2


async def _nothing() -> int:
    return 1


def _strict(**kwargs: object) -> None:
    raise TypeError(f"unexpected {sorted(kwargs)}")


@dataclasses.dataclass(frozen=True)
class Misuse:
    """One way to get it wrong, and what the error must say."""

    name: str
    act: Callable[[], Any]
    error: type[FactoryError]
    says: tuple[str, ...]


def define(model: object, **body: object) -> Callable[[], type]:
    return lambda: type(
        "BadFactory", (AsyncFactory,), {"Meta": type("Meta", (), {"model": model}), **body}
    )


def define_meta(**meta: object) -> Callable[[], type]:
    return lambda: type(
        "BadFactory", (AsyncFactory,), {"Meta": type("Meta", (), {"model": Team, **meta})}
    )


DEFINITION_MISUSES = [
    Misuse(
        "unknown Meta key",
        define_meta(modle=Team),
        FactoryDefinitionError,
        ("BadFactory.Meta.modle", "is not a Meta option", "use one of"),
    ),
    Misuse(
        "bad persistence",
        define_meta(persistence="save"),
        FactoryDefinitionError,
        ("Meta.persistence", "'save'", '"commit"'),
    ),
    Misuse(
        "Meta.sqlalchemy_session that is no session",
        define_meta(sqlalchemy_session=object()),
        FactoryDefinitionError,
        ("Meta.sqlalchemy_session", "async_scoped_session"),
    ),
    Misuse(
        "session_factory not callable",
        define_meta(session_factory=3),
        FactoryDefinitionError,
        ("Meta.session_factory", "not a callable", "async_sessionmaker"),
    ),
    Misuse(
        "get_or_create non-field",
        define_meta(get_or_create=("nmae",)),
        UnknownFieldError,
        ("get_or_create['nmae']", "names no field of Team", "list field names"),
    ),
    Misuse(
        "declared non-field",
        define(Team, nmae="x"),
        UnknownFieldError,
        ("BadFactory.nmae", "Team has no such field", "move it into class Params"),
    ),
    Misuse(
        "declared non-field of a dataclass",
        define(Point, z=1),
        UnknownFieldError,
        ("BadFactory.z", "Point has no such field"),
    ),
    Misuse(
        "unknown Faker provider",
        define(Team, name=Faker("compnay")),
        FactoryDefinitionError,
        ("BadFactory.name", "Faker('compnay') names no Faker provider", "Faker('company')"),
    ),
    Misuse(
        "Faker argument unknown",
        define(Team, name=Faker("text", max_chars=3)),
        FactoryDefinitionError,
        ("BadFactory.name", "passes arguments the provider does not take"),
    ),
    Misuse(
        "reversed FuzzyInteger",
        define(Team, level=fuzzy.FuzzyInteger(9, 1)),
        FactoryDefinitionError,
        ("BadFactory.level: FuzzyInteger(9, 1) has low > high; swap the bounds.",),
    ),
    Misuse(
        "reversed FuzzyFloat",
        define(Point, x=fuzzy.FuzzyFloat(0.9, 0.5)),
        FactoryDefinitionError,
        ("BadFactory.x: FuzzyFloat(0.9, 0.5) has low > high; swap the bounds.",),
    ),
    Misuse(
        "empty FuzzyChoice",
        define(Point, x=fuzzy.FuzzyChoice(())),
        FactoryDefinitionError,
        ("BadFactory.x", "has no choices"),
    ),
    Misuse(
        "LazyAttribute cycle",
        define(Point, x=LazyAttribute(lambda o: o.y), y=LazyAttribute(lambda o: o.x)),
        CyclicDeclarationError,
        ("BadFactory.x", "cycle x -> y -> x", "give one of them a value"),
    ),
    Misuse(
        "three-field cycle",
        define(
            Point,
            x=LazyAttribute(lambda o: o.y),
            y=LazyAttribute(lambda o: o.label),
            label=SelfAttribute("x"),
        ),
        CyclicDeclarationError,
        ("x -> y -> label -> x",),
    ),
    Misuse(
        "LazyAttribute reads a non-field",
        define(Point, x=LazyAttribute(lambda o: o.nope), y=1),
        UnknownFieldError,
        ("BadFactory.x", "reads 'nope'", "fix the name"),
    ),
    Misuse(
        "LazyAttribute not callable",
        lambda: LazyAttribute(3),
        FactoryDefinitionError,
        ("LazyAttribute", "expects a callable"),
    ),
    Misuse(
        "Trait in class body",
        define(Point, flag=Trait(x=1)),
        FactoryDefinitionError,
        ("BadFactory.flag", "move it into class Params"),
    ),
    Misuse(
        "Trait sets a non-field",
        define(Point, Params=type("Params", (), {"big": Trait(zz=1)})),
        UnknownFieldError,
        ("Params.big", "'zz'", "fix the name in the Trait"),
    ),
    Misuse(
        "SubFactory of a non-factory",
        define(Member, team=SubFactory(dict)),
        FactoryDefinitionError,
        ("BadFactory.team", "is not a factory class"),
    ),
    Misuse(
        "RelatedFactoryList negative size",
        define(Team, members=RelatedFactoryList(MemberFactory, "team", size=-2)),
        FactoryDefinitionError,
        ("BadFactory.members", "negative size"),
    ),
    Misuse(
        "empty SelfAttribute",
        define(Point, x=SelfAttribute(""), y=1),
        FactoryDefinitionError,
        ("BadFactory.x", "names no attribute"),
    ),
    Misuse(
        "naive FuzzyDateTime",
        define(Point, x=fuzzy.FuzzyDateTime(__import__("datetime").datetime(2024, 1, 1)), y=1),
        FactoryDefinitionError,
        ("BadFactory.x", "naive start_dt", "tzinfo"),
    ),
]


@pytest.mark.parametrize("misuse", DEFINITION_MISUSES, ids=lambda m: m.name)
def test_definition_misuse_fails_when_the_class_is_defined(misuse: Misuse) -> None:
    """The error class, FactoryError, and every expected part of the message."""
    with pytest.raises(misuse.error) as info:
        misuse.act()
    assert isinstance(info.value, FactoryError)
    for part in misuse.says:
        assert part in str(info.value)


CALL_MISUSES = [
    Misuse(
        "unknown override",
        lambda: PointFactory.build(z=3),
        UnknownFieldError,
        ("PointFactory.z", "is not a field of Point", "pass one of its fields"),
    ),
    Misuse(
        "nested override into a plain field",
        lambda: PointFactory.build(x__y=3),
        UnknownFieldError,
        ("PointFactory.x__y", "not a SubFactory"),
    ),
    Misuse(
        "unknown override one level down",
        lambda: MemberFactory.build(team__nmae="x"),
        UnknownFieldError,
        ("TeamFactory.nmae", "is not a field of Team"),
    ),
    Misuse(
        "negative build_batch",
        lambda: PointFactory.build_batch(-3),
        FactoryArgumentError,
        ("PointFactory", "build_batch() got size=-3", "0 or more"),
    ),
    Misuse(
        "non-int batch size",
        lambda: PointFactory.build_batch("3"),
        FactoryArgumentError,
        ("size='3'",),
    ),  # type: ignore[arg-type]
    Misuse(
        "async declaration under build",
        lambda: type("AsyncPointFactory", (PointFactory,), {"x": LazyFunction(_nothing)}).build(),
        AsyncDeclarationError,
        ("AsyncPointFactory.x", "build() cannot await", "await create()"),
    ),
    Misuse(
        "abstract factory build",
        lambda: AsyncFactory.build(),
        FactoryDefinitionError,
        ("AsyncFactory.Meta.model", "is abstract", "set Meta.model"),
    ),
    Misuse(
        "calling a factory class with positional arguments",
        lambda: PointFactory(1),
        FactoryArgumentError,
        ("PointFactory", "positional arguments", "pass fields by name"),
    ),
    Misuse(
        "Iterator runs out",
        lambda: type(
            "ShortFactory", (PointFactory,), {"x": Iterator([1], cycle=False)}
        ).build_batch(2),
        FactoryDefinitionError,
        ("ShortFactory.x", "ran out of values"),
    ),
    Misuse(
        "model refuses resolved fields",
        lambda: type(
            "RefusedFactory",
            (AsyncFactory,),
            {"Meta": type("Meta", (), {"model": _strict}), "b": 1},
        ).build(),
        UnknownFieldError,
        ("RefusedFactory", "refused the resolved fields"),
    ),
]


@pytest.mark.parametrize("misuse", CALL_MISUSES, ids=lambda m: m.name)
def test_call_misuse_names_factory_field_and_fix(misuse: Misuse) -> None:
    """Misuse at call time is a FactoryError, never a bare KeyError or AttributeError."""
    with pytest.raises(misuse.error) as info:
        misuse.act()
    assert isinstance(info.value, FactoryError)
    for part in misuse.says:
        assert part in str(info.value)


@pytest.mark.asyncio
async def test_create_of_a_plain_class_is_refused() -> None:
    """create() needs a mapped model and says so."""
    with pytest.raises(
        FactoryDefinitionError, match=r"PointFactory\.Meta\.model: .* not a SQLAlchemy-mapped class"
    ):
        await PointFactory.create()


@pytest.mark.asyncio
async def test_create_without_a_session_is_no_session_error() -> None:
    """NoSessionError is a RuntimeError and a FactoryError."""
    with pytest.raises(NoSessionError) as info:
        await TeamFactory.create()
    assert isinstance(info.value, RuntimeError)


@pytest.mark.asyncio
async def test_create_with_a_wrong_session_type_is_refused() -> None:
    """session= must be an AsyncSession."""
    with pytest.raises(FactoryArgumentError, match="session= got str"):
        await TeamFactory.create(session="db")  # type: ignore[arg-type]


def test_errors_subclass_the_builtin_they_refine() -> None:
    """Existing `except TypeError/ValueError/RuntimeError` blocks keep working."""
    assert issubclass(FactoryDefinitionError, TypeError)
    assert issubclass(UnknownFieldError, TypeError)
    assert issubclass(AsyncDeclarationError, TypeError)
    assert issubclass(FactoryArgumentError, ValueError)
    assert issubclass(NoSessionError, RuntimeError)


def test_errors_keep_their_parts_as_attributes() -> None:
    """factory, field, problem and fix are attributes, not only text."""
    with pytest.raises(FactoryDefinitionError) as info:
        define(Point, x=fuzzy.FuzzyInteger(3, 1), y=1)()
    error = info.value
    assert (error.factory, error.field, error.fix) == ("BadFactory", "x", "swap the bounds")


def test_errors_survive_pickling() -> None:
    """Errors cross process boundaries (load workers) intact."""
    import pickle

    error = UnknownFieldError("F", "x", "is wrong", "fix it")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.field) == (UnknownFieldError, str(error), "x")


@pytest.mark.asyncio
async def test_session_misuse_inside_create_batch_size_checked_first(session: AsyncSession) -> None:
    """A bad size is reported before anything touches the database."""
    with pytest.raises(FactoryArgumentError):
        await TeamFactory.create_batch(-1, session=session)
