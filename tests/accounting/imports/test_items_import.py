"""Importing QuickBooks categories and items into the catalog, and linking catalog items."""

from decimal import Decimal

import pytest

from accounting.imports.models import ImportProblem, ImportStatus
from accounting.imports.services import (
    import_run_start,
    item_link_set,
    item_links_accept_exact,
)
from accounting.sync.models import ItemLink
from catalog.models import Category, Item
from core import events
from core.exceptions import ApplicationError
from tests.factories.accounting import QboItemFactory
from tests.factories.accounting_imports import REALM_ID, ItemLinkFactory
from tests.factories.catalog import ItemFactory

pytestmark = pytest.mark.django_db


def _abc_catalog(qbo):
    entretien = qbo.add_item(Name="Entretien", Type="Category")
    pelouse = qbo.add_item(
        Name="Pelouse",
        Type="Category",
        SubItem=True,
        ParentRef={"value": entretien["Id"]},
        FullyQualifiedName="Entretien:Pelouse",
    )
    tonte = qbo.add_item(
        Name="Tonte",
        Type="Service",
        UnitPrice=45.5,
        Description="Tonte hebdomadaire",
        SubItem=True,
        ParentRef={"value": pelouse["Id"]},
        SalesTaxCodeRef={"value": "5"},
        Sku="TON-1",
    )
    terreau = qbo.add_item(
        Name="Terreau", Type="NonInventory", UnitPrice="12.3456", SalesTaxCodeRef={"value": "2"}
    )
    sel = qbo.add_item(
        Name="Sel de déglaçage",
        Type="Inventory",
        UnitPrice=19.99,
        Taxable=True,
        SubItem=True,
        ParentRef={"value": entretien["Id"]},
    )
    return entretien, pelouse, tonte, terreau, sel


def test_situation_a_categories_and_items_are_imported_and_linked(
    qbo, connection, run_import, business
):
    entretien, pelouse, tonte, terreau, sel = _abc_catalog(qbo)
    run = run_import("items", unit="hour")
    assert run.status == ImportStatus.SUCCEEDED
    assert (run.total, run.done, run.created, run.linked, run.failed, run.skipped) == (
        5,
        5,
        5,
        0,
        0,
        0,
    )
    top = Category.objects.get(business=business, name="Entretien")
    child = Category.objects.get(business=business, name="Pelouse")
    assert (top.parent, top.depth, child.parent, child.depth) == (None, 1, top, 2)
    item = Item.objects.get(business=business, name="Tonte")
    assert (
        item.description,
        item.unit_price,
        item.is_taxable,
        item.item_type,
        item.sku,
        item.unit,
        item.category,
        item.is_active,
        item.name_key,
    ) == (
        "Tonte hebdomadaire",
        Decimal("45.5000"),
        True,
        "service",
        "TON-1",
        "hour",
        child,
        True,
        "tonte",
    )
    product = Item.objects.get(business=business, name="Terreau")
    assert (product.item_type, product.is_taxable, product.unit_price, product.category) == (
        "product",
        False,
        Decimal("12.3456"),
        None,
    )
    assert Item.objects.get(name="Sel de déglaçage").category == top
    links = dict(
        ItemLink.objects.filter(business=business, realm_id=REALM_ID).values_list(
            "item__name", "qbo_id"
        )
    )
    assert links == {"Tonte": tonte["Id"], "Terreau": terreau["Id"], "Sel de déglaçage": sel["Id"]}
    assert "SELECT *, Sku FROM Item STARTPOSITION 1 MAXRESULTS 1000" in qbo.queries


def test_rerun_updates_and_never_duplicates(qbo, connection, run_import, business):
    _entretien, _pelouse, tonte, _terreau, _sel = _abc_catalog(qbo)
    run_import("items", unit="unit")
    tonte["UnitPrice"] = 49
    tonte["SyncToken"] = "4"
    second = run_import("items", unit="unit")
    assert (second.created, second.updated, second.skipped, second.failed) == (0, 1, 4, 0)
    assert Item.objects.filter(business=business).count() == 3
    assert Category.objects.filter(business=business).count() == 2
    assert Item.objects.get(name="Tonte").unit_price == Decimal("49.0000")
    assert ItemLink.objects.get(qbo_id=tonte["Id"]).sync_token == "4"


def test_problems_the_article_warns_about_are_reported_per_row(
    qbo, connection, run_import, business
):
    qbo.add_item(Name="Déneigement", Type="Category")
    clash = qbo.add_item(Name="déneigement ", Type="Service", UnitPrice=10)
    no_income = qbo.add_item(Name="Frais divers", Type="Service", IncomeAccountRef=None)
    group = qbo.add_item(Name="Forfait", Type="Group")
    qbo.add_item(Name="Taille", Type="Service", UnitPrice=30)
    run = run_import("items", unit="unit")
    assert (run.created, run.failed, run.skipped) == (2, 2, 1)
    problems = list(
        ImportProblem.objects.filter(run=run).order_by("qbo_id").values_list("qbo_id", "reason")
    )
    assert problems == [
        (
            clash["Id"],
            "A category has the same name. QuickBooks and Plannit do not allow an "
            "item and a category with the same name: rename one of them in "
            "QuickBooks, then run the import again.",
        ),
        (
            no_income["Id"],
            "This item has no income account in QuickBooks, so it cannot be used "
            "on an invoice. Choose an income account for it in QuickBooks, then "
            "run the import again.",
        ),
        (
            group["Id"],
            "QuickBooks items of type “Group” are not imported: only services, "
            "non-inventory and inventory items are.",
        ),
    ]
    assert list(Item.objects.filter(business=business).values_list("name", flat=True)) == ["Taille"]


