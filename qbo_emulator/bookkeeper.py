"""What a bookkeeper does in QuickBooks' own screens, for the pages and the tests: record a
payment against invoices, void or delete a transaction, merge two customers, make a customer
or an item inactive. Each change goes through the same write pipeline as the API (SyncTokens,
CDC stamps) and sends the webhooks QuickBooks would send."""

from __future__ import annotations

from decimal import Decimal

from .entities import KINDS, Ctx, delete, save, void
from .entities.sales import touch
from .errors import ApiFault, business
from .store import NAME_SPACE, name_key
from .util import iso


def _run(emu, company, change):
    with emu.state.lock:
        ctx = emu.ctx_for(company)
        result = change(ctx)
        emu.webhooks.record(company.realm_id, ctx.events, ctx.now)
        emu.persist()
        return result


def _current(company, entity: str, obj_id: str) -> dict:
    record = company.get(entity, str(obj_id))
    if record is None:
        raise ApiFault("610", f"Object Not Found: {entity} {obj_id}", message="Object Not Found")
    return record


def record_payment(emu, company, *, invoices: list[tuple[str, Decimal]], **fields) -> dict:
    """A payment applied to (invoice Id, amount) pairs, of one customer (the first invoice's)."""
    if not invoices:
        raise business("Choose at least one invoice.")
    first = _current(company, "Invoice", invoices[0][0])
    total = sum((Decimal(str(amount)) for _inv, amount in invoices), Decimal("0"))
    body = {
        "CustomerRef": {"value": first["CustomerRef"]["value"]},
        "TotalAmt": str(total),
        "Line": [
            {"Amount": str(amount), "LinkedTxn": [{"TxnId": str(inv), "TxnType": "Invoice"}]}
            for inv, amount in invoices
        ],
        **{key: value for key, value in fields.items() if value not in (None, "")},
    }
    return _run(emu, company, lambda ctx: save(ctx, KINDS["Payment"], body))


def set_line_amount(emu, company, invoice_id: str, amount: Decimal) -> dict:
    """A person edits the invoice's first line: its amount (quantity 1), taxes recomputed."""
    record = _current(company, "Invoice", invoice_id)
    lines = [dict(line) for line in record.get("Line") or []]
    first = next((line for line in lines if line.get("DetailType") == "SalesItemLineDetail"), None)
    if first is None:
        raise business("This invoice has no item line.")
    detail = dict(first.get("SalesItemLineDetail") or {})
    detail.update({"Qty": 1, "UnitPrice": str(amount)})
    first.update({"Amount": str(amount), "SalesItemLineDetail": detail})
    # Without the stored tax lines: their amounts would be kept as a client's override
    # (reference §10, step 4) instead of recomputed from the new amount. A US invoice keeps
    # its transaction tax code.
    body = {
        **{key: value for key, value in record.items() if key != "TxnTaxDetail"},
        "Line": [line for line in lines if line.get("DetailType") != "SubTotalLineDetail"],
    }
    code = (record.get("TxnTaxDetail") or {}).get("TxnTaxCodeRef")
    if code:
        body["TxnTaxDetail"] = {"TxnTaxCodeRef": code}
    return _run(emu, company, lambda ctx: save(ctx, KINDS["Invoice"], body))


def void_transaction(emu, company, entity: str, obj_id: str) -> dict:
    record = _current(company, entity, obj_id)
    payload = {"Id": record["Id"], "SyncToken": record["SyncToken"]}
    return _run(emu, company, lambda ctx: void(ctx, KINDS[entity], payload))


def delete_transaction(emu, company, entity: str, obj_id: str) -> dict:
    record = _current(company, entity, obj_id)
    payload = {"Id": record["Id"], "SyncToken": record["SyncToken"]}
    return _run(emu, company, lambda ctx: delete(ctx, KINDS[entity], payload))


def set_inactive(emu, company, entity: str, obj_id: str) -> dict:
    record = _current(company, entity, obj_id)
    payload = {
        "Id": record["Id"],
        "SyncToken": record["SyncToken"],
        "sparse": True,
        "Active": False,
    }
    return _run(emu, company, lambda ctx: save(ctx, KINDS[entity], payload))


def merge_customers(emu, company, *, merged_id: str, surviving_id: str) -> dict:
    """QuickBooks' merge: the merged customer's transactions move to the surviving one, the
    merged record is deleted, and one `Merge` event names both (`deletedId`)."""
    if str(merged_id) == str(surviving_id):
        raise business("Choose two different customers.")
    merged = _current(company, "Customer", merged_id)
    survivor = _current(company, "Customer", surviving_id)

    def change(ctx: Ctx) -> dict:
        for entity in ("Invoice", "Payment", "CreditMemo", "SalesReceipt", "Estimate"):
            for record in list(company.table(entity).values()):
                if (record.get("CustomerRef") or {}).get("value") == merged["Id"]:
                    ref = {"value": survivor["Id"], "name": survivor.get("DisplayName", "")}
                    touch(ctx, entity, record, CustomerRef=ref)
        balance = Decimal(str(survivor.get("Balance", 0))) + Decimal(str(merged.get("Balance", 0)))
        updated = touch(
            ctx, "Customer", survivor, Balance=float(balance), BalanceWithJobs=float(balance)
        )
        tombstone = {
            "domain": "QBO",
            "status": "Deleted",
            "Id": merged["Id"],
            "MetaData": {"LastUpdatedTime": iso(ctx.now, company.tz)},
        }
        company.remove("Customer", merged["Id"], tombstone, ctx.now)
        company.set_name(
            NAME_SPACE["Customer"], name_key(merged.get("DisplayName", "")), None, merged["Id"]
        )
        ctx.events = [e for e in ctx.events if e[:2] != ("Customer", survivor["Id"])]
        ctx.events.append(("Customer", survivor["Id"], "Merge", merged["Id"]))
        return updated

    return _run(emu, company, change)
