"""Links: which QuickBooks object a Plannit object is (per business and QBO company).

A link is keyed by (business, realm_id): reconnecting to the same company keeps the links,
connecting another company starts clean (the old links stay, unused). Unique constraints make
a second link impossible, whatever the workers do: one Plannit object has at most one QBO
object per company, and one QBO object is linked to at most one Plannit object.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from businesses.models import BusinessOwned


class QboLink(BusinessOwned):
    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    qbo_id = models.CharField(_("QuickBooks id"), max_length=32)
    sync_token = models.CharField(_("SyncToken"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CustomerLink(QboLink):
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.CASCADE,
        related_name="qbo_links",
        verbose_name=_("contact"),
    )
    display_name = models.CharField(_("QuickBooks display name"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("QuickBooks customer link")
        verbose_name_plural = _("QuickBooks customer links")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "contact"], name="uniq_customer_link_contact"
            ),
            models.UniqueConstraint(
                fields=["business", "realm_id", "qbo_id"], name="uniq_customer_link_qbo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} ↔ Customer {self.qbo_id}"


class ItemLink(QboLink):
    """The article's "Linked QuickBooks item". Several Plannit items may point at the same QBO
    item (e.g. two local variants of one service), so only the Plannit side is unique."""

    item = models.ForeignKey(
        "catalog.Item", on_delete=models.CASCADE, related_name="qbo_links", verbose_name=_("item")
    )
    qbo_name = models.CharField(_("QuickBooks item name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("QuickBooks item link")
        verbose_name_plural = _("QuickBooks item links")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "item"], name="uniq_item_link_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} ↔ Item {self.qbo_id}"


class InvoiceLink(QboLink):
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.CASCADE,
        related_name="qbo_links",
        verbose_name=_("invoice"),
    )
    doc_number = models.CharField(_("QuickBooks number"), max_length=21, blank=True)
    qbo_total = models.DecimalField(
        _("QuickBooks total"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    qbo_tax_total = models.DecimalField(
        _("QuickBooks tax"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Plannit's figures when QBO answered: any cent of difference is flagged to the owner.
    expected_total = models.DecimalField(
        _("Plannit total"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_tax_total = models.DecimalField(
        _("Plannit tax"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("QuickBooks invoice link")
        verbose_name_plural = _("QuickBooks invoice links")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "invoice"], name="uniq_invoice_link_invoice"
            ),
            models.UniqueConstraint(
                fields=["business", "realm_id", "qbo_id"], name="uniq_invoice_link_qbo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} ↔ Invoice {self.qbo_id}"

    @property
    def has_total_mismatch(self) -> bool:
        if self.qbo_total is None or self.expected_total is None:
            return False
        return self.qbo_total != self.expected_total or (self.qbo_tax_total or 0) != (
            self.expected_tax_total or 0
        )


class PaymentLink(QboLink):
    payment = models.ForeignKey(
        "invoicing.Payment",
        on_delete=models.CASCADE,
        related_name="qbo_links",
        verbose_name=_("payment"),
    )

    class Meta:
        verbose_name = _("QuickBooks payment link")
        verbose_name_plural = _("QuickBooks payment links")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "payment"], name="uniq_payment_link_payment"
            ),
            models.UniqueConstraint(
                fields=["business", "realm_id", "qbo_id"], name="uniq_payment_link_qbo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} ↔ Payment {self.qbo_id}"


class SyncKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    INVOICE = "invoice", _("Invoice")
    PAYMENT = "payment", _("Payment")
    CREDIT_NOTE = "credit", _("Credit note")
    CREDIT_APPLICATION = "creditapp", _("Credit applied")
    SALES_RECEIPT = "receipt", _("Sales receipt")
    # A QuickBooks invoice not from Plannit that repeats a number of ours (the books check's
    # "void the duplicate"): object_id is our invoice, qbo_id the one voided.
    DUPLICATE = "duplicate", _("Duplicate in QuickBooks")


class SyncOperation(models.TextChoices):
    CREATE = "create", pgettext_lazy("sync operation", "Create")
    UPDATE = "update", pgettext_lazy("sync operation", "Update")
    VOID = "void", pgettext_lazy("sync operation", "Void")


class SyncStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    WAITING = "waiting", _("Waiting")
    DONE = "done", _("Synced")
    FAILED = "failed", _("Error")
    DISMISSED = "dismissed", _("Dismissed")


# Jobs in these states still have work to do: a later job for the same object waits for them.
OPEN_STATUSES = (SyncStatus.PENDING, SyncStatus.RUNNING, SyncStatus.WAITING, SyncStatus.FAILED)
# Jobs in these states may be picked up by a worker (when due and not leased).
RUNNABLE_STATUSES = (SyncStatus.PENDING, SyncStatus.WAITING)


def new_request_id() -> str:
    return str(uuid.uuid4())


class SyncJob(BusinessOwned):
    """The outbox: one change to push to one QuickBooks company. Written in the same database
    transaction as the change itself (see handlers.py), so a change without its job, or a job
    without its change, cannot exist.

    `request_id` is generated once and sent as QBO's `requestid` on every attempt (qbo-api-
    reference §2.4). Messages for the owner are stored as a key plus parameters and translated
    when shown (messages.py), so each owner reads them in their own language."""

    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    kind = models.CharField(_("object"), max_length=10, choices=SyncKind.choices)
    operation = models.CharField(_("operation"), max_length=10, choices=SyncOperation.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    request_id = models.CharField(
        _("request id"), max_length=36, unique=True, default=new_request_id, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SyncStatus.choices, default=SyncStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Sent by "Send earlier invoices": the object may already be in QBO (typed there by hand),
    # so it is looked up (invoice by DocNumber) before being created.
    lookup_first = models.BooleanField(_("look up first"), default=False)
    # `attempts` when the owner last clicked Retry: the automatic retries count from there.
    retry_round = models.PositiveIntegerField(default=0, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    lease_owner = models.CharField(_("leased by"), max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    depends_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependents",
        verbose_name=_("waits for"),
    )
    qbo_id = models.CharField(_("QuickBooks id"), max_length=32, blank=True)
    qbo_number = models.CharField(_("QuickBooks number"), max_length=21, blank=True)
    last_error_code = models.CharField(_("last error code"), max_length=20, blank=True)
    last_error_key = models.CharField(_("last error"), max_length=40, blank=True)
    last_error_params = models.JSONField(_("last error details"), default=dict, blank=True)
    last_error_detail = models.TextField(_("technical detail"), blank=True)
    warning_key = models.CharField(_("warning"), max_length=40, blank=True)
    warning_params = models.JSONField(_("warning details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sync job")
        verbose_name_plural = _("sync jobs")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="syncjob_due"),
            models.Index(fields=["business", "kind", "object_id"], name="syncjob_object"),
            models.Index(fields=["realm_id", "status"], name="syncjob_realm_status"),
            # A company's due jobs, oldest first (its backlog task's turns).
            models.Index(
                fields=["business", "status", "next_attempt_at"], name="syncjob_business_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.operation} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def can_retry(self) -> bool:
        return self.status in (SyncStatus.FAILED, SyncStatus.WAITING, SyncStatus.DISMISSED)

    @property
    def can_dismiss(self) -> bool:
        return self.status in (SyncStatus.FAILED, SyncStatus.WAITING, SyncStatus.PENDING)


class AttemptOutcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    RETRY = "retry", _("Will retry")
    THROTTLED = "throttled", _("Throttled (429)")
    AUTH = "auth", _("Token renewed")
    STALE = "stale", _("Stale SyncToken (5010)")
    FAILED = "failed", _("Failed")


class SyncAttempt(models.Model):
    """One remote call made for a job: what support needs to ask Intuit about it."""

    job = models.ForeignKey(
        SyncJob, on_delete=models.CASCADE, related_name="remote_attempts", verbose_name=_("job")
    )
    started_at = models.DateTimeField(_("time"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    method = models.CharField(_("method"), max_length=8)
    operation = models.CharField(_("call"), max_length=120)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    fault_code = models.CharField(_("fault code"), max_length=20, blank=True)
    intuit_tid = models.CharField(_("intuit_tid"), max_length=100, blank=True)
    request_id = models.CharField(_("request id"), max_length=50, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AttemptOutcome.choices)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("remote attempt")
        verbose_name_plural = _("remote attempts")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.method} {self.operation} → {self.http_status or '-'}"


class ApiUsage(models.Model):
    """Metered QuickBooks calls of one company in one calendar month (UTC).

    Since 2025 Intuit meters reads and queries of the Accounting API per app (its "CorePlus"
    calls; writes are not metered) and the entry tier stops reads at 500,000 a month
    (qbo-api-reference §15). One row per company and month, incremented at each read: it
    survives restarts and is what the accounting page and the admin show."""

    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    month = models.DateField(_("month"))
    reads = models.PositiveBigIntegerField(_("metered reads"), default=0)
    updated_at = models.DateTimeField(_("last read at"), auto_now=True)

    class Meta:
        verbose_name = _("QuickBooks API usage")
        verbose_name_plural = _("QuickBooks API usage")
        ordering = ["-month", "realm_id"]
        constraints = [
            models.UniqueConstraint(fields=["realm_id", "month"], name="uniq_api_usage_month"),
        ]

    def __str__(self) -> str:
        return f"{self.realm_id} {self.month:%Y-%m}: {self.reads}"


from .document_links import (  # noqa: E402,F401
    CreditApplicationLink,
    CreditNoteLink,
    SalesReceiptLink,
)
