"""The QuickBooks Online connection of a business, its mappings, and a cached copy of the
company's reference lists (tax codes, items, accounts).

Tokens are stored encrypted (see accounting/crypto.py) in fields whose names end in
`_encrypted`; nothing in this module ever renders them (no __str__, __repr__ or admin field).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from businesses.models import Business, BusinessOwned


class AccountingSystem(models.TextChoices):
    # Room for other systems later; only QuickBooks Online exists today.
    QUICKBOOKS_ONLINE = "qbo", _("QuickBooks Online")


class ConnectionStatus(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnect")
    DISCONNECTED = "disconnected", _("Disconnected")


class QboConnection(models.Model):
    """One per business. A disconnected row is kept so that a later reconnect to the same
    company keeps the mappings (and, later, the links to QBO objects)."""

    business = models.OneToOneField(
        Business,
        on_delete=models.CASCADE,
        related_name="qbo_connection",
        verbose_name=_("business"),
    )
    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    company_name = models.CharField(_("company name"), max_length=255, blank=True)
    company_country = models.CharField(_("company country"), max_length=3, blank=True)
    company_currency = models.CharField(_("company currency"), max_length=3, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.CONNECTED,
    )
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    access_token_expires_at = models.DateTimeField(
        _("access token expires at"), null=True, blank=True
    )
    refresh_token_expires_at = models.DateTimeField(
        _("refresh token expires at"), null=True, blank=True
    )
    # Intuit's absolute end of the refresh token (5 years, not renewed by refreshing): the
    # date by which the owner must reconnect (qbo-api-reference §15).
    refresh_token_hard_expires_at = models.DateTimeField(
        _("reconnection required by"), null=True, blank=True
    )
    connected_at = models.DateTimeField(_("connected since"), null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("connected by"),
    )
    last_refreshed_at = models.DateTimeField(_("last token renewal"), null=True, blank=True)
    last_successful_call_at = models.DateTimeField(_("last successful call"), null=True, blank=True)
    needs_reconnect_since = models.DateTimeField(_("needs reconnect since"), null=True, blank=True)
    refresh_token_warned_at = models.DateTimeField(
        _("refresh token expiry warned at"),
        null=True,
        blank=True,
        help_text=_("Set when the owner was warned that QuickBooks will soon ask to reconnect."),
    )
    lists_refreshed_at = models.DateTimeField(_("lists refreshed at"), null=True, blank=True)
    disconnected_at = models.DateTimeField(_("disconnected at"), null=True, blank=True)

    class Meta:
        verbose_name = _("QuickBooks connection")
        verbose_name_plural = _("QuickBooks connections")
        constraints = [
            # A QBO company feeds one business only; a disconnected row does not hold it.
            models.UniqueConstraint(
                fields=["realm_id"],
                condition=~models.Q(status="disconnected"),
                name="uniq_active_realm",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name or self.realm_id} ({self.get_status_display()})"

    def __repr__(self) -> str:
        return f"<QboConnection {self.pk} business={self.business_id} realm={self.realm_id} {self.status}>"

    @property
    def is_connected(self) -> bool:
        return self.status == ConnectionStatus.CONNECTED

    @property
    def needs_reconnect(self) -> bool:
        return self.status == ConnectionStatus.NEEDS_RECONNECT

    @property
    def is_us(self) -> bool:
        return self.company_country.upper() in ("US", "USA")

    @property
    def has_tokens(self) -> bool:
        return bool(self.refresh_token_encrypted)

    @property
    def reconnection_required_by(self) -> datetime | None:
        """When the owner must reconnect at the latest: Intuit's hard expiry when known (the
        rolling 100-day expiry is pushed back at every renewal), else the rolling one."""
        return self.refresh_token_hard_expires_at or self.refresh_token_expires_at

    def refresh_token_expires_within(self, *, days: int, now: datetime | None = None) -> bool:
        if self.refresh_token_expires_at is None:
            return False
        now = now or timezone.now()
        return self.refresh_token_expires_at <= now + timedelta(days=days)


class OAuthStateStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
    USED = "used", _("Used")


class QboAuthorizationState(models.Model):
    """The OAuth `state` of one Connect click: single use, bound to the browser session and
    the business, short lived. Only a hash of the state is stored. When the user picked a
    different company than the connected one, the exchanged tokens wait here (encrypted)
    until the owner confirms."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="+", verbose_name=_("business")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    state_hash = models.CharField(max_length=64, unique=True, editable=False)
    session_key_hash = models.CharField(max_length=64, editable=False)
    code_verifier_encrypted = models.TextField(blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=OAuthStateStatus.choices,
        default=OAuthStateStatus.PENDING,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # Pending switch to another company (see the docstring).
    pending_realm_id = models.CharField(max_length=32, blank=True)
    pending_company_name = models.CharField(max_length=255, blank=True)
    pending_company_country = models.CharField(max_length=3, blank=True)
    pending_company_currency = models.CharField(max_length=3, blank=True)
    pending_access_token_encrypted = models.TextField(blank=True, editable=False)
    pending_refresh_token_encrypted = models.TextField(blank=True, editable=False)
    pending_access_token_expires_at = models.DateTimeField(null=True, blank=True)
    pending_refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    pending_refresh_token_hard_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("QuickBooks authorization request")
        verbose_name_plural = _("QuickBooks authorization requests")
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.business_id} {self.status} {self.created_at:%Y-%m-%d %H:%M}"

    def __repr__(self) -> str:
        return f"<QboAuthorizationState {self.pk} business={self.business_id} {self.status}>"


