"""The definition-time checks of a factory's options: each refusal names the fix.

Run by :func:`~asyncfactories._build.options.parse_options` while the class
statement runs, so a bad factory fails where it is written, not where it is
first used.
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING

from sqlalchemy.ext.hybrid import hybrid_property

from asyncfactories._declare import Declaration, PostDeclaration
from asyncfactories._errors import (
    CyclicDeclarationError,
    FactoryDefinitionError,
    UnknownDeclaredFieldError,
    close_match,
)

if TYPE_CHECKING:
    from asyncfactories._build.options import FactoryOptions

__all__ = (
    "check_keys",
    "check_model",
    "check_not_a_method",
    "check_options",
    "check_param_clash",
)


def check_param_clash(
    name: str, cls: type, params_cls: type | None, model_fields: frozenset[str] | None
) -> None:
    """Refuse a model field also listed in Params: as a parameter it never reaches the model.

    A name in Params that is no model field may take its value from the body
    (``class Params: key = None`` with ``key = SelfAttribute("author.id")``).
    """
    if params_cls is None or model_fields is None:
        return
    for key in vars(params_cls):
        if key in cls.__dict__ and key in model_fields and not key.startswith("__"):
            raise FactoryDefinitionError(
                name,
                key,
                "is a model field declared in the class body and also listed in class Params, "
                "so the model would never get it",
                "remove it from Params (parameters are for values the model does not take)",
            )


def check_model(name: str, model: object) -> None:
    if model is not None and not callable(model):
        raise FactoryDefinitionError(
            name,
            "Meta.model",
            f"is {model!r}, not a class",
            "set it to the model class (a SQLAlchemy-mapped class, a dataclass, any callable)",
        )


def check_keys(name: str, keys: object) -> None:
    if isinstance(keys, str):
        return
    if not isinstance(keys, (tuple, list)) or not all(isinstance(k, str) for k in keys):
        raise FactoryDefinitionError(
            name,
            "Meta.get_or_create",
            f"is {keys!r}, not field names",
            'give a tuple of field names, e.g. get_or_create = ("email",)',
        )


def check_not_a_method(cls: type, key: str, value: object) -> None:
    """Refuse a declaration that would hide a method of the factory (``create = ...``)."""
    for base in cls.__mro__[1:]:
        inherited = base.__dict__.get(key)
        if isinstance(inherited, (classmethod, staticmethod, types.FunctionType)):
            raise FactoryDefinitionError(
                cls.__name__,
                key,
                f"would replace the factory's own {key}() method",
                f"a model field named {key!r} can still be given per call "
                f"({cls.__name__}.create({key}=...)); declare its default under another name",
            )


def check_options(options: FactoryOptions) -> None:
    name = options.name
    _check_trait_cycles(options)
    for key, value in options.fields.items():
        if isinstance(value, Declaration):
            value.check(name, key)
    for key, post in options.post.items():
        post.check(name, key)
    if options.abstract or options.model_fields is None:
        return
    model_name = getattr(options.model, "__name__", repr(options.model))
    for key in options.fields:
        passed_as = options.rename.get(key, key)
        if (
            key not in options.params
            and key not in options.exclude
            and passed_as not in options.model_fields
            and key not in options.inline_args
        ):
            close = close_match(key, options.model_fields)
            raise UnknownDeclaredFieldError(
                name,
                key,
                f"is declared but {model_name} has no such field",
                (f"did you mean {close!r}? " if close else "")
                + "fix the name, or move it into class Params if it is not a model field",
            )
        _check_settable(options, key)
    for key in options.nested_body:
        root = key.split("__", 1)[0]
        if root not in options.post and not hasattr(options.fields.get(root), "factory"):
            raise UnknownDeclaredFieldError(
                name,
                key,
                f"reaches into {root!r}, which is not a SubFactory or RelatedFactory here",
                f"declare {root!r} as a SubFactory, or fix the name",
            )
    for key in options.get_or_create:
        if key not in options.model_fields:
            raise UnknownDeclaredFieldError(
                name,
                f"Meta.get_or_create[{key!r}]",
                f"names no field of {model_name}",
                "list field names of the model",
            )
    for flag, trait in options.traits.items():
        for key, value in trait.overrides.items():
            if isinstance(value, Declaration):
                value.check(name, f"Params.{flag}")
            root = key.split("__", 1)[0]
            if not options.known(root) and not isinstance(value, PostDeclaration):
                close = close_match(root, options.model_fields)
                raise UnknownDeclaredFieldError(
                    name,
                    f"Params.{flag}",
                    f"{trait!r} sets {key!r}, which {model_name} does not have",
                    (f"did you mean {close!r}? " if close else "") + "fix the name in the Trait",
                )


def _check_trait_cycles(options: FactoryOptions) -> None:
    """Refuse traits that switch each other on in a circle (factory_boy's CyclicDefinitionError)."""
    enables = {
        flag: [k for k, v in trait.overrides.items() if k in options.traits and v]
        for flag, trait in options.traits.items()
    }
    done: set[str] = set()

    def visit(flag: str, path: tuple[str, ...]) -> None:
        if flag in path:
            start = path.index(flag)
            raise CyclicDeclarationError(options.name, (*path[start:], flag))
        if flag in done:
            return
        for other in enables[flag]:
            visit(other, (*path, flag))
        done.add(flag)

    for flag in enables:
        visit(flag, ())


def _check_settable(options: FactoryOptions, key: str) -> None:
    """Refuse a declared hybrid property without a setter: the model could not take the value."""
    mapper = options.mapper
    descriptor = mapper.all_orm_descriptors.get(key) if mapper is not None else None
    if isinstance(descriptor, hybrid_property) and descriptor.fset is None:
        raise FactoryDefinitionError(
            options.name,
            key,
            f"is a read-only hybrid property of {options.model.__name__}",
            "declare the columns it is computed from, or give the hybrid a setter",
        )
