"""Pages for people: what each company holds and what the app sent, with the buttons a
bookkeeper would use in QuickBooks (pages_actions.py)."""

from __future__ import annotations

import re

from . import pages_actions, pages_sales
from .page_kit import e, money, page, ref, sorted_records, table
from .pages_actions import form_button, format_form, line_amount_form, merge_form, payment_form

TABS = [
    ("customers", "Customers"),
    ("items", "Items"),
    ("accounts", "Accounts"),
    ("taxcodes", "Tax codes"),
    ("invoices", "Invoices"),
    ("payments", "Payments"),
    ("estimates", "Estimates"),
    ("creditmemos", "Credit memos"),
    ("salesreceipts", "Sales receipts"),
    ("refunds", "Refunds"),
    ("deposits", "Deposits"),
    ("attachments", "Attachments"),
    ("requests", "Request log"),
]


def handle(emu, req):
    if req.method == "POST":
        return pages_actions.handle(emu, req) or page("Not found", "<h1>Not found</h1>", 404)
    if req.method != "GET":
        return page("Not found", "<h1>Not found</h1>", 404)
    path = req.path.rstrip("/") or "/"
    with emu.state.lock:
        if path == "/":
            return _index(emu)
        match = re.match(r"^/companies/([^/]+)(?:/(\w+))?(?:/([^/]+))?$", path)
        if match and match.group(1) in emu.state.companies:
            company = emu.state.companies[match.group(1)]
            tab, obj_id = match.group(2) or "customers", match.group(3)
            if tab == "invoices" and obj_id:
                return _invoice(emu, company, obj_id)
            if tab in pages_sales.DOCUMENT_TABS and obj_id:
                content = pages_sales.document(company, tab, obj_id)
                if content is None:
                    return page("Not found", "<h1>Not found</h1>", 404)
                return _company_page(emu, company, tab, content)
            renderer = RENDERERS.get(tab)
            if renderer and not obj_id:
                return _company_page(emu, company, tab, renderer(emu, company, req))
    return page("Not found", "<h1>Not found</h1><p><a href='/'>All companies</a></p>", 404)


def _index(emu):
    rows = [
        [
            f"<a href='/companies/{e(c.realm_id)}'>{e(c.name)}</a>",
            e(c.realm_id),
            e(c.country),
            e(c.currency),
            str(len(c.table("Customer"))),
            str(len(c.table("Invoice"))),
            str(len(c.table("Payment"))),
        ]
        for c in emu.state.companies.values()
    ]
    apps = [
        [
            e(a["client_id"]),
            "<br>".join(e(u) for u in a["redirect_uris"]),
            e(a.get("webhook_url")),
            e(a.get("webhook_format") or f"{emu.settings.webhook_format} (default)")
            + " "
            + format_form(a),
        ]
        for a in emu.state.apps.values()
    ]
    body = (
        "<h1>Companies</h1>"
        + table(
            ["Company", "Realm id", "Country", "Currency", "Customers", "Invoices", "Payments"],
            rows,
            {4, 5, 6},
        )
        + "<h2>Apps</h2>"
        + table(["Client id", "Redirect URIs", "Webhook URL", "Webhook format"], apps)
    )
    return page("Companies", body)


def _company_page(emu, company, tab, content):
    nav = " ".join(
        f"<a href='/companies/{e(company.realm_id)}/{key}'>"
        f"{'<b>' + label + '</b>' if key == tab else label}</a>"
        for key, label in TABS
    )
    body = (
        f"<h1>{e(company.name)}</h1><p class='muted'>Realm {e(company.realm_id)} · "
        f"{e(company.country)} · {e(company.currency)}</p><nav>{nav}</nav><br>{content}"
    )
    return page(company.name, body)


def _customers(emu, company, req=None):
    rows = [
        [
            e(c["Id"]),
            e(c["DisplayName"]),
            e(c.get("CompanyName")),
            e((c.get("PrimaryEmailAddr") or {}).get("Address")),
            money(c.get("Balance")),
            "" if c.get("Active", True) else "<span class=bad>inactive</span>",
            e(c["SyncToken"]),
            form_button(company, "customer_inactive", "Delete (make inactive)", {"id": c["Id"]})
            if c.get("Active", True)
            else "",
        ]
        for c in sorted_records(company, "Customer")
    ]
    return merge_form(company) + table(
        ["Id", "Display name", "Company", "Email", "Balance", "", "SyncToken", ""], rows, {4}
    )


