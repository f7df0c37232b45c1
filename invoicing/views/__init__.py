from .invoices import (
    invoice_create,
    invoice_delete,
    invoice_detail,
    invoice_issue,
    invoice_list,
    invoice_print,
    invoice_update,
    invoice_void,
    payment_create,
    payment_void,
)
from .taxes import (
    invoice_settings,
    taxgroup_archive,
    taxgroup_create,
    taxgroup_delete,
    taxgroup_list,
    taxgroup_presets,
    taxgroup_restore,
    taxgroup_set_default,
    taxgroup_update,
)

__all__ = [
    "invoice_create", "invoice_delete", "invoice_detail", "invoice_issue", "invoice_list",
    "invoice_print", "invoice_settings", "invoice_update", "invoice_void", "payment_create",
    "payment_void", "taxgroup_archive", "taxgroup_create", "taxgroup_delete", "taxgroup_list",
    "taxgroup_presets", "taxgroup_restore", "taxgroup_set_default", "taxgroup_update",
]
