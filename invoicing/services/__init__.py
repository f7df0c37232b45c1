"""Every write of the invoicing app (HackSoft style: keyword-only, one transaction each)."""

from .credit_applications import credit_application_void, credit_apply, credit_note_void
from .credits import CreditAmountInput, CreditLineInput, RefundInput, credit_note_create
from .invoices import (
    LineInput,
    due_date_for,
    invoice_create,
    invoice_delete,
    invoice_issue,
    invoice_update,
    invoice_void,
    status_for_payments,
)
from .numbering import (
    invoice_number_take,
    invoice_sequence_ensure,
    invoice_settings_update,
    on_business_created,
)
from .payments import payment_amount_change, payment_record, payment_void
from .receipts import sales_receipt_create, sales_receipt_void
from .sequences import (
    document_number_take,
    document_sequence_ensure,
    document_sequence_update,
)
from .taxes import (
    ComponentInput,
    taxgroup_archive,
    taxgroup_create,
    taxgroup_create_presets,
    taxgroup_delete,
    taxgroup_presets_for,
    taxgroup_restore,
    taxgroup_set_default,
    taxgroup_update,
)

__all__ = [
    "ComponentInput",
    "CreditAmountInput",
    "CreditLineInput",
    "credit_application_void",
    "credit_apply",
    "credit_note_create",
    "credit_note_void",
    "document_number_take",
    "document_sequence_ensure",
    "document_sequence_update",
    "LineInput",
    "RefundInput",
    "due_date_for",
    "invoice_create",
    "invoice_delete",
    "invoice_issue",
    "invoice_number_take",
    "invoice_sequence_ensure",
    "invoice_settings_update",
    "invoice_update",
    "invoice_void",
    "on_business_created",
    "payment_amount_change",
    "payment_record",
    "payment_void",
    "sales_receipt_create",
    "sales_receipt_void",
    "status_for_payments",
    "taxgroup_archive",
    "taxgroup_create",
    "taxgroup_create_presets",
    "taxgroup_delete",
    "taxgroup_presets_for",
    "taxgroup_restore",
    "taxgroup_set_default",
    "taxgroup_update",
]
