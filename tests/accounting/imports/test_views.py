"""The import pages: start, progress, history, review list, bulk linking, the item form's
linked QuickBooks item, tenancy, garbage input and escaping."""

import json

import pytest
from django.urls import reverse

from accounting.imports.models import ImportRun, ImportStatus
from accounting.imports.services import import_run_execute
from accounting.sync.models import CustomerLink, ItemLink
from catalog.models import Item
from contacts.models import Contact
from tests.factories.accounting import QboItemFactory
from tests.factories.accounting_imports import (
    REALM_ID,
    ContactReviewFactory,
    ImportRunFactory,
    ItemLinkFactory,
)
from tests.factories.catalog import ItemFactory
from tests.factories.contacts import ContactFactory

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_pages_wait_for_the_configuration(owner_client, business):
    for name in ("home", "contacts", "items"):
        response = owner_client.get(reverse(f"accounting_imports:{name}"))
        assert response.status_code == 302
        assert response["Location"] == reverse("accounting:settings")
    assert ImportRun.objects.count() == 0


def test_settings_page_offers_the_imports_once_configured(owner_client, connection):
    html = owner_client.get(reverse("accounting:settings")).content.decode()
    assert reverse("accounting_imports:contacts") in html
    assert reverse("accounting_imports:items") in html
    assert reverse("accounting_imports:item_links") in html


def test_staff_cannot_import(client, staff_user, connection):
    client.force_login(staff_user)
    assert client.get(reverse("accounting_imports:contacts")).status_code == 403
    assert client.post(reverse("accounting_imports:contacts")).status_code == 403
    assert ImportRun.objects.count() == 0


def test_start_contacts_import_then_progress_then_result(
    owner_client, connection, qbo, enqueued, business, django_capture_on_commit_callbacks
):
    qbo.add_customer(DisplayName="Marie Tremblay")
    qbo.add_customer(DisplayName="Déneigement Roy")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("accounting_imports:contacts"), {"include_inactive": "on"}
        )
    run = ImportRun.objects.get(business=business)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounting_imports:run_detail", args=[run.pk])
    assert enqueued == [run.pk]
    assert run.include_inactive is True
    progress = owner_client.get(reverse("accounting_imports:run_progress", args=[run.pk])).json()
    assert (progress["status"], progress["done"], progress["total"], progress["is_active"]) == (
        "queued",
        0,
        0,
        True,
    )
    # a second click while it waits is refused, nothing else queued
    page = owner_client.post(reverse("accounting_imports:contacts"), {})
    assert page.status_code == 200
    assert (
        "An import of contacts is already running. Wait for it to finish." in page.content.decode()
    )
    assert enqueued == [run.pk]
    import_run_execute(run_id=run.pk)
    progress = owner_client.get(reverse("accounting_imports:run_progress", args=[run.pk])).json()
    assert progress == {
        "id": run.pk,
        "kind": "contacts",
        "status": "succeeded",
        "status_label": "Finished",
        "is_active": False,
        "done": 2,
        "total": 2,
        "percent": 100,
        "label": "2 of 2 customers",
        "counts": {
            "created": 2,
            "linked": 0,
            "updated": 0,
            "skipped": 0,
            "to_review": 0,
            "failed": 0,
        },
        "error_message": "",
    }
    html = owner_client.get(
        reverse("accounting_imports:run_detail", args=[run.pk])
    ).content.decode()
    assert (
        'data-progress-url="%s"' % reverse("accounting_imports:run_progress", args=[run.pk]) in html
    )
    assert "2 of 2 customers" in html and "Run it again" in html
    history = owner_client.get(reverse("accounting_imports:home")).content.decode()
    assert reverse("accounting_imports:run_detail", args=[run.pk]) in history


def test_progress_label_in_french(owner_client, connection, business):
    run = ImportRunFactory(
        business=business, kind="items", status=ImportStatus.RUNNING, total=2000, done=500
    )
    owner_client.cookies["django_language"] = "fr-ca"
    progress = owner_client.get(reverse("accounting_imports:run_progress", args=[run.pk])).json()
    assert (progress["label"], progress["status_label"], progress["percent"]) == (
        "500 sur 2000 produits et services",
        "En cours",
        25,
    )
    html = owner_client.get(
        reverse("accounting_imports:run_detail", args=[run.pk])
    ).content.decode()
    assert "500 sur 2000 produits et services" in html


