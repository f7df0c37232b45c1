"""Search as a French reader expects it: accents and case do not count ("eric" finds "Éric",
"epandage" finds "Épandage", "COEUR" finds "cœur"), on every database. The companion of
core.collation (which orders); every list search and picker filters through `contains`.

- `contains(field, text)` is a Q: the column, folded, contains the text, folded. The folding
  is `fold` (Python) for the text and, for the column, the `unaccented` transform this module
  registers on CharField and TextField: `lower(unaccent(column))` on PostgreSQL (the
  `unaccent` extension, created by core's first migration; an extension and not an ICU
  non-deterministic collation because PostgreSQL 15 refuses LIKE under those) and the
  `plannit_fold` function this module registers on each SQLite connection (its body is
  `fold`).
- `fold(text)` is core.collation's sort key plus the ligatures French writes (œ, æ), which
  Unicode does not decompose but PostgreSQL's unaccent spells out; so both engines find the
  same rows.
"""

import functools

from django.db.backends.signals import connection_created
from django.db.models import CharField, Q, TextField, Transform

from .collation import sort_key

SQLITE_FUNCTION = "plannit_fold"
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """ "  Cœur d'ÉRIC " gives "coeur d'eric": no accent, lower case, spaces folded."""
    return sort_key(text or "").translate(LIGATURES)


class Unaccented(Transform):
    """`name__unaccented`: the column without accents, in lower case."""

    lookup_name = "unaccented"
    function = "LOWER"  # other databases: case only

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="lower(unaccent(%(expressions)s))", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def contains(field: str, text: str) -> Q:
    """The rows whose `field` contains `text`, accents and case aside (LIKE's % and _ in the
    text are matched as themselves, as with icontains)."""
    return Q(**{f"{field}__unaccented__contains": fold(text)})


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """Connected to `connection_created` by core's AppConfig (SQLite functions live on the
    connection, so each new one needs it)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


def connect() -> None:
    CharField.register_lookup(Unaccented)
    TextField.register_lookup(Unaccented)
    connection_created.connect(register_sqlite_function, dispatch_uid="plannit_fold")
