"""Alphabetical order as a French reader expects it: accents and case do not count
("Éric" between "Denis" and "Francine", "Épandage" before "Tonte"), on every database.

One way for every list:

- `natural(field)` orders a queryset in the database: PostgreSQL through its ICU root
  collation (`und-x-icu`, where accents and case are secondary differences), SQLite through
  the `plannit_natural` collation this module registers on each new connection (its key is
  `sort_key`). Paginated lists sort there, so a page of 50 out of 10,000 is read in order.
- `sort_key(text)` is the same order in Python, for the few lists sorted in memory
  (category trees, tax groups).

Why a collation and not a stored sort column: every writer of names (the services, the
QuickBooks imports' bulk writes) would have to keep such a column in step; a collation needs
nothing from them.
"""

import functools
import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import F, Func

SQLITE_COLLATION = "plannit_natural"
POSTGRESQL_COLLATION = "und-x-icu"


@functools.lru_cache(maxsize=65536)
def sort_key(text: str) -> str:
    """The text without accents, case-folded, spaces folded: "  Éric  GAUTHIER" and
    "eric gauthier" have the same key."""
    decomposed = unicodedata.normalize("NFKD", " ".join((text or "").split()).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _sqlite_compare(left: str, right: str) -> int:
    a, b = (sort_key(left), left), (sort_key(right), right)
    return (a > b) - (a < b)


class natural(Func):
    """`order_by(natural("display_name"), "id")`: the column in the reader's order (lower
    case, as it reads like the field name it wraps)."""

    template = "%(expressions)s"

    def __init__(self, field: str, **extra):
        super().__init__(F(field), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template=f'%(expressions)s COLLATE "{POSTGRESQL_COLLATION}"',
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template=f"%(expressions)s COLLATE {SQLITE_COLLATION}",
            **extra_context,
        )


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """Connected to `connection_created` by core's AppConfig: database plumbing, not domain
    logic (SQLite collations live on the connection, so each new one needs it)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _sqlite_compare)


def connect() -> None:
    connection_created.connect(register_sqlite_collation, dispatch_uid="plannit_natural")
