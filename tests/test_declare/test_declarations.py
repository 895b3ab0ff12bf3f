"""Declarations resolve as factory_boy users expect (no database needed)."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools

import pytest

from asyncfactories import (
    SKIP,
    AsyncDeclarationError,
    AsyncFactory,
    Iterator,
    LazyAttribute,
    LazyFunction,
    Maybe,
    RelatedFactory,
    RelatedFactoryList,
    SelfAttribute,
    Sequence,
    SubFactory,
    Trait,
    post_generation,
)
from tests.models import Point


@dataclasses.dataclass
class Owner:
    name: str
    email: str = ""
    rank: int = 0


@dataclasses.dataclass
class Pet:
    name: str
    owner: Owner
    tags: list[str] = dataclasses.field(default_factory=list)
    owner_name: str = ""


class OwnerFactory(AsyncFactory[Owner]):
    name = Sequence(lambda n: f"owner{n}")
    email = LazyAttribute(lambda o: f"{o.name}@example.org")


class PetFactory(AsyncFactory[Pet]):
    name = "Rex"
    owner = SubFactory(OwnerFactory)
    owner_name = SelfAttribute("owner.name")


def test_lazy_function_is_called_for_every_object() -> None:
    """LazyFunction calls its function anew for each object."""
    counter = itertools.count()

    class F(AsyncFactory[Point]):
        x = LazyFunction(lambda: next(counter))
        y = 0

    assert [p.x for p in F.build_batch(3)] == [0, 1, 2]


def test_lazy_attribute_reads_fields_declared_after_it() -> None:
    """A LazyAttribute may read a field declared below it."""

    class F(AsyncFactory[Point]):
        label = LazyAttribute(lambda o: f"{o.x},{o.y}")
        x = 3
        y = 4

    assert F.build().label == "3,4"


def test_lazy_attribute_reading_through_a_helper_resolves_on_demand() -> None:
    """Reads the bytecode scan cannot see are still resolved when they happen."""

    def describe(o: object) -> str:
        return f"at {o.x}"  # type: ignore[attr-defined]

    class F(AsyncFactory[Point]):
        label = LazyAttribute(describe)
        x = LazyFunction(lambda: 7)
        y = 0

    assert F.build().label == "at 7"


def test_sequence_counts_per_factory_from_zero() -> None:
    """Sequence numbers start at 0 and count every object of the hierarchy."""
    OwnerFactory.reset_sequence()
    assert [o.name for o in OwnerFactory.build_batch(3)] == ["owner0", "owner1", "owner2"]


def test_sequence_is_shared_with_subclasses_of_the_same_model() -> None:
    """A subclass continues its parent's sequence (one counter per hierarchy)."""

    class SpecialOwnerFactory(OwnerFactory):
        rank = 1

    OwnerFactory.reset_sequence()
    assert OwnerFactory.build().name == "owner0"
    assert SpecialOwnerFactory.build().name == "owner1"
    assert OwnerFactory.build().name == "owner2"


def test_reset_sequence_restarts_at_the_given_value() -> None:
    """reset_sequence(value) makes the next object get that number."""
    OwnerFactory.reset_sequence(100)
    assert OwnerFactory.build().name == "owner100"


def test_iterator_cycles_through_its_values() -> None:
    """Iterator cycles by default."""

    class F(AsyncFactory[Point]):
        x = Iterator([1, 2])
        y = 0

    assert [p.x for p in F.build_batch(5)] == [1, 2, 1, 2, 1]


def test_iterator_consumes_a_generator_lazily() -> None:
    """A generator passed to Iterator is not read at class definition."""
    consumed: list[int] = []

    def values() -> itertools.count[int]:
        consumed.append(1)
        return itertools.count(10)

    class F(AsyncFactory[Point]):
        x = Iterator(values(), cycle=False)
        y = 0

    assert consumed == [1]  # the generator object exists, no value taken yet
    assert [p.x for p in F.build_batch(2)] == [10, 11]


def test_iterator_getter_maps_each_item() -> None:
    """Iterator's getter transforms each value."""

    class F(AsyncFactory[Point]):
        x = Iterator([(1, "a")], getter=lambda item: item[0])
        y = 0

    assert F.build().x == 1