def test_items_import_form_warns_and_requires_confirmation(
    owner_client, connection, business, enqueued
):
    ItemFactory(business=business, name="Tonte")
    page = owner_client.get(reverse("accounting_imports:items")).content.decode()
    assert "Your catalog already has products and services." in page
    assert 'name="confirm_existing_catalog"' in page
    assert "QuickBooks has no unit of measure" in page
    refused = owner_client.post(reverse("accounting_imports:items"), {"unit": "unit"})
    assert refused.status_code == 200
    assert "confirm that you want to import anyway" in refused.content.decode()
    assert enqueued == [] and ImportRun.objects.count() == 0
    started = owner_client.post(
        reverse("accounting_imports:items"), {"unit": "hour", "confirm_existing_catalog": "on"}
    )
    assert started.status_code == 302
    run = ImportRun.objects.get(business=business)
    assert (run.kind, run.unit) == ("items", "hour")


def test_garbage_posts_never_500(owner_client, connection, business, enqueued):
    for name, data in (
        ("contacts", {"include_inactive": "x" * 10000}),
        ("items", {"unit": "x" * 10000, "include_inactive": "\x00"}),
        ("contacts_tag", {"name": "y" * 500}),
        ("contacts_tag", {}),
    ):
        response = owner_client.post(reverse(f"accounting_imports:{name}"), data)
        assert response.status_code in (200, 302), name
    assert ImportRun.objects.filter(kind="items").count() == 0
    review = ContactReviewFactory(business=business, candidate_ids=[1])
    for data in ({"action": "explode"}, {"action": "link", "contact": "abc"}, {}):
        response = owner_client.post(
            reverse("accounting_imports:review_decide", args=[review.pk]), data
        )
        assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "pending"
    item = ItemFactory(business=business)
    for data in ({"qbo_item": "x" * 100}, {"accept": "9999"}, {"qbo_item_name": "nope"}, {}):
        response = owner_client.post(
            reverse("accounting_imports:item_link_set", args=[item.pk]), data
        )
        assert response.status_code == 302
    assert ItemLink.objects.count() == 0


def test_other_business_objects_answer_404(owner_client, connection, other_business):
    run = ImportRunFactory(business=other_business)
    review = ContactReviewFactory(business=other_business)
    item = ItemFactory(business=other_business)
    assert (
        owner_client.get(reverse("accounting_imports:run_detail", args=[run.pk])).status_code == 404
    )
    assert (
        owner_client.get(reverse("accounting_imports:run_progress", args=[run.pk])).status_code
        == 404
    )
    assert (
        owner_client.post(
            reverse("accounting_imports:review_decide", args=[review.pk]), {"action": "skip"}
        ).status_code
        == 404
    )
    assert (
        owner_client.post(
            reverse("accounting_imports:item_link_set", args=[item.pk]), {"accept": "1"}
        ).status_code
        == 404
    )
    review.refresh_from_db()
    assert review.status == "pending"
    assert ItemLink.objects.count() == 0


def test_review_page_and_decisions(owner_client, connection, business):
    first = ContactFactory(business=business, display_name="Jean Gagnon", email="j@a.ca")
    second = ContactFactory(business=business, display_name="Jean Gagnon", email="")
    review = ContactReviewFactory(
        business=business,
        display_name="Jean Gagnon",
        values={"display_name": "Jean Gagnon", "email": "jg@b.ca"},
        candidate_ids=[first.pk, second.pk],
    )
    html = owner_client.get(reverse("accounting_imports:review_list")).content.decode()
    assert "Several existing contacts look like this customer." in html
    assert reverse("contacts:contact_detail", args=[first.pk]) in html
    response = owner_client.post(
        reverse("accounting_imports:review_decide", args=[review.pk]),
        {"action": "link", "contact": str(second.pk)},
    )
    assert response.status_code == 302
    assert CustomerLink.objects.get(business=business).contact_id == second.pk
    assert (
        "Nothing to review."
        in owner_client.get(reverse("accounting_imports:review_list")).content.decode()
    )


