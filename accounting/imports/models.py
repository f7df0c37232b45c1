"""Import runs (one per click on "Import"), the problems each run met, and the QuickBooks
customers waiting for the owner's decision (possible duplicates of existing contacts)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from businesses.models import BusinessOwned


class ImportKind(models.TextChoices):
    CONTACTS = "contacts", _("Contacts")
    ITEMS = "items", _("Products and services")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Stopped")


ACTIVE_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING)


class ImportRun(BusinessOwned):
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    include_inactive = models.BooleanField(_("inactive records included"), default=False)
    unit = models.CharField(_("unit of measure given to imported items"), max_length=30, blank=True)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    linked = models.PositiveIntegerField(_("linked"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    to_review = models.PositiveIntegerField(_("to review"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    error_message = models.TextField(_("why it stopped"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Moved forward after every page: a run whose worker died stops moving, and a new run may
    # then replace it (see services.runs.STALE_AFTER).
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "kind"],
                condition=models.Q(status__in=["queued", "running"]),
                name="uniq_active_import_per_kind",
            ),
        ]
        indexes = [
            models.Index(
                fields=["business", "kind", "-created_at"], name="importrun_biz_kind_created"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def unit_label(self) -> str:
        from catalog.models import UnitOfMeasure

        try:
            return str(UnitOfMeasure(self.unit).label)
        except ValueError:
            return self.unit

    @property
    def percent(self) -> int:
        if self.total <= 0:
            return 100 if self.status == ImportStatus.SUCCEEDED else 0
        return min(100, (self.done * 100) // self.total)


class ImportProblem(BusinessOwned):
    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="problems", verbose_name=_("import run")
    )
    qbo_id = models.CharField(_("QuickBooks id"), max_length=32, blank=True)
    name = models.CharField(_("name in QuickBooks"), max_length=500, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name or self.qbo_id}: {self.reason[:60]}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    LINKED = "linked", _("Linked to an existing contact")
    CREATED = "created", _("Created as a new contact")
    SKIPPED = "skipped", _("Skipped")


class ContactReview(BusinessOwned):
    """A QuickBooks customer that may be an existing contact, waiting for the owner's choice:
    link it to one of the candidates, create it, or skip it. The decision is kept, so a later
    run does not ask again."""

    run = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("import run"),
    )
    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    qbo_id = models.CharField(_("QuickBooks id"), max_length=32)
    display_name = models.CharField(_("QuickBooks display name"), max_length=500)
    # The customer as imported (the values of a contact), so "create" needs no QBO call.
    values = models.JSONField(_("QuickBooks values"), default=dict)
    sync_token = models.CharField(_("SyncToken"), max_length=16, blank=True)
    candidate_ids = models.JSONField(_("candidate contacts"), default=list)
    reason = models.CharField(_("why it needs a review"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen contact"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact to review")
        verbose_name_plural = _("contacts to review")
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "qbo_id"], name="uniq_contact_review_qbo"
            ),
        ]
        indexes = [models.Index(fields=["business", "status"], name="review_biz_status")]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_status_display()})"
