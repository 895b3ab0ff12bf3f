"""Which columns autofill fills, and how Meta.autofill, declarations and errors change that."""

from __future__ import annotations

import pytest
from sqlalchemy import String
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import asyncfactories
from asyncfactories import (
    AsyncFactory,
    AutofillError,
    FactoryDefinitionError,
    Faker,
    Sequence,
    Trait,
    set_fast_path,
)
from tests.test_build.test_autofill.models import Account, Dog, Everything, Shade


class EverythingFactory(AsyncFactory[Everything]):
    """Declares nothing."""


REQUIRED = {
    "tiny", "name", "body", "small", "count", "big", "price", "ratio", "score", "flag",
    "shade", "shade_text", "letter", "day", "moment", "aware", "at", "span", "token",
    "token_text", "document", "labels", "blob", "lowered",
}  # fmt: skip


def test_exactly_the_required_columns_are_filled() -> None:
    """NOT NULL columns without any default; not the key, nullable, defaulted or computed ones."""
    assert set(EverythingFactory.attributes()) == REQUIRED


def test_autofill_all_also_fills_nullable_and_server_filled_columns() -> None:
    """Meta.autofill = "all": the nullable and server-default columns too, never a Python default."""

    class AllFactory(AsyncFactory[Everything]):
        class Meta:
            autofill = "all"

    assert set(AllFactory.attributes()) == REQUIRED | {"note", "status"}


def test_autofill_false_turns_it_off_for_the_factory_and_its_subclasses() -> None:
    """Meta.autofill = False inherits; a subclass can turn it back on."""

    class OffFactory(AsyncFactory[Everything]):
        class Meta:
            autofill = False

        name = "declared"

    class StillOffFactory(OffFactory):
        pass

    class OnAgainFactory(OffFactory):
        class Meta:
            autofill = True

    assert OffFactory.attributes() == {"name": "declared"}
    assert StillOffFactory.attributes() == {"name": "declared"}
    assert set(OnAgainFactory.attributes()) == REQUIRED
    assert OnAgainFactory.attributes()["name"] == "declared"


def test_a_meta_autofill_that_is_not_a_setting_is_refused() -> None:
    """Meta.autofill = "yes": a FactoryDefinitionError naming the three settings."""
    with pytest.raises(FactoryDefinitionError) as caught:

        class BadFactory(AsyncFactory[Everything]):
            class Meta:
                autofill = "yes"

    assert str(caught.value) == (
        "BadFactory.Meta.autofill: is 'yes'; use True (the default: required columns), "
        '"all" (nullable and server-filled columns too) or False.'
    )


def test_declarations_overrides_and_traits_win_over_autofill() -> None:
    """A declared field, a call's override and a trait's value are used as they are."""

    class NamedFactory(AsyncFactory[Everything]):
        class Params:
            dark = Trait(shade=Shade.DARK)

        name = Sequence(lambda n: f"thing {n}")

    assert NamedFactory.attributes()["name"].startswith("thing ")
    assert NamedFactory.attributes(tiny="abc")["tiny"] == "abc"
    assert NamedFactory.attributes(dark=True)["shade"] is Shade.DARK


def test_a_declared_setter_wins_over_the_column_it_writes() -> None:
    """``password = "x"`` sets password_hash through a property: autofill's value is not kept."""

    class AccountFactory(AsyncFactory[Account]):
        password = "secret"

    assert AccountFactory.build().password_hash == "hashed:secret"
    assert repr(AccountFactory._meta.declarations["password_hash"]) == "Autofill(String(64))"


def test_the_discriminator_and_the_inherited_key_are_left_to_the_orm() -> None:
    """Joined inheritance: Dog gets name and bark, not kind nor its id (the Animal row's)."""

    class DogFactory(AsyncFactory[Dog]):
        pass

    assert set(DogFactory.attributes()) == {"name", "bark"}
    assert DogFactory.build().kind == "dog"


@pytest.mark.asyncio
async def test_an_inherited_model_is_created_with_its_parent_row(
    autofill_session: AsyncSession,
) -> None:
    """The Dog and its Animal row are written, the discriminator set by the ORM."""

    class DogFactory(AsyncFactory[Dog]):
        pass

    dogs = await DogFactory.create_batch(3, session=autofill_session)
    assert [d.kind for d in dogs] == ["dog"] * 3
    assert all(d.id is not None for d in dogs)


def test_a_type_autofill_cannot_generate_fails_at_class_definition() -> None:
    """An INET column: AutofillError naming the factory, the column and how to declare it."""

    class Base(DeclarativeBase):
        pass

    class Host(Base):
        __tablename__ = "af_hosts"
        id: Mapped[int] = mapped_column(primary_key=True)
        address: Mapped[str] = mapped_column(postgresql.INET)
        label: Mapped[str] = mapped_column(String(10))

    with pytest.raises(AutofillError) as caught:

        class HostFactory(AsyncFactory[Host]):
            label = "x"

    assert str(caught.value) == (
        "HostFactory.address: is a required INET column of af_hosts, and autofill cannot "
        "generate INET values; declare it, e.g. `address = LazyFunction(lambda: ...)`, "
        "or turn autofill off with Meta.autofill = False."
    )
    assert (caught.value.table, caught.value.column) == ("af_hosts", "address")
    assert isinstance(caught.value, FactoryDefinitionError)

    class DeclaredHostFactory(AsyncFactory[Host]):
        address = Faker("ipv4")

    assert set(DeclaredHostFactory.attributes()) == {"address", "label"}


def test_seed_reproduces_autofilled_values() -> None:
    """seed(n) then the same calls: the same values."""
    asyncfactories.seed(7)
    first = EverythingFactory.attributes()
    asyncfactories.seed(7)
    assert EverythingFactory.attributes() == first


def test_autofill_does_not_depend_on_the_faker_fast_path_switch() -> None:
    """With the fast path off, autofill still draws (its own compiled closures)."""
    set_fast_path(False)
    try:
        asyncfactories.seed(3)
        off = EverythingFactory.attributes()
    finally:
        set_fast_path(True)
    asyncfactories.seed(3)
    assert EverythingFactory.attributes() == off


def test_autofilled_declarations_read_as_their_column_type() -> None:
    """The declaration shows its type in messages: Autofill(String(40))."""
    declarations = EverythingFactory._meta.declarations
    assert repr(declarations["name"]) == "Autofill(String(40))"
    assert repr(declarations["price"]) == "Autofill(Numeric(6, 2))"
    assert repr(declarations["shade"]) == "Autofill(Enum(Shade))"
    assert repr(declarations["lowered"]) == "Autofill(Lowered(String(30)))"