class AccountingSettings(BusinessOwned):
    """The owner's choices among the connected company's lists (QBO ids plus the name seen
    when chosen, so the page can still say what was picked if the cache is refreshed)."""

    system = models.CharField(
        _("accounting system"),
        max_length=10,
        choices=AccountingSystem.choices,
        default=AccountingSystem.QUICKBOOKS_ONLINE,
    )
    taxable_tax_code_id = models.CharField(
        _("tax code for taxable lines"), max_length=32, blank=True
    )
    taxable_tax_code_name = models.CharField(max_length=255, blank=True)
    non_taxable_tax_code_id = models.CharField(
        _("tax code for non-taxable lines"), max_length=32, blank=True
    )
    non_taxable_tax_code_name = models.CharField(max_length=255, blank=True)
    transaction_tax_code_id = models.CharField(
        _("transaction tax code (US)"), max_length=32, blank=True
    )
    transaction_tax_code_name = models.CharField(max_length=255, blank=True)
    default_item_id = models.CharField(_("default item"), max_length=32, blank=True)
    default_item_name = models.CharField(max_length=255, blank=True)
    deposit_account_id = models.CharField(_("deposit account"), max_length=32, blank=True)
    deposit_account_name = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("accounting settings")
        verbose_name_plural = _("accounting settings")
        constraints = [
            models.UniqueConstraint(fields=["business"], name="uniq_accounting_settings"),
        ]

    def __str__(self) -> str:
        return str(_("Accounting settings of %(business)s") % {"business": self.business})

    def clear_mappings(self) -> None:
        for field in (
            "taxable_tax_code",
            "non_taxable_tax_code",
            "transaction_tax_code",
            "default_item",
            "deposit_account",
        ):
            setattr(self, f"{field}_id", "")
            setattr(self, f"{field}_name", "")


class TaxGroupMapping(BusinessOwned):
    """Optional: the QBO tax code for one Plannit tax group (else the taxable default)."""

    tax_group = models.OneToOneField(
        "invoicing.TaxGroup",
        on_delete=models.CASCADE,
        related_name="qbo_mapping",
        verbose_name=_("tax group"),
    )
    qbo_tax_code_id = models.CharField(_("QuickBooks tax code"), max_length=32)
    qbo_tax_code_name = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("tax group mapping")
        verbose_name_plural = _("tax group mappings")

    def __str__(self) -> str:
        return f"{self.tax_group} → {self.qbo_tax_code_name or self.qbo_tax_code_id}"


