"""A contact whose QuickBooks customer was made inactive (or deleted) there: the owner finds the
customer it is now by name and links it with one click; the next invoice goes to it."""

from accounting.inbound.models import Decision
from accounting.sync.models import CustomerLink, InvoiceLink
from tests.factories.businesses import BusinessFactory, MembershipFactory

from .conftest import apply_sent, deliver, issue_invoice, run_due, synced_invoice


def _relink_needed(qbo, client, inbound_sent):
    invoice, _qbo_id = synced_invoice(qbo)
    old = CustomerLink.objects.get().qbo_id
    qbo.emulator.deliver_webhooks(lambda url, body, headers: 200)
    qbo.company.make_inactive("Customer", old)
    deliver(qbo.emulator, client)
    apply_sent(inbound_sent)
    return invoice, Decision.objects.get(kind="relink_customer")


def test_the_owner_searches_then_links_and_the_next_invoice_uses_it(
    qbo, owner_client, inbound_sent
):
    invoice, decision = _relink_needed(qbo, owner_client, inbound_sent)
    survivor = qbo.company.save("Customer", {"DisplayName": "Gabrielle Lavoie (Sainte-Foy)"})
    qbo.company.save("Customer", {"DisplayName": "Lavoie Pavage"})
    url = f"/settings/accounting/inbound/decisions/{decision.pk}/relink/"
    # the accounting page offers the search
    settings_page = owner_client.get("/settings/accounting/").content.decode()
    assert f'href="{url}"' in settings_page
    # when the owner searches (one QuickBooks query) then chooses
    before = len(qbo.emulator.requests_log)
    page = owner_client.get(url, {"q": "lavoie"}).content.decode()
    assert len(qbo.emulator.requests_log) - before == 1
    assert "Gabrielle Lavoie (Sainte-Foy)" in page and "Lavoie Pavage" in page
    assert "Gabrielle Lavoie</label>" not in page  # the inactive one is not offered
    response = owner_client.post(url, {"qbo_id": survivor["Id"]})
    # then the contact is linked to it, the question answered, the next invoice goes there
    assert response["Location"] == "/settings/accounting/"
    link = CustomerLink.objects.get()
    assert (link.contact_id, link.qbo_id, link.display_name) == (
        invoice.contact_id,
        survivor["Id"],
        "Gabrielle Lavoie (Sainte-Foy)",
    )
    decision.refresh_from_db()
    assert (decision.status, decision.resolution) == ("resolved", "relinked")
    issue_invoice(qbo.business, contact=invoice.contact)
    assert run_due() == ["done"]
    newest = InvoiceLink.objects.order_by("-id").first()
    assert qbo.company.get("Invoice", newest.qbo_id)["CustomerRef"]["value"] == survivor["Id"]
    # and a second click changes nothing
    again = owner_client.post(url, {"qbo_id": survivor["Id"]}, follow=True).content.decode()
    assert "This question was already answered." in again
    assert CustomerLink.objects.count() == 1


def test_an_inactive_or_taken_or_unknown_customer_is_refused_and_nothing_changes(
    qbo, owner_client, inbound_sent
):
    invoice, decision = _relink_needed(qbo, owner_client, inbound_sent)
    url = f"/settings/accounting/inbound/decisions/{decision.pk}/relink/"
    old_id = decision.qbo_id
    other = issue_invoice(qbo.business).contact  # another contact, linked by its own push
    # (the new invoice's contact is a new one of the same name: give it its own name first)
    other.display_name = "Mathieu Roy"
    other.save()
    taken = qbo.company.save("Customer", {"DisplayName": "Mathieu Roy"})
    CustomerLink.objects.create(
        business=qbo.business, realm_id=qbo.connection.realm_id, contact=other, qbo_id=taken["Id"]
    )
    cases = [
        (old_id, "This QuickBooks customer is inactive: choose another one."),
        (taken["Id"], "This QuickBooks customer is already linked to Mathieu Roy."),
        ("99999", "This QuickBooks customer no longer exists."),
        ("x' or 1=1", "Choose a QuickBooks customer."),
    ]
    for qbo_id, message in cases:
        page = owner_client.post(url, {"qbo_id": qbo_id}, follow=True).content.decode()
        assert message in page, qbo_id
    assert not CustomerLink.objects.filter(contact=invoice.contact).exists()
    decision.refresh_from_db()
    assert decision.status == "open"


def test_another_business_or_staff_cannot_see_or_answer_it(qbo, client, owner_client, inbound_sent):
    _invoice, decision = _relink_needed(qbo, owner_client, inbound_sent)
    url = f"/settings/accounting/inbound/decisions/{decision.pk}/relink/"
    stranger = MembershipFactory(business=BusinessFactory(), role="owner").user
    client.force_login(stranger)
    calls = len(qbo.emulator.requests_log)
    assert client.get(url, {"q": "lavoie"}).status_code == 404
    assert client.post(url, {"qbo_id": "1"}).status_code == 404
    staff = MembershipFactory(business=qbo.business, role="staff").user
    client.force_login(staff)
    assert client.get(url, {"q": "lavoie"}).status_code in (302, 403)
    assert client.post(url, {"qbo_id": "1"}).status_code in (302, 403)
    assert len(qbo.emulator.requests_log) == calls
    decision.refresh_from_db()
    assert decision.status == "open"


def test_the_page_in_french(qbo, owner_client, inbound_sent):
    _invoice, decision = _relink_needed(qbo, owner_client, inbound_sent)
    owner_client.cookies["django_language"] = "fr-ca"
    url = f"/settings/accounting/inbound/decisions/{decision.pk}/relink/"
    page = owner_client.get(url, {"q": "zzz"}).content.decode()
    assert "Lier Gabrielle Lavoie à son client QuickBooks" in page
    assert "Aucun client QuickBooks actif n’a « zzz » dans son nom." in page
