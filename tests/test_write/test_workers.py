"""Shares and shards of a parallel load."""

from __future__ import annotations

import pytest

from asyncfactories import FactoryArgumentError
from asyncfactories._write.workers import check_shard, shares


@pytest.mark.parametrize(("count", "parts"), [(10, 3), (0, 4), (7, 7), (1_000_001, 8)])
def test_shares_cover_the_count_and_differ_by_at_most_one(count: int, parts: int) -> None:
    """The shares add up to the count and none is more than one row bigger than another."""
    parts_made = shares(count, parts)
    assert sum(parts_made) == count
    assert len(parts_made) == parts
    assert max(parts_made) - min(parts_made) <= 1


def test_workers_within_a_shard_are_slices_of_it() -> None:
    """shard=(1, 2) with 3 workers: slice 1 of 2 shards, each of 3 worker slices."""
    assert check_shard("F", (1, 2), 3) == (1, 2)
    assert check_shard("F", None, 1) == (0, 1)


def test_a_shard_index_past_the_count_is_refused() -> None:
    """shard=(2, 2) has no third shard: a FactoryArgumentError names it."""
    with pytest.raises(FactoryArgumentError, match=r"shard=\(2, 2\)"):
        check_shard("F", (2, 2), 1)
