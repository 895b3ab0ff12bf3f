"""psycopg 3 (``postgresql+psycopg://``): load() copies, and every write path holds as on asyncpg.

Each test runs against the real test server (``ASYNCFACTORIES_TEST_PG_URL``,
whichever driver it names: both drivers' URLs are derived from it). That COPY
is used is read off the wire: libpq's own protocol trace of the connection
records the server's ``CommandComplete "COPY n"`` replies, so the count is
the server's, not a guess from SQLAlchemy's events (which never see a COPY).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import enum
import gc
import re
import tempfile
import tracemalloc
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import IO, Any

import pytest
import pytest_asyncio
from psycopg import pq
from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    Interval,
    LargeBinary,
    Numeric,
    String,
    Text,
    Uuid,
    event,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.pool import NullPool

import asyncfactories
from asyncfactories import (
    AsyncFactory,
    LazyAttribute,
    LazyFunction,
    LoadInterruptedError,
    PersistenceError,
    Sequence,
    SubFactory,
    fuzzy,
)
from tests.conftest import postgres_url

SEED = 20261201
DRIVERS = ("asyncpg", "psycopg")


class Kind(enum.Enum):
    BOOK = "book"
    TOOL = "tool"
    TOY = "toy"


class Base(DeclarativeBase):
    """Tables of this module only (``afpg_`` names: other tests' tables are left alone)."""


class Shelf(Base):
    __tablename__ = "afpg_shelves"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    items: Mapped[list[Item]] = relationship(back_populates="shelf")


class Item(Base):
    """A column of every kind COPY has to carry, with the characters COPY's text format escapes."""

    __tablename__ = "afpg_items"
    __table_args__ = (CheckConstraint("ratio >= 0", name="ck_afpg_items_ratio"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    shelf_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("afpg_shelves.id"))
    label: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[Kind] = mapped_column(Enum(Kind, name="afpg_kind"))
    day: Mapped[dt.date]
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    naive: Mapped[dt.datetime] = mapped_column(DateTime)
    price: Mapped[decimal.Decimal] = mapped_column(Numeric(12, 4))
    ratio: Mapped[float] = mapped_column(Float)
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)
    docb: Mapped[dict[str, Any]] = mapped_column(JSONB)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String))
    scores: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    flag: Mapped[bool]
    note: Mapped[str | None] = mapped_column(Text)
    wait: Mapped[dt.timedelta] = mapped_column(Interval)
    level: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    shelf: Mapped[Shelf] = relationship(back_populates="items")


AT_START = dt.datetime(2000, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))


class ShelfFactory(AsyncFactory[Shelf]):
    id = Sequence(lambda n: uuid.UUID(int=n + 1))
    name = Sequence(lambda n: f"shelf-{n}")


class NamedShelfFactory(ShelfFactory):
    class Meta:
        get_or_create = ("name",)

    name = "main"


class ItemFactory(AsyncFactory[Item]):
    id = Sequence(lambda n: uuid.UUID(int=(1 << 64) + n))
    shelf = SubFactory(ShelfFactory)
    label = Sequence(lambda n: f'item {n}\t"tab"\\back\nline, é ☃')
    kind = fuzzy.FuzzyChoice(Kind)
    day = fuzzy.FuzzyDate(dt.date(1999, 12, 31), dt.date(2030, 1, 1))
    at = fuzzy.FuzzyDateTime(AT_START, AT_START + dt.timedelta(days=9000))
    naive = fuzzy.FuzzyNaiveDateTime(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1))
    price = fuzzy.FuzzyDecimal(0, 99_999, precision=4)
    ratio = fuzzy.FuzzyFloat(0, 1)
    doc = LazyAttribute(
        lambda o: {"label": o.label, "n": [1, 2.5, None, True], "ü": {"q": '\\"\t'}}
    )
    docb = LazyAttribute(lambda o: {"kind": o.kind.value, "ratio": o.ratio, "tags": o.tags})
    tags = Sequence(
        lambda n: [[], ["a", "b c", 'q"uote', "back\\slash", "{brace}", "NULL", ""], ["x"]][n % 3]
    )
    scores = Sequence(lambda n: [n, -n, 0])
    blob = Sequence(lambda n: bytes([0, 92, 9, 10, n % 256]) + b"\\x00")
    flag = Sequence(lambda n: n % 2 == 0)
    note = Sequence(lambda n: None if n % 3 == 0 else f"note {n}")
    wait = Sequence(lambda n: dt.timedelta(days=n, seconds=7, microseconds=n))


