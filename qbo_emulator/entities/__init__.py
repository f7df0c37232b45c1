"""The entity types the emulator serves, by the lower-case name used in URLs."""

from .attachable import AttachableKind
from .base import Ctx, delete, save, void
from .deposit import DepositKind
from .invoice import InvoiceKind
from .lists import ClassKind, DepartmentKind, TaxAgencyKind
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
from .receipts import CreditMemoKind, EstimateKind, RefundReceiptKind, SalesReceiptKind

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
        EstimateKind(),
        DepositKind(),
        ClassKind(),
        DepartmentKind(),
        TaxAgencyKind(),
        AttachableKind(),
    )
}
BY_PATH = {name.lower(): kind for name, kind in KINDS.items()}

__all__ = ["KINDS", "BY_PATH", "Ctx", "save", "delete", "void"]
