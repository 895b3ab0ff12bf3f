"""The write stage: objects of a call into rows, as the ORM would write them.

``graph`` groups and orders a call's objects (the save-update cascade, levels
of a self-reference, foreign keys copied both ways); ``plan`` is each mapper's
insert recipe; ``rows`` turns objects into INSERT parameters and sends them;
``create`` is create / create_batch (get_or_create, the ORM-flush route);
``copy`` and ``load`` stream chunks (COPY on PostgreSQL); ``sql`` holds what
every path shares (the savepoint, error translation, lookups); ``adapter`` is
the only module that touches SQLAlchemy's private API.
"""

from asyncfactories._write.create import persist
from asyncfactories._write.graph import discard, is_one_row
from asyncfactories._write.load import DEFAULT_CHUNK_SIZE, check_load_arguments, load_rows
from asyncfactories._write.sql import atomic, translate

__all__ = (
    "DEFAULT_CHUNK_SIZE",
    "atomic",
    "check_load_arguments",
    "discard",
    "is_one_row",
    "load_rows",
    "persist",
    "translate",
)