class ItemOnNamedShelfFactory(ItemFactory):
    shelf = SubFactory(NamedShelfFactory)


def pg_url(driver: str) -> str:
    """The test server's URL with ``driver``, whichever driver the environment names."""
    return re.sub(r"^postgresql(\+\w+)?://", f"postgresql+{driver}://", postgres_url())


def reproducible() -> None:
    """The same seed and fresh sequences: the next calls make the same values again."""
    asyncfactories.seed(SEED)
    for factory in (ShelfFactory, ItemFactory):  # subclasses share these counters
        factory.reset_sequence()


@asynccontextmanager
async def fresh(driver: str, **options: Any) -> AsyncIterator[AsyncEngine]:
    """An engine on ``driver`` with this module's tables created anew, dropped afterwards."""
    engine = create_async_engine(pg_url(driver), **options)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    try:
        yield engine
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
        await engine.dispose()


@pytest.fixture(params=["postgresql"])
def server() -> str:
    """The test server, for tests that open engines of both drivers themselves.

    A fixture with a parameter, so that every test id here says postgresql, which
    is how ``-k postgresql`` picks the PostgreSQL half of the suite.
    """
    return postgres_url()


@pytest_asyncio.fixture(params=["postgresql+psycopg"])
async def psycopg_engine(request: pytest.FixtureRequest) -> AsyncIterator[AsyncEngine]:
    """Fresh tables through psycopg 3."""
    async with fresh("psycopg") as engine:
        yield engine