def test_review_reason_is_shown_in_the_reader_language(owner_client, connection, business):
    contact = ContactFactory(business=business, display_name="Jean Gagnon", email="j@a.ca")
    # The import ran in French (the business's language): the reason was stored in French.
    ContactReviewFactory(
        business=business,
        display_name="Jean Gagnon",
        values={"display_name": "Jean Gagnon"},
        candidate_ids=[contact.pk],
        reason="Même nom, mais un courriel ou un téléphone différent.",
    )
    ContactReviewFactory(
        business=business,
        display_name="Julie Roy",
        values={"display_name": "Julie Roy"},
        candidate_ids=[contact.pk],
        reason="A sentence of an older version",
    )

    english = owner_client.get(reverse("accounting_imports:review_list")).content.decode()
    owner_client.cookies["django_language"] = "fr-ca"
    french = owner_client.get(reverse("accounting_imports:review_list")).content.decode()

    assert "<td>Same name, but a different email or phone.</td>" in english
    assert "Même nom" not in english
    assert "<td>Même nom, mais un courriel ou un téléphone différent.</td>" in french
    assert "<td>A sentence of an older version</td>" in english


def test_tag_route_from_the_page(owner_client, connection, business):
    ContactFactory(business=business, display_name="Client existant")
    page = owner_client.get(reverse("accounting_imports:contacts")).content.decode()
    assert 'value="Before QuickBooks import"' in page
    response = owner_client.post(
        reverse("accounting_imports:contacts_tag"), {"name": "Before QuickBooks import"}
    )
    assert response.status_code == 302
    contact = Contact.objects.get(business=business)
    assert list(contact.tags.values_list("name", flat=True)) == ["Before QuickBooks import"]


def test_french_default_tag_name(owner_client, connection, business):
    ContactFactory(business=business, display_name="Client existant")
    owner_client.cookies["django_language"] = "fr-ca"
    page = owner_client.get(reverse("accounting_imports:contacts")).content.decode()
    assert 'value="Avant importation QuickBooks"' in page


def test_bulk_linking_page_suggests_and_accepts(owner_client, connection, business):
    exact = ItemFactory(business=business, name="Tonte de pelouse")
    close = ItemFactory(business=business, name="Taille de haies")
    linked = ItemFactory(business=business, name="Sel")
    ItemFactory(business=business, name="Zzz inconnu")
    ItemLinkFactory(business=business, item=linked, qbo_id="34", qbo_name="Sel de voirie")
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="31", name="TONTE DE PELOUSE")
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="33", name="Taille des haies")
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="34", name="Sel de voirie")
    html = owner_client.get(reverse("accounting_imports:item_links")).content.decode()
    assert "1 item linked out of 4." in html
    assert "3 items are not linked: they will use the default item." in html
    assert "Accept the 1 exact match" in html
    assert "same name" in html
    assert "97 % alike" in html
    response = owner_client.post(reverse("accounting_imports:item_links_accept_exact"))
    assert response.status_code == 302
    assert ItemLink.objects.get(item=exact).qbo_id == "31"
    response = owner_client.post(
        reverse("accounting_imports:item_link_set", args=[close.pk]), {"accept": "33", "page": "1"}
    )
    assert response["Location"] == reverse("accounting_imports:item_links") + "?page=1"
    assert ItemLink.objects.get(item=close).qbo_id == "33"
    html = owner_client.get(reverse("accounting_imports:item_links")).content.decode()
    assert "3 items linked out of 4." in html
    assert "1 item is not linked: it will use the default item." in html
    owner_client.post(reverse("accounting_imports:item_link_set", args=[close.pk]), {"unlink": "1"})
    assert not ItemLink.objects.filter(item=close).exists()


def test_search_endpoint(owner_client, connection, business, other_business):
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="31", name="Tonte")
    QboItemFactory(
        business=business,
        realm_id=REALM_ID,
        qbo_id="32",
        name="Tonte (stock)",
        item_type="Inventory",
    )
    QboItemFactory(
        business=business, realm_id=REALM_ID, qbo_id="33", name="Tontes", item_type="Category"
    )
    QboItemFactory(business=other_business, realm_id=REALM_ID, qbo_id="34", name="Tonte XYZ")
    data = owner_client.get(reverse("accounting_imports:qbo_item_search"), {"q": "ton"}).json()
    assert data == {
        "results": [
            {"id": "31", "name": "Tonte", "type": "Service"},
            {"id": "32", "name": "Tonte (stock)", "type": "Inventory"},
        ]
    }


