from decimal import Decimal

import pytest

from catalog import services
from catalog.models import Category, Item
from core.exceptions import ApplicationError
from tests.factories.catalog import CategoryFactory, ItemFactory

pytestmark = pytest.mark.django_db

CATEGORY_TAKEN = (
    "A category is already named «Déneigement». QuickBooks does not allow an item "
    "and a category with the same name."
)
ITEM_TAKEN = (
    "An item is already named «Déneigement». QuickBooks does not allow an item and a "
    "category with the same name."
)


# --- The QuickBooks name rule -------------------------------------------------------------


def test_item_may_not_take_the_name_of_a_category(business, item_events):
    CategoryFactory(business=business, name="Déneigement")

    with pytest.raises(ApplicationError) as raised:
        services.item_create(business=business, name="Déneigement", unit_price=Decimal("10"))

    assert raised.value.message == CATEGORY_TAKEN
    assert raised.value.field == "name"
    assert Item.objects.count() == 0
    assert item_events == []


def test_category_may_not_take_the_name_of_an_item(business):
    ItemFactory(business=business, name="Déneigement")

    with pytest.raises(ApplicationError) as raised:
        services.category_create(business=business, name="Déneigement")

    assert raised.value.message == ITEM_TAKEN
    assert raised.value.field == "name"
    assert Category.objects.count() == 0


def test_two_items_may_not_share_a_name(business, item_events):
    ItemFactory(business=business, name="Tonte de pelouse")

    with pytest.raises(ApplicationError) as raised:
        services.item_create(business=business, name="Tonte de pelouse", unit_price=Decimal("1"))

    assert raised.value.message == (
        "Another item is already named «Tonte de pelouse». Two items may not have the same name."
    )
    assert raised.value.field == "name"
    assert Item.objects.count() == 1
    assert item_events == []


def test_two_categories_may_not_share_a_name(business):
    CategoryFactory(business=business, name="Paysagement")

    with pytest.raises(ApplicationError) as raised:
        services.category_create(business=business, name="Paysagement")

    assert raised.value.message == (
        "Another category is already named «Paysagement». Two "
        "categories may not have the same name."
    )
    assert Category.objects.count() == 1


@pytest.mark.parametrize(
    "variant", ["Déneigement", "déneigement", "DÉNEIGEMENT", "  Déneigement  ", "DéNeIgEmEnT\t"]
)
def test_name_rule_ignores_case_and_outer_spaces(business, variant):
    CategoryFactory(business=business, name="Déneigement")

    with pytest.raises(ApplicationError) as raised:
        services.item_create(business=business, name=variant, unit_price=Decimal("10"))

    assert raised.value.message == CATEGORY_TAKEN
    assert Item.objects.count() == 0


def test_name_rule_folds_inner_spaces(business):
    ItemFactory(business=business, name="Tonte de pelouse")

    with pytest.raises(ApplicationError) as raised:
        services.category_create(business=business, name="tonte   DE\tpelouse")

    assert raised.value.message == (
        "An item is already named «Tonte de pelouse». QuickBooks "
        "does not allow an item and a category with the same name."
    )
    assert Category.objects.count() == 0


def test_renaming_an_item_onto_a_category_name_is_refused(business, item_events):
    CategoryFactory(business=business, name="Déneigement")
    item = ItemFactory(business=business, name="Déneigement résidentiel")

    with pytest.raises(ApplicationError) as raised:
        services.item_update(
            item=item,
            name="déneigement",
            unit_price=Decimal("5"),
            description="",
            item_type="service",
            unit="hour",
            is_taxable=True,
            default_tax_group=None,
            category=None,
            sku="",
        )

    assert raised.value.message == CATEGORY_TAKEN
    item.refresh_from_db()
    assert item.name == "Déneigement résidentiel"
    assert item.unit_price == Decimal("85.00")
    assert item_events == []


