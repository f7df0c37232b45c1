"""The books check bench's credit notes, credits applied and sales receipts: Plannit's rows and
links and the same documents in the emulator (seed_credits), then their share of the injected
differences (inject_credits). Used by bench/reconcile.py only."""

from dataclasses import dataclass, field
from decimal import Decimal

CENT = Decimal("0.01")


def sales_line(price: Decimal, item: str, tax_code: str) -> dict:
    return {
        "DetailType": "SalesItemLineDetail",
        "Amount": str(price),
        "SalesItemLineDetail": {
            "ItemRef": {"value": item},
            "Qty": 1,
            "UnitPrice": str(price),
            "TaxCodeRef": {"value": tax_code},
        },
    }


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _taxes(record: dict) -> list[tuple[Decimal, Decimal, Decimal]]:
    return [
        (
            Decimal(str(line["TaxLineDetail"]["TaxPercent"])),
            _money(line["TaxLineDetail"]["NetAmountTaxable"]),
            _money(line["Amount"]),
        )
        for line in record["TxnTaxDetail"].get("TaxLine", [])
    ]


@dataclass
class Credits:
    notes: list = field(default_factory=list)
    note_ids: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    application_ids: list = field(default_factory=list)
    receipts: list = field(default_factory=list)
    receipt_ids: list = field(default_factory=list)


def _credit_notes(ctx, credits, invoices, links, customer_of, counts) -> list:
    """Credit notes on the last invoices paid (not touched by the injections), the first
    `applied` of them applied in full to their invoice by a Payment of 0."""
    from invoicing.models import CreditApplication, CreditNote

    business, company, date, item, tax_code = ctx
    taxes = []
    first = counts["payments"] - counts["credits"]
    for k, n in enumerate(range(first, counts["payments"])):
        invoice, price = invoices[n], Decimal("10.25") + k % 5
        record = company.save(
            "CreditMemo",
            {
                "CustomerRef": {"value": customer_of(n)},
                "DocNumber": f"NC-{k + 1}",
                "TxnDate": date.isoformat(),
                "Line": [sales_line(price, item, tax_code)],
            },
        )
        total, applied = _money(record["TotalAmt"]), k < counts["applied"]
        note = CreditNote(
            business=business,
            invoice=invoice,
            contact=invoice.contact,
            number=f"NC-{k + 1}",
            date=date,
            subtotal=price,
            tax_total=_money(record["TxnTaxDetail"]["TotalTax"]),
            total=total,
            amount_applied=total if applied else Decimal("0.00"),
            balance=Decimal("0.00") if applied else total,
        )
        credits.notes.append(note)
        credits.note_ids.append(record["Id"])
        taxes.append(_taxes(record))
        if applied:
            payment = company.save("Payment", _application_body(customer_of(n), links[n], record))
            credits.applications.append(
                CreditApplication(
                    business=business, credit_note=note, invoice=invoice, amount=total, date=date
                )
            )
            credits.application_ids.append(payment["Id"])
            invoice.amount_credited, invoice.balance = total, invoice.balance - total
    return taxes


