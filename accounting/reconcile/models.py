"""The books check: a run per company, what QuickBooks holds (a snapshot kept up to date from
one run to the next), and the differences found, each with its reason and, when the fix is
unambiguous, its one-click repair."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from businesses.models import BusinessOwned


class ReconcileState(BusinessOwned):
    """Per company: when the next nightly check is due, and up to when the snapshot holds
    QuickBooks' changes (None: the next run reads everything)."""

    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    changed_since = models.DateTimeField(_("QuickBooks read up to"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("next check at"), default=timezone.now)

    class Meta:
        verbose_name = _("books check state")
        verbose_name_plural = _("books check states")
        constraints = [
            models.UniqueConstraint(fields=["business", "realm_id"], name="uniq_reconcile_state")
        ]

    def __str__(self) -> str:
        return f"{self.realm_id} next {self.next_run_at:%Y-%m-%d %H:%M}"


class SnapshotDoc(BusinessOwned):
    """One QuickBooks document or customer as last read (deleted ones are removed)."""

    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    entity = models.CharField(_("object"), max_length=20)
    qbo_id = models.CharField(_("QuickBooks id"), max_length=32)
    is_voided = models.BooleanField(_("voided"), default=False)
    doc_number = models.CharField(_("number"), max_length=21, blank=True)
    customer_id = models.CharField(_("customer id"), max_length=32, blank=True)
    txn_date = models.DateField(_("date"), null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    tax = models.DecimalField(_("tax"), max_digits=14, decimal_places=2, default=0)
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, default=0)
    # A payment's [invoice id, "amount"] pairs.
    applied = models.JSONField(_("applied to"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # A payment's [credit memo id, invoice id, "amount"] per credit it applies.
    credits = models.JSONField(_("credits applied"), default=list, blank=True)
    # A document's [rate, "amount"] per tax component.
    tax_lines = models.JSONField(_("tax per component"), default=list, blank=True)
    # The run whose full read last saw it: rows a full read did not see were deleted there.
    seen_in_run = models.PositiveBigIntegerField(_("seen by check"), default=0)

    class Meta:
        verbose_name = _("QuickBooks document read")
        verbose_name_plural = _("QuickBooks documents read")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "entity", "qbo_id"], name="uniq_snapshot_doc"
            )
        ]
        indexes = [
            models.Index(fields=["business", "realm_id", "entity", "doc_number"], name="snap_num")
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.qbo_id}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    OWNER = "owner", _("On demand")
    NIGHTLY = "nightly", _("Nightly")


class RunMode(models.TextChoices):
    FULL = "full", _("Everything read")
    CHANGES = "changes", _("Changes read (CDC)")


class ReconcileRun(BusinessOwned):
    """One check. Reading is resumable: `stage` and `position` say where the next page starts
    (each page is stored with them, in one transaction)."""

    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    trigger = models.CharField(_("started"), max_length=10, choices=RunTrigger.choices)
    mode = models.CharField(_("reading"), max_length=10, choices=RunMode.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    position = models.PositiveIntegerField(_("next position"), default=1)
    read_started_at = models.DateTimeField(_("reading started at"), null=True, blank=True)
    reads = models.PositiveIntegerField(_("metered reads"), default=0)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    invoice_count = models.PositiveIntegerField(_("invoices checked"), default=0)
    payment_count = models.PositiveIntegerField(_("payments checked"), default=0)
    credit_note_count = models.PositiveIntegerField(_("credit notes checked"), default=0)
    sales_receipt_count = models.PositiveIntegerField(_("sales receipts checked"), default=0)
    receivables_plannit = models.DecimalField(
        _("receivables in Plannit"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    receivables_qbo = models.DecimalField(
        _("receivables in QuickBooks"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    difference_count = models.PositiveIntegerField(_("differences"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("books check")
        verbose_name_plural = _("books checks")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["business", "-started_at"], name="reconcile_run_recent")]

    def __str__(self) -> str:
        return f"{self.realm_id} {self.started_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def matches(self) -> bool:
        return self.status == RunStatus.DONE and self.difference_count == 0


class DifferenceKind(models.TextChoices):
    MISSING_IN_QBO = "missing", _("Missing in QuickBooks")
    VOIDED_IN_QBO = "voided_qbo", _("Voided in QuickBooks, not in Plannit")
    NOT_VOIDED_IN_QBO = "not_voided", _("Voided in Plannit, not in QuickBooks")
    CUSTOMER = "customer", _("Other customer")
    NUMBER = "number", _("Other number")
    DATE = "date", _("Other date")
    AMOUNT = "amount", _("Amount differs")
    TAX = "tax", _("Tax differs")
    BALANCE = "balance", _("Balance differs")
    OTHER_INVOICE = "other_invoice", _("Applied to another invoice")
    ONLY_IN_QBO = "only_qbo", _("Paid in QuickBooks, not in Plannit")
    DUPLICATE = "duplicate", _("Duplicate number in QuickBooks")
    CUSTOMER_BALANCE = "customer_balance", _("Customer balance differs")


class Repair(models.TextChoices):
    NONE = "", _("Check by hand")
    SEND_AGAIN = "send_again", _("Send again")
    SEND_PLANNIT = "send_plannit", _("Send Plannit's version")
    RECORD_PAYMENT = "record_payment", _("Record the payment in Plannit")
    VOID_DUPLICATE = "void_duplicate", _("Void the duplicate in QuickBooks")


class Difference(BusinessOwned):
    run = models.ForeignKey(
        ReconcileRun,
        on_delete=models.CASCADE,
        related_name="differences",
        verbose_name=_("books check"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DifferenceKind.choices)
    entity = models.CharField(_("object"), max_length=20)
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("invoice"),
    )
    payment = models.ForeignKey(
        "invoicing.Payment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("payment"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contact"),
    )
    credit_note = models.ForeignKey(
        "invoicing.CreditNote",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("credit note"),
    )
    application = models.ForeignKey(
        "invoicing.CreditApplication",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("credit applied"),
    )
    qbo_id = models.CharField(_("QuickBooks id"), max_length=32, blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)
    repair = models.CharField(_("repair"), max_length=20, choices=Repair.choices, blank=True)
    repair_job = models.ForeignKey(
        "accounting_sync.SyncJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("repair sync"),
    )
    repaired_at = models.DateTimeField(_("repaired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("books difference")
        verbose_name_plural = _("books differences")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.entity} {self.qbo_id}"
