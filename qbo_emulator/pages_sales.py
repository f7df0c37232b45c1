"""Pages for the sales documents beside invoices (estimates, credit memos, sales receipts,
refunds), deposits and attachments, as a bookkeeper looks for them: a list per kind, and each
document with its lines, taxes and links."""

from __future__ import annotations

from .attachments import base_of, signed_url
from .page_kit import e, money, ref, sorted_records, table

# tab -> (entity, label)
DOCUMENT_TABS = {
    "estimates": ("Estimate", "Estimate"),
    "creditmemos": ("CreditMemo", "Credit memo"),
    "salesreceipts": ("SalesReceipt", "Sales receipt"),
    "refunds": ("RefundReceipt", "Refund receipt"),
}


def _link(company, tab: str, record: dict) -> str:
    return (
        f"<a href='/companies/{e(company.realm_id)}/{tab}/{e(record['Id'])}'>"
        f"{e(record['DocNumber'])}</a>"
    )


def _links(record: dict) -> str:
    return ", ".join(
        f"{e(link['TxnType'])} {e(link['TxnId'])}" for link in record.get("LinkedTxn", [])
    )


def _status(company, record: dict) -> str:
    return "<span class=bad>voided</span>" if record["Id"] in company.voided else ""


def _deleted(company, entity: str) -> str:
    deleted = sorted(company.tombstones.get(entity, {}), key=int)
    return f"<p class='muted'>Deleted: {e(', '.join(deleted))}</p>" if deleted else ""


def _estimates(emu, company, req=None):
    rows = [
        [
            _link(company, "estimates", x),
            e(x["Id"]),
            e(x["TxnDate"]),
            e(x.get("ExpirationDate")),
            ref(x["CustomerRef"]),
            e(x["TxnStatus"]),
            money(x["TotalAmt"]),
            _links(x),
        ]
        for x in sorted_records(company, "Estimate")
    ]
    headers = ["No.", "Id", "Date", "Expires", "Customer", "Status", "Total", "Invoiced by"]
    return table(headers, rows, {6}) + _deleted(company, "Estimate")


def _credit_memos(emu, company, req=None):
    rows = [
        [
            _link(company, "creditmemos", x),
            e(x["Id"]),
            e(x["TxnDate"]),
            ref(x["CustomerRef"]),
            money((x.get("TxnTaxDetail") or {}).get("TotalTax")),
            money(x["TotalAmt"]),
            money(x["RemainingCredit"]),
            _links(x),
        ]
        for x in sorted_records(company, "CreditMemo")
    ]
    headers = ["No.", "Id", "Date", "Customer", "Tax", "Total", "Credit left", "Used by"]
    return table(headers, rows, {4, 5, 6}) + _deleted(company, "CreditMemo")


def _receipts(company, entity: str, tab: str, account_label: str):
    rows = [
        [
            _link(company, tab, x),
            e(x["Id"]),
            e(x["TxnDate"]),
            ref(x.get("CustomerRef")) or "<span class=muted>—</span>",
            ref(x.get("PaymentMethodRef")),
            ref(x.get("DepositToAccountRef")),
            money((x.get("TxnTaxDetail") or {}).get("TotalTax")),
            money(x["TotalAmt"]),
            _status(company, x) or _links(x),
        ]
        for x in sorted_records(company, entity)
    ]
    headers = ["No.", "Id", "Date", "Customer", "Method", account_label, "Tax", "Total", ""]
    return table(headers, rows, {6, 7}) + _deleted(company, entity)


def _sales_receipts(emu, company, req=None):
    return _receipts(company, "SalesReceipt", "salesreceipts", "Deposit to")


def _refunds(emu, company, req=None):
    return _receipts(company, "RefundReceipt", "refunds", "Refund from")


def _deposits(emu, company, req=None):
    rows = []
    for deposit in sorted_records(company, "Deposit"):
        parts = []
        for line in deposit["Line"]:
            link = (line.get("LinkedTxn") or [{}])[0]
            what = (
                f"{e(link['TxnType'])} {e(link['TxnId'])}"
                if link
                else ref((line.get("DepositLineDetail") or {}).get("AccountRef"))
            )
            parts.append(f"{what}: {money(line['Amount'])}")
        cash_back = deposit.get("CashBack")
        if cash_back:
            parts.append(
                f"cash back {ref(cash_back.get('AccountRef'))}: −{money(cash_back['Amount'])}"
            )
        rows.append(
            [
                e(deposit["Id"]),
                e(deposit["TxnDate"]),
                ref(deposit["DepositToAccountRef"]),
                "<br>".join(parts),
                money(deposit["TotalAmt"]),
            ]
        )
    return table(["Id", "Date", "Account", "What it holds", "Total"], rows, {4}) + _deleted(
        company, "Deposit"
    )


