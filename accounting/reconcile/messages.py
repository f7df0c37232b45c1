"""The plain reasons of the differences, in the reader's language (stored as a kind plus
parameters, worded when shown), and what to check when there is no automatic repair."""

from django.utils import formats
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import grouped, money, percent

from .models import Difference


def _m(value) -> str:
    return money(value) if value not in (None, "") else "—"


def _subject(difference: Difference, p: dict) -> tuple[str, str]:
    """What the difference is about, as (what, number): ("invoice", "1042"), ("credit note",
    "NC-3 applied to invoice 1042")."""
    entity = difference.entity
    number = p.get("number", "")
    if entity == "CreditApplication":
        return _("credit note"), _("%(number)s applied to invoice %(invoice)s") % {
            "number": number,
            "invoice": p.get("invoice", ""),
        }
    what = {
        "Payment": _("payment on invoice"),
        "CreditMemo": _("credit note"),
        "RefundReceipt": _("refund"),
        "SalesReceipt": _("sales receipt"),
    }.get(entity, _("invoice"))
    return what, number


def _credit_text(kind: str, p: dict) -> str | None:
    """The credits applied whose wording is their own."""
    if kind == "other_invoice":
        return _(
            "credit of %(amount)s from credit note %(number)s: applied to invoice %(invoice)s "
            "here, to %(there)s in QuickBooks"
        ) % {**p, "amount": _m(p.get("amount"))}
    if kind == "only_qbo":
        return _(
            "credit note %(number)s: %(amount)s applied to invoice %(invoice)s in QuickBooks, "
            "not in Plannit"
        ) % {**p, "amount": _m(p.get("amount"))}
    return None


def difference_text(difference: Difference) -> str:
    p = dict(difference.params or {})
    what, number = _subject(difference, p)
    kind = difference.kind
    subject = {"what": what, "number": number}
    if difference.entity == "CreditApplication" and _credit_text(kind, p):
        return _credit_text(kind, p)
    if kind == "missing":
        return _("%(what)s %(number)s: missing in QuickBooks") % subject
    if kind == "voided_qbo":
        return _("%(what)s %(number)s: voided in QuickBooks, not in Plannit") % subject
    if kind == "not_voided":
        return _("%(what)s %(number)s: voided in Plannit, not in QuickBooks") % subject
    if kind == "customer":
        return _("%(what)s %(number)s: another customer in QuickBooks") % subject
    if kind == "number":
        return _("%(what)s number differs: %(here)s here, %(there)s there") % {**p, "what": what}
    if kind == "date":
        return _("%(what)s %(number)s: date differs: %(here)s here, %(there)s there") % {
            **p,
            **subject,
        }
    if kind == "tax" and p.get("rate"):
        return _("%(what)s %(number)s: tax at %(rate)s differs: %(here)s here, %(there)s there") % {
            **subject,
            "rate": percent(p["rate"]),
            "here": _m(p.get("here")),
            "there": _m(p.get("there")),
        }
    if kind in ("amount", "tax", "balance"):
        label = {"amount": _("amount differs"), "tax": _("tax differs")}.get(kind)
        if label is None:
            credit = difference.entity == "CreditMemo"
            label = _("remaining credit differs") if credit else _("balance differs")
        return _("%(what)s %(number)s: %(label)s: %(here)s here, %(there)s there") % {
            **subject,
            "label": label,
            "here": _m(p.get("here")),
            "there": _m(p.get("there")),
        }
    if kind == "other_invoice":
        return _(
            "payment of %(amount)s: applied to invoice %(number)s here, to %(there)s in QuickBooks"
        ) % {"amount": _m(p.get("amount")), "number": number, "there": p.get("there", "")}
    if kind == "only_qbo":
        return _("invoice %(number)s: %(amount)s paid in QuickBooks, not in Plannit") % {
            "number": number,
            "amount": _m(p.get("amount")),
        }
    if kind == "duplicate":
        count = int(p.get("count", 2))
        if difference.entity != "Invoice":
            return _("%(what)s %(number)s: %(count)s QuickBooks documents carry this number") % {
                **subject,
                "count": count,
            }
        if count == 2:
            return _("two QuickBooks invoices carry number %(number)s") % {"number": number}
        return _("%(count)s QuickBooks invoices carry number %(number)s") % {
            "count": count,
            "number": number,
        }
    if kind == "customer_balance":
        name = difference.contact.display_name if difference.contact_id else ""
        return _("%(name)s: open balance differs: %(here)s here, %(there)s there") % {
            "name": name,
            "here": _m(p.get("here")),
            "there": _m(p.get("there")),
        }
    return kind


