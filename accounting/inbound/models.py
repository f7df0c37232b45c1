"""What comes back from QuickBooks: every webhook delivery as received (raw body), each event
once (unique key), each company's CDC checkpoint, the QuickBooks payments brought back (one
row per invoice a payment pays), and what needs the owner's decision."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from businesses.models import BusinessOwned


class WebhookDelivery(models.Model):
    """One signed POST from Intuit, kept as received (dj-stripe's rule: store it raw)."""

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    payload_format = models.CharField(_("format"), max_length=12)
    body = models.TextField(_("raw body"))
    event_count = models.PositiveIntegerField(_("events"), default=0)
    new_event_count = models.PositiveIntegerField(_("new events"), default=0)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} ({self.event_count})"


class EventSource(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    CDC = "cdc", _("Catch-up (CDC)")


class EventStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Being applied")
    APPLIED = "applied", _("Applied")
    UNCHANGED = "unchanged", _("Nothing to change")
    ECHO = "echo", _("Ignored (our own change)")
    IGNORED = "ignored", pgettext_lazy("inbound event", "Ignored")
    ATTENTION = "attention", _("Needs attention")
    WAITING = "waiting", _("Waiting for the connection")
    DROPPED = "dropped", _("Dropped (unknown company)")
    EXPIRED = "expired", _("Expired (company disconnected)")


# Still to be applied by a worker.
PENDING_STATUSES = (EventStatus.RECEIVED, EventStatus.PROCESSING, EventStatus.WAITING)


class InboundEvent(models.Model):
    """One change announced by QuickBooks (a webhook event or a CDC entry). Not business-owned
    when received: the realm says whose it is, resolved by the worker."""

    key = models.CharField(_("event key"), max_length=200, unique=True)
    source = models.CharField(_("source"), max_length=10, choices=EventSource.choices)
    delivery = models.ForeignKey(
        WebhookDelivery,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("delivery"),
    )
    business = models.ForeignKey(
        "businesses.Business",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("business"),
    )
    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    entity = models.CharField(_("object"), max_length=30)
    entity_id = models.CharField(_("QuickBooks id"), max_length=32)
    operation = models.CharField(_("operation"), max_length=20)
    deleted_id = models.CharField(_("merged away (deletedId)"), max_length=32, blank=True)
    occurred_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    payload = models.JSONField(_("event"), default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.RECEIVED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    result_key = models.CharField(_("result"), max_length=40, blank=True)
    result_params = models.JSONField(_("result details"), default=dict, blank=True)
    last_error = models.TextField(_("technical detail"), blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("QuickBooks event")
        verbose_name_plural = _("QuickBooks events")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "received_at"], name="inbound_event_status"),
            models.Index(fields=["business", "-received_at"], name="inbound_event_business"),
            models.Index(fields=["realm_id", "entity", "entity_id"], name="inbound_event_object"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.entity_id} {self.operation} ({self.status})"


class CdcCheckpoint(BusinessOwned):
    """Where a company's catch-up pass starts next time: moved only after what it read was
    applied."""

    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    changed_since = models.DateTimeField(_("changes read up to"))
    next_run_at = models.DateTimeField(_("next pass at"), default=timezone.now)
    last_run_at = models.DateTimeField(_("last pass at"), null=True, blank=True)
    last_change_count = models.PositiveIntegerField(_("changes in the last pass"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("QuickBooks catch-up checkpoint")
        verbose_name_plural = _("QuickBooks catch-up checkpoints")
        constraints = [
            models.UniqueConstraint(fields=["business", "realm_id"], name="uniq_cdc_checkpoint")
        ]

    def __str__(self) -> str:
        return f"{self.realm_id} since {self.changed_since:%Y-%m-%d %H:%M:%S}"


class InboundPaymentLine(BusinessOwned):
    """A QuickBooks payment's amount on one invoice, as the Plannit payment it became. The
    unique key is what makes a payment applied once, whatever arrives twice."""

    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    qbo_payment_id = models.CharField(_("QuickBooks payment id"), max_length=32)
    qbo_invoice_id = models.CharField(_("QuickBooks invoice id"), max_length=32)
    payment = models.OneToOneField(
        "invoicing.Payment",
        on_delete=models.CASCADE,
        related_name="quickbooks_line",
        verbose_name=_("payment"),
    )
    sync_token = models.CharField(_("SyncToken"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment from QuickBooks")
        verbose_name_plural = _("payments from QuickBooks")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "qbo_payment_id", "qbo_invoice_id"],
                name="uniq_inbound_payment_line",
            )
        ]

    def __str__(self) -> str:
        return f"Payment {self.qbo_payment_id} → Invoice {self.qbo_invoice_id}"


class DecisionKind(models.TextChoices):
    INVOICE_VOIDED = "invoice_voided", _("Invoice voided in QuickBooks")
    INVOICE_DELETED = "invoice_deleted", _("Invoice deleted in QuickBooks")
    INVOICE_AMOUNT = "invoice_amount", _("Invoice amount changed in QuickBooks")
    UNKNOWN_PAYMENT = "unknown_payment", _("Payment for an invoice Plannit does not know")
    PAYMENT_REFUSED = "payment_refused", _("Payment that could not be applied")
    RELINK_CUSTOMER = "relink_customer", _("Customer to relink")
    RELINK_ITEM = "relink_item", _("Item to relink")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("To decide")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class Decision(BusinessOwned):
    """Something QuickBooks changed that Plannit will not guess about: the owner decides, with
    one click, on the accounting page."""

    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices)
    qbo_id = models.CharField(_("QuickBooks id"), max_length=32)
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("invoice"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contact"),
    )
    item = models.ForeignKey(
        "catalog.Item",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("catalog", "item"),
    )
    params = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("QuickBooks decision")
        verbose_name_plural = _("QuickBooks decisions")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open question per object and kind: a second event updates it.
            models.UniqueConstraint(
                fields=["business", "realm_id", "kind", "qbo_id"],
                condition=models.Q(status="open"),
                name="uniq_open_decision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.qbo_id} ({self.status})"
