"""Links: which QuickBooks object a Plannit object is (per business and QBO company).

A link is keyed by (business, realm_id): reconnecting to the same company keeps the links,
connecting another company starts clean (the old links stay, unused). Unique constraints make
a second link impossible, whatever the workers do: one Plannit object has at most one QBO
object per company, and one QBO object is linked to at most one Plannit object.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

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
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE,
                                related_name="qbo_links", verbose_name=_("contact"))
    display_name = models.CharField(_("QuickBooks display name"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("QuickBooks customer link")
        verbose_name_plural = _("QuickBooks customer links")
        constraints = [
            models.UniqueConstraint(fields=["business", "realm_id", "contact"],
                                    name="uniq_customer_link_contact"),
            models.UniqueConstraint(fields=["business", "realm_id", "qbo_id"],
                                    name="uniq_customer_link_qbo"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} ↔ Customer {self.qbo_id}"


class ItemLink(QboLink):
    """The article's "Linked QuickBooks item". Several Plannit items may point at the same QBO
    item (e.g. two local variants of one service), so only the Plannit side is unique."""

    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="qbo_links",
                             verbose_name=_("item"))
    qbo_name = models.CharField(_("QuickBooks item name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("QuickBooks item link")
        verbose_name_plural = _("QuickBooks item links")
        constraints = [
            models.UniqueConstraint(fields=["business", "realm_id", "item"],
                                    name="uniq_item_link_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} ↔ Item {self.qbo_id}"


class InvoiceLink(QboLink):
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.CASCADE,
                                related_name="qbo_links", verbose_name=_("invoice"))
    doc_number = models.CharField(_("QuickBooks number"), max_length=21, blank=True)
    qbo_total = models.DecimalField(_("QuickBooks total"), max_digits=14, decimal_places=2,
                                    null=True, blank=True)
    qbo_tax_total = models.DecimalField(_("QuickBooks tax"), max_digits=14, decimal_places=2,
                                        null=True, blank=True)

    class Meta:
        verbose_name = _("QuickBooks invoice link")
        verbose_name_plural = _("QuickBooks invoice links")
        constraints = [
            models.UniqueConstraint(fields=["business", "realm_id", "invoice"],
                                    name="uniq_invoice_link_invoice"),
            models.UniqueConstraint(fields=["business", "realm_id", "qbo_id"],
                                    name="uniq_invoice_link_qbo"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} ↔ Invoice {self.qbo_id}"


class PaymentLink(QboLink):
    payment = models.ForeignKey("invoicing.Payment", on_delete=models.CASCADE,
                                related_name="qbo_links", verbose_name=_("payment"))

    class Meta:
        verbose_name = _("QuickBooks payment link")
        verbose_name_plural = _("QuickBooks payment links")
        constraints = [
            models.UniqueConstraint(fields=["business", "realm_id", "payment"],
                                    name="uniq_payment_link_payment"),
            models.UniqueConstraint(fields=["business", "realm_id", "qbo_id"],
                                    name="uniq_payment_link_qbo"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} ↔ Payment {self.qbo_id}"
