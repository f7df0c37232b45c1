"""The plain reasons of the differences, in the reader's language (stored as a kind plus
parameters, worded when shown), and what to check when there is no automatic repair."""

from django.utils import formats
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import money, percent

from .models import Difference


def _m(value) -> str:
    return money(value) if value not in (None, "") else "—"


def difference_text(difference: Difference) -> str:
    p = dict(difference.params or {})
    what = _("payment on invoice") if difference.entity == "Payment" else _("invoice")
    number = p.get("number", "")
    kind = difference.kind
    if kind == "missing":
        return _("%(what)s %(number)s: missing in QuickBooks") % {"what": what, "number": number}
    if kind == "voided_qbo":
        return _("%(what)s %(number)s: voided in QuickBooks, not in Plannit") % {
            "what": what,
            "number": number,
        }
    if kind == "not_voided":
        return _("%(what)s %(number)s: voided in Plannit, not in QuickBooks") % {
            "what": what,
            "number": number,
        }
    if kind == "customer":
        return _("invoice %(number)s: another customer in QuickBooks") % {"number": number}
    if kind == "number":
        return _("invoice number differs: %(here)s here, %(there)s there") % p
    if kind == "date":
        return _("invoice %(number)s: date differs: %(here)s here, %(there)s there") % p
    if kind == "tax" and p.get("rate"):
        return _("invoice %(number)s: tax at %(rate)s differs: %(here)s here, %(there)s there") % {
            "number": number,
            "rate": percent(p["rate"]),
            "here": _m(p.get("here")),
            "there": _m(p.get("there")),
        }
    if kind in ("amount", "tax", "balance"):
        label = {"amount": _("amount differs"), "tax": _("tax differs")}.get(
            kind, _("balance differs")
        )
        return _("%(what)s %(number)s: %(label)s: %(here)s here, %(there)s there") % {
            "what": what,
            "number": number,
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
    kind = difference.kind
    if kind == "duplicate":
        ids = ", ".join(difference.params.get("others", []))
        return _(
            "Open QuickBooks invoice %(ids)s: if it was made by hand or by another app, void it "
            "there."
        ) % {"ids": ids}
    if kind in ("voided_qbo", "not_voided"):
        return _("Decide which side is right, then void the document on the other side.")
    if kind == "other_invoice":
        return _("Check in QuickBooks which invoice the customer paid, and move the payment.")
    if kind == "balance":
        return _("A credit or a journal entry in QuickBooks changed this invoice's balance.")
    if kind == "customer_balance":
        return _("This customer has documents in QuickBooks that did not come from Plannit.")
    if kind == "missing":
        return _("The payment came from QuickBooks: check whether it was deleted there.")
    return _("Compare both sides and correct the one that is wrong.")


def counts_text(run) -> str:
    """ "1 invoice, 2 payments": what a check compared, each count in its own plural."""
    return _("%(invoices)s, %(payments)s") % {
        "invoices": ngettext("%(n)s invoice", "%(n)s invoices", run.invoice_count)
        % {"n": run.invoice_count},
        "payments": ngettext("%(n)s payment", "%(n)s payments", run.payment_count)
        % {"n": run.payment_count},
    }


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
