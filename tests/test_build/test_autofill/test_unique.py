"""Unique columns get values that never repeat: across calls, loads and factories of a model."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from asyncfactories import AsyncFactory, AutofillError
from asyncfactories._build.autofill_types import kind_for
from tests.test_build.test_autofill.models import AutofillBase, Narrow, Uniques

UNIQUE_COLUMNS = ("id", "code", "number", "amount", "moment", "indexed")


class UniquesFactory(AsyncFactory[Uniques]):
    """Declares nothing."""


class OtherUniquesFactory(AsyncFactory[Uniques]):
    """A second, unrelated factory of the same model."""


@pytest.mark.asyncio
async def test_unique_columns_never_repeat_across_batches_loads_and_factories(
    autofill_engine: AsyncEngine, autofill_session: AsyncSession
) -> None:
    """Two batches, a load and another factory: every unique column distinct, in the database."""
    await UniquesFactory.create_batch(300, session=autofill_session)
    await OtherUniquesFactory.create_batch(300, session=autofill_session)
    await autofill_session.commit()
    await UniquesFactory.load(400, engine=autofill_engine, chunk_size=150)
    for column in UNIQUE_COLUMNS:
        distinct = await autofill_session.scalar(
            select(func.count(func.distinct(getattr(Uniques, column))))
        )
        assert distinct == 1000, column
    pairs = (await autofill_session.execute(select(Uniques.pair_a, Uniques.pair_b))).all()
    assert len(set(pairs)) == 1000


def test_unique_strings_are_words_and_a_number_within_the_length() -> None:
    """``String(8)``: words, a space and the number; at a million, the number alone (base 36)."""
    code = UniquesFactory.attributes()["code"]
    assert re.fullmatch(r"[A-Z][a-z ]*\d+", code)
    assert len(code) <= 8
    kind = kind_for(Uniques.__table__.c.code.type)
    assert kind is not None
    nth = kind.nth
    assert [len(nth(n)) <= 8 for n in (0, 9, 99_999, 999_999, 10**7)] == [True] * 5
    assert re.fullmatch(r"[A-Z] 999999", nth(999_999))  # a word cut to fit, then the number
    assert nth(1_000_000) == "lfls"


def test_a_unique_column_that_runs_out_says_so() -> None:
    """``String(2)`` holds 36² values; the next one is an AutofillError naming the column."""

    class NarrowFactory(AsyncFactory[Narrow]):
        pass

    codes = {NarrowFactory.attributes()["code"] for _ in range(36**2)}
    assert len(codes) == 36**2
    assert all(len(c) <= 2 for c in codes)
    with pytest.raises(AutofillError) as caught:
        NarrowFactory.attributes()
    assert str(caught.value) == (
        "NarrowFactory.code: Autofill(String(2), unique=True) ran out of distinct values after "
        "1,296; declare code yourself (a wider column, or a Sequence of your own)."
    )


@pytest.mark.scale
def test_a_million_rows_of_unique_columns_load_without_a_collision(tmp_path: Path) -> None:
    """load(1_000_000) into SQLite, whose unique constraints would refuse any repeat."""
    path = tmp_path / "unique.sqlite3"
    sync = create_engine(f"sqlite:///{path}")
    AutofillBase.metadata.create_all(sync, tables=[Uniques.__table__])

    async def run() -> int:
        engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
        try:
            return await UniquesFactory.load(1_000_000, engine=engine, chunk_size=20_000)
        finally:
            await engine.dispose()

    assert asyncio.run(run()) == 1_000_000
    with sync.connect() as connection:
        for column in UNIQUE_COLUMNS:
            count = connection.execute(text(f"SELECT count(DISTINCT {column}) FROM af_uniques"))
            assert count.scalar() == 1_000_000, column
    sync.dispose()
