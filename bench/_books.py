"""Plannit's books against QuickBooks' (the emulator's store, read through its control API), per
company: every issued invoice present once with the same total, tax and balance to the cent
(a voided one voided), every payment present once on the right invoice with its amount (a
voided one voided), nothing else, and the company's totals equal."""

from collections import Counter
from decimal import Decimal

from _harness import Stack

ZERO = Decimal("0.00")


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _payment_id_of(note: str) -> int | None:
    """The Plannit payment a QBO payment's PrivateNote names ("[Voided - ]Plannit payment
    #<id> <request id>")."""
    marker = "Plannit payment #"
    if marker not in (note or ""):
        return None
    digits = note.split(marker, 1)[1].split(" ", 1)[0]
    return int(digits) if digits.isdigit() else None


# What chaos.py sums over its runs and requires to be 0 from `duplicates` on.
CHECKED = (
    "invoices_expected",
    "invoices_in_qbo",
    "payments_expected",
    "payments_in_qbo",
    "duplicates",
    "lost",
    "cent_mismatches",
    "wrong_invoice",
)
FIGURES = CHECKED + ("company_mismatches", "invoices_voided", "payments_voided")


def _pair(what: str, ours: dict, rows: list[dict], key_of, figures: Counter, problems: list):
    """(our object, its QBO row) for each of `ours` (key -> object) found once or more among
    `rows` (grouped by `key_of(row)`); a missing one is lost, every extra row a duplicate."""
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(key_of(row), []).append(row)
    for key, extra in grouped.items():
        if key not in ours:  # a QBO object no Plannit object explains
            figures["duplicates"] += len(extra)
            problems.append(f"QBO {what} {[r['Id'] for r in extra]} not ours")
    for key, obj in ours.items():
        found = grouped.get(key, [])
        if not found:
            figures["lost"] += 1
            problems.append(f"{what} {key} missing")
            continue
        figures["duplicates"] += len(found) - 1
        yield obj, found[0]


def compare_books(stack: Stack, companies: list[dict]) -> dict:
    from invoicing.models import Invoice, InvoiceStatus, Payment, PaymentStatus

    figures = Counter()
    problems: list[str] = []
    for company in companies:
        realm, business = company["realm_id"], company["business"]
        qbo_invoices = stack.emulator("GET", f"/_emulator/companies/{realm}/entities/Invoice")[
            "Invoice"
        ]
        qbo_payments = stack.emulator("GET", f"/_emulator/companies/{realm}/entities/Payment")[
            "Payment"
        ]
        invoices = list(Invoice.objects.filter(business=business).exclude(number=""))
        payments = list(Payment.objects.filter(business=business).select_related("invoice"))
        figures["invoices_expected"] += len(invoices)
        figures["payments_expected"] += len(payments)
        figures["invoices_in_qbo"] += len(qbo_invoices)
        figures["payments_in_qbo"] += len(qbo_payments)

        qbo_id_of_number: dict[str, str] = {}
        for invoice, row in _pair(
            f"{realm} invoice",
            {invoice.number: invoice for invoice in invoices},
            qbo_invoices,
            lambda row: row.get("DocNumber"),
            figures,
            problems,
        ):
            qbo_id_of_number[invoice.number] = row["Id"]
            voided = invoice.status == InvoiceStatus.VOID
            want = (
                (ZERO, ZERO, ZERO)
                if voided
                else (invoice.total, invoice.tax_total, invoice.balance)
            )
            got = (
                _money(row.get("TotalAmt")),
                _money((row.get("TxnTaxDetail") or {}).get("TotalTax")),
                _money(row.get("Balance")),
            )
            if got != tuple(_money(v) for v in want):
                figures["cent_mismatches"] += 1
                problems.append(f"{realm}: invoice {invoice.number} {got} != {want}")
            if voided:
                figures["invoices_voided"] += 1

        for payment, row in _pair(
            f"{realm} payment",
            {payment.pk: payment for payment in payments},
            qbo_payments,
            lambda row: _payment_id_of(row.get("PrivateNote", "")),
            figures,
            problems,
        ):
            voided = payment.status == PaymentStatus.VOID
            linked = {
                link.get("TxnId")
                for line in row.get("Line", [])
                for link in line.get("LinkedTxn", [])
                if link.get("TxnType") == "Invoice"
            }
            if linked != {qbo_id_of_number.get(payment.invoice.number)}:
                figures["wrong_invoice"] += 1
                problems.append(f"{realm}: payment {payment.pk} on {linked}")
            want = ZERO if voided else payment.amount
            if _money(row.get("TotalAmt")) != _money(want):
                figures["cent_mismatches"] += 1
                problems.append(f"{realm}: payment {payment.pk} {row.get('TotalAmt')} != {want}")
            if voided:
                figures["payments_voided"] += 1

        # The company as a whole: what it invoiced, taxed, is owed and was paid.
        live = [i for i in invoices if i.status != InvoiceStatus.VOID]
        ours_totals = (
            sum((i.total for i in live), ZERO),
            sum((i.tax_total for i in live), ZERO),
            sum((i.balance for i in live), ZERO),
            sum((p.amount for p in payments if p.status != PaymentStatus.VOID), ZERO),
        )
        qbo_totals = (
            sum((_money(r.get("TotalAmt")) for r in qbo_invoices), ZERO),
            sum(
                (_money((r.get("TxnTaxDetail") or {}).get("TotalTax")) for r in qbo_invoices), ZERO
            ),
            sum((_money(r.get("Balance")) for r in qbo_invoices), ZERO),
            sum((_money(r.get("TotalAmt")) for r in qbo_payments), ZERO),
        )
        if ours_totals != qbo_totals:
            figures["company_mismatches"] += 1
            figures["cent_mismatches"] += 1
            problems.append(f"{realm}: totals {qbo_totals} != {ours_totals}")
    result = {key: figures[key] for key in FIGURES}
    result["problems"] = problems[:20]
    return result
