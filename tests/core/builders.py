"""Objects of one business for each route that takes an id: used to prove that another
business's ids answer 404 and change nothing, and to send garbage to every form."""

import datetime
from decimal import Decimal

from catalog.models import Category, Item
from contacts.models import Contact, Tag
from invoicing import services as invoicing_services
from invoicing.models import Invoice, Payment, TaxComponent, TaxGroup


def contact(business) -> Contact:
    return Contact.objects.create(
        business=business, display_name="Client témoin", email="temoin@example.com"
    )


def tag(business) -> Tag:
    return Tag.objects.create(business=business, name="Étiquette témoin")


def category(business) -> Category:
    return Category.objects.create(business=business, name="Catégorie témoin")


def tax_group(business) -> TaxGroup:
    group = TaxGroup.objects.create(business=business, name="TPS + TVQ témoin")
    TaxComponent.objects.create(tax_group=group, name="TPS", rate=Decimal("5"), position=0)
    TaxComponent.objects.create(tax_group=group, name="TVQ", rate=Decimal("9.975"), position=1)
    return group


def item(business) -> Item:
    return Item.objects.create(
        business=business, name="Service témoin", unit_price=Decimal("50.00")
    )


def draft_invoice(business) -> Invoice:
    group = TaxGroup.objects.filter(business=business).first() or tax_group(business)
    return invoicing_services.invoice_create(
        business=business,
        contact=contact(business),
        issue_date=datetime.date(2026, 11, 2),
        terms="net_30",
        lines=[
            invoicing_services.LineInput(
                description="Tonte",
                quantity=Decimal("2"),
                unit_price=Decimal("45.00"),
                is_taxable=True,
                tax_group=group,
            )
        ],
    )


def issued_invoice(business) -> Invoice:
    return invoicing_services.invoice_issue(invoice=draft_invoice(business))


def payment(business) -> Payment:
    invoice = issued_invoice(business)
    return invoicing_services.payment_record(
        invoice=invoice, amount=Decimal("10.00"), date=datetime.date(2026, 11, 3)
    )


def credit_note(business):
    """An open credit of 5.00 (not applied) on an issued invoice."""
    return invoicing_services.credit_note_create(
        invoice=issued_invoice(business),
        date=datetime.date(2026, 11, 3),
        amount=invoicing_services.CreditAmountInput(amount=Decimal("5.00"), tax_group=None),
        apply_to_invoice=False,
    )


def credit_application(business):
    note = invoicing_services.credit_note_create(
        invoice=issued_invoice(business), date=datetime.date(2026, 11, 3), full=True
    )
    return note.applications.get()


def pending_switch(business):
    from datetime import timedelta

    from django.utils import timezone

    from accounting.models import OAuthStateStatus, QboAuthorizationState
    from businesses.models import Membership

    owner = Membership.objects.filter(business=business).first().user
    return QboAuthorizationState.objects.create(
        business=business,
        user=owner,
        state_hash=f"h{business.pk}",
        session_key_hash="s",
        status=OAuthStateStatus.AWAITING_CONFIRMATION,
        expires_at=timezone.now() + timedelta(minutes=10),
        pending_realm_id="9130357766900457",
        pending_company_name="Sandbox Company US",
    )


def import_run(business):
    from accounting.imports.models import ImportRun

    return ImportRun.objects.create(
        business=business, kind="contacts", status="succeeded", realm_id="9130357766900456"
    )


def contact_review(business):
    from accounting.imports.models import ContactReview

    return ContactReview.objects.create(
        business=business,
        realm_id="9130357766900456",
        qbo_id="1",
        display_name="Client QBO",
        values={"display_name": "Client QBO"},
        candidate_ids=[contact(business).pk],
        reason="Several existing contacts look like this customer.",
    )


def failed_sync_job(business):
    from accounting.sync.models import SyncJob

    return SyncJob.objects.create(
        business=business,
        realm_id="9130357766900456",
        kind="invoice",
        operation="create",
        object_id=issued_invoice(business).pk,
        status="failed",
        last_error_key="no_default_item",
    )


def open_decision(business):
    from accounting.inbound.models import Decision

    invoice = issued_invoice(business)
    return Decision.objects.create(
        business=business,
        realm_id="9130357766900456",
        kind="invoice_voided",
        qbo_id="130",
        invoice=invoice,
        params={"invoice": invoice.number, "date": "2026-11-30T10:00:00-05:00"},
    )


def relink_decision(business):
    from accounting.inbound.models import Decision
    from tests.factories.contacts import ContactFactory

    contact = ContactFactory(business=business, display_name="Gabrielle Lavoie")
    return Decision.objects.create(
        business=business,
        realm_id="9130357766900456",
        kind="relink_customer",
        qbo_id="58",
        contact=contact,
        params={"name": "Gabrielle Lavoie", "reason": "inactive"},
    )


def staff_membership(business):
    from businesses.models import Membership, User

    user = User.objects.create_user(email=f"equipe{business.pk}@example.com", password="x")
    return Membership.objects.create(business=business, user=user, role="staff")


def invitation(business):
    from businesses.models import Invitation

    return Invitation.objects.create(
        business=business, email=f"invite{business.pk}@example.com", role="staff"
    )


