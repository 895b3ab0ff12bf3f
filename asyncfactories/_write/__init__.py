"""The write stage: objects of a call into rows, as the ORM would write them.

``graph`` groups and orders a call's objects (the save-update cascade, levels
of a self-reference, foreign keys copied both ways); ``plan`` is each mapper's
insert recipe; ``rows`` turns objects into INSERT parameters and sends them;
``create`` is create / create_batch (get_or_create, the ORM-flush route);
``copy`` and ``load`` stream chunks (COPY on PostgreSQL); ``append`` continues
sequences and unique values past the rows a database already holds; ``sql`` holds what
every path shares (the savepoint, error translation, lookups); ``adapter`` is
the only module that touches SQLAlchemy's private API; ``session`` decides
which AsyncSession a call uses; ``workers`` runs parallel and sharded loads;
``progress`` reports them; ``gc`` pauses the cyclic collector during a batch.
"""

from asyncfactories._write.append import Continuation, count_rows
from asyncfactories._write.calls import create_objects, load_objects
from asyncfactories._write.create import persist
from asyncfactories._write.gc import gc_paused
from asyncfactories._write.graph import discard, is_one_row
from asyncfactories._write.load import DEFAULT_CHUNK_SIZE, check_load_arguments, load_rows
from asyncfactories._write.progress import reporter
from asyncfactories._write.session import (
    SessionLike,
    bind_session,
    bound_session,
    hook_save,
    resolve_session,
    serving_test,
    session_or_field,
    unbind_session,
    use_session,
)
from asyncfactories._write.sql import atomic, translate
from asyncfactories._write.workers import (
    base_seed,
    check_shard,
    enter_slice,
    in_slice,
    load_in_workers,
    shares,
)

__all__ = (
    "DEFAULT_CHUNK_SIZE",
    "Continuation",
    "SessionLike",
    "atomic",
    "base_seed",
    "bind_session",
    "bound_session",
    "check_load_arguments",
    "check_shard",
    "count_rows",
    "create_objects",
    "discard",
    "enter_slice",
    "gc_paused",
    "hook_save",
    "in_slice",
    "is_one_row",
    "load_in_workers",
    "load_objects",
    "load_rows",
    "persist",
    "reporter",
    "resolve_session",
    "serving_test",
    "session_or_field",
    "shares",
    "translate",
    "unbind_session",
    "use_session",
)
