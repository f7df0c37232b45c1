from decimal import Decimal

import pytest

from catalog import selectors
from tests.factories.catalog import CategoryFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(business):
    """Hiver › Déneigement › Toitures, Hiver › Épandage, Été (and an item in most of them)."""
    winter = CategoryFactory(business=business, name="Hiver")
    snow = CategoryFactory(business=business, name="Déneigement", parent=winter)
    roofs = CategoryFactory(business=business, name="Toitures", parent=snow)
    spread = CategoryFactory(business=business, name="Épandage", parent=winter)
    summer = CategoryFactory(business=business, name="Été")
    return {"winter": winter, "snow": snow, "roofs": roofs, "spread": spread, "summer": summer}


def names(items):
    return [item.name for item in items]


def test_item_list_hides_archived_items_unless_asked(business):
    ItemFactory(business=business, name="Bêchage")
    ItemFactory(business=business, name="Arrosage", is_active=False)

    assert names(selectors.item_list(business=business)) == ["Bêchage"]
    assert names(selectors.item_list(business=business, include_archived=True)) == [
        "Arrosage",
        "Bêchage",
    ]


def test_item_list_category_filter_includes_subcategories(business, tree):
    ItemFactory(business=business, name="A hiver", category=tree["winter"])
    ItemFactory(business=business, name="B déneigement", category=tree["snow"])
    ItemFactory(business=business, name="C toitures", category=tree["roofs"])
    ItemFactory(business=business, name="D épandage", category=tree["spread"])
    ItemFactory(business=business, name="E été", category=tree["summer"])
    ItemFactory(business=business, name="F sans catégorie")

    def by_category(key):
        return names(selectors.item_list(business=business, category_id=tree[key].pk))

    assert by_category("winter") == ["A hiver", "B déneigement", "C toitures", "D épandage"]
    assert by_category("snow") == ["B déneigement", "C toitures"]
    assert by_category("roofs") == ["C toitures"]
    assert by_category("summer") == ["E été"]


def test_item_list_category_of_another_business_gives_nothing(business, other_business):
    ItemFactory(business=business, name="Tonte")
    foreign = CategoryFactory(business=other_business, name="Étrangère")
    ItemFactory(business=other_business, name="Tonte", category=foreign)

    assert names(selectors.item_list(business=business, category_id=foreign.pk)) == []
    assert names(selectors.item_list(business=business, category_id=999999)) == []


def test_item_list_searches_name_sku_and_description(business):
    ItemFactory(business=business, name="Tonte de pelouse")
    ItemFactory(business=business, name="Taille de haie", sku="HAIE-TONTE")
    ItemFactory(business=business, name="Entretien", description="Tonte et ramassage")
    ItemFactory(business=business, name="Déneigement", sku="DN1")

    assert names(selectors.item_list(business=business, search="tonte")) == [
        "Entretien",
        "Taille de haie",
        "Tonte de pelouse",
    ]
    assert names(selectors.item_list(business=business, search="  dn1 ")) == ["Déneigement"]
    assert names(selectors.item_list(business=business, search="absent")) == []


def test_item_list_never_shows_another_business(business, other_business):
    ItemFactory(business=business, name="Tonte")
    ItemFactory(business=other_business, name="Tonte étrangère")

    assert names(selectors.item_list(business=business, include_archived=True)) == ["Tonte"]
    assert names(selectors.item_list(business=business, search="étrangère")) == []


def test_item_list_prints_category_paths_in_one_query(business, tree, django_assert_num_queries):
    for index in range(5):
        ItemFactory(business=business, name=f"Item {index}", category=tree["roofs"])

    with django_assert_num_queries(2):  # the categories of the business, then the items
        paths = [
            item.category.full_name
            for item in selectors.item_list(business=business, category_id=tree["roofs"].pk)
        ]

    assert paths == ["Hiver › Déneigement › Toitures"] * 5


def test_category_tree_nests_and_orders_by_name(business, other_business, tree):
    CategoryFactory(business=other_business, name="Autre")
    ItemFactory(business=business, name="Déneigement résidentiel", category=tree["snow"])
    ItemFactory(business=business, name="Déneigement commercial", category=tree["snow"])
    ItemFactory(business=business, name="Ancien", category=tree["snow"], is_active=False)

    flat = [
        (node.depth, node.category.name, node.item_count, len(node.children))
        for node in selectors.flatten_tree(selectors.category_tree(business=business))
    ]

    assert flat == [
        (1, "Été", 0, 0),
        (1, "Hiver", 0, 2),
        (2, "Déneigement", 2, 1),
        (3, "Toitures", 0, 0),
        (2, "Épandage", 0, 0),
    ]


def test_category_tree_full_names_need_no_further_query(business, tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        full_names = [
            node.category.full_name
            for node in selectors.flatten_tree(selectors.category_tree(business=business))
        ]

    assert full_names == [
        "Été",
        "Hiver",
        "Hiver › Déneigement",
        "Hiver › Déneigement › Toitures",
        "Hiver › Épandage",
    ]


def test_item_choices_for_invoice(business, other_business, make_tax_group):
    group = make_tax_group(business=business)
    first = ItemFactory(
        business=business,
        name="Déneigement",
        description="Entrée",
        unit_price=Decimal("125"),
        unit="visit",
        is_taxable=True,
        default_tax_group=group,
    )
    second = ItemFactory(
        business=business,
        name="Boîte à fleurs",
        unit_price=Decimal("0.125"),
        unit="sac",
        is_taxable=False,
    )
    ItemFactory(business=business, name="Archivé", is_active=False)
    ItemFactory(business=other_business, name="Étranger")

    assert selectors.item_choices_for_invoice(business=business) == [
        {
            "id": second.pk,
            "name": "Boîte à fleurs",
            "description": "",
            "unit_price": "0.125",
            "unit_label": "sac",
            "is_taxable": False,
            "default_tax_group_id": None,
        },
        {
            "id": first.pk,
            "name": "Déneigement",
            "description": "Entrée",
            "unit_price": "125.00",
            "unit_label": "visit",
            "is_taxable": True,
            "default_tax_group_id": group.pk,
        },
    ]


@pytest.mark.parametrize(
    ("price", "text"),
    [
        ("0", "0.00"),
        ("0.0000", "0.00"),
        ("12.5", "12.50"),
        ("1200", "1200.00"),
        ("0.1250", "0.125"),
        ("9999999999.9999", "9999999999.9999"),
        ("100.0001", "100.0001"),
    ],
)
def test_price_text(price, text):
    assert selectors.price_text(Decimal(price)) == text
