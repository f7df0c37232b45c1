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

        by_number: dict[str, list[dict]] = {}
        for row in qbo_invoices:
            by_number.setdefault(row.get("DocNumber"), []).append(row)
        qbo_id_of_number: dict[str, str] = {}
        ours = {invoice.number for invoice in invoices}
        for number, rows in by_number.items():
            if number not in ours:
                figures["duplicates"] += len(rows)  # a QBO invoice no Plannit invoice explains
                problems.append(f"{realm}: QBO invoice {number} is not ours")
        for invoice in invoices:
            rows = by_number.get(invoice.number, [])
            if not rows:
                figures["lost"] += 1
                problems.append(f"{realm}: invoice {invoice.number} missing")
                continue
            figures["duplicates"] += len(rows) - 1
            row = rows[0]
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

        by_payment: dict[int, list[dict]] = {}
        for row in qbo_payments:
            payment_id = _payment_id_of(row.get("PrivateNote", ""))
            by_payment.setdefault(payment_id, []).append(row)
        mine = {payment.pk for payment in payments}
        for payment_id, rows in by_payment.items():
            if payment_id not in mine:
                figures["duplicates"] += len(rows)
                problems.append(f"{realm}: QBO payment(s) {[r['Id'] for r in rows]} not ours")
        for payment in payments:
            rows = by_payment.get(payment.pk, [])
            if not rows:
                figures["lost"] += 1
                problems.append(f"{realm}: payment {payment.pk} missing")
                continue
            figures["duplicates"] += len(rows) - 1
            row = rows[0]
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
    result = {
        key: figures[key]
        for key in (
            "invoices_expected",
            "invoices_in_qbo",
            "payments_expected",
            "payments_in_qbo",
            "duplicates",
            "lost",
            "cent_mismatches",
            "wrong_invoice",
            "company_mismatches",
            "invoices_voided",
            "payments_voided",
        )
    }
    result["problems"] = problems[:20]
    return result
