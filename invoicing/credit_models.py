"""Credit notes (notes de crédit), their application to invoices, and their numbering.

A credit note is issued on an invoice: some of its lines or quantities, or an amount, with the
taxes reversed by totals.py (the invoices' own rule). Its total is applied to its invoice's
balance, or kept as an open credit of the contact that a later invoice of the same contact can
use (CreditApplication)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from businesses.models import BusinessOwned

ZERO = Decimal("0.00")


class DocumentKind(models.TextChoices):
    CREDIT_NOTE = "credit_note", _("Credit note")
    SALES_RECEIPT = "sales_receipt", _("Sales receipt")


DEFAULT_PREFIXES_BY_KIND = {DocumentKind.CREDIT_NOTE: "NC-", DocumentKind.SALES_RECEIPT: "RV-"}


class DocumentSequence(BusinessOwned):
    """The numbering of one kind of document other than invoices (credit notes, sales
    receipts): locked while a number is taken, like the invoices' sequence."""

    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    prefix = models.CharField(_("prefix"), max_length=10, blank=True, default="")
    next_number = models.PositiveIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("document numbering")
        verbose_name_plural = _("document numbering")
        constraints = [
            models.UniqueConstraint(fields=["business", "kind"], name="uniq_document_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.prefix}{self.next_number}"


class CreditNoteStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("credit note status", "Issued")
    VOID = "void", pgettext_lazy("credit note status", "Void")


class CreditNote(BusinessOwned):
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("invoice"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("contact"),
    )
    number = models.CharField(_("number"), max_length=21)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CreditNoteStatus.choices,
        default=CreditNoteStatus.ISSUED,
    )
    date = models.DateField(_("date"))
    reason = models.TextField(_("reason for the credit"), blank=True)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2, default=ZERO)
    # The invoice's discount carried over to the lines credited (a percentage), or the whole
    # discount of an amount on a full credit.
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    discount = models.DecimalField(
        _("discount amount"), max_digits=14, decimal_places=2, default=ZERO
    )
    tax_total = models.DecimalField(_("taxes"), max_digits=14, decimal_places=2, default=ZERO)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=ZERO)
    amount_applied = models.DecimalField(
        _("amount applied"), max_digits=14, decimal_places=2, default=ZERO
    )
    # What is left to use: total − applied (0 once void).
    balance = models.DecimalField(_("credit left"), max_digits=14, decimal_places=2, default=ZERO)
    # A refund: the credit paid back in money out of this payment (QBO: a RefundReceipt
    # instead of a CreditMemo), never applied to an invoice.
    refund_payment = models.ForeignKey(
        "invoicing.Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("refunded from payment"),
    )
    refund_method = models.CharField(_("refund method"), max_length=20, blank=True)
    refund_reference = models.CharField(_("refund reference"), max_length=21, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "number"], name="uniq_credit_note_number_per_business"
            ),
        ]
        indexes = [
            models.Index(fields=["business", "contact", "status"], name="credit_note_biz_contact"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_void(self) -> bool:
        return self.status == CreditNoteStatus.VOID

    @property
    def is_open(self) -> bool:
        return not self.is_void and self.balance > 0

    @property
    def is_refund(self) -> bool:
        return self.refund_payment_id is not None

    def get_refund_method_display(self) -> str:
        from .models import PaymentMethod

        return dict(PaymentMethod.choices).get(self.refund_method, self.refund_method)


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(
        CreditNote, on_delete=models.CASCADE, related_name="lines", verbose_name=_("credit note")
    )
    # The invoice line credited; empty for a credit of an amount.
    invoice_line = models.ForeignKey(
        "invoicing.InvoiceLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_lines",
        verbose_name=_("invoice line"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    item = models.ForeignKey(
        "catalog.Item",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("invoice line", "item"),
    )
    description = models.CharField(_("description"), max_length=1000, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, default=Decimal("1")
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=4, default=Decimal("0")
    )
    is_taxable = models.BooleanField(_("taxable"), default=True)
    tax_group = models.ForeignKey(
        "invoicing.TaxGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tax group"),
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=ZERO)
    # The invoice line's own discount, carried over (see services/credits.py).
    discount_kind = models.CharField(_("discount"), max_length=10, blank=True, default="")
    discount_value = models.DecimalField(
        _("discount (% or amount)"), max_digits=14, decimal_places=2, default=ZERO
    )
    discount = models.DecimalField(
        _("discount amount"), max_digits=14, decimal_places=2, default=ZERO
    )

    class Meta:
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def net_amount(self) -> Decimal:
        return self.amount - self.discount

    @property
    def discount_spec(self):
        from .totals import DiscountSpec

        if self.discount_kind == "percent":
            return DiscountSpec(percent=self.discount_value)
        if self.discount_kind == "amount":
            return DiscountSpec(amount=self.discount_value)
        return None


class CreditNoteTax(models.Model):
    credit_note = models.ForeignKey(
        CreditNote, on_delete=models.CASCADE, related_name="taxes", verbose_name=_("credit note")
    )
    tax_group = models.ForeignKey(
        "invoicing.TaxGroup",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tax group"),
    )
    name = models.CharField(_("name"), max_length=50)
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=3)
    taxable_amount = models.DecimalField(_("taxable amount"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("credit note tax")
        verbose_name_plural = _("credit note taxes")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.rate} %"


class CreditApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    VOID = "void", pgettext_lazy("credit application status", "Void")


class CreditApplication(BusinessOwned):
    """Some of a credit note used against an invoice of the same contact (its own invoice, or
    a later one). In QuickBooks: a Payment of 0 linking the CreditMemo and the Invoice."""

    credit_note = models.ForeignKey(
        CreditNote,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("credit note"),
    )
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.PROTECT,
        related_name="credit_applications",
        verbose_name=_("invoice"),
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CreditApplicationStatus.choices,
        default=CreditApplicationStatus.APPLIED,
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit applied")
        verbose_name_plural = _("credits applied")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.credit_note} → {self.invoice}: {self.amount}"

    @property
    def is_void(self) -> bool:
        return self.status == CreditApplicationStatus.VOID
