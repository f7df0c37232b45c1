"""Links of credit notes (QBO CreditMemo, or RefundReceipt for a refund), of their
applications (a QBO Payment of 0 that links the CreditMemo and the Invoice) and of sales
receipts (QBO SalesReceipt). Same rules as the invoice and payment links."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import QboLink


class CreditNoteLink(QboLink):
    credit_note = models.ForeignKey(
        "invoicing.CreditNote",
        on_delete=models.CASCADE,
        related_name="qbo_links",
        verbose_name=_("credit note"),
    )
    doc_number = models.CharField(_("QuickBooks number"), max_length=21, blank=True)
    qbo_total = models.DecimalField(
        _("QuickBooks total"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    qbo_tax_total = models.DecimalField(
        _("QuickBooks tax"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_total = models.DecimalField(
        _("Plannit total"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_tax_total = models.DecimalField(
        _("Plannit tax"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Voiding a credit note deletes its CreditMemo (QuickBooks has no void for it).
    deleted_in_qbo = models.BooleanField(_("deleted in QuickBooks"), default=False)

    class Meta:
        verbose_name = _("QuickBooks credit memo link")
        verbose_name_plural = _("QuickBooks credit memo links")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "credit_note"], name="uniq_credit_link_note"
            ),
            models.UniqueConstraint(
                fields=["business", "realm_id", "qbo_id"], name="uniq_credit_link_qbo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credit_note_id} ↔ CreditMemo {self.qbo_id}"

    @property
    def has_total_mismatch(self) -> bool:
        if self.qbo_total is None or self.expected_total is None:
            return False
        return self.qbo_total != self.expected_total or (self.qbo_tax_total or 0) != (
            self.expected_tax_total or 0
        )


class CreditApplicationLink(QboLink):
    application = models.ForeignKey(
        "invoicing.CreditApplication",
        on_delete=models.CASCADE,
        related_name="qbo_links",
        verbose_name=_("credit applied"),
    )

    class Meta:
        verbose_name = _("QuickBooks credit application link")
        verbose_name_plural = _("QuickBooks credit application links")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "application"], name="uniq_creditapp_link"
            ),
            models.UniqueConstraint(
                fields=["business", "realm_id", "qbo_id"], name="uniq_creditapp_link_qbo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} ↔ Payment {self.qbo_id}"


class SalesReceiptLink(QboLink):
    receipt = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.CASCADE,
        related_name="qbo_receipt_links",
        verbose_name=_("sales receipt"),
    )
    doc_number = models.CharField(_("QuickBooks number"), max_length=21, blank=True)
    qbo_total = models.DecimalField(
        _("QuickBooks total"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    qbo_tax_total = models.DecimalField(
        _("QuickBooks tax"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_total = models.DecimalField(
        _("Plannit total"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_tax_total = models.DecimalField(
        _("Plannit tax"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("QuickBooks sales receipt link")
        verbose_name_plural = _("QuickBooks sales receipt links")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "realm_id", "receipt"], name="uniq_receipt_link"
            ),
            models.UniqueConstraint(
                fields=["business", "realm_id", "qbo_id"], name="uniq_receipt_link_qbo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id} ↔ SalesReceipt {self.qbo_id}"

    has_total_mismatch = CreditNoteLink.has_total_mismatch
