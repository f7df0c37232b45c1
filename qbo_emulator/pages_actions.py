"""The pages' buttons: what a bookkeeper does in QuickBooks, by hand (POST forms, then back to
the page). Record a payment against an invoice, void or delete a payment or an invoice, merge
customers, make a customer or an item inactive, choose an app's webhook format."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from . import bookkeeper
from .config import WEBHOOK_FORMATS
from .errors import ApiFault
from .http import redirect
from .page_kit import e, page

ACTION_PATH = re.compile(r"^/companies/([^/]+)/actions/([a-z_]+)$")


def form_button(company, action: str, label: str, fields: dict | None = None) -> str:
    hidden = "".join(
        f"<input type=hidden name='{e(k)}' value='{e(v)}'>" for k, v in (fields or {}).items()
    )
    return (
        f"<form method=post action='/companies/{e(company.realm_id)}/actions/{action}' "
        f"style='display:inline'>{hidden}<button type=submit>{e(label)}</button></form>"
    )


def payment_form(company, invoice: dict) -> str:
    """Amount (the open balance by default), reference and date, against one invoice."""
    if float(invoice.get("Balance") or 0) <= 0 or invoice["Id"] in company.voided:
        return ""
    return (
        f"<form method=post action='/companies/{e(company.realm_id)}/actions/record_payment' "
        f"style='display:inline'><input type=hidden name=invoice value='{e(invoice['Id'])}'>"
        f"<input name=amount size=8 value='{e(invoice['Balance'])}' aria-label='Amount'> "
        f"<input name=reference size=10 placeholder='Ref. no.' aria-label='Reference'> "
        f"<button type=submit>Record payment</button></form>"
    )


def line_amount_form(company, invoice: dict) -> str:
    """Change the first line's amount, as a person editing the invoice in QuickBooks."""
    if invoice["Id"] in company.voided:
        return ""
    first = next(
        (x for x in invoice.get("Line") or [] if x.get("DetailType") == "SalesItemLineDetail"), {}
    )
    return (
        f"<form method=post action='/companies/{e(company.realm_id)}/actions/line_amount' "
        f"style='display:inline'><input type=hidden name=id value='{e(invoice['Id'])}'>"
        f"<input name=amount size=8 value='{e(first.get('Amount', ''))}' "
        f"aria-label='First line amount'> <button type=submit>Change amount</button></form>"
    )


def merge_form(company) -> str:
    customers = sorted(
        (c for c in company.table("Customer").values() if c.get("Active", True)),
        key=lambda c: c["DisplayName"],
    )
    options = "".join(
        f"<option value='{e(c['Id'])}'>{e(c['DisplayName'])}</option>" for c in customers
    )
    return (
        f"<div class=card><form method=post action='/companies/{e(company.realm_id)}/actions/"
        f"merge_customers'>Merge <select name=merged>{options}</select> into "
        f"<select name=surviving>{options}</select> <button type=submit>Merge</button></form>"
        "<p class=muted>Like QuickBooks: the first customer's transactions move to the second, "
        "the first is deleted, one Merge webhook names both.</p></div>"
    )


def format_form(app: dict) -> str:
    current = app.get("webhook_format") or "default"
    options = "".join(
        f"<option value='{f}'{' selected' if f == current else ''}>{f}</option>"
        for f in ("default", *WEBHOOK_FORMATS)
    )
    return (
        f"<form method=post action='/apps/{e(app['client_id'])}/webhook_format' "
        f"style='display:inline'><select name=format>{options}</select> "
        f"<button type=submit>Set</button></form>"
    )


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise ApiFault("2050", "Enter an amount", element="amount") from None
    if value <= 0:
        raise ApiFault("2050", "Enter an amount greater than zero", element="amount")
    return value


def handle(emu, req):
    """POST /companies/<realm>/actions/<action> or /apps/<client_id>/webhook_format; None when
    the path is not one of these."""
    app_match = re.match(r"^/apps/([^/]+)/webhook_format$", req.path.rstrip("/"))
    if app_match:
        fmt = req.form().get("format", "default")
        with emu.state.lock:
            app = emu.state.apps.get(app_match.group(1))
            if app is None or fmt not in ("default", *WEBHOOK_FORMATS):
                return page("Not found", "<h1>Not found</h1>", 404)
            app["webhook_format"] = None if fmt == "default" else fmt
            emu.persist()
        return redirect("/")
    match = ACTION_PATH.match(req.path.rstrip("/"))
    if not match or match.group(1) not in emu.state.companies:
        return None
    company = emu.state.companies[match.group(1)]
    action, form = match.group(2), req.form()
    back = {
        "record_payment": "payments",
        "void_payment": "payments",
        "delete_payment": "payments",
        "void_invoice": "invoices",
        "delete_invoice": "invoices",
        "line_amount": "invoices",
        "merge_customers": "customers",
        "customer_inactive": "customers",
        "item_inactive": "items",
    }.get(action)
    if back is None:
        return page("Not found", "<h1>Not found</h1>", 404)
    try:
        if action == "record_payment":
            fields = {"PaymentRefNum": form.get("reference", "").strip()[:21]}
            if form.get("date"):
                fields["TxnDate"] = form["date"]
            bookkeeper.record_payment(
                emu,
                company,
                invoices=[(form.get("invoice", ""), _amount(form.get("amount", "")))],
                **fields,
            )
        elif action == "line_amount":
            bookkeeper.set_line_amount(
                emu, company, form.get("id", ""), _amount(form.get("amount", ""))
            )
        elif action in ("void_payment", "void_invoice"):
            bookkeeper.void_transaction(emu, company, back[:-1].capitalize(), form.get("id", ""))
        elif action in ("delete_payment", "delete_invoice"):
            bookkeeper.delete_transaction(emu, company, back[:-1].capitalize(), form.get("id", ""))
        elif action == "merge_customers":
            bookkeeper.merge_customers(
                emu,
                company,
                merged_id=form.get("merged", ""),
                surviving_id=form.get("surviving", ""),
            )
        elif action == "customer_inactive":
            bookkeeper.set_inactive(emu, company, "Customer", form.get("id", ""))
        else:
            bookkeeper.set_inactive(emu, company, "Item", form.get("id", ""))
    except ApiFault as fault:
        return page(
            "Refused",
            f"<h1>QuickBooks refused it</h1><p class=bad>{e(fault.message)} {e(getattr(fault, 'detail', ''))}</p>"
            f"<p><a href='/companies/{e(company.realm_id)}/{back}'>Back</a></p>",
            400,
        )
    return redirect(f"/companies/{company.realm_id}/{back}")