class QboReference(BusinessOwned):
    """A cached row of one of the company's lists, refreshed on connect and on demand."""

    realm_id = models.CharField(_("company id (realm)"), max_length=32)
    qbo_id = models.CharField(_("QuickBooks id"), max_length=32)
    name = models.CharField(_("name"), max_length=255)
    is_active = models.BooleanField(_("active"), default=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QboTaxCode(QboReference):
    description = models.CharField(_("description"), max_length=255, blank=True)
    is_taxable = models.BooleanField(_("taxable"), default=True)
    is_group = models.BooleanField(_("tax group"), default=False)

    class Meta(QboReference.Meta):
        verbose_name = _("QuickBooks tax code")
        verbose_name_plural = _("QuickBooks tax codes")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "qbo_id"], name="uniq_qbo_taxcode"
            )
        ]


class QboItemType(models.TextChoices):
    SERVICE = "Service", _("Service")
    NON_INVENTORY = "NonInventory", _("Non-inventory")
    INVENTORY = "Inventory", _("Inventory")
    CATEGORY = "Category", _("Category")
    GROUP = "Group", _("Group")


# Only these can stand in for an unlinked Plannit item (a category cannot be sold, and an
# inventory item would move stock).
DEFAULT_ITEM_TYPES = (QboItemType.SERVICE, QboItemType.NON_INVENTORY)


class QboItem(QboReference):
    fully_qualified_name = models.CharField(_("full name"), max_length=512, blank=True)
    item_type = models.CharField(_("type"), max_length=20)
    is_taxable = models.BooleanField(_("taxable"), default=False)

    class Meta(QboReference.Meta):
        verbose_name = _("QuickBooks item")
        verbose_name_plural = _("QuickBooks items")
        constraints = [
            models.UniqueConstraint(fields=["business", "realm_id", "qbo_id"], name="uniq_qbo_item")
        ]
        indexes = [models.Index(fields=["business", "realm_id", "name"])]


class QboAccount(QboReference):
    fully_qualified_name = models.CharField(_("full name"), max_length=512, blank=True)
    account_type = models.CharField(_("type"), max_length=40)
    account_subtype = models.CharField(_("subtype"), max_length=60, blank=True)

    class Meta(QboReference.Meta):
        verbose_name = _("QuickBooks account")
        verbose_name_plural = _("QuickBooks accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "qbo_id"], name="uniq_qbo_account"
            )
        ]

    @property
    def accepts_deposits(self) -> bool:
        # Payment.DepositToAccountRef takes a Bank account or Undeposited Funds
        # (qbo-api-reference §3.3).
        return self.account_type == "Bank" or self.account_subtype == "UndepositedFunds"


# --- Owner notifications ------------------------------------------------------------------


class NotificationCause(models.TextChoices):
    RECONNECT = "reconnect", _("QuickBooks Online needs reconnecting")
    SYNC_ERROR = "sync_error", _("A sync error needs you")
    HARD_EXPIRY_30 = "hard_expiry_30", _("Reconnection required within 30 days")
    HARD_EXPIRY_7 = "hard_expiry_7", _("Reconnection required within 7 days")


class OwnerNotification(BusinessOwned):
    """One cause told to one owner by e-mail on one day: at most one per cause per day (the
    unique constraint holds whatever the workers do). A digest writes one row per cause."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    cause = models.CharField(_("cause"), max_length=20, choices=NotificationCause.choices)
    day = models.DateField(_("day"))
    # What the cause was about (the hard expiry's date), so that a stage is told once per date.
    subject_key = models.CharField(_("about"), max_length=40, blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    is_digest = models.BooleanField(_("sent in a digest"), default=False)

    class Meta:
        verbose_name = _("owner notification")
        verbose_name_plural = _("owner notifications")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "user", "cause", "day"], name="uniq_notification_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cause} → {self.user_id} on {self.day}"


class NotificationPreference(BusinessOwned):
    """An owner's choice to receive (or not) the accounting e-mails of a business."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    email_enabled = models.BooleanField(_("e-mail me when QuickBooks needs me"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="uniq_notification_pref"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.business_id}: {self.email_enabled}"