def test_renaming_a_category_onto_an_item_name_is_refused(business):
    ItemFactory(business=business, name="Déneigement")
    category = CategoryFactory(business=business, name="Hiver")

    with pytest.raises(ApplicationError) as raised:
        services.category_update(category=category, name="DÉNEIGEMENT", parent=None)

    assert raised.value.message == ITEM_TAKEN
    category.refresh_from_db()
    assert category.name == "Hiver"


def test_an_item_keeps_its_own_name_with_another_case(business, item_events):
    item = ItemFactory(business=business, name="Tonte")

    services.item_update(
        item=item,
        name="TONTE",
        unit_price=Decimal("40"),
        description="",
        item_type="service",
        unit="hour",
        is_taxable=True,
        default_tax_group=None,
        category=None,
        sku="",
    )

    item.refresh_from_db()
    assert (item.name, item.name_key) == ("TONTE", "tonte")
    assert item_events == [(item.pk, "TONTE")]


def test_a_category_keeps_its_own_name(business):
    category = CategoryFactory(business=business, name="Hiver")

    services.category_update(category=category, name=" hiver ", parent=None)

    category.refresh_from_db()
    assert (category.name, category.name_key) == ("hiver", "hiver")


def test_the_same_name_in_another_business_is_fine(business, other_business, item_events):
    CategoryFactory(business=other_business, name="Déneigement")
    ItemFactory(business=other_business, name="Tonte")

    item = services.item_create(business=business, name="Déneigement", unit_price=Decimal("10"))
    category = services.category_create(business=business, name="Tonte")

    assert item.business == business
    assert category.business == business
    assert Item.objects.filter(name_key="déneigement").count() == 1
    assert Category.objects.filter(name_key="tonte").count() == 1
    assert item_events == [(item.pk, "Déneigement")]


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_a_blank_name_is_refused(business, blank):
    with pytest.raises(ApplicationError) as raised:
        services.item_create(business=business, name=blank, unit_price=Decimal("1"))
    assert (raised.value.message, raised.value.field) == ("A name is required.", "name")

    with pytest.raises(ApplicationError):
        services.category_create(business=business, name=blank)
    assert Item.objects.count() == 0
    assert Category.objects.count() == 0


# --- Categories: nesting ------------------------------------------------------------------


def _chain(business, levels):
    parent, chain = None, []
    for level in range(1, levels + 1):
        parent = services.category_create(business=business, name=f"Niveau {level}", parent=parent)
        chain.append(parent)
    return chain


def test_four_levels_are_allowed(business):
    chain = _chain(business, 4)

    assert [c.depth for c in chain] == [1, 2, 3, 4]
    assert chain[-1].full_name == "Niveau 1 › Niveau 2 › Niveau 3 › Niveau 4"


def test_a_fifth_level_is_refused(business):
    chain = _chain(business, 4)

    with pytest.raises(ApplicationError) as raised:
        services.category_create(business=business, name="Niveau 5", parent=chain[-1])

    assert raised.value.message == (
        "Categories may be nested 4 levels deep at most; this would make 5."
    )
    assert raised.value.field == "parent"
    assert Category.objects.count() == 4


def test_moving_a_subtree_below_the_depth_limit_is_refused(business):
    chain = _chain(business, 3)
    top = services.category_create(business=business, name="Haut")
    services.category_create(business=business, name="Bas", parent=top)

    with pytest.raises(ApplicationError) as raised:
        services.category_update(category=top, name="Haut", parent=chain[-1])

    assert raised.value.message == (
        "Categories may be nested 4 levels deep at most; this would make 5."
    )
    top.refresh_from_db()
    assert (top.parent_id, top.depth) == (None, 1)


def test_moving_a_subtree_updates_every_depth(business):
    top = services.category_create(business=business, name="Haut")
    middle = services.category_create(business=business, name="Milieu", parent=top)
    bottom = services.category_create(business=business, name="Bas", parent=middle)
    new_parent = services.category_create(business=business, name="Extérieur")

    services.category_update(category=top, name="Haut", parent=new_parent)

    depths = dict(Category.objects.values_list("name", "depth"))
    assert depths == {"Extérieur": 1, "Haut": 2, "Milieu": 3, "Bas": 4}
    bottom.refresh_from_db()
    assert bottom.full_name == "Extérieur › Haut › Milieu › Bas"


