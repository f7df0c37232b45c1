from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from businesses.models import BusinessOwned, Language


class Tag(BusinessOwned):
    name = models.CharField(_("name"), max_length=80)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "business", name="uniq_tag_name_per_business"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(BusinessOwned):
    display_name = models.CharField(_("display name"), max_length=200)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    company_name = models.CharField(_("company"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province or state"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=Language.choices,
        default=Language.FRENCH,
        help_text=_("The language of the invoices, PDFs and e-mails this contact receives."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts", verbose_name=_("tags"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["display_name", "id"]
        indexes = [
            models.Index(fields=["business", "display_name", "id"], name="contact_biz_name"),
            models.Index(fields=["business", "email"], name="contact_biz_email"),
            # The default list (active contacts by name, a page at a time) reads this index
            # in order and stops after one page.
            models.Index(
                fields=["business", "is_active", "display_name", "id"],
                name="contact_biz_active_name",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name
