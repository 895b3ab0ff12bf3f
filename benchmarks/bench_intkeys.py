"""Integer autoincrement keys, parents and children: create_batch against the naive ORM flush.

    python -m benchmarks.bench_intkeys [--n 5000] [--reps 5] [--backends sqlite,pg]

The most common schema: ``Author(id INTEGER PK)`` and ``Post(author_id FK)``.
Each repetition, interleaved, on fresh tables: asyncfactories'
``create_batch(n)`` of posts (each with its author), and the same objects
pre-built by ``build_batch`` then ``add_all`` + ``flush`` (the naive ORM path;
building is outside its timed region). Reports µs per post (two rows each),
the INSERT statements each sent, and the per-repetition ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.pool import StaticPool

from asyncfactories import AsyncFactory, Faker, Sequence, SubFactory
from benchmarks.pg import postgres_url


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "bench_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "bench_posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("bench_authors.id"))
    author: Mapped[Author] = relationship(back_populates="posts")


class AuthorFactory(AsyncFactory[Author]):
    name = Faker("name")


class PostFactory(AsyncFactory[Post]):
    title = Sequence(lambda n: f"post {n}")
    author = SubFactory(AuthorFactory)


class Inserts:
    """Counts INSERT statements."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            self.count += 1


async def _fresh(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)


async def _ours(engine: AsyncEngine, n: int) -> float:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        start = time.perf_counter()
        await PostFactory.create_batch(n, session=session)
        await session.commit()
        return time.perf_counter() - start


async def _naive(engine: AsyncEngine, n: int) -> float:
    objects = PostFactory.build_batch(n)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        start = time.perf_counter()
        session.add_all(objects)
        await session.flush()
        await session.commit()
        return time.perf_counter() - start


def _engine(backend: str, url: str | None) -> AsyncEngine:
    if backend == "pg":
        assert url is not None
        return create_async_engine(url)
    return create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)


async def _run(backend: str, url: str | None, n: int, reps: int) -> None:
    engine = _engine(backend, url)
    counter = Inserts()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    times: dict[str, list[float]] = {"asyncfactories create_batch": [], "naive add_all+flush": []}
    inserts: dict[str, int] = {}
    for _ in range(reps):
        for name, case in (("asyncfactories create_batch", _ours), ("naive add_all+flush", _naive)):
            await _fresh(engine)
            counter.count = 0
            times[name].append(await case(engine, n))
            inserts[name] = counter.count
    await engine.dispose()
    ratios = [
        naive / ours
        for ours, naive in zip(
            times["asyncfactories create_batch"], times["naive add_all+flush"], strict=True
        )
    ]
    print(f"\n{backend}: {n} posts with their authors (integer keys), {reps} reps")
    print("| case | µs/post (median) | INSERT statements |")
    print("|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values) / n * 1e6:.1f} | {inserts[name]} |")
    print(f"speed-up over naive (median of per-rep ratios): {statistics.median(ratios):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,pg")
    args = parser.parse_args()
    backends = args.backends.split(",")
    server: AbstractContextManager[str | None] = (
        postgres_url() if "pg" in backends else nullcontext(None)
    )
    with server as url:
        for backend in backends:
            asyncio.run(_run(backend, url, args.n, args.reps))


if __name__ == "__main__":
    main()