def _items(emu, company, req=None):
    rows = [
        [
            e(i["Id"]),
            e(i["FullyQualifiedName"]),
            e(i["Type"]),
            e(i.get("Sku")),
            money(i.get("UnitPrice")) if i["Type"] != "Category" else "",
            ref(i.get("IncomeAccountRef")),
            ref(i.get("SalesTaxCodeRef")),
            "" if i.get("Active", True) else "<span class=bad>inactive</span>",
            form_button(company, "item_inactive", "Make inactive", {"id": i["Id"]})
            if i.get("Active", True)
            else "",
        ]
        for i in sorted_records(company, "Item")
    ]
    return table(
        ["Id", "Name", "Type", "SKU", "Price", "Income account", "Tax code", "", ""], rows, {4}
    )


def _accounts(emu, company, req=None):
    rows = [
        [
            e(a["Id"]),
            e(a["FullyQualifiedName"]),
            e(a["AccountType"]),
            e(a["AccountSubType"]),
            money(a.get("CurrentBalance")),
        ]
        for a in sorted_records(company, "Account")
    ]
    return table(["Id", "Name", "Type", "Detail type", "Balance"], rows, {4})


def _taxcodes(emu, company, req=None):
    rows = []
    for code in sorted_records(company, "TaxCode"):
        details = (code.get("SalesTaxRateList") or {}).get("TaxRateDetail", [])
        rates = ", ".join(
            f"{e(company.get('TaxRate', d['TaxRateRef']['value'])['Name'])} "
            f"{e(company.get('TaxRate', d['TaxRateRef']['value'])['RateValue'])} %"
            for d in details
            if company.get("TaxRate", d["TaxRateRef"]["value"])
        )
        rows.append([e(code["Id"]), e(code["Name"]), rates, "yes" if code.get("Taxable") else "no"])
    return table(["Id", "Name", "Rates", "Taxable"], rows)


def _invoices(emu, company, req=None):
    rows = [
        [
            f"<a href='/companies/{e(company.realm_id)}/invoices/{e(i['Id'])}'>{e(i['DocNumber'])}</a>",
            e(i["Id"]),
            e(i["TxnDate"]),
            ref(i["CustomerRef"]),
            money((i.get("TxnTaxDetail") or {}).get("TotalTax")),
            money(i["TotalAmt"]),
            money(i["Balance"]),
            "voided" if i["Id"] in company.voided else "",
            e(i["SyncToken"]),
            payment_form(company, i)
            + " "
            + line_amount_form(company, i)
            + (
                ""
                if i["Id"] in company.voided
                else " " + form_button(company, "void_invoice", "Void", {"id": i["Id"]})
            )
            + " "
            + form_button(company, "delete_invoice", "Delete", {"id": i["Id"]}),
        ]
        for i in sorted_records(company, "Invoice")
    ]
    deleted = sorted(company.tombstones.get("Invoice", {}), key=int)
    extra = f"<p class='muted'>Deleted: {e(', '.join(deleted))}</p>" if deleted else ""
    return (
        table(
            ["No.", "Id", "Date", "Customer", "Tax", "Total", "Balance", "", "SyncToken", ""],
            rows,
            {4, 5, 6},
        )
        + extra
    )