def difference_hint(difference: Difference) -> str:
    """What to check when no click can fix it."""
    kind, entity = difference.kind, difference.entity
    if kind == "duplicate":
        ids = ", ".join(difference.params.get("others", []))
        if entity != "Invoice":
            return _(
                "Open QuickBooks document %(ids)s: if it was made by hand or by another app, "
                "delete it there."
            ) % {"ids": ids}
        return _(
            "Open QuickBooks invoice %(ids)s: if it was made by hand or by another app, void it "
            "there."
        ) % {"ids": ids}
    if kind in ("voided_qbo", "not_voided"):
        return _("Decide which side is right, then void the document on the other side.")
    if entity == "CreditApplication" and kind == "other_invoice":
        return _("Check in QuickBooks which invoice the credit was applied to, and move it.")
    if entity == "CreditApplication" and kind == "only_qbo":
        return _("Apply the credit in Plannit too, or remove it from the invoice in QuickBooks.")
    if kind == "other_invoice":
        return _("Check in QuickBooks which invoice the customer paid, and move the payment.")
    if kind == "balance" and entity == "CreditMemo":
        return _(
            "Check in QuickBooks what used this credit (a refund, a credit applied by hand) and "
            "do the same in Plannit, or undo it in QuickBooks."
        )
    if kind == "balance":
        return _("A credit or a journal entry in QuickBooks changed this invoice's balance.")
    if kind == "customer_balance":
        return _("This customer has documents in QuickBooks that did not come from Plannit.")
    if kind == "missing":
        return _("The payment came from QuickBooks: check whether it was deleted there.")
    return _("Compare both sides and correct the one that is wrong.")


def _grouped(text: str, count: int) -> str:
    # "1 284 factures" / "1,284 invoices": grouped the active language's way.
    return text % {"n": grouped(count)}


def counts_text(run) -> str:
    """ "1 invoice, 2 payments": what a check compared, each count in its own plural, the
    credit notes and sales receipts when there were some."""
    invoices, payments = run.invoice_count, run.payment_count
    parts = [
        _grouped(ngettext("%(n)s invoice", "%(n)s invoices", invoices), invoices),
        _grouped(ngettext("%(n)s payment", "%(n)s payments", payments), payments),
    ]
    notes, receipts = run.credit_note_count, run.sales_receipt_count
    if notes:
        parts.append(_grouped(ngettext("%(n)s credit note", "%(n)s credit notes", notes), notes))
    if receipts:
        text = ngettext("%(n)s sales receipt", "%(n)s sales receipts", receipts)
        parts.append(_grouped(text, receipts))
    return ", ".join(parts)


def match_headline(run) -> str:
    """The sentence of a check that found no difference, with each count in its own plural
    ("1 invoice", "2 invoices") and, while syncs are pending, both receivables."""
    counts = counts_text(run)
    finished = run.finished_at
    when = formats.date_format(template_localtime(finished), "DATETIME_FORMAT") if finished else ""
    if run.receivables_plannit == run.receivables_qbo:
        return _("Books match as of %(when)s: %(counts)s, receivables %(amount)s on both sides") % {
            "when": when,
            "counts": counts,
            "amount": money(run.receivables_plannit),
        }
    return _(
        "Books match as of %(when)s: %(counts)s; receivables %(here)s in Plannit, %(there)s in "
        "QuickBooks until the pending syncs are sent"
    ) % {
        "when": when,
        "counts": counts,
        "here": money(run.receivables_plannit),
        "there": money(run.receivables_qbo),
    }