def test_moving_a_category_up_updates_every_depth(business):
    top, middle, bottom, lowest = _chain(business, 4)

    services.category_update(category=middle, name="Niveau 2", parent=None)

    depths = dict(Category.objects.values_list("name", "depth"))
    assert depths == {"Niveau 1": 1, "Niveau 2": 1, "Niveau 3": 2, "Niveau 4": 3}


def test_a_category_may_not_be_its_own_parent(business):
    category = services.category_create(business=business, name="Hiver")

    with pytest.raises(ApplicationError) as raised:
        services.category_update(category=category, name="Hiver", parent=category)

    assert raised.value.message == (
        "A category cannot be placed inside itself or one of its subcategories."
    )
    assert raised.value.field == "parent"
    category.refresh_from_db()
    assert category.parent_id is None


def test_a_category_may_not_move_below_its_own_descendant(business):
    top, middle, bottom = _chain(business, 3)

    with pytest.raises(ApplicationError) as raised:
        services.category_update(category=top, name="Niveau 1", parent=bottom)

    assert raised.value.message == (
        "A category cannot be placed inside itself or one of its subcategories."
    )
    top.refresh_from_db()
    assert (top.parent_id, top.depth) == (None, 1)


def test_a_parent_of_another_business_is_refused(business, other_business):
    foreign = CategoryFactory(business=other_business, name="Étrangère")

    with pytest.raises(ApplicationError) as raised:
        services.category_create(business=business, name="Locale", parent=foreign)

    assert (raised.value.message, raised.value.field) == (
        "Choose a valid parent category.",
        "parent",
    )
    assert Category.objects.filter(business=business).count() == 0


# --- Categories: delete -------------------------------------------------------------------


def test_deleting_a_category_uncategorises_its_items(business, item_events):
    category = CategoryFactory(business=business, name="Hiver")
    kept = CategoryFactory(business=business, name="Été")
    first = ItemFactory(business=business, name="Déneigement", category=category)
    second = ItemFactory(business=business, name="Épandage", category=category)
    elsewhere = ItemFactory(business=business, name="Tonte", category=kept)

    uncategorised = services.category_delete(category=category)

    assert uncategorised == 2
    assert not Category.objects.filter(pk=category.pk).exists()
    assert list(
        Item.objects.filter(category=None).order_by("name").values_list("pk", flat=True)
    ) == [first.pk, second.pk]
    elsewhere.refresh_from_db()
    assert elsewhere.category_id == kept.pk
    assert sorted(item_events) == sorted([(first.pk, "Déneigement"), (second.pk, "Épandage")])


def test_a_category_with_subcategories_is_not_deleted(business, item_events):
    parent = CategoryFactory(business=business, name="Hiver")
    CategoryFactory(business=business, name="Déglaçage", parent=parent)
    item = ItemFactory(business=business, name="Déneigement", category=parent)

    with pytest.raises(ApplicationError) as raised:
        services.category_delete(category=parent)

    assert raised.value.message == "«Hiver» has subcategories. Move or delete them first."
    assert Category.objects.count() == 2
    item.refresh_from_db()
    assert item.category_id == parent.pk
    assert item_events == []


# --- Items --------------------------------------------------------------------------------