def test_self_attribute_follows_a_dotted_path() -> None:
    """SelfAttribute('owner.name') copies the SubFactory object's field."""
    pet = PetFactory.build()
    assert pet.owner_name == pet.owner.name


def test_self_attribute_with_dots_reads_the_parent_factory() -> None:
    """SelfAttribute('..name') reads the calling factory's field."""

    class NamedOwnerFactory(AsyncFactory[Owner]):
        name = SelfAttribute("..name")

    class F(AsyncFactory[Pet]):
        name = "Fido"
        owner = SubFactory(NamedOwnerFactory)

    assert F.build().owner.name == "Fido"


def test_self_attribute_default_applies_when_the_attribute_is_missing() -> None:
    """SelfAttribute returns its default when the path does not exist."""

    class F(AsyncFactory[Point]):
        x = 1
        y = SelfAttribute("x.numerator.nothing", default=9)

    assert F.build().y == 9


def test_subfactory_fields_are_overridden_with_double_underscore() -> None:
    """create(owner__name=...) reaches into the SubFactory."""
    pet = PetFactory.build(owner__name="Ann")
    assert pet.owner.name == "Ann"
    assert pet.owner.email == "Ann@example.org"
    assert pet.owner_name == "Ann"


def test_subfactory_accepts_a_dotted_path() -> None:
    """SubFactory('module.Factory') imports the factory on first use."""

    class F(AsyncFactory[Pet]):
        name = "x"
        owner = SubFactory("tests.test_declare.test_declarations.OwnerFactory", rank=5)

    assert F.build().owner.rank == 5


def test_overriding_the_subfactory_field_with_an_object_uses_it() -> None:
    """Passing the object itself skips the SubFactory."""
    owner = Owner(name="given")
    assert PetFactory.build(owner=owner).owner is owner


def test_a_declaration_can_be_passed_as_an_override() -> None:
    """create_batch(3, name=Sequence(...)) evaluates the override per object."""
    names = [p.name for p in PetFactory.build_batch(3, name=Sequence(lambda n: f"pet{n % 3}"))]
    assert sorted(names) == ["pet0", "pet1", "pet2"]


def test_maybe_picks_a_branch_from_a_field() -> None:
    """Maybe uses the decider's truthiness."""

    class F(AsyncFactory[Point]):
        class Params:
            big = False

        x = Maybe("big", 1000, 1)
        y = 0

    assert F.build().x == 1
    assert F.build(big=True).x == 1000


def test_maybe_skip_leaves_the_model_default() -> None:
    """A SKIP branch does not pass the field, so the model's default applies."""

    class F(AsyncFactory[Point]):
        x = 1
        y = 2
        label = Maybe(LazyFunction(lambda: False), "set", SKIP)

    assert F.build().label == ""


def test_params_are_not_passed_to_the_model() -> None:
    """Params feed other declarations but never reach the model."""

    class F(AsyncFactory[Point]):
        class Params:
            scale = 10

        x = LazyAttribute(lambda o: o.scale * 2)
        y = 0

    assert F.build().x == 20
    assert F.build(scale=3).x == 6
    assert "scale" not in F.attributes()


def test_trait_applies_its_overrides_when_switched_on() -> None:
    """Trait fields apply only when the flag is passed truthy."""

    class F(AsyncFactory[Point]):
        class Params:
            origin = Trait(x=0, y=0, label="origin")

        x = 5
        y = 5

    assert (F.build().x, F.build().label) == (5, "")
    built = F.build(origin=True)
    assert (built.x, built.y, built.label) == (0, 0, "origin")


def test_explicit_overrides_beat_traits() -> None:
    """A value passed by the caller wins over the trait's."""

    class F(AsyncFactory[Point]):
        class Params:
            origin = Trait(x=0, y=0)

        x = 5
        y = 5

    assert F.build(origin=True, x=9).x == 9


def test_a_trait_decided_per_object_never_reaches_the_model() -> None:
    """A declaration as the switch applies the trait object by object."""

    class F(AsyncFactory[Point]):
        class Params:
            origin = Trait(x=0, y=0)

        x = 5
        y = 5

    points = F.build_batch(4, origin=Iterator([True, False]))
    assert [(p.x, p.y) for p in points] == [(0, 0), (5, 5), (0, 0), (5, 5)]


