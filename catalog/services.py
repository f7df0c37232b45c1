"""Every write to the catalog. Names follow the QuickBooks rule that an item and a category
may not share a name (QBO error 6240, "Duplicate Name Exists"): see `ensure_name_is_free`."""

from decimal import Decimal
from typing import Literal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from businesses.models import Business
from core import events
from core.exceptions import ApplicationError, full_clean_or_raise
from invoicing.models import TaxGroup

from .models import MAX_CATEGORY_DEPTH, Category, Item, ItemType, UnitOfMeasure, name_key

# QuickBooks' Item.Description limit: a longer one would be refused at sync time.
DESCRIPTION_MAX_LENGTH = 4000


def _lock_catalog(business: Business) -> None:
    """Serialise catalog name changes of one business: the item-versus-category rule spans two
    tables, so no database constraint can enforce it; writers take the business row lock."""
    Business.objects.select_for_update().filter(pk=business.pk).exists()


def ensure_name_is_free(
    *,
    business: Business,
    name: str,
    kind: Literal["item", "category"],
    exclude_pk: int | None = None,
) -> None:
    """`kind` is "item" or "category": the thing being named, whose own row is `exclude_pk`."""
    key = name_key(name)
    if not key:
        raise ApplicationError(_("A name is required."), field="name")
    if ":" in name:
        # QuickBooks item names may not contain a colon: it separates the levels of a
        # FullyQualifiedName ("Hiver:Déneigement").
        raise ApplicationError(
            _("A name cannot contain a colon (:). QuickBooks uses it to separate category levels."),
            field="name",
        )
    items = Item.objects.filter(business=business, name_key=key)
    categories = Category.objects.filter(business=business, name_key=key)
    if exclude_pk is not None:
        if kind == "item":
            items = items.exclude(pk=exclude_pk)
        else:
            categories = categories.exclude(pk=exclude_pk)
    clash = items.only("name").first()
    if clash is not None:
        if kind == "category":
            message = _(
                "An item is already named «%(name)s». QuickBooks does not allow an item "
                "and a category with the same name."
            )
        else:
            message = _(
                "Another item is already named «%(name)s». Two items may not have the same name."
            )
        raise ApplicationError(message % {"name": clash.name}, field="name")
    clash = categories.only("name").first()
    if clash is not None:
        if kind == "item":
            message = _(
                "A category is already named «%(name)s». QuickBooks does not allow an "
                "item and a category with the same name."
            )
        else:
            message = _(
                "Another category is already named «%(name)s». Two categories may not "
                "have the same name."
            )
        raise ApplicationError(message % {"name": clash.name}, field="name")


def _clean_name(name: str) -> str:
    return " ".join((name or "").split())


def _full_clean(instance: Category | Item) -> None:
    """full_clean(), with Django's ValidationError turned into our ApplicationError."""
    instance.name_key = name_key(instance.name)
    full_clean_or_raise(
        instance, field_map={"name_key": "name"}, validate_unique=False, validate_constraints=False
    )


def _save(instance: Category | Item) -> None:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        # Another request took the name between our check and our insert.
        raise ApplicationError(
            _("This name is already used. Choose another name."), field="name"
        ) from None


# --- Categories ---------------------------------------------------------------------------