def _pk(factory):
    def build(business):
        obj = factory(business)
        return {"pk": obj.pk}, [obj]

    return build


def _invoice_and_payment(business):
    obj = payment(business)
    return {"pk": obj.invoice_id, "payment_pk": obj.pk}, [obj, obj.invoice]


def reconcile_difference(business):
    from accounting.reconcile.models import Difference, ReconcileRun

    invoice = issued_invoice(business)
    run = ReconcileRun.objects.create(
        business=business, realm_id="9130357766900456", trigger="owner", status="done"
    )
    return Difference.objects.create(
        business=business,
        run=run,
        kind="missing",
        entity="Invoice",
        invoice=invoice,
        qbo_id="130",
        repair="send_again",
        params={"number": invoice.number},
    )


def reconcile_duplicate(business):
    """A duplicate with its 'void the duplicate' repair: ours (linked) and the other, read."""
    from accounting.reconcile.models import Difference, SnapshotDoc

    run = reconcile_difference(business).run
    invoice = run.differences.get().invoice
    for qbo_id in ("130", "131"):
        SnapshotDoc.objects.create(
            business=business,
            realm_id=run.realm_id,
            entity="Invoice",
            qbo_id=qbo_id,
            doc_number=invoice.number,
            total=invoice.total,
            balance=invoice.total,
        )
    return Difference.objects.create(
        business=business,
        run=run,
        kind="duplicate",
        entity="Invoice",
        invoice=invoice,
        qbo_id="130",
        repair="void_duplicate",
        params={"number": invoice.number, "count": 2, "others": ["131"]},
    )


def reconcile_run(business):
    return reconcile_difference(business).run


def _decision_and_action(business):
    obj = open_decision(business)
    return {"pk": obj.pk, "action": "void_in_plannit"}, [obj, obj.invoice]


def _invoice_and_credit(business):
    note = credit_note(business)
    return {"pk": note.invoice_id, "credit_pk": note.pk}, [note, note.invoice]


def _invoice_and_application(business):
    obj = credit_application(business)
    return {"pk": obj.invoice_id, "application_pk": obj.pk}, [obj, obj.invoice, obj.credit_note]


ROUTE_BUILDERS = {
    "businesses:membership_role": _pk(staff_membership),
    "businesses:membership_remove": _pk(staff_membership),
    "businesses:invitation_revoke": _pk(invitation),
    "contacts:contact_detail": _pk(contact),
    "contacts:contact_update": _pk(contact),
    "contacts:contact_tags": _pk(contact),
    "contacts:contact_archive": _pk(contact),
    "contacts:contact_restore": _pk(contact),
    "contacts:tag_update": _pk(tag),
    "contacts:tag_delete": _pk(tag),
    "catalog:item_update": _pk(item),
    "catalog:item_archive": _pk(item),
    "catalog:item_restore": _pk(item),
    "catalog:category_update": _pk(category),
    "catalog:category_delete": _pk(category),
    "invoicing:taxgroup_update": _pk(tax_group),
    "invoicing:taxgroup_set_default": _pk(tax_group),
    "invoicing:taxgroup_archive": _pk(tax_group),
    "invoicing:taxgroup_restore": _pk(tax_group),
    "invoicing:taxgroup_delete": _pk(tax_group),
    "invoicing:invoice_detail": _pk(issued_invoice),
    "invoicing:invoice_update": _pk(issued_invoice),
    "invoicing:invoice_issue": _pk(draft_invoice),
    "invoicing:invoice_void": _pk(issued_invoice),
    "invoicing:invoice_delete": _pk(draft_invoice),
    "invoicing:invoice_print": _pk(issued_invoice),
    "invoicing:invoice_pdf": _pk(issued_invoice),
    "invoicing:invoice_send": _pk(issued_invoice),
    "invoicing:payment_create": _pk(issued_invoice),
    "invoicing:payment_void": _invoice_and_payment,
    "invoicing:credit_note_create": _pk(issued_invoice),
    "invoicing:refund_create": _invoice_and_payment,
    "invoicing:credit_apply": _invoice_and_credit,
    "invoicing:credit_application_void": _invoice_and_application,
    "invoicing:credit_note_detail": _pk(credit_note),
    "invoicing:credit_note_print": _pk(credit_note),
    "invoicing:credit_note_pdf": _pk(credit_note),
    "invoicing:credit_note_void": _pk(credit_note),
    "accounting:confirm_switch": _pk(pending_switch),
    "accounting_imports:run_detail": _pk(import_run),
    "accounting_imports:run_progress": _pk(import_run),
    "accounting_imports:review_decide": _pk(contact_review),
    "accounting_imports:item_link_set": _pk(item),
    "accounting_sync:job_retry": _pk(failed_sync_job),
    "accounting_sync:job_dismiss": _pk(failed_sync_job),
    "accounting_inbound_owner:decision_answer": _decision_and_action,
    "accounting_inbound_owner:decision_relink": _pk(relink_decision),
    "accounting_reconcile:run_detail": _pk(reconcile_run),
    "accounting_reconcile:export_csv": _pk(reconcile_run),
    "accounting_reconcile:repair": _pk(reconcile_difference),
    "accounting_reconcile:void_duplicate": _pk(reconcile_duplicate),
}
