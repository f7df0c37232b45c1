"""The entity types the emulator serves, by the lower-case name used in URLs."""

from .base import Ctx, delete, save, void
from .invoice import InvoiceKind
from .names import (
    AccountKind,
    CompanyInfoKind,
    CustomerKind,
    ItemKind,
    PaymentMethodKind,
    PreferencesKind,
    TaxCodeKind,
    TaxRateKind,
    TermKind,
)
from .payment import PaymentKind
from .receipts import CreditMemoKind, RefundReceiptKind, SalesReceiptKind

KINDS = {
    kind.name: kind
    for kind in (
        CompanyInfoKind(),
        PreferencesKind(),
        AccountKind(),
        TaxCodeKind(),
        TaxRateKind(),
        PaymentMethodKind(),
        TermKind(),
        CustomerKind(),
        ItemKind(),
        InvoiceKind(),
        PaymentKind(),
        CreditMemoKind(),
        SalesReceiptKind(),
        RefundReceiptKind(),
    )
}
BY_PATH = {name.lower(): kind for name, kind in KINDS.items()}

__all__ = ["KINDS", "BY_PATH", "Ctx", "save", "delete", "void"]