def _invoice(emu, company, obj_id):
    invoice = company.get("Invoice", obj_id)
    if invoice is None:
        return page("Not found", "<h1>Invoice not found</h1>", 404)
    lines = []
    for line in invoice["Line"]:
        detail = line.get("SalesItemLineDetail") or {}
        label = {"SubTotalLineDetail": "<b>Subtotal</b>", "DiscountLineDetail": "Discount"}.get(
            line["DetailType"], ref(detail.get("ItemRef"))
        )
        lines.append(
            [
                label,
                e(line.get("Description")),
                e(detail.get("Qty")),
                money(detail.get("UnitPrice")) if "UnitPrice" in detail else "",
                ref(detail.get("TaxCodeRef")),
                money(line.get("Amount")),
            ]
        )
    taxes = [
        [
            e(company.get("TaxRate", t["TaxLineDetail"]["TaxRateRef"]["value"])["Name"]),
            e(t["TaxLineDetail"]["TaxPercent"]),
            money(t["TaxLineDetail"]["NetAmountTaxable"]),
            money(t["Amount"]),
        ]
        for t in (invoice.get("TxnTaxDetail") or {}).get("TaxLine", [])
    ]
    links = ", ".join(f"{e(link['TxnType'])} {e(link['TxnId'])}" for link in invoice["LinkedTxn"])
    body = (
        f"<div class='card'><h2>Invoice {e(invoice['DocNumber'])}</h2>"
        f"<p>{ref(invoice['CustomerRef'])} · {e(invoice['TxnDate'])} → due "
        f"{e(invoice['DueDate'])}</p><p>Total <b>{money(invoice['TotalAmt'])}</b> · Balance "
        f"<b>{money(invoice['Balance'])}</b> · Linked: {links or '—'}</p>"
        f"<p class='muted'>{e(invoice.get('PrivateNote'))}</p></div>"
        + table(["Item", "Description", "Qty", "Rate", "Tax code", "Amount"], lines, {2, 3, 5})
        + "<h3>Taxes</h3>"
        + table(["Rate", "%", "Taxable", "Tax"], taxes, {1, 2, 3})
    )
    return _company_page(emu, company, "invoices", body)


_LINKED_LABELS = {"Invoice": "Invoice", "CreditMemo": "Credit memo"}


def _payments(emu, company, req=None):
    rows = []
    for p in sorted_records(company, "Payment"):
        applied = ", ".join(
            f"{_LINKED_LABELS.get(link.get('TxnType'), e(link.get('TxnType')))} "
            f"{e(link['TxnId'])}: {money(line['Amount'])}"
            for line in p.get("Line", [])
            for link in line.get("LinkedTxn", [])
        )
        rows.append(
            [
                e(p["Id"]),
                e(p["TxnDate"]),
                ref(p["CustomerRef"]),
                ref(p.get("PaymentMethodRef")),
                ref(p.get("DepositToAccountRef")),
                money(p["TotalAmt"]),
                money(p.get("UnappliedAmt")),
                applied,
                "voided" if p["Id"] in company.voided else "",
                (
                    ""
                    if p["Id"] in company.voided
                    else form_button(company, "void_payment", "Void", {"id": p["Id"]}) + " "
                )
                + form_button(company, "delete_payment", "Delete", {"id": p["Id"]}),
            ]
        )
    result = table(
        [
            "Id",
            "Date",
            "Customer",
            "Method",
            "Deposit to",
            "Amount",
            "Unapplied",
            "Applied to",
            "",
            "",
        ],
        rows,
        {5, 6},
    )
    deleted = sorted(company.tombstones.get("Payment", {}), key=int)
    extra = f"<p class='muted'>Deleted: {e(', '.join(deleted))}</p>" if deleted else ""
    return result + extra


def _requests(emu, company, req=None):
    entries = [x for x in emu.log if x.get("realm_id") == company.realm_id][-200:]
    rows = [
        [
            e(x["time"]),
            e(x["method"]),
            e(x["path"])
            + (f"<br><span class=muted>{e(x['query'])}</span>" if x.get("query") else ""),
            e(x["status"]),
            e(x.get("requestid")),
            e(x.get("client_id")),
            e(x.get("duration_ms")),
        ]
        for x in reversed(entries)
    ]
    return table(["Time (UTC)", "Method", "Path", "Status", "requestid", "App", "ms"], rows, {6})


RENDERERS = {
    "customers": _customers,
    "items": _items,
    "accounts": _accounts,
    "taxcodes": _taxcodes,
    "invoices": _invoices,
    "payments": _payments,
    "requests": _requests,
    **pages_sales.RENDERERS,
}
