from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Category, Item
from tests.factories.businesses import MembershipFactory
from tests.factories.catalog import CategoryFactory, ItemFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("catalog:item_list")
CREATE_URL = reverse("catalog:item_create")
CATEGORIES_URL = reverse("catalog:category_list")
CATEGORY_CREATE_URL = reverse("catalog:category_create")


def item_post(**overrides):
    data = {
        "name": "Déneigement",
        "item_type": "service",
        "description": "",
        "unit_choice": "visit",
        "unit_other": "",
        "unit_price": "125.50",
        "is_taxable": "on",
        "default_tax_group": "",
        "category": "",
        "sku": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def field_errors(response, field):
    return response.context["form"].errors.get(field)


# --- Access -------------------------------------------------------------------------------


def test_pages_need_a_signed_in_member(client, business):
    item = ItemFactory(business=business)
    for url in (
        LIST_URL,
        CREATE_URL,
        CATEGORIES_URL,
        CATEGORY_CREATE_URL,
        reverse("catalog:item_update", args=[item.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_staff_members_may_manage_the_catalog(client, business, staff_user):
    client.force_login(staff_user)

    response = client.post(CREATE_URL, item_post())

    assert response.status_code == 302
    assert Item.objects.get().name == "Déneigement"


# --- Item list ----------------------------------------------------------------------------


def test_item_list_shows_the_business_items_only(owner_client, business, other_business):
    category = CategoryFactory(business=business, name="Hiver")
    ItemFactory(
        business=business,
        name="Déneigement",
        category=category,
        sku="DN-1",
        unit_price=Decimal("1234.5"),
        unit="visit",
    )
    ItemFactory(business=other_business, name="Tonte étrangère")

    response = owner_client.get(LIST_URL)

    assert response.status_code == 200
    assert [item.name for item in response.context["items"]] == ["Déneigement"]
    content = response.content.decode()
    assert "Tonte étrangère" not in content
    assert "DN-1" in content
    assert "$1,234.50" in content
    assert "Hiver" in content


def test_item_list_filters(owner_client, business):
    winter = CategoryFactory(business=business, name="Hiver")
    snow = CategoryFactory(business=business, name="Déneigement", parent=winter)
    ItemFactory(business=business, name="Déneigement de toiture", category=snow)
    ItemFactory(business=business, name="Sablage", category=winter, sku="SEL")
    ItemFactory(business=business, name="Tonte")
    ItemFactory(business=business, name="Ancien déneigement", category=snow, is_active=False)

    def listed(**query):
        response = owner_client.get(LIST_URL, query)
        assert response.status_code == 200
        return [item.name for item in response.context["items"]]

    assert listed() == ["Déneigement de toiture", "Sablage", "Tonte"]
    assert listed(category=winter.pk) == ["Déneigement de toiture", "Sablage"]
    assert listed(category=snow.pk) == ["Déneigement de toiture"]
    assert listed(category=snow.pk, archived="on") == [
        "Ancien déneigement",
        "Déneigement de toiture",
    ]
    assert listed(q="sel") == ["Sablage"]
    assert listed(q="toiture", category=winter.pk) == ["Déneigement de toiture"]
    assert listed(q="nothing like it") == []


@pytest.mark.parametrize(
    "query",
    [
        {"category": "abc"},
        {"category": "99999999999999999999999"},
        {"category": "-1"},
        {"page": "abc"},
        {"page": "999"},
        {"archived": "maybe"},
        {"q": "x" * 5000},
        {"category": ["1", "2"]},
        {"q": "%_\\'\""},
    ],
)
def test_item_list_survives_malformed_queries(owner_client, business, query):
    ItemFactory(business=business, name="Tonte")

    response = owner_client.get(LIST_URL, query)

    assert response.status_code == 200


def test_item_list_ignores_a_category_of_another_business(owner_client, business, other_business):
    foreign = CategoryFactory(business=other_business, name="Étrangère")
    ItemFactory(business=business, name="Tonte")
    ItemFactory(business=other_business, name="Chez l'autre", category=foreign)

    response = owner_client.get(LIST_URL, {"category": foreign.pk})

    assert response.status_code == 200
    assert [item.name for item in response.context["items"]] == ["Tonte"]
    assert "Étrangère" not in response.content.decode()


def test_item_list_paginates_by_fifty_and_keeps_the_filters(owner_client, business):
    Item.objects.bulk_create(
        [
            Item(
                business=business,
                name=f"Item {index:03}",
                name_key=f"item {index:03}",
                sku="LOT" if index % 2 == 0 else "",
            )
            for index in range(120)
        ]
    )

    first = owner_client.get(LIST_URL, {"q": "lot"})
    second = owner_client.get(LIST_URL, {"q": "lot", "page": 2})

    assert len(first.context["items"]) == 50
    assert len(second.context["items"]) == 10
    assert second.context["items"][0].name == "Item 100"
    assert first.context["querystring_without_page"] == "q=lot&"
    assert 'href="?q=lot&amp;page=2"' in first.content.decode()


def test_item_list_empty_state(owner_client):
    response = owner_client.get(LIST_URL)

    assert response.status_code == 200
    assert "Your catalog is empty." in response.content.decode()


# --- Item create / edit -------------------------------------------------------------------


def test_create_item(owner_client, business, make_tax_group, item_events):
    group = make_tax_group(business=business)
    category = CategoryFactory(business=business, name="Hiver")

    response = owner_client.post(
        CREATE_URL,
        item_post(
            name="Déneigement",
            item_type="product",
            description="Entrée",
            unit_choice="day",
            unit_price="125.5",
            default_tax_group=group.pk,
            category=category.pk,
            sku="DN-1",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    item = Item.objects.get()
    assert (
        item.business_id,
        item.name,
        item.item_type,
        item.description,
        item.unit,
        item.unit_price,
        item.is_taxable,
        item.default_tax_group_id,
        item.category_id,
        item.sku,
    ) == (
        business.pk,
        "Déneigement",
        "product",
        "Entrée",
        "day",
        Decimal("125.5"),
        True,
        group.pk,
        category.pk,
        "DN-1",
    )
    assert item_events == [(item.pk, "Déneigement")]
    followed = owner_client.get(LIST_URL)
    assert "«Déneigement» was added." in followed.content.decode()


def test_create_item_with_another_unit(owner_client, business):
    response = owner_client.post(
        CREATE_URL, item_post(unit_choice="other", unit_other="voyage de terre")
    )

    assert response.status_code == 302
    assert Item.objects.get().unit == "voyage de terre"


def test_other_unit_must_be_typed(owner_client, business, item_events):
    response = owner_client.post(CREATE_URL, item_post(unit_choice="other", unit_other="  "))

    assert response.status_code == 200
    assert field_errors(response, "unit_other") == ["Type the unit of measure."]
    assert Item.objects.count() == 0
    assert item_events == []


def test_a_name_taken_by_a_category_is_a_field_error(owner_client, business, item_events):
    CategoryFactory(business=business, name="Déneigement")

    response = owner_client.post(CREATE_URL, item_post(name="  déneigement "))

    assert response.status_code == 200
    message = (
        "A category is already named «Déneigement». QuickBooks does not allow an item "
        "and a category with the same name."
    )
    assert field_errors(response, "name") == [message]
    assert message in response.content.decode()
    assert Item.objects.count() == 0
    assert item_events == []


@pytest.mark.parametrize(
    ("price", "error"),
    [
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("-0.0001", "Ensure this value is greater than or equal to 0."),
        ("1.23456", "Ensure that there are no more than 4 decimal places."),
        ("12345678901", "Ensure that there are no more than 10 digits before the decimal point."),
        ("123456789012345", "Ensure that there are no more than 14 digits in total."),
        ("abc", "Enter a number."),
        ("NaN", "Enter a number."),
        ("Infinity", "Enter a number."),
        ("1e-5", "Ensure that there are no more than 4 decimal places."),
        ("12,50", "Enter a number."),
        ("", "This field is required."),
    ],
)
def test_invalid_prices_are_field_errors(owner_client, business, item_events, price, error):
    response = owner_client.post(CREATE_URL, item_post(unit_price=price))

    assert response.status_code == 200
    assert field_errors(response, "unit_price") == [error]
    assert Item.objects.count() == 0
    assert item_events == []


def test_french_prices_use_a_comma(owner_client, business):
    owner_client.cookies["django_language"] = "fr-ca"

    response = owner_client.post(CREATE_URL, item_post(unit_price="12,50"))

    assert response.status_code == 302
    assert Item.objects.get().unit_price == Decimal("12.50")


def test_edit_item(owner_client, business, item_events):
    item = ItemFactory(business=business, name="Tonte", unit="sac", unit_price=Decimal("40"))
    url = reverse("catalog:item_update", args=[item.pk])

    page = owner_client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["unit_choice"].value() == "other"
    assert page.context["form"]["unit_other"].value() == "sac"
    assert page.context["form"]["unit_price"].value() == Decimal("40.00")
    assert 'value="40.00"' in page.content.decode()

    response = owner_client.post(
        url,
        item_post(name="Tonte de pelouse", unit_choice="hour", unit_price="45", is_taxable=None),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.unit, item.unit_price, item.is_taxable) == (
        "Tonte de pelouse",
        "hour",
        Decimal("45"),
        False,
    )
    assert item_events == [(item.pk, "Tonte de pelouse")]


def test_edit_item_failure_keeps_the_page_title(owner_client, business, item_events):
    ItemFactory(business=business, name="Déneigement")
    item = ItemFactory(business=business, name="Tonte")

    response = owner_client.post(
        reverse("catalog:item_update", args=[item.pk]), item_post(name="DÉNEIGEMENT")
    )

    assert response.status_code == 200
    assert field_errors(response, "name") == [
        "Another item is already named «Déneigement». Two items may not have the same name."
    ]
    assert "Edit «Tonte»" in response.content.decode()
    item.refresh_from_db()
    assert item.name == "Tonte"
    assert item_events == []


def test_item_form_offers_only_the_business_choices(
    owner_client, business, other_business, make_tax_group
):
    make_tax_group(business=business, name="TPS + TVQ")
    make_tax_group(business=business, name="Ancien", is_active=False)
    make_tax_group(business=other_business, name="TVH 13 %")
    parent = CategoryFactory(business=business, name="Hiver")
    CategoryFactory(business=business, name="Toitures", parent=parent)
    CategoryFactory(business=other_business, name="Étrangère")

    response = owner_client.get(CREATE_URL)

    form = response.context["form"]
    # No default group yet: the empty choice says so without naming one.
    assert [str(label) for _, label in form.fields["default_tax_group"].choices] == [
        "The business default",
        "TPS + TVQ (TPS\u00a05%, TVQ\u00a09.975%)",
    ]
    assert [str(label) for _, label in form.fields["category"].choices] == [
        "Uncategorised",
        "Hiver",
        "\u00a0\u00a0\u00a0\u00a0Toitures",
    ]
    assert "{% block" not in response.content.decode()


def test_an_archived_tax_group_stays_on_the_item_using_it(owner_client, business, make_tax_group):
    old = make_tax_group(business=business, name="Ancien", is_active=False)
    item = ItemFactory(business=business, name="Tonte", default_tax_group=old)

    response = owner_client.get(reverse("catalog:item_update", args=[item.pk]))

    labels = [
        str(label) for _, label in response.context["form"].fields["default_tax_group"].choices
    ]
    assert labels == ["The business default", "Ancien (TPS\u00a05%, TVQ\u00a09.975%)"]


def test_a_taxable_item_form_names_the_taxes_of_the_default_group(
    owner_client, business, make_tax_group
):
    group = make_tax_group(business=business, name="TPS + TVQ")
    group.is_default = True
    group.save()

    owner_client.cookies["django_language"] = "fr-ca"
    response = owner_client.get(CREATE_URL)

    page = response.content.decode()
    assert "Taxes" in page
    assert (
        "Celles de l’entreprise par défaut : TPS + TVQ (TPS\u00a05\u00a0%, TVQ\u00a09,975\u00a0%)"
        in page
    )
    assert "TPS + TVQ (TPS\u00a05\u00a0%, TVQ\u00a09,975\u00a0%)</option>" in page


def test_foreign_category_or_tax_group_ids_are_form_errors(
    owner_client, business, other_business, make_tax_group, item_events
):
    foreign_group = make_tax_group(business=other_business)
    foreign_category = CategoryFactory(business=other_business, name="Étrangère")

    response = owner_client.post(
        CREATE_URL, item_post(default_tax_group=foreign_group.pk, category=foreign_category.pk)
    )

    assert response.status_code == 200
    assert field_errors(response, "default_tax_group") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert field_errors(response, "category") == [
        f"Select a valid choice. {foreign_category.pk} is not one of the available choices."
    ]
    assert Item.objects.count() == 0
    assert item_events == []


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "x" * 10000, "unit_price": "1"},
        {"name": "Tonte", "unit_price": "1", "item_type": "robot"},
        {"name": "Tonte", "unit_price": "1", "item_type": "service", "unit_choice": "parsec"},
        {
            "name": "Tonte",
            "unit_price": "1",
            "item_type": "service",
            "unit_choice": "other",
            "unit_other": "x" * 31,
        },
        {
            "name": "Tonte",
            "unit_price": "1",
            "item_type": "service",
            "unit_choice": "hour",
            "category": "abc",
            "default_tax_group": "abc",
        },
        {
            "name": "Tonte",
            "unit_price": "1",
            "item_type": "service",
            "unit_choice": "hour",
            "category": "99999999999999999999999999",
            "default_tax_group": "99999999999999999999999",
        },
        {
            "name": "Tonte",
            "unit_price": "1",
            "item_type": "service",
            "unit_choice": "hour",
            "category": "1.5",
            "default_tax_group": "-1",
        },
        {
            "name": "Tonte",
            "unit_price": "1",
            "item_type": "service",
            "unit_choice": "hour",
            "sku": "x" * 101,
            "description": "y" * 5000,
        },
        {"name": "\x00", "unit_price": "\x00", "item_type": "\x00", "unit_choice": "\x00"},
    ],
)
def test_garbage_posts_give_form_errors(owner_client, business, item_events, data):
    item = ItemFactory(business=business, name="Existant", unit_price=Decimal("7"))

    created = owner_client.post(CREATE_URL, data)
    updated = owner_client.post(reverse("catalog:item_update", args=[item.pk]), data)

    for response in (created, updated):
        assert response.status_code == 200
        assert response.context["form"].errors
    assert Item.objects.count() == 1
    item.refresh_from_db()
    assert (item.name, item.unit_price) == ("Existant", Decimal("7"))
    assert item_events == []


def test_names_are_escaped(owner_client, business):
    hostile = '<script>alert("x")</script>'
    category = CategoryFactory(business=business, name=hostile + " cat")
    item = ItemFactory(
        business=business, name=hostile, category=category, description=hostile, sku=hostile
    )

    pages = [
        owner_client.get(LIST_URL),
        owner_client.get(reverse("catalog:item_update", args=[item.pk])),
        owner_client.get(CATEGORIES_URL),
        owner_client.get(reverse("catalog:category_update", args=[category.pk])),
        owner_client.get(CREATE_URL),
    ]

    for page in pages:
        content = page.content.decode()
        assert page.status_code == 200
        assert hostile not in content
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_item_form_extension_block_renders_inside_the_form(business):
    """Another app adds fields to the item form by extending the template's block."""
    from django.template import engines

    from catalog.forms import ItemForm

    template = engines["django"].from_string(
        '{% extends "catalog/item_form.html" %}'
        '{% block item_form_extra %}<fieldset id="extra">Linked</fieldset>{% endblock %}'
    )
    html = template.render({"form": ItemForm(business=business), "item": None})

    form_html = html[html.index('<form method="post" novalidate id="item-form">') :]
    form_html = form_html[: form_html.index("</form>")]
    assert form_html.index('<fieldset id="extra">Linked</fieldset>') < form_html.index(
        '<button type="submit" class="primary">'
    )


# --- Archive / restore --------------------------------------------------------------------


def test_archive_and_restore_item(owner_client, business, item_events):
    item = ItemFactory(business=business, name="Tonte")

    response = owner_client.post(reverse("catalog:item_archive", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_active is False
    assert [i.name for i in owner_client.get(LIST_URL).context["items"]] == []

    response = owner_client.post(reverse("catalog:item_restore", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_active is True
    assert item_events == [(item.pk, "Tonte"), (item.pk, "Tonte")]


def test_archive_needs_a_post(owner_client, business, item_events):
    item = ItemFactory(business=business, name="Tonte")

    response = owner_client.get(reverse("catalog:item_archive", args=[item.pk]))

    assert response.status_code == 405
    item.refresh_from_db()
    assert item.is_active is True
    assert item_events == []


# --- Categories ---------------------------------------------------------------------------


def test_category_list_is_a_tree(owner_client, business, other_business):
    winter = CategoryFactory(business=business, name="Hiver")
    CategoryFactory(business=business, name="Déneigement", parent=winter)
    CategoryFactory(business=business, name="Été")
    CategoryFactory(business=other_business, name="Étrangère")

    response = owner_client.get(CATEGORIES_URL)

    assert response.status_code == 200
    assert [(node.depth, node.category.name) for node in response.context["nodes"]] == [
        (1, "Été"),
        (1, "Hiver"),
        (2, "Déneigement"),
    ]
    assert "Étrangère" not in response.content.decode()


def test_create_category(owner_client, business):
    parent = CategoryFactory(business=business, name="Hiver")

    response = owner_client.post(CATEGORY_CREATE_URL, {"name": "Déneigement", "parent": parent.pk})

    assert response.status_code == 302
    assert response["Location"] == CATEGORIES_URL
    category = Category.objects.get(name="Déneigement")
    assert (category.business_id, category.parent_id, category.depth) == (business.pk, parent.pk, 2)


def test_category_name_taken_by_an_item_is_a_field_error(owner_client, business):
    ItemFactory(business=business, name="Déneigement")

    response = owner_client.post(CATEGORY_CREATE_URL, {"name": "DÉNEIGEMENT", "parent": ""})

    assert response.status_code == 200
    assert field_errors(response, "name") == [
        "An item is already named «Déneigement». QuickBooks does not allow an item and a "
        "category with the same name."
    ]
    assert Category.objects.count() == 0


def test_fifth_level_is_a_field_error(owner_client, business):
    parent = None
    for level in range(1, 5):
        parent = CategoryFactory(business=business, name=f"Niveau {level}", parent=parent)

    response = owner_client.post(CATEGORY_CREATE_URL, {"name": "Niveau 5", "parent": parent.pk})

    assert response.status_code == 200
    assert field_errors(response, "parent") == [
        "Categories may be nested 4 levels deep at most; this would make 5."
    ]
    assert Category.objects.count() == 4


def test_edit_category_and_refuse_a_cycle(owner_client, business):
    top = CategoryFactory(business=business, name="Hiver")
    child = CategoryFactory(business=business, name="Déneigement", parent=top)
    url = reverse("catalog:category_update", args=[top.pk])

    page = owner_client.get(url)
    assert [label for _, label in page.context["form"].fields["parent"].choices] == [
        "None (top level)",
        "\u00a0\u00a0\u00a0\u00a0Déneigement",
    ]

    response = owner_client.post(url, {"name": "Hiver", "parent": child.pk})
    assert response.status_code == 200
    assert field_errors(response, "parent") == [
        "A category cannot be placed inside itself or one of its subcategories."
    ]
    assert "Edit category «Hiver»" in response.content.decode()
    top.refresh_from_db()
    assert top.parent_id is None

    response = owner_client.post(url, {"name": "Saison froide", "parent": ""})
    assert response.status_code == 302
    top.refresh_from_db()
    assert top.name == "Saison froide"


def test_a_category_cannot_be_posted_as_its_own_parent(owner_client, business):
    top = CategoryFactory(business=business, name="Hiver")

    response = owner_client.post(
        reverse("catalog:category_update", args=[top.pk]), {"name": "Hiver", "parent": top.pk}
    )

    assert response.status_code == 200
    assert field_errors(response, "parent") == [
        f"Select a valid choice. {top.pk} is not one of the available choices."
    ]
    top.refresh_from_db()
    assert top.parent_id is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": ""},
        {"name": "x" * 101},
        {"name": "A", "parent": "abc"},
        {"name": "A", "parent": "99999999999999999999999"},
        {"name": "A", "parent": "-5"},
    ],
)
def test_category_garbage_posts_give_form_errors(owner_client, business, data):
    existing = CategoryFactory(business=business, name="Existante")

    created = owner_client.post(CATEGORY_CREATE_URL, data)
    updated = owner_client.post(reverse("catalog:category_update", args=[existing.pk]), data)

    for response in (created, updated):
        assert response.status_code == 200
        assert response.context["form"].errors
    assert Category.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.name, existing.parent_id) == ("Existante", None)


def test_foreign_parent_is_a_form_error(owner_client, business, other_business):
    foreign = CategoryFactory(business=other_business, name="Étrangère")

    response = owner_client.post(CATEGORY_CREATE_URL, {"name": "Hiver", "parent": foreign.pk})

    assert response.status_code == 200
    assert field_errors(response, "parent") == [
        f"Select a valid choice. {foreign.pk} is not one of the available choices."
    ]
    assert Category.objects.filter(business=business).count() == 0


def test_delete_category(owner_client, business, item_events):
    category = CategoryFactory(business=business, name="Hiver")
    item = ItemFactory(business=business, name="Déneigement", category=category)

    response = owner_client.post(reverse("catalog:category_delete", args=[category.pk]))

    assert response.status_code == 302
    assert response["Location"] == CATEGORIES_URL
    assert not Category.objects.filter(pk=category.pk).exists()
    item.refresh_from_db()
    assert item.category_id is None
    assert item_events == [(item.pk, "Déneigement")]
    followed = owner_client.get(CATEGORIES_URL).content.decode()
    assert "Category «Hiver» was deleted. Its items are now uncategorised." in followed


def test_delete_category_with_subcategories_is_refused(owner_client, business):
    category = CategoryFactory(business=business, name="Hiver")
    CategoryFactory(business=business, name="Déneigement", parent=category)

    response = owner_client.post(
        reverse("catalog:category_delete", args=[category.pk]), follow=True
    )

    assert response.status_code == 200
    assert "«Hiver» has subcategories. Move or delete them first." in response.content.decode()
    assert Category.objects.count() == 2


def test_delete_category_needs_a_post(owner_client, business):
    category = CategoryFactory(business=business, name="Hiver")

    response = owner_client.get(reverse("catalog:category_delete", args=[category.pk]))

    assert response.status_code == 405
    assert Category.objects.count() == 1


# --- Cross-business isolation -------------------------------------------------------------


def test_every_url_with_an_id_answers_404_for_another_business(
    owner_client, other_business, make_tax_group, item_events
):
    foreign_item = ItemFactory(business=other_business, name="Étranger", unit_price=Decimal("9"))
    foreign_category = CategoryFactory(business=other_business, name="Catégorie étrangère")
    ItemFactory(business=other_business, name="Dans la catégorie", category=foreign_category)
    archived = ItemFactory(business=other_business, name="Archivé", is_active=False)

    requests = [
        ("get", reverse("catalog:item_update", args=[foreign_item.pk])),
        ("post", reverse("catalog:item_update", args=[foreign_item.pk])),
        ("post", reverse("catalog:item_archive", args=[foreign_item.pk])),
        ("post", reverse("catalog:item_restore", args=[archived.pk])),
        ("get", reverse("catalog:category_update", args=[foreign_category.pk])),
        ("post", reverse("catalog:category_update", args=[foreign_category.pk])),
        ("post", reverse("catalog:category_delete", args=[foreign_category.pk])),
    ]
    for method, url in requests:
        response = getattr(owner_client, method)(url, item_post(name="Piraté", parent=""))
        assert response.status_code == 404, url

    foreign_item.refresh_from_db()
    archived.refresh_from_db()
    foreign_category.refresh_from_db()
    assert (foreign_item.name, foreign_item.unit_price, foreign_item.is_active) == (
        "Étranger",
        Decimal("9"),
        True,
    )
    assert archived.is_active is False
    assert foreign_category.name == "Catégorie étrangère"
    assert Item.objects.filter(category=foreign_category).count() == 1
    assert item_events == []


def test_missing_ids_answer_404(owner_client, business):
    for name in ("item_update", "category_update"):
        assert owner_client.get(reverse(f"catalog:{name}", args=[987654])).status_code == 404
    for name in ("item_archive", "item_restore", "category_delete"):
        assert owner_client.post(reverse(f"catalog:{name}", args=[987654])).status_code == 404


def test_a_member_of_two_businesses_is_not_needed_for_isolation(client, business, other_business):
    """The other business's owner sees their own catalog and not ours."""
    ItemFactory(business=business, name="Le nôtre")
    ItemFactory(business=other_business, name="Le leur")
    other_owner = MembershipFactory(business=other_business, role="owner").user
    client.force_login(other_owner)

    response = client.get(LIST_URL)

    assert [item.name for item in response.context["items"]] == ["Le leur"]


# --- French -------------------------------------------------------------------------------


def test_pages_in_french(owner_client, business):
    CategoryFactory(business=business, name="Déneigement")
    owner_client.cookies["django_language"] = "fr-ca"

    listing = owner_client.get(LIST_URL).content.decode()
    response = owner_client.post(CREATE_URL, item_post(name="déneigement"))
    categories = owner_client.get(CATEGORIES_URL).content.decode()

    assert "Produits et services" in listing
    assert "Nouvel article" in listing
    assert ">Filtrer<" in listing
    assert field_errors(response, "name") == [
        "Une catégorie porte déjà le nom «\u00a0Déneigement\u00a0». QuickBooks ne permet pas qu’un "
        "article et une catégorie portent le même nom."
    ]
    assert "Catégories" in categories
    assert "Aucune catégorie" not in categories
    item = ItemFactory(business=business, name="Tonte", unit_price=Decimal("1234.5"))
    form_page = owner_client.get(reverse("catalog:item_update", args=[item.pk])).content.decode()
    assert '<option value="visit">visite</option>' in form_page
    assert 'value="1234,50"' in form_page


def test_a_colon_in_a_name_is_a_field_error(owner_client, business):
    response = owner_client.post(CATEGORY_CREATE_URL, {"name": "Hiver:Toitures", "parent": ""})

    assert response.status_code == 200
    assert field_errors(response, "name") == [
        "A name cannot contain a colon (:). QuickBooks uses it to separate category levels."
    ]
    assert Category.objects.count() == 0
