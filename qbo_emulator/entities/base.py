"""What every entity shares: the write pipeline (create, full and sparse update with the
SyncToken check, delete, void), references and name uniqueness."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import EmulatorSettings
from ..errors import ApiFault, invalid_ref, not_found, required
from ..schema import check_entity
from ..store import NAME_SPACE, Company, name_key
from ..util import clean, iso

COMMON_READONLY = frozenset({"Id", "SyncToken", "MetaData", "domain", "sparse", "status", "time"})
CURRENCY_NAMES = {
    "CAD": "Canadian Dollar",
    "USD": "United States Dollar",
    "EUR": "Euro",
    "GBP": "British Pound Sterling",
    "AUD": "Australian Dollar",
}


@dataclass
class Ctx:
    company: Company
    settings: EmulatorSettings
    now: float
    params: dict = field(default_factory=dict)
    events: list = field(default_factory=list)  # (entity, id, operation) for webhooks
    upload: tuple | None = None  # (bytes, content type) of the file an /upload carries

    def emit(self, entity: str, obj_id: str, operation: str) -> None:
        self.events.append((entity, obj_id, operation))


class Kind:
    """An entity type. Subclasses implement ``build`` (validate + compute a record from the
    writable fields) and may hook ``after_write``."""

    name = ""
    readonly: frozenset = frozenset()
    creatable = True
    deletable = False  # transactions only; name lists are deactivated (reference §2.7)
    voidable = False
    void_by_update = False  # Payment: operation=update&include=void
    singleton = False

    def build(self, ctx: Ctx, existing: dict | None, data: dict) -> dict:
        raise NotImplementedError

    def after_write(self, ctx: Ctx, old: dict | None, new: dict) -> None:
        pass

    def before_delete(self, ctx: Ctx, record: dict) -> None:
        pass

    def void(self, ctx: Ctx, record: dict) -> dict:
        raise ApiFault("500", f"Operation void is not supported for {self.name}.")

    def sparse_base(self, existing: dict, data: dict) -> dict:
        return {k: v for k, v in existing.items() if k not in self.all_readonly}

    @property
    def all_readonly(self) -> frozenset:
        return COMMON_READONLY | self.readonly


# ---------------------------------------------------------------------------------------------
def meta(ctx: Ctx, created: float | str) -> dict:
    create_time = created if isinstance(created, str) else iso(created, ctx.company.tz)
    return {"CreateTime": create_time, "LastUpdatedTime": iso(ctx.now, ctx.company.tz)}


def finish(ctx: Ctx, kind: Kind, record: dict, obj_id: str, sync: int, created) -> dict:
    record["domain"] = "QBO"
    record["sparse"] = False
    record["Id"] = obj_id
    record["SyncToken"] = str(sync)
    record["MetaData"] = meta(ctx, created)
    return record


def _sync_token(payload: dict) -> int:
    value = payload.get("SyncToken")
    if value is None or value == "":
        raise required("SyncToken")
    try:
        return int(str(value))
    except ValueError:
        raise ApiFault("2030", f"Invalid SyncToken: {value}", element="SyncToken") from None


def _id(payload: dict) -> str | None:
    value = payload.get("Id")
    if value is None or value == "" or value == 0 or value == "0":
        return None
    text = str(value)
    if not text.isdigit() and text not in ("TAX", "NON"):
        raise ApiFault("2030", f"Invalid ID : Id {text} is not a valid id", element="Id")
    return text


def load_for_write(ctx: Ctx, kind: Kind, payload: dict) -> dict:
    obj_id = _id(payload)
    if obj_id is None:
        raise required("Id")
    existing = ctx.company.get(kind.name, obj_id)
    if existing is None:
        raise not_found(kind.name, obj_id)
    if _sync_token(payload) != int(existing["SyncToken"]):
        raise ApiFault(
            "5010",
            "Stale Object Error : You and another user were working on this at "
            "the same time. The other user finished before you did, so your work was "
            "not saved.",
        )
    return existing


# QBO's deserialiser answers 2010 when a field has the wrong JSON type (reference §8.3).
SHAPES = {
    "Line": list,
    "LinkedTxn": list,
    "CustomField": list,
    "TxnTaxDetail": dict,
    "BillAddr": dict,
    "ShipAddr": dict,
    "PrimaryEmailAddr": dict,
    "BillEmail": dict,
    "CustomerMemo": dict,
    "MetaData": dict,
}


def check_shapes(payload: dict) -> None:
    for key, expected in SHAPES.items():
        if key in payload and not isinstance(payload[key], expected):
            raise ApiFault(
                "2010",
                f"Request has invalid or unsupported property: {key} must be "
                f"a JSON {'array' if expected is list else 'object'}",
                element=key,
            )


def save(ctx: Ctx, kind: Kind, payload: dict) -> dict:
    """POST /{entity}: a create, or an update when the body carries an Id (reference §2.1)."""
    if not isinstance(payload, dict):
        raise ApiFault("2010", "Request body must be a JSON object")
    # Before ``clean``: QBO refuses an unknown property even when its value is null.
    check_entity(kind.name, payload)
    payload = clean(payload)
    check_shapes(payload)
    if kind.singleton:
        existing = ctx.company.get(kind.name, "1")
        payload = dict(payload, Id="1")
    elif _id(payload) is None:
        if not kind.creatable:
            raise ApiFault("500", f"Operation create is not supported for {kind.name}.")
        data = {k: v for k, v in payload.items() if k not in kind.all_readonly}
        record = kind.build(ctx, None, data)
        obj_id = ctx.company.next_id(kind.name)
        finish(ctx, kind, record, obj_id, 0, ctx.now)
        kind.after_write(ctx, None, record)
        ctx.company.put(kind.name, record, ctx.now)
        ctx.emit(kind.name, obj_id, "Create")
        return record
    existing = load_for_write(ctx, kind, payload)
    data = {k: v for k, v in payload.items() if k not in kind.all_readonly}
    if payload.get("sparse") is True or payload.get("sparse") == "true":
        data = {**kind.sparse_base(existing, data), **data}
    record = kind.build(ctx, existing, data)
    finish(
        ctx,
        kind,
        record,
        existing["Id"],
        int(existing["SyncToken"]) + 1,
        existing["MetaData"]["CreateTime"],
    )
    kind.after_write(ctx, existing, record)
    ctx.company.put(kind.name, record, ctx.now)
    ctx.emit(kind.name, record["Id"], "Update")
    return record


def delete(ctx: Ctx, kind: Kind, payload: dict) -> dict:
    if not kind.deletable:
        raise ApiFault(
            "500",
            f"Operation Delete is not supported for {kind.name}. Make it inactive instead.",
            message="Unsupported Operation",
        )
    existing = load_for_write(ctx, kind, clean(payload))
    kind.before_delete(ctx, existing)
    tombstone = {
        "domain": "QBO",
        "status": "Deleted",
        "Id": existing["Id"],
        "MetaData": {"LastUpdatedTime": iso(ctx.now, ctx.company.tz)},
    }
    ctx.company.remove(kind.name, existing["Id"], tombstone, ctx.now)
    ctx.emit(kind.name, existing["Id"], "Delete")
    return {"status": "Deleted", "domain": "QBO", "Id": existing["Id"]}


def void(ctx: Ctx, kind: Kind, payload: dict) -> dict:
    if not kind.voidable:
        raise ApiFault("500", f"Operation void is not supported for {kind.name}.")
    existing = load_for_write(ctx, kind, clean(payload))
    record = kind.void(ctx, existing)
    finish(
        ctx,
        kind,
        record,
        existing["Id"],
        int(existing["SyncToken"]) + 1,
        existing["MetaData"]["CreateTime"],
    )
    ctx.company.put(kind.name, record, ctx.now)
    ctx.emit(kind.name, record["Id"], "Void")
    return record


# references ----------------------------------------------------------------------------------
def ref_value(ref) -> str | None:
    if isinstance(ref, dict):
        value = ref.get("value")
        return None if value in (None, "") else str(value)
    if isinstance(ref, (str, int)) and not isinstance(ref, bool) and ref != "":
        return str(ref)
    return None


def resolve_ref(
    ctx: Ctx,
    data: dict,
    key: str,
    entity: str,
    label: str,
    *,
    name_field=None,
    need_active: bool = True,
) -> dict | None:
    """Check a reference and return it as ``{"value", "name"}``; 2500 when it points nowhere."""
    if key not in data:
        return None
    value = ref_value(data[key])
    if value is None:
        return None
    target = ctx.company.get(entity, value)
    if target is None or (need_active and target.get("Active") is False):
        raise invalid_ref(label, value, element=key)
    ref = {"value": value}
    if name_field and target.get(name_field):
        ref["name"] = target[name_field]
    return ref


def currency_ref(company: Company) -> dict:
    return {
        "value": company.currency,
        "name": CURRENCY_NAMES.get(company.currency, company.currency),
    }


def check_unique(ctx: Ctx, entity: str, key: str, obj_id: str | None, space: str | None = None):
    owner = ctx.company.name_owner(space or NAME_SPACE[entity], key)
    if owner is not None and owner != obj_id:
        raise ApiFault("6240", f"The name supplied already exists. : Id={owner}")


def reindex_name(
    ctx: Ctx, entity: str, old_key: str | None, new_key: str, obj_id: str, space: str | None = None
) -> None:
    if old_key != new_key:
        ctx.company.set_name(space or NAME_SPACE[entity], old_key, new_key, obj_id)


def require_text(data: dict, key: str, max_len: int) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise required(key)
    text = str(value).strip()
    check_len(key, text, max_len)
    return text


def check_len(key: str, text: str, max_len: int) -> None:
    if len(text) > max_len:
        raise ApiFault(
            "2050",
            f"String length is either shorter or longer than supported by "
            f"specification. Min:0, Max:{max_len} supported. Supplied length:{len(text)}",
            element=key,
        )


__all__ = ["Ctx", "Kind", "name_key", "save", "delete", "void", "resolve_ref", "ref_value"]
