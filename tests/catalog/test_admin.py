from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Category, Item
from tests.factories.businesses import UserFactory
from tests.factories.catalog import CategoryFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(email="support@example.com", is_staff=True, is_superuser=True))
    return client


def test_admin_pages_load(admin_client, business):
    category = CategoryFactory(business=business, name="Hiver")
    item = ItemFactory(business=business, name="Déneigement", category=category)

    for url in (
        reverse("admin:catalog_item_changelist"),
        reverse("admin:catalog_item_changelist") + "?q=dén&is_active__exact=1&item_type=service",
        reverse("admin:catalog_item_change", args=[item.pk]),
        reverse("admin:catalog_item_add"),
        reverse("admin:catalog_category_changelist") + "?q=hiv",
        reverse("admin:catalog_category_change", args=[category.pk]),
        reverse("admin:catalog_category_add"),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_admin_refuses_an_item_named_like_a_category(admin_client, business, item_events):
    CategoryFactory(business=business, name="Déneigement")
    item = ItemFactory(business=business, name="Tonte")

    response = admin_client.post(
        reverse("admin:catalog_item_change", args=[item.pk]),
        {
            "name": "DÉNEIGEMENT",
            "description": "",
            "item_type": "service",
            "unit": "hour",
            "unit_price": "10",
            "is_taxable": "on",
            "default_tax_group": "",
            "category": "",
            "sku": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "A category is already named «Déneigement». QuickBooks does not allow an item and a "
        "category with the same name."
    ]
    item.refresh_from_db()
    assert item.name == "Tonte"
    assert item_events == []


def test_admin_item_change_announces_it(admin_client, business, item_events):
    item = ItemFactory(business=business, name="Tonte")

    response = admin_client.post(
        reverse("admin:catalog_item_change", args=[item.pk]),
        {
            "name": "Tonte de pelouse",
            "description": "",
            "item_type": "service",
            "unit": "hour",
            "unit_price": "42.50",
            "is_taxable": "on",
            "default_tax_group": "",
            "category": "",
            "sku": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.unit_price, item.business_id) == (
        "Tonte de pelouse",
        Decimal("42.50"),
        business.pk,
    )
    assert item_events == [(item.pk, "Tonte de pelouse")]


def test_admin_refuses_a_category_cycle(admin_client, business):
    top = CategoryFactory(business=business, name="Hiver")
    child = CategoryFactory(business=business, name="Déneigement", parent=top)

    response = admin_client.post(
        reverse("admin:catalog_category_change", args=[top.pk]),
        {"name": "Hiver", "parent": child.pk},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "A category cannot be placed inside itself or one of its subcategories."
    ]
    top.refresh_from_db()
    assert top.parent_id is None


def test_admin_moving_a_category_refreshes_depths(admin_client, business):
    top = CategoryFactory(business=business, name="Hiver")
    child = CategoryFactory(business=business, name="Déneigement", parent=top)
    new_parent = CategoryFactory(business=business, name="Saisons")

    response = admin_client.post(
        reverse("admin:catalog_category_change", args=[top.pk]),
        {"name": "Hiver", "parent": new_parent.pk},
    )

    assert response.status_code == 302
    assert dict(Category.objects.values_list("name", "depth")) == {
        "Saisons": 1,
        "Hiver": 2,
        "Déneigement": 3,
    }
    child.refresh_from_db()
    assert child.depth == 3


def test_admin_cannot_delete(admin_client, business):
    item = ItemFactory(business=business)
    category = CategoryFactory(business=business)

    assert (
        admin_client.post(
            reverse("admin:catalog_item_delete", args=[item.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        admin_client.post(
            reverse("admin:catalog_category_delete", args=[category.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Item.objects.count() == 1
    assert Category.objects.count() == 1
