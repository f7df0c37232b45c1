"""Tenancy: a Business is the tenant; every domain row belongs to exactly one."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import (
    format_registration_number,
    validate_gst_hst_number,
    validate_qst_number,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """Signs in with an email address; no separate user name."""

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email


class Province(models.TextChoices):
    QC = "QC", "Québec"
    ON = "ON", "Ontario"
    BC = "BC", _("British Columbia")
    AB = "AB", "Alberta"
    MB = "MB", "Manitoba"
    SK = "SK", "Saskatchewan"
    NS = "NS", _("Nova Scotia")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    PE = "PE", _("Prince Edward Island")
    YT = "YT", "Yukon"
    NT = "NT", _("Northwest Territories")
    NU = "NU", "Nunavut"


class Country(models.TextChoices):
    CA = "CA", _("Canada")
    US = "US", _("United States")


class Currency(models.TextChoices):
    CAD = "CAD", _("Canadian dollar")
    USD = "USD", _("US dollar")


class Language(models.TextChoices):
    FRENCH = "fr-ca", _("French")
    ENGLISH = "en", _("English")


class Business(models.Model):
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.CA
    )
    province = models.CharField(
        _("province or state"), max_length=2, blank=True, default=Province.QC
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CAD
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.FRENCH
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # What the business's invoices show (the printable page, the PDF and the e-mail).
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        blank=True,
        help_text=_("As registered; shown on invoices when it differs from the name."),
    )
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    gst_hst_number = models.CharField(
        _("GST/HST registration number"),
        max_length=20,
        blank=True,
        validators=[validate_gst_hst_number],
        help_text=_("9 digits followed by RT and 4 digits, e.g. 123456789 RT0001."),
    )
    qst_number = models.CharField(
        _("QST registration number"),
        max_length=20,
        blank=True,
        validators=[validate_qst_number],
        help_text=_("10 digits followed by TQ and 4 digits, e.g. 1234567890 TQ0001."),
    )
    invoice_footer = models.TextField(_("invoice footer"), max_length=1000, blank=True)
    payment_instructions = models.TextField(
        _("payment instructions"),
        max_length=1000,
        blank=True,
        help_text=_("How to pay you, e.g. the e-mail address for an Interac e-Transfer."),
    )

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def invoice_name(self) -> str:
        return self.legal_name or self.name

    @property
    def gst_hst_number_display(self) -> str:
        return format_registration_number(self.gst_hst_number)

    @property
    def qst_number_display(self) -> str:
        return format_registration_number(self.qst_number)


class BusinessLogo(models.Model):
    """The logo lives in the database (at most LOGO_MAX_BYTES), in a row of its own so that
    reading the business on every request does not read the image: the web server and the
    worker that renders PDFs find it in the same place, with no shared file volume to set up."""

    business = models.OneToOneField(
        Business,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="logo",
        verbose_name=_("business"),
    )
    data = models.BinaryField(_("image"))
    content_type = models.CharField(_("type"), max_length=20)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logos")

    def __str__(self) -> str:
        return f"{self.business} ({self.content_type}, {len(self.data)} B)"

    @property
    def data_uri(self) -> str:
        """The logo inlined in a page, a PDF or an e-mail (no URL to serve or to guess)."""
        import base64

        return f"data:{self.content_type};base64,{base64.b64encode(bytes(self.data)).decode()}"


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("business")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="uniq_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.business} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class Invitation(models.Model):
    """An owner's invitation to join the business, by e-mail. The link carries a random token
    that is stored only as its SHA-256; it works once, until expires_at."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("business")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.STAFF
    )
    token_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"], condition=~models.Q(token_hash=""), name="uniq_invite_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.business} ({self.role})"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class BusinessOwnedQuerySet(models.QuerySet):
    def for_business(self, business: Business) -> "BusinessOwnedQuerySet":
        return self.filter(business=business)


class BusinessOwned(models.Model):
    """Base for every domain row: it belongs to one business, and reads are scoped by it."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="+", verbose_name=_("business")
    )

    objects = BusinessOwnedQuerySet.as_manager()

    class Meta:
        abstract = True
