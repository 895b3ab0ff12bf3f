"""Random values within bounds, with factory_boy's names and signatures.

Every draw comes from the one seedable source, so ``seed(n)`` reproduces them.
Bounds are checked when the factory class is defined::

    AgentFactory.confidence_score: FuzzyFloat(0.9, 0.5) has low > high; swap the bounds.

Example:
    >>> from asyncfactories import fuzzy
    >>> score = fuzzy.FuzzyFloat(0.5, 0.7)
    >>> 0.5 <= score.fuzz() <= 0.7
    True
"""

from asyncfactories._declare.fuzzy import BaseFuzzyAttribute, FuzzyAttribute, FuzzyChoice, FuzzyText
from asyncfactories._declare.fuzzy_dates import FuzzyDate, FuzzyDateTime, FuzzyNaiveDateTime
from asyncfactories._declare.fuzzy_numbers import FuzzyDecimal, FuzzyFloat, FuzzyInteger

__all__ = (
    "BaseFuzzyAttribute",
    "FuzzyAttribute",
    "FuzzyChoice",
    "FuzzyDate",
    "FuzzyDateTime",
    "FuzzyDecimal",
    "FuzzyFloat",
    "FuzzyInteger",
    "FuzzyNaiveDateTime",
    "FuzzyText",
)
