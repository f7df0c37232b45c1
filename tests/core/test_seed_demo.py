from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from businesses.models import Business, Membership
from catalog.models import Category, Item
from contacts.models import Contact
from invoicing.models import Invoice, Payment, TaxGroup

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_demo_business_once(capsys):
    # when
    call_command("seed_demo")
    call_command("seed_demo")
    # then
    business = Business.objects.get(name="Paysagement ABC")
    assert (business.province, business.currency, business.language) == ("QC", "CAD", "fr-ca")
    owner = Membership.objects.get(business=business)
    assert owner.role == "owner" and owner.user.email == "demo@plannit.local"
    assert owner.user.check_password("demo-plannit-2026")
    assert Contact.objects.filter(business=business).count() == 25
    assert Contact.objects.filter(business=business, tags__isnull=False).distinct().count() == 24
    assert Category.objects.filter(business=business).count() == 3
    assert Item.objects.filter(business=business).count() == 15
    groups = {
        group.name: [(c.name, c.rate) for c in group.components.all()]
        for group in TaxGroup.objects.filter(business=business)
    }
    assert groups == {
        "TPS + TVQ": [("TPS", Decimal("5.000")), ("TVQ", Decimal("9.975"))],
        "Exonéré": [],
    }
    assert TaxGroup.objects.get(business=business, is_default=True).name == "TPS + TVQ"
    statuses = Counter(Invoice.objects.filter(business=business).values_list("status", flat=True))
    assert statuses == {"draft": 2, "issued": 2, "partially_paid": 2, "paid": 2, "void": 2}
    assert Payment.objects.filter(business=business).count() == 4
    numbers = sorted(Invoice.objects.exclude(number="").values_list("number", flat=True))
    assert numbers == [str(n) for n in range(1001, 1009)]
    output = capsys.readouterr().out
    assert "demo@plannit.local / demo-plannit-2026" in output
    assert "The demo business is already there." in output


def test_reset_deletes_the_demo_business_and_seeds_it_again(capsys):
    import datetime
    from decimal import Decimal

    from invoicing import services

    call_command("seed_demo")
    first = Business.objects.get(name="Paysagement ABC")
    # with what an owner trying it adds: a credit note applied, a refund out of a payment, a
    # sales receipt
    paid = Payment.objects.filter(business=first).order_by("pk").first()
    services.credit_note_create(
        invoice=paid.invoice,
        date=datetime.date(2026, 12, 1),
        amount=services.CreditAmountInput(amount=Decimal("5.00"), tax_group=None),
        refund=services.RefundInput(payment=paid, method="cheque"),
    )
    open_invoice = Invoice.objects.filter(business=first, status="issued").first()
    services.credit_note_create(invoice=open_invoice, date=datetime.date(2026, 12, 1), full=True)
    services.sales_receipt_create(
        business=first,
        contact=open_invoice.contact,
        issue_date=datetime.date(2026, 12, 1),
        lines=[services.LineInput(description="Tonte", unit_price=Decimal("45.00"))],
    )
    # when
    call_command("seed_demo", reset=True)
    # then: a new business, the old one and all its documents gone
    business = Business.objects.get(name="Paysagement ABC")
    assert business.pk != first.pk
    assert Invoice.objects.filter(business_id=first.pk).count() == 0
    assert Contact.objects.filter(business_id=first.pk).count() == 0
    assert Invoice.objects.filter(business=business).count() == 10
    assert Payment.objects.filter(business=business).count() == 4
    assert Membership.objects.filter(user__email="demo@plannit.local").count() == 1


def test_the_banner_prints_the_port_make_run_serves(capsys, monkeypatch):
    monkeypatch.setenv("WEB_HOST", "127.0.0.1")
    monkeypatch.setenv("WEB_PORT", "8001")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Sign in at http://127.0.0.1:8001/  with  demo@plannit.local" in out
    assert "http://127.0.0.1:8001/admin/" in out
    assert ":8000" not in out