def test_item_create_stores_every_field_and_announces_it(business, make_tax_group, item_events):
    group = make_tax_group(business=business)
    category = CategoryFactory(business=business, name="Hiver")

    item = services.item_create(
        business=business,
        name="  Déneigement  ",
        unit_price=Decimal("125.50"),
        description=" Entrée et trottoir ",
        item_type="product",
        unit="day",
        is_taxable=True,
        default_tax_group=group,
        category=category,
        sku=" DN-01 ",
    )

    item.refresh_from_db()
    assert (
        item.name,
        item.name_key,
        item.description,
        item.item_type,
        item.unit,
        item.unit_price,
        item.is_taxable,
        item.default_tax_group_id,
        item.category_id,
        item.sku,
        item.is_active,
    ) == (
        "Déneigement",
        "déneigement",
        "Entrée et trottoir",
        "product",
        "day",
        Decimal("125.5000"),
        True,
        group.pk,
        category.pk,
        "DN-01",
        True,
    )
    assert item_events == [(item.pk, "Déneigement")]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("hour", "hour"),
        ("Hour", "hour"),
        ("m²", "m2"),
        ("visit", "visit"),
        ("sac", "sac"),
        ("  voyage   de terre ", "voyage de terre"),
    ],
)
def test_units_of_the_list_are_stored_as_their_code_others_as_typed(business, typed, stored):
    item = services.item_create(
        business=business, name="Terre", unit_price=Decimal("1"), unit=typed
    )

    item.refresh_from_db()
    assert item.unit == stored


def test_a_blank_unit_is_refused(business, item_events):
    with pytest.raises(ApplicationError) as raised:
        services.item_create(business=business, name="Terre", unit_price=Decimal("1"), unit=" ")

    assert (raised.value.message, raised.value.field) == ("Choose a unit of measure.", "unit")
    assert Item.objects.count() == 0
    assert item_events == []


def test_a_too_long_unit_is_refused_on_the_unit_field(business, item_events):
    with pytest.raises(ApplicationError) as raised:
        services.item_create(
            business=business, name="Terre", unit_price=Decimal("1"), unit="x" * 31
        )

    assert raised.value.field == "unit"
    assert raised.value.message == ("Ensure this value has at most 30 characters (it has 31).")
    assert Item.objects.count() == 0
    assert item_events == []


@pytest.mark.parametrize(
    ("price", "message"),
    [
        (Decimal("-0.01"), "The unit price cannot be negative."),
        (Decimal("NaN"), "Enter a valid price."),
        (Decimal("Infinity"), "Enter a valid price."),
        (Decimal("1.23456"), "Ensure that there are no more than 4 decimal places."),
        (
            Decimal("12345678901"),
            "Ensure that there are no more than 10 digits before the decimal point.",
        ),
    ],
)
def test_invalid_prices_are_refused(business, item_events, price, message):
    with pytest.raises(ApplicationError) as raised:
        services.item_create(business=business, name="Terre", unit_price=price)

    assert (raised.value.message, raised.value.field) == (message, "unit_price")
    assert Item.objects.count() == 0
    assert item_events == []


def test_zero_price_is_fine(business):
    item = services.item_create(business=business, name="Visite gratuite", unit_price=Decimal("0"))

    item.refresh_from_db()
    assert item.unit_price == Decimal("0")


def test_relations_of_another_business_are_refused(
    business, other_business, make_tax_group, item_events
):
    foreign_category = CategoryFactory(business=other_business, name="Étrangère")
    foreign_group = make_tax_group(business=other_business)

    with pytest.raises(ApplicationError) as raised:
        services.item_create(
            business=business, name="Tonte", unit_price=Decimal("1"), category=foreign_category
        )
    assert (raised.value.message, raised.value.field) == ("Choose a valid category.", "category")

    with pytest.raises(ApplicationError) as raised:
        services.item_create(
            business=business,
            name="Tonte",
            unit_price=Decimal("1"),
            default_tax_group=foreign_group,
        )
    assert (raised.value.message, raised.value.field) == (
        "Choose a valid tax group.",
        "default_tax_group",
    )
    assert Item.objects.count() == 0
    assert item_events == []


