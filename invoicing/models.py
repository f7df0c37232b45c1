from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from businesses.models import BusinessOwned

ZERO = Decimal("0.00")


class TaxGroup(BusinessOwned):
    """A named set of taxes applied together, e.g. "TPS + TVQ" = TPS 5 % + TVQ 9.975 %."""

    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default for taxable lines"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tax group")
        verbose_name_plural = _("tax groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="uniq_taxgroup_name"),
            models.UniqueConstraint(
                fields=["business"],
                condition=models.Q(is_default=True),
                name="one_default_taxgroup_per_business",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def total_rate(self) -> Decimal:
        return sum((c.rate for c in self.components.all()), Decimal("0"))

    @property
    def is_exempt(self) -> bool:
        return self.total_rate == 0


class TaxComponent(models.Model):
    tax_group = models.ForeignKey(
        TaxGroup, on_delete=models.CASCADE, related_name="components", verbose_name=_("tax group")
    )
    name = models.CharField(_("name"), max_length=50)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("tax")
        verbose_name_plural = _("taxes")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.rate.normalize():f} %"


class PaymentTerms(models.TextChoices):
    ON_RECEIPT = "on_receipt", _("Due on receipt")
    NET_15 = "net_15", _("Net 15")
    NET_30 = "net_30", _("Net 30")
    NET_60 = "net_60", _("Net 60")


TERMS_DAYS = {
    PaymentTerms.ON_RECEIPT: 0,
    PaymentTerms.NET_15: 15,
    PaymentTerms.NET_30: 30,
    PaymentTerms.NET_60: 60,
}


class InvoiceSequence(BusinessOwned):
    """Per-business numbering (and the business's other invoice settings). Issuing locks this
    row, so numbers have no gap and no duplicate."""

    prefix = models.CharField(_("prefix"), max_length=10, blank=True, default="")
    next_number = models.PositiveIntegerField(_("next number"), default=1001)
    default_terms = models.CharField(
        _("default terms"), max_length=20, choices=PaymentTerms.choices, default=PaymentTerms.NET_30
    )

    class Meta:
        verbose_name = _("invoice numbering")
        verbose_name_plural = _("invoice numbering")
        constraints = [models.UniqueConstraint(fields=["business"], name="uniq_sequence")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.next_number}"


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    AMOUNT = "amount", _("Amount")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    VOID = "void", pgettext_lazy("invoice status", "Void")


class Invoice(BusinessOwned):
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("contact"),
    )
    number = models.CharField(_("number"), max_length=21, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    # Paid on the spot: an invoice and its payment at once, with its own numbering (QBO: a
    # SalesReceipt instead of an Invoice and a Payment).
    is_sales_receipt = models.BooleanField(_("sales receipt"), default=False)
    issue_date = models.DateField(_("issue date"))
    terms = models.CharField(
        _("terms"), max_length=20, choices=PaymentTerms.choices, default=PaymentTerms.NET_30
    )
    due_date = models.DateField(_("due date"))
    notes = models.TextField(_("notes"), blank=True)
    # The address the invoice was last e-mailed to (QuickBooks' BillEmail), else the contact's.
    bill_email = models.EmailField(_("billing email"), blank=True)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2, default=ZERO)
    # A discount on the whole invoice, before tax (QBO's discount line): a percentage or an
    # amount; `discount` is what it takes off the subtotal (totals.py, rule 6).
    discount_kind = models.CharField(
        _("discount"), max_length=10, choices=DiscountKind.choices, blank=True, default=""
    )
    discount_value = models.DecimalField(
        _("discount (% or amount)"), max_digits=14, decimal_places=2, default=ZERO
    )
    discount = models.DecimalField(
        _("discount amount"), max_digits=14, decimal_places=2, default=ZERO
    )
    tax_total = models.DecimalField(_("taxes"), max_digits=14, decimal_places=2, default=ZERO)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=ZERO)
    amount_paid = models.DecimalField(
        _("amount paid"), max_digits=14, decimal_places=2, default=ZERO
    )
    # Credit notes applied to it (credit_models.CreditApplication): balance = total − paid −
    # credited.
    amount_credited = models.DecimalField(
        _("amount credited"), max_digits=14, decimal_places=2, default=ZERO
    )
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, default=ZERO)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "number"],
                condition=~models.Q(number=""),
                name="uniq_invoice_number_per_business",
            ),
        ]
        indexes = [
            models.Index(fields=["business", "status", "-issue_date"], name="invoice_biz_status"),
            # The invoice list (newest first, a page at a time) reads this index in order and
            # stops after one page, instead of sorting 50,000 invoices.
            models.Index(fields=["business", "-issue_date", "-id"], name="invoice_biz_newest"),
            # The home page's overdue invoices and totals: only the open ones are indexed.
            models.Index(
                fields=["business", "due_date", "id"],
                condition=models.Q(status__in=["issued", "partially_paid"]),
                name="invoice_biz_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft #%(id)s") % {"id": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_void(self) -> bool:
        return self.status == InvoiceStatus.VOID

    @property
    def is_issued(self) -> bool:
        return self.status not in (InvoiceStatus.DRAFT,)

    @property
    def discount_spec(self):
        """The discount as totals.py reads it (None without a discount)."""
        from .totals import DiscountSpec

        if self.discount_kind == DiscountKind.PERCENT:
            return DiscountSpec(percent=self.discount_value)
        if self.discount_kind == DiscountKind.AMOUNT:
            return DiscountSpec(amount=self.discount_value)
        return None

    @property
    def amount_settled(self) -> Decimal:
        """What no longer needs paying: payments plus credits applied."""
        return self.amount_paid + self.amount_credited

    @property
    def billing_email(self) -> str:
        return self.bill_email or self.contact.email or ""


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
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
        TaxGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tax group"),
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=ZERO)
    # A discount on this line, before tax: sent to QBO as a negative line under it.
    discount_kind = models.CharField(
        _("discount"), max_length=10, choices=DiscountKind.choices, blank=True, default=""
    )
    discount_value = models.DecimalField(
        _("discount (% or amount)"), max_digits=14, decimal_places=2, default=ZERO
    )
    discount = models.DecimalField(
        _("discount amount"), max_digits=14, decimal_places=2, default=ZERO
    )

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description or (self.item.name if self.item_id else "")

    @property
    def net_amount(self) -> Decimal:
        return self.amount - self.discount


class InvoiceTax(models.Model):
    """One row per tax component on an invoice (e.g. TPS, TVQ), as computed by totals.py."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="taxes", verbose_name=_("invoice")
    )
    tax_group = models.ForeignKey(
        TaxGroup,
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
        verbose_name = _("invoice tax")
        verbose_name_plural = _("invoice taxes")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.rate} %"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    CREDIT_CARD = "credit_card", _("Credit card")
    DEBIT = "debit", _("Debit")
    E_TRANSFER = "e_transfer", _("E-transfer")
    OTHER = "other", _("Other")


class PaymentStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    VOID = "void", pgettext_lazy("payment status", "Void")


class PaymentSource(models.TextChoices):
    """Where a payment was first recorded: here, or in the accounting system (a cheque the
    bookkeeper entered in QuickBooks, brought back by the accounting app)."""

    PLANNIT = "plannit", _("Plannit")
    QUICKBOOKS = "quickbooks", _("QuickBooks")


class Payment(BusinessOwned):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("invoice")
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    date = models.DateField(_("date"))
    method = models.CharField(
        pgettext_lazy("payment", "method"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.E_TRANSFER,
    )
    reference = models.CharField(_("reference"), max_length=21, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.RECORDED
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    source = models.CharField(
        _("recorded in"),
        max_length=12,
        choices=PaymentSource.choices,
        default=PaymentSource.PLANNIT,
    )
    # The payment's id in the system it came from (empty for payments recorded here).
    source_reference = models.CharField(_("id at the source"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.amount} ({self.get_method_display()})"

    @property
    def is_void(self) -> bool:
        return self.status == PaymentStatus.VOID

    @property
    def is_from_quickbooks(self) -> bool:
        return self.source == PaymentSource.QUICKBOOKS


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Being sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not delivered")


class InvoiceDelivery(BusinessOwned):
    """One "Send" of an invoice by e-mail: to whom, what, in which language, and what the
    mail server said. Written by the request, delivered by the worker."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("invoice")
    )
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"), max_length=5000, blank=True)
    language = models.CharField(_("language"), max_length=5)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invoice e-mail")
        verbose_name_plural = _("invoice e-mails")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.invoice} → {', '.join(self.recipients)} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)


from .credit_models import (  # noqa: E402,F401 - the app's other models, in their own module
    DEFAULT_PREFIXES_BY_KIND,
    CreditApplication,
    CreditApplicationStatus,
    CreditNote,
    CreditNoteLine,
    CreditNoteStatus,
    CreditNoteTax,
    DocumentKind,
    DocumentSequence,
)