def _subtree_height(category: Category) -> int:
    """Levels from `category` down to its deepest descendant, `category` counting as 1."""
    height, level = 1, [category.pk]
    while True:
        level = list(Category.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        if not level:
            return height
        height += 1


def check_category_parent(
    *, business: Business, category: Category | None, parent: Category | None
) -> None:
    if parent is None:
        return
    if parent.business_id != business.pk:
        raise ApplicationError(_("Choose a valid parent category."), field="parent")
    if category is not None and category.pk:
        node = parent
        while node is not None:
            if node.pk == category.pk:
                raise ApplicationError(
                    _("A category cannot be placed inside itself or one of its subcategories."),
                    field="parent",
                )
            node = node.parent
    height = _subtree_height(category) if category is not None and category.pk else 1
    if parent.depth + height > MAX_CATEGORY_DEPTH:
        raise ApplicationError(
            _("Categories may be nested %(max)d levels deep at most; this would make %(levels)d.")
            % {"max": MAX_CATEGORY_DEPTH, "levels": parent.depth + height},
            field="parent",
        )


def refresh_descendant_depths(category: Category) -> None:
    level, depth = [category.pk], category.depth
    while level:
        depth += 1
        children = Category.objects.filter(parent_id__in=level)
        children.update(depth=depth)
        level = list(children.values_list("pk", flat=True))


@transaction.atomic
def category_create(*, business: Business, name: str, parent: Category | None = None) -> Category:
    _lock_catalog(business)
    name = _clean_name(name)
    ensure_name_is_free(business=business, name=name, kind="category")
    check_category_parent(business=business, category=None, parent=parent)
    category = Category(business=business, name=name, parent=parent)
    _full_clean(category)
    _save(category)
    return category


@transaction.atomic
def category_update(*, category: Category, name: str, parent: Category | None) -> Category:
    business = category.business
    _lock_catalog(business)
    name = _clean_name(name)
    ensure_name_is_free(business=business, name=name, kind="category", exclude_pk=category.pk)
    check_category_parent(business=business, category=category, parent=parent)
    moved = category.parent_id != (parent.pk if parent else None)
    category.name = name
    category.parent = parent
    _full_clean(category)
    _save(category)
    if moved:
        refresh_descendant_depths(category)
    return category


@transaction.atomic
def category_delete(*, category: Category) -> int:
    """Deletes an empty-of-subcategories category; its items become uncategorised.
    Returns how many items were uncategorised."""
    _lock_catalog(category.business)
    if Category.objects.filter(parent=category).exists():
        raise ApplicationError(
            _("«%(name)s» has subcategories. Move or delete them first.") % {"name": category.name}
        )
    items = list(Item.objects.filter(business=category.business, category=category))
    for item in items:
        item.category = None
        item.save(update_fields=["category", "updated_at"])
        events.item_changed.send(item=item)
    category.delete()
    return len(items)


# --- Items --------------------------------------------------------------------------------


def check_item_relations(
    *, business: Business, category: Category | None, default_tax_group: TaxGroup | None
) -> None:
    if category is not None and category.business_id != business.pk:
        raise ApplicationError(_("Choose a valid category."), field="category")
    if default_tax_group is not None and default_tax_group.business_id != business.pk:
        raise ApplicationError(_("Choose a valid tax group."), field="default_tax_group")


def _clean_unit(unit: str) -> str:
    unit = " ".join((unit or "").split())
    if not unit:
        raise ApplicationError(_("Choose a unit of measure."), field="unit")
    for choice in UnitOfMeasure:
        if unit.casefold() in (choice.value.casefold(), str(choice.label).casefold()):
            return choice.value
    return unit


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ApplicationError(
            _(
                "The description may have %(max)d characters at most (QuickBooks' limit); it has "
                "%(length)d."
            )
            % {"max": DESCRIPTION_MAX_LENGTH, "length": len(description)},
            field="description",
        )
    return description


def _check_price(unit_price: Decimal) -> None:
    if not isinstance(unit_price, Decimal) or not unit_price.is_finite():
        raise ApplicationError(_("Enter a valid price."), field="unit_price")
    if unit_price < 0 or unit_price.is_signed():
        raise ApplicationError(_("The unit price cannot be negative."), field="unit_price")


@transaction.atomic
def item_create(
    *,
    business: Business,
    name: str,
    unit_price: Decimal,
    description: str = "",
    item_type: str = ItemType.SERVICE,
    unit: str = UnitOfMeasure.UNIT,
    is_taxable: bool = True,
    default_tax_group: TaxGroup | None = None,
    category: Category | None = None,
    sku: str = "",
) -> Item:
    _lock_catalog(business)
    name = _clean_name(name)
    ensure_name_is_free(business=business, name=name, kind="item")
    check_item_relations(business=business, category=category, default_tax_group=default_tax_group)
    _check_price(unit_price)
    item = Item(
        business=business,
        name=name,
        description=_clean_description(description),
        item_type=item_type,
        unit=_clean_unit(unit),
        unit_price=unit_price,
        is_taxable=is_taxable,
        default_tax_group=default_tax_group,
        category=category,
        sku=(sku or "").strip(),
    )
    _full_clean(item)
    _save(item)
    events.item_changed.send(item=item)
    return item


@transaction.atomic
def item_update(
    *,
    item: Item,
    name: str,
    unit_price: Decimal,
    description: str,
    item_type: str,
    unit: str,
    is_taxable: bool,
    default_tax_group: TaxGroup | None,
    category: Category | None,
    sku: str,
) -> Item:
    business = item.business
    _lock_catalog(business)
    name = _clean_name(name)
    ensure_name_is_free(business=business, name=name, kind="item", exclude_pk=item.pk)
    check_item_relations(business=business, category=category, default_tax_group=default_tax_group)
    _check_price(unit_price)
    item.name = name
    item.description = _clean_description(description)
    item.item_type = item_type
    item.unit = _clean_unit(unit)
    item.unit_price = unit_price
    item.is_taxable = is_taxable
    item.default_tax_group = default_tax_group
    item.category = category
    item.sku = (sku or "").strip()
    _full_clean(item)
    _save(item)
    events.item_changed.send(item=item)
    return item


@transaction.atomic
def item_archive(*, item: Item) -> Item:
    """Archived items leave the lists and the invoice line editor; past invoices keep them."""
    if item.is_active:
        item.is_active = False
        item.save(update_fields=["is_active", "updated_at"])
        events.item_changed.send(item=item)
    return item


@transaction.atomic
def item_restore(*, item: Item) -> Item:
    if not item.is_active:
        item.is_active = True
        item.save(update_fields=["is_active", "updated_at"])
        events.item_changed.send(item=item)
    return item
