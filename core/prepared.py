"""Reads compiled to SQL once per process, for the hot path of every push.

On this path Django's compilation of a queryset costs more than the query itself (about
0.5 ms per query, against 0.1 ms for a simple indexed read on PostgreSQL), and the same few
reads run for every invoice sent. A `PreparedRead` is written as a queryset, compiled once
with marker values in place of the values that change, and then run with
`Model.objects.raw()` (public API: each column goes through its field's own conversion;
extra columns, e.g. annotations, become attributes). The SQL is Django's own, so quoting,
the database's dialect and the parameters' adaptation stay Django's.

Limits: `raw()` loads the model's own columns and the annotations, not `select_related`
objects (a related object is then read lazily: annotate the few fields needed instead); each
marker must reach the SQL as a parameter (a value Django would inline, e.g. a slice, cannot
be a marker), which compiling checks.
"""

from collections.abc import Callable

from django.core.exceptions import EmptyResultSet, FullResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet


class PreparedRead:
    def __init__(self, build: Callable[..., QuerySet], **markers) -> None:
        """`build(**values)` returns the queryset; `markers` give, for each value, a marker
        of the right type and within its field's range that no constant of the query can equal
        (e.g. 9_000_000_000_000_000_001 for an id)."""
        self._build = build
        self._markers = markers
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        queryset = self._build(**self._markers)
        try:
            sql, params = queryset.query.sql_with_params()
        except (EmptyResultSet, FullResultSet):
            # Django folds a condition it can decide alone, e.g. a negative marker for a
            # positive field: the marker would not be a parameter.
            raise ImproperlyConfigured(
                "prepared read: a marker is outside its field's range"
            ) from None
        names = {value: name for name, value in self._markers.items()}
        if len(names) != len(self._markers):
            raise ImproperlyConfigured("each marker of a prepared read must be distinct")
        slots = [
            (names[param], None) if _hashable(param) in names else (None, param) for param in params
        ]
        missing = set(self._markers) - {name for name, _ in slots if name}
        if missing:
            raise ImproperlyConfigured(
                f"prepared read: {', '.join(sorted(missing))} did not reach the SQL as a parameter"
            )
        return queryset.model, sql, slots

    def run(self, **values) -> list:
        if set(values) != set(self._markers):
            raise TypeError(f"a prepared read takes exactly {', '.join(sorted(self._markers))}")
        alias = DEFAULT_DB_ALIAS
        key = connections[alias].vendor
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(alias)
        model, sql, slots = compiled
        params = [values[name] if name else constant for name, constant in slots]
        return list(model.objects.raw(sql, params))


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return None
    return value