def test_item_update_changes_every_field(business, make_tax_group, item_events):
    item = ItemFactory(business=business, name="Tonte", sku="T1")
    group = make_tax_group(business=business)
    category = CategoryFactory(business=business, name="Été")

    services.item_update(
        item=item,
        name="Tonte de pelouse",
        unit_price=Decimal("45.25"),
        description="Coupe et ramassage",
        item_type="service",
        unit="visit",
        is_taxable=False,
        default_tax_group=group,
        category=category,
        sku="T2",
    )

    item.refresh_from_db()
    assert (
        item.name,
        item.unit_price,
        item.description,
        item.unit,
        item.is_taxable,
        item.default_tax_group_id,
        item.category_id,
        item.sku,
    ) == (
        "Tonte de pelouse",
        Decimal("45.2500"),
        "Coupe et ramassage",
        "visit",
        False,
        group.pk,
        category.pk,
        "T2",
    )
    assert item_events == [(item.pk, "Tonte de pelouse")]


def test_archive_and_restore(business, item_events):
    item = ItemFactory(business=business, name="Tonte")

    services.item_archive(item=item)
    item.refresh_from_db()
    assert item.is_active is False

    services.item_archive(item=item)  # archiving twice changes nothing and says nothing
    services.item_restore(item=item)
    item.refresh_from_db()
    assert item.is_active is True
    assert item_events == [(item.pk, "Tonte"), (item.pk, "Tonte")]


def test_an_archived_item_still_holds_its_name(business):
    ItemFactory(business=business, name="Tonte", is_active=False)

    with pytest.raises(ApplicationError) as raised:
        services.item_create(business=business, name="tonte", unit_price=Decimal("1"))

    assert raised.value.field == "name"
    assert Item.objects.count() == 1


def test_a_failing_event_handler_rolls_the_item_back(business):
    from core import events

    def broken(*, item):
        raise RuntimeError("handler failed")

    events.item_changed.subscribe(broken)
    try:
        with pytest.raises(RuntimeError):
            services.item_create(business=business, name="Tonte", unit_price=Decimal("1"))
    finally:
        events.item_changed.unsubscribe(broken)

    assert Item.objects.count() == 0


@pytest.mark.parametrize("name", ["Hiver:Déneigement", ":", "Tonte : pelouse"])
def test_a_colon_is_refused_in_names(business, item_events, name):
    message = "A name cannot contain a colon (:). QuickBooks uses it to separate category levels."

    with pytest.raises(ApplicationError) as raised:
        services.item_create(business=business, name=name, unit_price=Decimal("1"))
    assert (raised.value.message, raised.value.field) == (message, "name")

    with pytest.raises(ApplicationError) as raised:
        services.category_create(business=business, name=name)
    assert (raised.value.message, raised.value.field) == (message, "name")

    assert Item.objects.count() == 0
    assert Category.objects.count() == 0
    assert item_events == []


def test_names_are_stored_with_single_spaces(business):
    item = services.item_create(
        business=business, name=" Tonte \t de\npelouse ", unit_price=Decimal("1")
    )
    category = services.category_create(business=business, name="  Saison   froide ")

    item.refresh_from_db()
    category.refresh_from_db()
    assert (item.name, item.name_key) == ("Tonte de pelouse", "tonte de pelouse")
    assert (category.name, category.name_key) == ("Saison froide", "saison froide")


def test_a_description_longer_than_quickbooks_allows_is_refused(business, item_events):
    item = ItemFactory(business=business, name="Tonte", description="Courte")

    with pytest.raises(ApplicationError) as raised:
        services.item_update(
            item=item,
            name="Tonte",
            unit_price=Decimal("1"),
            description="x" * 4001,
            item_type="service",
            unit="hour",
            is_taxable=True,
            default_tax_group=None,
            category=None,
            sku="",
        )

    assert (raised.value.message, raised.value.field) == (
        "The description may have 4000 characters at most (QuickBooks' limit); it has 4001.",
        "description",
    )
    item.refresh_from_db()
    assert item.description == "Courte"
    assert item_events == []

    services.item_create(
        business=business, name="Taille", unit_price=Decimal("1"), description="x" * 4000
    )
    assert Item.objects.get(name="Taille").description == "x" * 4000