def _application_body(customer: str, invoice_id: str, memo: dict) -> dict:
    amount = str(_money(memo["TotalAmt"]))
    return {
        "CustomerRef": {"value": customer},
        "TotalAmt": 0,
        "TxnDate": memo["TxnDate"],
        "Line": [
            {"Amount": amount, "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}]},
            {"Amount": amount, "LinkedTxn": [{"TxnId": memo["Id"], "TxnType": "CreditMemo"}]},
        ],
    }


def _receipts(ctx, credits, contacts, customer_ids, count) -> list:
    from invoicing.models import Invoice

    business, company, date, item, tax_code = ctx
    taxes = []
    for k in range(count):
        price = Decimal("45.00") + k % 7
        record = company.save(
            "SalesReceipt",
            {
                "CustomerRef": {"value": customer_ids[k % len(customer_ids)]},
                "DocNumber": f"RV-{k + 1}",
                "TxnDate": date.isoformat(),
                "Line": [sales_line(price, item, tax_code)],
            },
        )
        total = _money(record["TotalAmt"])
        credits.receipts.append(
            Invoice(
                business=business,
                contact=contacts[k % len(contacts)],
                number=f"RV-{k + 1}",
                status="paid",
                is_sales_receipt=True,
                issue_date=date,
                terms="on_receipt",
                due_date=date,
                subtotal=price,
                tax_total=_money(record["TxnTaxDetail"]["TotalTax"]),
                total=total,
                amount_paid=total,
                balance=Decimal("0.00"),
            )
        )
        credits.receipt_ids.append(record["Id"])
        taxes.append(_taxes(record))
    return taxes


def seed_credits(ctx, *, invoices, links, contacts, customer_ids, counts) -> Credits:
    """ctx: (business, emulator company, date, QBO item id, QBO tax code id)."""
    from accounting.sync.models import CreditApplicationLink, CreditNoteLink, SalesReceiptLink
    from invoicing.models import CreditApplication, CreditNote, CreditNoteTax, Invoice, InvoiceTax

    business, realm_id = ctx[0], ctx[1].realm_id
    credits = Credits()

    def customer_of(n: int) -> str:
        return customer_ids[n % len(customer_ids)]

    note_taxes = _credit_notes(ctx, credits, invoices, links, customer_of, counts)
    receipt_taxes = _receipts(ctx, credits, contacts, customer_ids, counts["receipts"])
    CreditNote.objects.bulk_create(credits.notes, batch_size=1000)
    CreditApplication.objects.bulk_create(credits.applications, batch_size=1000)
    Invoice.objects.bulk_create(credits.receipts, batch_size=1000)
    Invoice.objects.bulk_update(
        [a.invoice for a in credits.applications], ["amount_credited", "balance"], 1000
    )
    CreditNoteTax.objects.bulk_create(
        CreditNoteTax(
            credit_note=note, name=f"{rate} %", rate=rate, taxable_amount=base, amount=amount
        )
        for note, rows in zip(credits.notes, note_taxes, strict=True)
        for rate, base, amount in rows
    )
    InvoiceTax.objects.bulk_create(
        InvoiceTax(invoice=receipt, name=f"{rate} %", rate=rate, taxable_amount=base, amount=amount)
        for receipt, rows in zip(credits.receipts, receipt_taxes, strict=True)
        for rate, base, amount in rows
    )
    scope = {"business": business, "realm_id": realm_id}
    CreditNoteLink.objects.bulk_create(
        CreditNoteLink(**scope, credit_note=note, qbo_id=qbo_id)
        for note, qbo_id in zip(credits.notes, credits.note_ids, strict=True)
    )
    CreditApplicationLink.objects.bulk_create(
        CreditApplicationLink(**scope, application=application, qbo_id=qbo_id)
        for application, qbo_id in zip(credits.applications, credits.application_ids, strict=True)
    )
    SalesReceiptLink.objects.bulk_create(
        SalesReceiptLink(**scope, receipt=receipt, qbo_id=qbo_id)
        for receipt, qbo_id in zip(credits.receipts, credits.receipt_ids, strict=True)
    )
    return credits


def inject_credits(company, credits: Credits) -> set:
    """2 credit memos deleted (open ones), 2 sales receipts voided, 1 credit removed from its
    invoice; returns what a correct check finds: (kind, entity, Plannit id)."""
    expected = set()
    for k in (1, 2):
        n = len(credits.notes) - k
        company.delete("CreditMemo", credits.note_ids[n])
        expected.add(("missing", "CreditMemo", credits.notes[n].pk))
        n = len(credits.receipts) // 3 * k
        company.void("SalesReceipt", credits.receipt_ids[n])
        expected.add(("voided_qbo", "SalesReceipt", credits.receipts[n].pk))
    company.delete("Payment", credits.application_ids[0])
    expected.add(("missing", "CreditApplication", credits.applications[0].pk))
    return expected


def credit_key(difference) -> tuple | None:
    """The found difference's key when it is about a credit or a sales receipt."""
    if difference.entity == "CreditApplication":
        return (difference.kind, difference.entity, difference.application_id)
    if difference.entity in ("CreditMemo", "RefundReceipt"):
        return (difference.kind, difference.entity, difference.credit_note_id)
    if difference.entity == "SalesReceipt":
        return (difference.kind, difference.entity, difference.invoice_id)
    return None