def test_item_form_links_the_item(owner_client, connection, business):
    item = ItemFactory(business=business, name="Tonte")
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="31", name="Tonte QBO")
    url = reverse("catalog:item_update", args=[item.pk])
    html = owner_client.get(url).content.decode()
    assert "Linked QuickBooks item" in html and 'name="qbo-qbo_item"' in html
    form = {
        "name": "Tonte",
        "item_type": "service",
        "unit_choice": "hour",
        "unit_other": "",
        "unit_price": "45",
        "is_taxable": "on",
        "category": "",
        "sku": "",
        "default_tax_group": "",
        "description": "",
    }
    response = owner_client.post(
        url, {**form, "qbo-qbo_item": "31", "qbo-qbo_item_name": "Tonte QBO"}
    )
    assert response.status_code == 302
    assert ItemLink.objects.get(item=item).qbo_id == "31"
    assert 'value="Tonte QBO"' in owner_client.get(url).content.decode()
    # a bad choice: nothing saved, the error is shown
    bad = owner_client.post(
        url,
        {**form, "name": "Tonte renommée", "qbo-qbo_item": "", "qbo-qbo_item_name": "Inexistant"},
    )
    assert bad.status_code == 200
    assert "Choose a QuickBooks product or service from the list." in bad.content.decode()
    item.refresh_from_db()
    assert item.name == "Tonte"
    assert ItemLink.objects.get(item=item).qbo_id == "31"
    # without a name typed: unlinked (the default item is used)
    owner_client.post(url, {**form, "qbo-qbo_item": "", "qbo-qbo_item_name": ""})
    assert not ItemLink.objects.filter(item=item).exists()
    # new item, linked by the exact name typed (no JavaScript)
    create = owner_client.post(
        reverse("catalog:item_create"),
        {**form, "name": "Nouveau", "qbo-qbo_item_name": "tonte qbo"},
    )
    assert create.status_code == 302
    assert ItemLink.objects.get(item__name="Nouveau").qbo_id == "31"


def test_item_form_without_connection_is_the_catalogs(owner_client, business):
    item = ItemFactory(business=business, name="Tonte")
    html = owner_client.get(reverse("catalog:item_update", args=[item.pk])).content.decode()
    assert "Linked QuickBooks item" not in html
    assert Item.objects.count() == 1


def test_imported_script_shows_as_text_everywhere(
    owner_client, connection, qbo, business, run_import
):
    qbo.add_customer(DisplayName=SCRIPT, PrimaryEmailAddr={"Address": "bad@"})
    qbo.add_customer(DisplayName=SCRIPT + " 2")
    existing = ContactFactory(business=business, display_name=SCRIPT + " 3", email="s@x.ca")
    qbo.add_customer(
        DisplayName="Autre",
        PrimaryEmailAddr={"Address": "s@x.ca"},
        GivenName="x",
        FamilyName="y",
        PrimaryPhone={"FreeFormNumber": "1"},
    )
    ContactReviewFactory(
        business=business,
        display_name=SCRIPT,
        candidate_ids=[existing.pk],
        values={"display_name": SCRIPT, "email": SCRIPT},
    )
    qbo.add_item(Name=SCRIPT, Type="Service")
    contacts_run = run_import("contacts")
    items_run = run_import("items", unit="unit", confirm_existing_catalog=True)
    item = Item.objects.get(business=business, name=SCRIPT)
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="99", name=SCRIPT)
    pages = [
        reverse("accounting_imports:run_detail", args=[contacts_run.pk]),
        reverse("accounting_imports:run_detail", args=[items_run.pk]),
        reverse("accounting_imports:review_list"),
        reverse("accounting_imports:item_links"),
        reverse("accounting_imports:home"),
        reverse("contacts:contact_list"),
        reverse("catalog:item_list"),
        reverse("catalog:item_update", args=[item.pk]),
    ]
    for url in pages:
        html = owner_client.get(url).content.decode()
        assert SCRIPT not in html, url
    assert ESCAPED in owner_client.get(pages[0]).content.decode()  # the problem row
    assert ESCAPED in owner_client.get(pages[2]).content.decode()
    assert ESCAPED in owner_client.get(pages[3]).content.decode()
    search = owner_client.get(reverse("accounting_imports:qbo_item_search"), {"q": "script"})
    assert json.loads(search.content)["results"][0]["name"] == SCRIPT
    assert search["Content-Type"] == "application/json"
