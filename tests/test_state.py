"""The run's state: one reset point, and a slice scope that leaves the process as it was."""

from __future__ import annotations

from asyncfactories import _state
from asyncfactories.examples.agents.factories import UserFactory


def test_reset_puts_slice_fast_path_and_counters_back_and_reseeds() -> None:
    """After reset(n): whole sequence, fast path on, counters at 0, the same draws as seed(n)."""
    _state.seed(3)
    expected = [_state.rng.random() for _ in range(3)]
    _state.set_slice(1, 4)
    _state.set_fast_path(False)
    UserFactory.build_batch(2)

    _state.reset(3)

    assert _state.current_slice() == (0, 1)
    assert _state.fast_path_enabled()
    assert [_state.rng.random() for _ in range(3)] == expected
    assert _state.current_seed() == 3
    first, step = UserFactory._options.hierarchy.take(1)  # type: ignore[attr-defined]
    assert (first, step) == (0, 1)


def test_reset_without_a_seed_forgets_the_last_one() -> None:
    """reset() with no seed draws fresh entropy: current_seed() is None again."""
    _state.seed(11)
    _state.reset()
    assert _state.current_seed() is None


def test_run_slice_hands_out_its_residue_class_then_restores_everything() -> None:
    """Inside run_slice(1, 3, s) numbers are 1, 4, 7...; outside, seed, counters and slice are back."""
    _state.seed(8)
    hierarchy = _state.Hierarchy()
    hierarchy.take(5)
    before_draw = _state.rng.getstate()
    with _state.run_slice(1, 3, 99):
        assert hierarchy.take(3) == (1 + 3 * 5, 3)
        _state.rng.random()
    assert _state.current_slice() == (0, 1)
    assert hierarchy.take(1) == (5, 1)
    assert _state.rng.getstate() == before_draw
    assert _state.current_seed() == 8


def test_unique_values_carry_the_sequence_number_inside_a_slice() -> None:
    """With more than one slice a unique value always gets its number: natural ones could meet."""
    values = _state.UniqueValues()
    with _state.run_slice(0, 2, 1):
        assert values.take("ann@example.org", lambda: "bob@example.org", 4) == "ann+4@example.org"
    assert values.take("ann@example.org", lambda: "bob@example.org", 4) == "ann@example.org"
