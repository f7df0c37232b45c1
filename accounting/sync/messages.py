"""What the owner reads about a sync job. Jobs store a key and its parameters; the text is
translated when shown, in the reader's language. Each message says what to do next, and
names the page where the fix is made (`fix_url`)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

SETTINGS = "accounting:settings"
CONTACTS = "contacts:contact_list"
CATALOG = "catalog:item_list"

MESSAGES: dict[str, tuple] = {
    # Not sent
    "issued_before_connection": (_("Issued before QuickBooks was connected: not sent."), None),
    "invoice_not_sent": (
        _("Its invoice was not sent to QuickBooks, so this payment is not sent either."),
        None,
    ),
    "credit_invoice_not_sent": (
        _("Its invoice was not sent to QuickBooks, so this is not sent either."),
        None,
    ),
    # Waiting (the job will run by itself)
    "waiting_previous": (
        _("Waiting for an earlier change of this record to reach QuickBooks."),
        None,
    ),
    "waiting_invoice": (_("Waiting for its invoice to reach QuickBooks."), None),
    "waiting_documents": (
        _("Waiting for its credit note and its invoice to reach QuickBooks."),
        None,
    ),
    "waiting_credits": (
        _("Waiting for the credits taken back from invoices to reach QuickBooks."),
        None,
    ),
    "documents_not_sent": (
        _(
            "Its credit note or its invoice was not sent to QuickBooks, so this credit is not "
            "applied there either."
        ),
        None,
    ),
    "waiting_payments": (
        _("Waiting for the voided payments of this invoice to reach QuickBooks."),
        None,
    ),
    "reconnect": (
        _(
            "QuickBooks Online asks you to reconnect. Open Settings > Accounting and "
            "click Reconnect: this will be sent right after."
        ),
        SETTINGS,
    ),
    "disconnected": (
        _(
            "QuickBooks Online is not connected. Connect it in Settings > "
            "Accounting: this will be sent right after."
        ),
        SETTINGS,
    ),
    # Retrying by itself
    "throttled": (
        _("QuickBooks Online asked us to slow down. This will be sent in about a minute."),
        None,
    ),
    "network": (_("QuickBooks Online did not answer. We will try again automatically."), None),
    "server": (
        _(
            "QuickBooks Online had a temporary problem (HTTP %(status)s). We will try "
            "again automatically."
        ),
        None,
    ),
    "stale": (
        _(
            "Someone changed this record in QuickBooks at the same time. We will try "
            "again automatically."
        ),
        None,
    ),
    # Failed: the owner acts, then clicks Retry
    "too_many_attempts": (
        _("QuickBooks Online kept failing after %(attempts)s attempts. Click Retry to try again."),
        None,
    ),
    "no_default_item": (
        _(
            "The line “%(line)s” uses an item that is not linked to a QuickBooks "
            "item, and no default item is chosen. Choose a default item in "
            "Settings > Accounting (or link the item in the catalog), then click "
            "Retry."
        ),
        SETTINGS,
    ),
    "no_taxable_code": (
        _(
            "No QuickBooks tax code is chosen for taxable lines. Choose it in "
            "Settings > Accounting, then click Retry."
        ),
        SETTINGS,
    ),
    "no_non_taxable_code": (
        _(
            "No QuickBooks tax code is chosen for non-taxable lines. Choose "
            "it in Settings > Accounting, then click Retry."
        ),
        SETTINGS,
    ),
    "no_transaction_tax_code": (
        _(
            "No QuickBooks sales tax code is chosen for invoices. Choose "
            "it in Settings > Accounting, then click Retry."
        ),
        SETTINGS,
    ),
    "no_deposit_account": (
        _(
            "No bank account is chosen for payment deposits. Choose it in "
            "Settings > Accounting, then click Retry."
        ),
        SETTINGS,
    ),
    "qbo_reference_invalid": (
        _(
            "QuickBooks refused a reference (an item, tax code, account or "
            "customer that was deleted or made inactive): %(detail)s. Check "
            "the choices in Settings > Accounting and the linked items, "
            "then click Retry."
        ),
        SETTINGS,
    ),
    "tax_code_invalid": (
        _(
            "QuickBooks refused the tax code: %(detail)s. Choose another tax "
            "code in Settings > Accounting, then click Retry."
        ),
        SETTINGS,
    ),
    "period_closed": (
        _(
            "The books are closed in QuickBooks for this date. Reopen the period "
            "in QuickBooks (or ask your accountant), then click Retry."
        ),
        None,
    ),
    "duplicate_name_other": (
        _(
            "The name “%(name)s” is already used in QuickBooks by a vendor "
            "or an employee. Rename the contact, then click Retry."
        ),
        CONTACTS,
    ),
    "customer_inactive": (
        _(
            "The QuickBooks customer “%(name)s” is inactive. Make it active in "
            "QuickBooks, then click Retry."
        ),
        None,
    ),
    "doc_number_taken": (
        _(
            "Number %(number)s is already used by another invoice in "
            "QuickBooks. Change the numbering in the invoice settings or the "
            "number in QuickBooks, then click Retry."
        ),
        None,
    ),
    # The books check's "void the duplicate"
    "duplicate_is_ours": (
        _(
            "The QuickBooks invoice to void is linked to a Plannit invoice: it was not "
            "voided. Run the books check again."
        ),
        None,
    ),
    "duplicate_renumbered": (
        _(
            "The QuickBooks invoice to void no longer carries number %(number)s: it was "
            "not voided. Run the books check again."
        ),
        None,
    ),
    "duplicate_paid": (
        _(
            "The other QuickBooks invoice numbered %(number)s has a payment applied: it was "
            "not voided. Move or delete that payment in QuickBooks first, then click Retry."
        ),
        None,
    ),
    "qbo_object_missing": (
        _(
            "This record no longer exists in QuickBooks (deleted or merged "
            "there). Dismiss this error, or restore the record in QuickBooks "
            "and click Retry."
        ),
        None,
    ),
    "not_authorized": (
        _(
            "QuickBooks Online refused access to this company. Reconnect it in "
            "Settings > Accounting, then click Retry."
        ),
        SETTINGS,
    ),
    "other_company": (
        _(
            "QuickBooks is now connected to another company: this change was for "
            "the previous one and is not sent."
        ),
        None,
    ),
    "refused": (
        _("QuickBooks Online refused the data: %(detail)s. Correct it, then click Retry."),
        None,
    ),
    "internal": (
        _(
            "An unexpected error stopped this sync. Click Retry; if it happens again, "
            "contact support."
        ),
        None,
    ),
    # Warnings on a synced invoice
    "credit_total_mismatch": (
        _(
            "QuickBooks computed %(qbo_total)s (taxes %(qbo_tax)s) where Plannit "
            "has %(total)s (taxes %(tax)s). Check the tax codes chosen in "
            "Settings > Accounting and the credit memo in QuickBooks."
        ),
        SETTINGS,
    ),
    "receipt_total_mismatch": (
        _(
            "QuickBooks computed %(qbo_total)s (taxes %(qbo_tax)s) where Plannit "
            "has %(total)s (taxes %(tax)s). Check the tax codes chosen in "
            "Settings > Accounting and the sales receipt in QuickBooks."
        ),
        SETTINGS,
    ),
    "total_mismatch": (
        _(
            "QuickBooks computed %(qbo_total)s (taxes %(qbo_tax)s) where Plannit "
            "has %(total)s (taxes %(tax)s). Check the tax codes chosen in "
            "Settings > Accounting and the invoice in QuickBooks."
        ),
        SETTINGS,
    ),
}


@dataclass(frozen=True)
class RenderedMessage:
    text: str
    fix_url: str | None


def render(key: str, params: dict | None = None) -> RenderedMessage | None:
    if not key:
        return None
    template, url_name = MESSAGES.get(key, MESSAGES["internal"])
    try:
        text = str(template) % (params or {})
    except (KeyError, TypeError, ValueError):
        text = str(template)
    fix_url = None
    if url_name:
        try:
            fix_url = reverse(url_name)
        except NoReverseMatch:
            fix_url = None
    return RenderedMessage(text=text, fix_url=fix_url)
