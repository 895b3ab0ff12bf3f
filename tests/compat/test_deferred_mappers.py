"""Factories may be defined before every model is imported, as with factory_boy."""

from __future__ import annotations

import pytest
from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import AsyncFactory, Sequence, SubFactory
from tests.conftest import make_engine


@pytest.mark.asyncio
async def test_a_factory_is_defined_before_the_model_its_model_points_at(backend: str) -> None:
    """The model's relationship names a class not defined yet: the factory still defines, then works."""

    class Base(DeclarativeBase):
        pass

    class Chapter(Base):
        __tablename__ = "deferred_chapters"
        id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
        title: Mapped[str] = mapped_column(String(50))
        volume_id: Mapped[int] = mapped_column(ForeignKey("deferred_volumes.id"))
        volume: Mapped[Volume] = relationship("Volume", back_populates="chapters")

    class ChapterFactory(AsyncFactory[Chapter]):  # Volume does not exist yet
        title = Sequence(lambda n: f"chapter{n}")
        volume = SubFactory("tests.compat.test_deferred_mappers.VolumeFactory")

    class Volume(Base):
        __tablename__ = "deferred_volumes"
        id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
        name: Mapped[str] = mapped_column(String(50), default="v")
        chapters: Mapped[list[Chapter]] = relationship(back_populates="volume")

    class VolumeFactory(AsyncFactory[Volume]):
        name = "vol"

    globals()["VolumeFactory"] = VolumeFactory
    try:
        built = ChapterFactory.build()
        assert built.volume.name == "vol"
        engine = make_engine(backend)
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.run_sync(Base.metadata.create_all)
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                chapters = await ChapterFactory.create_batch(2, session=session)
                assert all(c.volume_id == c.volume.id for c in chapters)
        finally:
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.drop_all)
            await engine.dispose()
    finally:
        del globals()["VolumeFactory"]