def test_a_subclass_can_switch_a_trait_on_by_default() -> None:
    """Setting the trait's name in a subclass body turns it on."""

    class F(AsyncFactory[Point]):
        class Params:
            origin = Trait(x=0, y=0)

        x = 5
        y = 5

    class OriginFactory(F):
        origin = True

    assert OriginFactory.build().x == 0


def test_post_generation_receives_extracted_and_kwargs() -> None:
    """post_generation gets (obj, create, extracted, **kwargs) as in factory_boy."""
    calls: list[tuple[bool, object, dict[str, object]]] = []

    class F(AsyncFactory[Pet]):
        name = "x"
        owner = SubFactory(OwnerFactory)

        @post_generation
        def tags(obj: Pet, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
            calls.append((create, extracted, kwargs))
            obj.tags = list(extracted or [])

    pet = F.build(tags=["a", "b"], tags__mode="x")
    assert pet.tags == ["a", "b"]
    assert calls == [(False, ["a", "b"], {"mode": "x"})]
    F.build()
    assert calls[-1] == (False, None, {})


def test_related_factory_builds_an_object_pointing_back() -> None:
    """RelatedFactory makes an object whose related-name field is the new object."""
    made: list[Pet] = []

    class TrackingPetFactory(PetFactory):
        @post_generation
        def record(obj: Pet, create: bool, extracted: object, **kwargs: object) -> None:
            made.append(obj)

    class F(AsyncFactory[Owner]):
        name = "o"
        pet = RelatedFactory(TrackingPetFactory, "owner", name="buddy")

    owner = F.build()
    assert [(p.name, p.owner) for p in made] == [("buddy", owner)]


def test_related_factory_list_makes_size_objects_with_their_index() -> None:
    """RelatedFactoryList makes `size` objects; an int override changes the size."""
    made: list[Point] = []

    class PointFactory(AsyncFactory[Point]):
        x = 0
        y = 0
        label = "p"

        @post_generation
        def record(obj: Point, create: bool, extracted: object, **kwargs: object) -> None:
            made.append(obj)

    class F(AsyncFactory[Owner]):
        name = "o"
        points = RelatedFactoryList(PointFactory, "", size=2, index_field="x")

    F.build()
    assert [p.x for p in made] == [0, 1]
    made.clear()
    F.build(points=4)
    assert [p.x for p in made] == [0, 1, 2, 3]


def test_attributes_returns_the_resolved_fields_without_building() -> None:
    """attributes() returns the model's keyword arguments."""
    assert PetFactory.attributes(name="Max", owner__name="Bo") == {
        "name": "Max",
        "owner": Owner(name="Bo", email="Bo@example.org"),
        "owner_name": "Bo",
    }


def test_build_refuses_an_async_declaration_naming_it() -> None:
    """build() cannot await, so it names the async field."""

    async def fetch() -> int:
        return 1

    class F(AsyncFactory[Point]):
        x = LazyFunction(fetch)
        y = 0

    with pytest.raises(AsyncDeclarationError, match=r"F\.x: .*build\(\) cannot await"):
        F.build()


def test_build_refuses_an_async_post_generation_hook_that_awaits() -> None:
    """An async post_generation hook that really awaits under build() names the hook."""

    class F(AsyncFactory[Point]):
        x = 0
        y = 0

        @post_generation
        async def ping(obj: Point, create: bool, extracted: object, **kwargs: object) -> None:
            await asyncio.sleep(0)

    with pytest.raises(AsyncDeclarationError, match=r"F\.ping: .*awaited something under build"):
        F.build()


def test_model_is_inferred_from_the_generic_parameter() -> None:
    """AsyncFactory[Model] needs no Meta.model."""

    class F(AsyncFactory[Point]):
        x = 1
        y = 2

    assert F.build() == Point(1, 2)


def test_meta_model_accepts_any_callable_for_build() -> None:
    """Meta.model may be a plain function for build()/attributes()."""

    def make(**kwargs: object) -> dict[str, object]:
        return kwargs

    class F(AsyncFactory[dict[str, object]]):
        class Meta:
            model = make

        a = 1

    assert F.build(b=2) == {"a": 1, "b": 2}
