"""The properties each entity and nested type has, as QuickBooks' deserialiser knows them.

QBO reads a request body with Jackson bound to its v3 schema (``Finance.xsd``,
``IntuitRestServiceDef.xsd``): a property the type does not declare is refused with Fault 2010
and a Jackson "Unrecognized field" text, and nothing is written (reference §8.3). The tables
below follow the XSD's types (an entity inherits ``IntuitEntity``, a transaction
``Transaction``, a sales document ``SalesTransaction``) and were checked against
python-quickbooks' object models, so whatever that library serialises is known here.

A field's spec is ``None`` (a scalar, or a value whose inside is not checked), a type name (an
object of that type) or a one-element list (an array of that type)."""

from __future__ import annotations

from ..errors import ApiFault
from .entities import ENTITIES
from .types import TYPES


def unrecognized(field: str, type_name: str) -> ApiFault:
    return ApiFault(
        "2010",
        f'Property Name:Unrecognized field "{field}" (class com.intuit.schema.finance.v3.'
        f"{type_name}), not marked as ignorable specified is unsupported or invalid",
        element=field,
    )


def check_entity(entity: str, payload: dict) -> None:
    """Fault 2010 on the first property, at any depth, that the entity's type does not have.
    An entity without a table is not checked."""
    fields = ENTITIES.get(entity)
    if fields is not None:
        _check(entity, fields, payload)


def _check(type_name: str, fields: dict, value: dict) -> None:
    for key, item in value.items():
        if key not in fields:
            raise unrecognized(key, type_name)
        spec = fields[key]
        if spec is None or item is None:
            continue
        if isinstance(spec, list):
            if isinstance(item, list):
                for element in item:
                    if isinstance(element, dict):
                        _check(spec[0], TYPES[spec[0]], element)
        elif isinstance(item, dict):
            _check(spec, TYPES[spec], item)


__all__ = ["ENTITIES", "TYPES", "check_entity", "unrecognized"]
