"""Which models belong to a business, and through which column: the map both the task
isolation tests and the unscoped-query guard read. A model is business-owned when it has a
`business` foreign key, or a foreign key to a business-owned model (an invoice's lines, a tax
group's components): the parent's id is then its scope."""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models

from businesses.models import Business


@dataclass(frozen=True)
class Owned:
    model: type[models.Model]
    # the ORM path to the business ("business" or "invoice__business")
    path: str
    # the columns that scope a query on its table: business_id, or a foreign key to another
    # business-owned row (the query then asks for what belongs to a row already in hand)
    scope_columns: tuple[str, ...]


def _business_field(model) -> models.ForeignKey | None:
    for field in model._meta.get_fields():
        if (
            field.name == "business"
            and isinstance(field, models.ForeignKey)
            and field.related_model is Business
        ):
            return field
    return None


@cache
def owned_models() -> dict[str, Owned]:
    """db_table -> Owned, for every business-owned model of the project."""
    direct = {
        model
        for model in apps.get_models(include_auto_created=True)
        if _business_field(model) is not None
    }
    found = {}
    for model in apps.get_models(include_auto_created=True):
        parents = [
            field
            for field in model._meta.get_fields()
            if isinstance(field, models.ForeignKey)
            and field.related_model in direct
            and field.name != "business"
        ]
        if model in direct:
            columns = ("business_id", *(field.column for field in parents))
            found[model._meta.db_table] = Owned(model, "business", columns)
            continue
        required = [field for field in parents if not field.null]
        if required:
            found[model._meta.db_table] = Owned(
                model,
                f"{required[0].name}__business",
                tuple(field.column for field in parents),
            )
    # a foreign key to any business-owned row scopes too (a credit note's line by its
    # invoice line)
    by_model = {owned.model: table for table, owned in found.items()}
    for table, owned in list(found.items()):
        extra = tuple(
            field.column
            for field in owned.model._meta.get_fields()
            if isinstance(field, models.ForeignKey)
            and field.related_model in by_model
            and field.column not in owned.scope_columns
        )
        if extra:
            found[table] = Owned(owned.model, owned.path, owned.scope_columns + extra)
    return found


def business_rows(business) -> dict[str, list[dict]]:
    """Every row the business owns, table by table, as plain values (to compare before and
    after)."""
    snapshot = {}
    for table, owned in sorted(owned_models().items()):
        rows = owned.model._default_manager.filter(**{owned.path: business}).order_by("pk")
        snapshot[table] = list(rows.values())
    return snapshot
