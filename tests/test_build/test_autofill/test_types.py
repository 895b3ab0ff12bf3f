"""Every column type autofill supports, written on SQLite and PostgreSQL.

PostgreSQL rejects a string longer than its column and a number past its
precision or scale, so a batch written there is the proof that values fit;
the same values are also checked in Python on both backends.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from asyncfactories import AsyncFactory
from tests.test_build.test_autofill.models import Everything, PgOnly, Shade


class EverythingFactory(AsyncFactory[Everything]):
    """Declares nothing."""


class PgOnlyFactory(AsyncFactory[PgOnly]):
    """Declares nothing."""


def check_fits(row: Everything, *, stored: bool = True) -> None:
    """Each value has its column's Python type and fits its length, range, precision, scale.

    ``stored``: the row was read back, so the custom type's bind step (lower-casing) ran.
    """
    assert 1 <= len(row.tiny) <= 3
    assert 1 <= len(row.name) <= 40
    assert row.name[0].isupper()
    assert all(w.isalpha() for w in row.name.split())
    assert isinstance(row.body, str)
    assert row.body
    assert -(2**15) <= row.small < 2**15
    assert -(2**31) <= row.count < 2**31
    assert isinstance(row.big, int)
    assert isinstance(row.price, Decimal)
    assert abs(row.price) < Decimal("10000")
    assert row.price == row.price.quantize(Decimal("0.01"))
    assert Decimal(0) <= row.ratio < Decimal(1)
    assert row.ratio == row.ratio.quantize(Decimal("0.0001"))
    assert isinstance(row.score, float)
    assert isinstance(row.flag, bool)
    assert isinstance(row.shade, Shade)
    assert isinstance(row.shade_text, Shade)
    assert row.letter in ("a", "b", "c")
    assert isinstance(row.day, date)
    assert date(2020, 1, 1) <= row.day <= date(2030, 1, 1)
    assert isinstance(row.moment, datetime)
    assert isinstance(row.aware, datetime)
    assert isinstance(row.at, time)
    assert isinstance(row.span, timedelta)
    assert isinstance(row.token, uuid.UUID)
    assert row.token.version == 4
    assert isinstance(row.token_text, str)
    assert uuid.UUID(row.token_text)
    assert isinstance(row.document, dict)
    assert isinstance(row.labels, list)
    assert all(isinstance(w, str) for w in row.labels)
    assert isinstance(row.blob, bytes)
    assert 1 <= len(row.blob) <= 12
    assert len(row.lowered) <= 30
    assert row.lowered == row.lowered.lower() or not stored


@pytest.mark.asyncio
async def test_a_factory_that_declares_nothing_creates_rows_of_every_type(
    autofill_session: AsyncSession,
) -> None:
    """create() and create_batch() of an empty factory write valid rows, read back intact."""
    one = await EverythingFactory.create(session=autofill_session)
    many = await EverythingFactory.create_batch(200, session=autofill_session)
    await autofill_session.commit()
    autofill_session.expunge_all()
    rows = (await autofill_session.scalars(select(Everything))).all()
    assert len(rows) == 201
    for row in rows:
        check_fits(row)
    assert {r.id for r in rows} == {one.id, *(m.id for m in many)}


@pytest.mark.asyncio
async def test_columns_autofill_must_leave_alone_get_their_defaults(
    autofill_session: AsyncSession,
) -> None:
    """Nullable, server-default, Python-default and computed columns are not filled."""
    assert not {"note", "status", "version", "doubled", "id"} & set(EverythingFactory.attributes())
    row = await EverythingFactory.create(session=autofill_session)
    await autofill_session.refresh(row)
    assert (row.note, row.status, row.version, row.doubled) == (None, "new", 1, row.count * 2)


@pytest.mark.asyncio
async def test_load_streams_autofilled_rows(
    autofill_engine: AsyncEngine, autofill_session: AsyncSession
) -> None:
    """load() writes autofilled rows too (COPY on PostgreSQL)."""
    assert await EverythingFactory.load(250, engine=autofill_engine, chunk_size=100) == 250
    rows = (await autofill_session.scalars(select(Everything))).all()
    assert len(rows) == 250
    for row in rows:
        check_fits(row)


@pytest.mark.asyncio
# PostgreSQL only, as a parameter rather than a skip: the run shows no skipped SQLite half.
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_postgresql_types_are_autofilled(
    backend: str, autofill_engine: AsyncEngine, autofill_session: AsyncSession
) -> None:
    """ARRAY (of one and two dimensions), JSONB, BYTEA and INTERVAL under create_batch and load."""
    await PgOnlyFactory.create_batch(50, session=autofill_session)
    await autofill_session.commit()
    assert await PgOnlyFactory.load(50, engine=autofill_engine) == 50
    autofill_session.expunge_all()
    rows = (await autofill_session.scalars(select(PgOnly))).all()
    assert len(rows) == 100
    assert len({r.code for r in rows}) == 100
    for row in rows:
        assert row.numbers
        assert all(isinstance(n, int) for n in row.numbers)
        assert row.grid
        assert all(len(line) == len(row.grid) for line in row.grid)
        assert all(len(word) <= 5 for line in row.grid for word in line)
        assert isinstance(row.document, dict)
        assert isinstance(row.raw, bytes)
        assert isinstance(row.wait, timedelta)


def test_autofilled_values_have_the_column_python_types() -> None:
    """attributes() and build() include the autofilled values, of the right kinds."""
    attributes = EverythingFactory.attributes()
    assert isinstance(attributes["shade"], enum.Enum)
    assert attributes["aware"].tzinfo is not None
    assert attributes["moment"].tzinfo is None
    built = EverythingFactory.build()
    assert built.id is None
    check_fits(built, stored=False)
