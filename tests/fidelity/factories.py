"""One factory per fidelity model; every label comes from a Sequence."""

from __future__ import annotations

from asyncfactories import AsyncFactory, LazyAttribute, Maybe, Sequence, SubFactory
from tests.fidelity import models as m
from tests.fidelity import sqlmodels as sm

_HERE = "tests.fidelity.factories"


class AuthorFactory(AsyncFactory[m.Author]):
    label = Sequence(lambda n: f"author-{n}")


class PostFactory(AsyncFactory[m.Post]):
    label = Sequence(lambda n: f"post-{n}")
    author = SubFactory(AuthorFactory)


class TagFactory(AsyncFactory[m.Tag]):
    label = Sequence(lambda n: f"tag-{n}")


class ProfileFactory(AsyncFactory[m.Profile]):
    label = Sequence(lambda n: f"profile-{n}")
    author = SubFactory(AuthorFactory)


class ShelfFactory(AsyncFactory[m.Shelf]):
    label = Sequence(lambda n: f"shelf-{n}")


class BookFactory(AsyncFactory[m.Book]):
    label = Sequence(lambda n: f"book-{n}")


class ArticleFactory(AsyncFactory[m.Article]):
    label = Sequence(lambda n: f"article-{n}")


class NodeFactory(AsyncFactory[m.Node]):
    class Params:
        levels = 1

    label = Sequence(lambda n: f"node-{n}")
    parent = Maybe(
        LazyAttribute(lambda o: o.levels > 0),
        SubFactory(
            f"{_HERE}.NodeFactory", levels=LazyAttribute(lambda o: o.factory_parent.levels - 1)
        ),
        None,
    )


class IdentityNodeFactory(AsyncFactory[m.IdentityNode]):
    class Params:
        is_child = True

    label = Sequence(lambda n: f"inode-{n}")
    parent = Maybe("is_child", SubFactory(f"{_HERE}.IdentityNodeFactory", is_child=False), None)


class UuidNodeFactory(AsyncFactory[m.UuidNode]):
    class Params:
        is_child = True

    label = Sequence(lambda n: f"unode-{n}")
    parent = Maybe("is_child", SubFactory(f"{_HERE}.UuidNodeFactory", is_child=False), None)


class CommentFactory(AsyncFactory[m.Comment]):
    class Params:
        is_reply = True

    label = Sequence(lambda n: f"comment-{n}")
    parent = Maybe("is_reply", SubFactory(f"{_HERE}.CommentFactory", is_reply=False), None)


class DefaultsFactory(AsyncFactory[m.Defaults]):
    label = Sequence(lambda n: f"defaults-{n}")


class KeyedDefaultsFactory(AsyncFactory[m.KeyedDefaults]):
    label = Sequence(lambda n: f"keyed-{n}")


class PairFactory(AsyncFactory[m.Pair]):
    left = Sequence(lambda n: n)
    right = "r"
    label = Sequence(lambda n: f"pair-{n}")


class PairChildFactory(AsyncFactory[m.PairChild]):
    label = Sequence(lambda n: f"pairchild-{n}")
    pair = SubFactory(PairFactory)


class ComputedFactory(AsyncFactory[m.Computedish]):
    label = Sequence(lambda n: f"computed-{n}")
    amount = Sequence(lambda n: n + 10)
    notes = "deferred"


class CountedFactory(AsyncFactory[m.Counted]):
    label = Sequence(lambda n: f"counted-{n}")
    amount = Sequence(lambda n: n)


class DataclassFactory(AsyncFactory[m.DataclassModel]):
    label = Sequence(lambda n: f"dc-{n}")


class ValidatedFactory(AsyncFactory[m.Validated]):
    label = Sequence(lambda n: f"validated-{n}")
    code = "abc"
    name = "john doe"


class VersionedFactory(AsyncFactory[m.Versioned]):
    label = Sequence(lambda n: f"versioned-{n}")


class EventedFactory(AsyncFactory[m.Evented]):
    label = Sequence(lambda n: f"evented-{n}")


class EmployeeFactory(AsyncFactory[m.Employee]):
    label = Sequence(lambda n: f"employee-{n}")


class ManagerFactory(AsyncFactory[m.Manager]):
    label = Sequence(lambda n: f"manager-{n}")
    reports = 3


class CarFactory(AsyncFactory[m.Car]):
    label = Sequence(lambda n: f"car-{n}")
    doors = 4


class GarageFactory(AsyncFactory[m.Garage]):
    label = Sequence(lambda n: f"garage-{n}")
    car = SubFactory(CarFactory)


class OrderFactory(AsyncFactory[m.Order]):
    label = Sequence(lambda n: f"order-{n}")


class ProductFactory(AsyncFactory[m.Product]):
    label = Sequence(lambda n: f"product-{n}")


class OrderLineFactory(AsyncFactory[m.OrderLine]):
    label = Sequence(lambda n: f"line-{n}")
    quantity = 2
    order = SubFactory(OrderFactory)
    product = SubFactory(ProductFactory)


class DepartmentFactory(AsyncFactory[m.Department]):
    label = Sequence(lambda n: f"dept-{n}")


class StaffFactory(AsyncFactory[m.Staff]):
    label = Sequence(lambda n: f"staff-{n}")
    department = SubFactory(DepartmentFactory)


class SMTeamFactory(AsyncFactory[sm.SMTeam]):
    label = Sequence(lambda n: f"smteam-{n}")


class SMHeroFactory(AsyncFactory[sm.SMHero]):
    label = Sequence(lambda n: f"smhero-{n}")
    team = SubFactory(SMTeamFactory)


ALL = tuple(
    value
    for value in list(globals().values())
    if isinstance(value, type) and issubclass(value, AsyncFactory) and value is not AsyncFactory
)