def test_category_deeper_than_four_levels_is_reported(qbo, connection, run_import, business):
    parent = None
    rows = []
    for level in range(1, 6):
        extra = {"SubItem": True, "ParentRef": {"value": parent["Id"]}} if parent else {}
        parent = qbo.add_item(Name=f"Niveau {level}", Type="Category", **extra)
        rows.append(parent)
    item = qbo.add_item(
        Name="Profond", Type="Service", SubItem=True, ParentRef={"value": rows[-1]["Id"]}
    )
    run = run_import("items", unit="unit")
    assert Category.objects.filter(business=business).count() == 4
    assert list(ImportProblem.objects.filter(run=run).values_list("qbo_id", "reason")) == [
        (
            rows[-1]["Id"],
            "Categories may be nested 4 levels deep at most; this one would be at "
            "level 5. Its items are imported without a category.",
        )
    ]
    assert Item.objects.get(name="Profond").category is None
    assert ItemLink.objects.filter(qbo_id=item["Id"]).count() == 1


def test_items_import_announces_nothing(qbo, connection, run_import):
    announced = []

    def handler(*, item):
        announced.append(item.pk)

    events.item_changed.subscribe(handler)
    try:
        _abc_catalog(qbo)
        run_import("items", unit="unit")
    finally:
        events.item_changed.unsubscribe(handler)
    assert announced == []


def test_situation_b_existing_catalog_needs_confirmation(
    qbo, connection, business, owner, enqueued, run_import
):
    mine = ItemFactory(business=business, name="tonte", unit_price=Decimal("40"))
    _abc_catalog(qbo)
    with pytest.raises(ApplicationError) as error:
        import_run_start(business=business, user=owner, kind="items", unit="unit")
    assert error.value.field == "confirm_existing_catalog"
    assert enqueued == []
    assert qbo.queries == []
    run = run_import("items", unit="unit", confirm_existing_catalog=True)
    # the owner's "tonte" is linked, not duplicated nor overwritten
    assert (run.created, run.linked) == (4, 1)  # 2 categories, 2 items
    mine.refresh_from_db()
    assert (mine.name, mine.unit_price, mine.category) == ("tonte", Decimal("40.00"), None)
    assert ItemLink.objects.get(item=mine).qbo_name == "Tonte"
    assert Item.objects.filter(business=business).count() == 3


def test_unit_must_be_one_of_the_list(connection, business, owner, enqueued):
    with pytest.raises(ApplicationError) as error:
        import_run_start(business=business, user=owner, kind="items", unit="<b>sac</b>")
    assert error.value.field == "unit"
    assert enqueued == []


def test_item_link_set_and_clear(connection, business):
    item = ItemFactory(business=business, name="Tonte")
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="31", name="Tonte de pelouse")
    QboItemFactory(
        business=business, realm_id=REALM_ID, qbo_id="32", name="Pelouse", item_type="Category"
    )
    link = item_link_set(item=item, qbo_item_id="31")
    assert (link.qbo_id, link.qbo_name, link.realm_id) == ("31", "Tonte de pelouse", REALM_ID)
    for bad in ("32", "999", "<script>"):
        with pytest.raises(ApplicationError):
            item_link_set(item=item, qbo_item_id=bad)
    assert ItemLink.objects.get(item=item).qbo_id == "31"
    assert item_link_set(item=item, qbo_item_id="") is None
    assert ItemLink.objects.filter(item=item).count() == 0


def test_accept_all_exact_matches(connection, business, other_business):
    tonte = ItemFactory(business=business, name="Tonte de pelouse")
    ItemFactory(business=business, name="Taille de haies")  # only a close name
    already = ItemFactory(business=business, name="Sel")
    ItemLinkFactory(business=business, item=already, qbo_id="77")
    ItemFactory(business=business, name="Archivé", is_active=False)
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="31", name="TONTE DE PELOUSE")
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="33", name="Taille des haies")
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="34", name="Sel")
    QboItemFactory(business=business, realm_id=REALM_ID, qbo_id="35", name="Archivé")
    assert item_links_accept_exact(business=business) == 1
    assert dict(ItemLink.objects.filter(business=business).values_list("item_id", "qbo_id")) == {
        tonte.pk: "31",
        already.pk: "77",
    }
    assert item_links_accept_exact(business=business) == 0