def _attachments(emu, company, req=None):
    rows = []
    for item in sorted_records(company, "Attachable"):
        refs = ", ".join(
            f"{e(r['EntityRef']['type'])} {e(r['EntityRef']['value'])}"
            for r in item.get("AttachableRef", [])
        )
        name = e(item.get("FileName")) or f"<span class=muted>note</span> {e(item.get('Note'))}"
        if item.get("FileName") and item["Id"] in company.files and req is not None:
            url = signed_url(base_of(req), company.realm_id, item["Id"], emu.clock.now())
            name = f"<a href='{e(url)}'>{name}</a>"
        rows.append(
            [
                e(item["Id"]),
                name,
                e(item.get("ContentType")),
                e(item.get("Size")),
                refs,
                e(item["MetaData"]["CreateTime"]),
            ]
        )
    return table(["Id", "File or note", "Type", "Bytes", "Attached to", "Added"], rows, {3})


def _tax_code(company, value) -> str:
    """A line's tax code by its name (lines carry only the code's Id)."""
    code = company.get("TaxCode", (value or {}).get("value", ""))
    return e(code["Name"]) if code else ref(value)


def document(company, tab: str, obj_id: str) -> str | None:
    """One sales document, as its page body; None when there is no such document."""
    entity, label = DOCUMENT_TABS[tab]
    record = company.get(entity, obj_id)
    if record is None:
        return None
    lines = []
    for line in record["Line"]:
        detail = line.get("SalesItemLineDetail") or {}
        name = {"SubTotalLineDetail": "<b>Subtotal</b>", "DiscountLineDetail": "Discount"}.get(
            line["DetailType"], ref(detail.get("ItemRef"))
        )
        lines.append(
            [
                name,
                e(line.get("Description")),
                e(detail.get("Qty")),
                money(detail.get("UnitPrice")) if "UnitPrice" in detail else "",
                _tax_code(company, detail.get("TaxCodeRef")),
                ref(detail.get("ClassRef")),
                money(line.get("Amount")),
            ]
        )
    taxes = [
        [
            e(
                (company.get("TaxRate", t["TaxLineDetail"]["TaxRateRef"]["value"]) or {}).get(
                    "Name"
                )
            ),
            e(t["TaxLineDetail"]["TaxPercent"]),
            money(t["TaxLineDetail"]["NetAmountTaxable"]),
            money(t["Amount"]),
        ]
        for t in (record.get("TxnTaxDetail") or {}).get("TaxLine", [])
    ]
    facts = [f"Total <b>{money(record['TotalAmt'])}</b>"]
    if entity == "CreditMemo":
        facts.append(f"Credit left <b>{money(record['RemainingCredit'])}</b>")
    if entity == "Estimate":
        facts.append(f"Status <b>{e(record['TxnStatus'])}</b>")
        if record.get("ExpirationDate"):
            facts.append(f"expires {e(record['ExpirationDate'])}")
    if record.get("DepositToAccountRef"):
        verb = "Refunded from" if entity == "RefundReceipt" else "Deposited to"
        facts.append(f"{verb} {ref(record['DepositToAccountRef'])}")
    if record.get("PaymentMethodRef"):
        facts.append(f"by {ref(record['PaymentMethodRef'])}")
    facts.append(f"Linked: {_links(record) or '—'}")
    voided = " <span class=bad>voided</span>" if record["Id"] in company.voided else ""
    customer = ref(record.get("CustomerRef")) or "<span class=muted>no customer</span>"
    return (
        f"<div class='card'><h2>{e(label)} {e(record['DocNumber'])}{voided}</h2>"
        f"<p>{customer} · {e(record['TxnDate'])}</p><p>{' · '.join(facts)}</p>"
        f"<p class='muted'>{e(record.get('PrivateNote'))}</p></div>"
        + table(
            ["Item", "Description", "Qty", "Rate", "Tax code", "Class", "Amount"],
            lines,
            {2, 3, 6},
        )
        + "<h3>Taxes</h3>"
        + table(["Rate", "%", "Taxable", "Tax"], taxes, {1, 2, 3})
    )


RENDERERS = {
    "estimates": _estimates,
    "creditmemos": _credit_memos,
    "salesreceipts": _sales_receipts,
    "refunds": _refunds,
    "deposits": _deposits,
    "attachments": _attachments,
}