class Wire:
    """libpq's trace of every connection an engine hands out: what went to the server and back."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._traced: list[Any] = []
        # At checkout, not connect: the pool may hold connections opened before.
        event.listen(engine.sync_engine, "checkout", self._trace)

    def _trace(self, dbapi_connection: Any, *_: object) -> None:
        pgconn = dbapi_connection.driver_connection.pgconn
        if any(pgconn is traced for traced in self._traced):
            return
        pgconn.trace(self._file.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        self._traced.append(pgconn)

    def lines(self) -> list[str]:
        """The trace so far, one protocol message a line."""
        self._file.seek(0)
        return self._file.read().decode("utf-8", "replace").splitlines()

    def copied(self) -> Counter[str]:
        """Rows the server reports copied, by table (``CommandComplete "COPY n"`` after each COPY)."""
        rows: Counter[str] = Counter()
        table = ""
        for line in self.lines():
            started = re.search(r'\tQuery\t "COPY (\S+)', line)
            if started:
                table = started.group(1).strip('"')
            done = re.search(r'CommandComplete\t "COPY (\d+)"', line)
            if done:
                rows[table] += int(done.group(1))
        return rows

    def commands(self, verb: str) -> int:
        """How many commands starting with ``verb`` the server completed."""
        return sum(1 for line in self.lines() if f'CommandComplete\t "{verb}' in line)

    def close(self) -> None:
        """Stop tracing and drop the file."""
        for pgconn in self._traced:
            if pgconn.status == pq.ConnStatus.OK:
                pgconn.untrace()
        self._file.close()


@pytest.fixture
def wire() -> Iterator[type[Wire]]:
    """Make :class:`Wire` traces; each is closed at the end of the test."""
    made: list[Wire] = []

    class Closing(Wire):
        def __init__(self, engine: AsyncEngine) -> None:
            super().__init__(engine)
            made.append(self)

    yield Closing
    for trace in made:
        trace.close()


async def rows_of(url_driver: str, model: type[Base]) -> list[dict[str, Any]]:
    """Every row of ``model``'s table, ordered by key, read through one driver (asyncpg)."""
    table = model.__table__
    engine = create_async_engine(pg_url(url_driver), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(select(table).order_by(table.c.id))
            return [dict(row._mapping) for row in result]
    finally:
        await engine.dispose()


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Both tables, without what the server fills itself (``created_at = now()``)."""
    items = await rows_of("asyncpg", Item)
    for row in items:
        assert row.pop("created_at") is not None
    return {"shelves": await rows_of("asyncpg", Shelf), "items": items}


async def count(engine: AsyncEngine, model: type[Base]) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.asyncio
async def test_load_through_psycopg_copies_every_row(
    psycopg_engine: AsyncEngine, wire: type[Wire]
) -> None:
    """load() over psycopg is COPY: the server copies every row; no row goes by INSERT.

    1,200 rows in chunks of 500, read off the wire: one COPY per table per chunk,
    and one INSERT per chunk, the sequence ledger's upsert (see test_append.py).
    """
    trace = wire(psycopg_engine)
    assert await ItemFactory.load(1_200, engine=psycopg_engine, chunk_size=500) == 1_200
    assert trace.copied() == {"afpg_shelves": 1_200, "afpg_items": 1_200}
    assert trace.commands("COPY") == 6  # one per table per chunk
    assert trace.commands("INSERT") == 3  # the ledger, once per chunk
    assert await count(psycopg_engine, Item) == await count(psycopg_engine, Shelf) == 1_200


@pytest.mark.asyncio
async def test_load_over_psycopg_writes_the_rows_asyncpg_writes_for_the_same_seed(
    server: str,
) -> None:
    """For the same seed, psycopg's COPY writes exactly the rows asyncpg's COPY writes.

    And psycopg's INSERTs (create_batch) write them too: every column of every type.
    """
    written: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for how in ("asyncpg load", "psycopg load", "psycopg create_batch"):
        driver, call = how.split()
        async with fresh(driver) as engine:
            reproducible()
            if call == "load":
                assert await ItemFactory.load(700, engine=engine, chunk_size=300) == 700
            else:
                async with AsyncSession(engine) as session:
                    await ItemFactory.create_batch(700, session=session)
                    await session.commit()
            written[how] = await snapshot()
    reference = written["asyncpg load"]
    assert len(reference["items"]) == len(reference["shelves"]) == 700
    assert written["psycopg load"] == reference
    assert written["psycopg create_batch"] == reference


@pytest.mark.asyncio
async def test_copied_values_come_back_as_built(psycopg_engine: AsyncEngine) -> None:
    """Every value loaded over psycopg reads back equal to what build() makes for the seed.

    Enum, date, aware and naive datetimes, Numeric, float, JSON, JSONB, arrays
    (empty, quoted, "NULL" as text), bytes with NUL and backslash, None, interval,
    a Python default and a server default.
    """
    reproducible()
    built = ItemFactory.build_batch(30)
    reproducible()
    await ItemFactory.load(30, engine=psycopg_engine, chunk_size=7)
    async with AsyncSession(psycopg_engine) as session:
        loaded = {i.id: i for i in (await session.scalars(select(Item))).all()}
        fields = [c.key for c in Item.__table__.columns if c.key not in ("created_at", "level")]
        for item in built:
            row = loaded[item.id]
            expected = {f: getattr(item, f) for f in fields}
            expected["shelf_id"] = item.shelf.id  # build() links the object; the key comes on write
            assert {f: getattr(row, f) for f in fields} == expected
            assert row.level == 1
            assert row.created_at is not None
    assert len(loaded) == 30


@pytest.mark.asyncio
async def test_get_or_create_reuses_rows_over_psycopg(psycopg_engine: AsyncEngine) -> None:
    """Meta.get_or_create holds under create, create_batch and load on psycopg.

    One shelf named "main" for every item, whichever path wrote them.
    """
    async with AsyncSession(psycopg_engine, expire_on_commit=False) as session:
        first = await NamedShelfFactory.create(session=session)
        again = await NamedShelfFactory.create(session=session)
        items = await ItemOnNamedShelfFactory.create_batch(20, session=session)
        await session.commit()
    assert first.id == again.id
    assert {item.shelf_id for item in items} == {first.id}
    assert await ItemOnNamedShelfFactory.load(50, engine=psycopg_engine, chunk_size=20) == 50
    async with psycopg_engine.connect() as connection:
        shelves = (await connection.execute(select(Shelf.id))).scalars().all()
        on_it = await connection.scalar(
            select(func.count()).select_from(Item).where(Item.shelf_id == first.id)
        )
    assert shelves == [first.id]
    assert on_it == 70


KEPT_SHELF = uuid.UUID(int=1)  # the first shelf after reproducible()
MISSING_SHELF = uuid.UUID(int=999_999_999)


def breaking(kind: str, good: int) -> dict[str, Any]:
    """Overrides whose first ``good`` rows are fine and whose later rows break ``kind``."""
    calls = iter(range(10**6))

    def switch(fine: Callable[[int], Any], bad: Any) -> LazyFunction:
        def value() -> Any:
            n = next(calls)
            return fine(n) if n < good else bad

        return LazyFunction(value)

    if kind == "unique":
        return {"label": switch(lambda n: f"fine {n}", "kept")}
    if kind == "not_null":
        return {"label": switch(lambda n: f"fine {n}", None)}
    if kind == "foreign_key":
        return {"shelf": None, "shelf_id": switch(lambda n: KEPT_SHELF, MISSING_SHELF)}
    assert kind == "check"
    return {"ratio": switch(lambda n: 0.5, -1.0)}


KINDS = ("unique", "not_null", "foreign_key", "check")


def _described(error: PersistenceError) -> tuple[object, ...]:
    # A failing row's detail ends with created_at, the server's now(): the one value that differs.
    message = re.sub(r", [^,]+\)\.\)", ", <now>).)", str(error))
    return (error.factory, error.field, error.table, error.constraint, error.column, message)


async def _load_error(engine: AsyncEngine, kind: str) -> tuple[object, ...]:
    """Chunk 1 is fine, chunk 2 breaks ``kind``: chunk 1 alone stays; return the error."""
    reproducible()
    await ItemFactory.load(1, engine=engine, label="kept")
    with pytest.raises(LoadInterruptedError) as info:
        await ItemFactory.load(6, engine=engine, chunk_size=3, **breaking(kind, 3))
    assert info.value.committed == 3
    assert await count(engine, Item) == 1 + 3
    # The failed chunk's parents went with it.
    assert await count(engine, Shelf) == (1 if kind == "foreign_key" else 1 + 3)
    cause = info.value.__cause__
    assert isinstance(cause, PersistenceError)
    return _described(cause)


async def _batch_error(engine: AsyncEngine, kind: str) -> tuple[object, ...]:
    """A failing create_batch leaves nothing of itself and a usable session with earlier rows."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        reproducible()
        kept = await ItemFactory.create(session=session, label="kept")
        with pytest.raises(PersistenceError) as info:
            await ItemFactory.create_batch(5, session=session, **breaking(kind, 3))
        assert await session.scalar(select(func.count()).select_from(Item)) == 1
        assert await session.scalar(select(func.count()).select_from(Shelf)) == 1
        assert (await ItemFactory.create(session=session)).id != kept.id
        await session.commit()
    assert await count(engine, Item) == 2
    return _described(info.value)


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("call", ["load", "create_batch"])
async def test_a_refused_row_is_the_same_persistence_error_on_both_drivers(
    server: str, call: str, kind: str
) -> None:
    """A refused row raises the same PersistenceError through psycopg as through asyncpg.

    A unique, NOT NULL, foreign key or check violation, through COPY (load) or
    INSERT (create_batch): the same factory, field, table, constraint, column,
    message and fix, and the failed batch leaves nothing.
    """
    described = {}
    for driver in DRIVERS:
        async with fresh(driver) as engine:
            failing = _load_error if call == "load" else _batch_error
            described[driver] = await failing(engine, kind)
    assert described["psycopg"] == described["asyncpg"]
    factory, field, table, constraint, _, message = described["psycopg"]
    assert factory == "ItemFactory"
    assert table == "afpg_items"
    assert "; " in str(message)  # the fix follows the cause
    expected_field = {"unique": "label", "not_null": "label", "foreign_key": "shelf_id"}
    assert field == expected_field.get(kind)
    if kind == "check":
        assert constraint == "ck_afpg_items_ratio"


@pytest.mark.asyncio
@pytest.mark.parametrize("driver", [f"postgresql+{d}" for d in DRIVERS])
async def test_cancelling_a_load_as_its_copy_starts_commits_nothing_of_that_chunk(
    driver: str,
) -> None:
    """A load cancelled as a chunk's COPY starts says what it committed, and that is all there is.

    The cancellation lands at chunk 3's first network wait, the start of its COPY:
    CancelledError with committed == 200, exactly 200 rows, and the engine still
    works (psycopg's connection, stuck mid-command, is closed rather than reused).
    """
    calls = iter(range(10**6))

    def label() -> str:
        call = next(calls)
        if call == 250:
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # delivered at the chunk's first network wait: the COPY
        return f"label-{call}"

    async with fresh(driver.split("+")[1]) as engine:
        task = asyncio.ensure_future(
            ItemFactory.load(1_000, engine=engine, chunk_size=100, label=LazyFunction(label))
        )
        with pytest.raises(asyncio.CancelledError) as info:
            await task
        assert info.value.committed == 200  # type: ignore[attr-defined]
        assert await count(engine, Item) == await count(engine, Shelf) == 200
        assert await ItemFactory.load(10, engine=engine) == 10


@pytest.mark.asyncio
async def test_memory_stays_flat_over_psycopg_as_over_asyncpg(server: str) -> None:
    """load() over psycopg streams: its peak memory does not grow with n, nor exceed asyncpg's.

    Peak traced memory of load(7,500) is within 20% of load(1,500) at the same
    chunk size, and within 20% of asyncpg's peak for the same load.
    """
    peaks: dict[str, tuple[int, int]] = {}
    for driver in DRIVERS:
        async with fresh(driver) as engine:

            async def peak(n: int, engine: AsyncEngine = engine) -> int:
                gc.collect()
                tracemalloc.start()
                try:
                    await ShelfFactory.load(n, engine=engine, chunk_size=500)
                    return tracemalloc.get_traced_memory()[1]
                finally:
                    tracemalloc.stop()

            await peak(500)  # warm caches (plans, processors, dumpers) so they do not count
            peaks[driver] = (await peak(1_500), await peak(7_500))
    small, large = peaks["psycopg"]
    assert large <= small * 1.2, peaks
    assert large <= peaks["asyncpg"][1] * 1.2, peaks


PLUGIN_MODELS = """
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from asyncfactories import AsyncFactory, Sequence


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "afpg_plugin_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)


class NoteFactory(AsyncFactory[Note]):
    slug = Sequence(lambda n: f"note-{n}")
"""

PLUGIN_TESTS = """
import pytest
from sqlalchemy import func, select
from notemodels import Note, NoteFactory

@pytest.mark.asyncio
@pytest.mark.parametrize("i", range(3))
async def test_isolated(factories_session, i):
    assert factories_session.bind.dialect.driver == "psycopg"
    assert await factories_session.scalar(select(func.count()).select_from(Note)) == 0
    await NoteFactory.create()
    await NoteFactory.create_batch(20)
    await factories_session.commit()
    assert await NoteFactory.load(30, session=factories_session, chunk_size=7) == 30
    assert await factories_session.scalar(select(func.count()).select_from(Note)) == 51
"""


@pytest.mark.parametrize("how", ["postgresql+psycopg-env", "postgresql+psycopg-option"])
def test_the_plugin_runs_on_psycopg(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The pytest plugin works with a psycopg URL from ASYNCFACTORIES_URL or --factories-url.

    factories_session is on psycopg; create, create_batch and load (COPY inside the
    test's transaction) work; each test starts from empty tables.
    """
    pytester.makepyfile(notemodels=PLUGIN_MODELS, test_notes=PLUGIN_TESTS)
    pytester.makefile(
        ".ini",
        pytest="[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n"
        "factories_metadata = notemodels:Base\n",
    )
    pytester.syspathinsert()
    args = ["-p", "no:cacheprovider"]
    if how.endswith("env"):
        monkeypatch.setenv("ASYNCFACTORIES_URL", pg_url("psycopg"))
    else:
        monkeypatch.delenv("ASYNCFACTORIES_URL", raising=False)
        args.append(f"--factories-url={pg_url('psycopg')}")
    pytester.runpytest_subprocess(*args).assert_outcomes(passed=3)
