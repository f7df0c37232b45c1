"""Every catalog read beyond a simple get, always scoped by business."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from businesses.models import Business
from core.collation import natural, sort_key
from core.search import contains

from .models import Category, Item

# Enough to print `Category.full_name` of the deepest category without one query per level.
_CATEGORY_PATH = "category__parent__parent__parent"


@dataclass
class CategoryNode:
    category: Category
    depth: int
    item_count: int
    children: list["CategoryNode"] = field(default_factory=list)


def category_tree(*, business: Business) -> list[CategoryNode]:
    """The business's categories as a forest, siblings ordered by name; `item_count` counts
    the active items filed directly in each category."""
    categories = Category.objects.filter(business=business).annotate(
        item_count=Count("items", filter=Q(items__is_active=True))
    )
    categories = sorted(categories, key=lambda c: (sort_key(c.name), c.pk))
    nodes = {c.pk: CategoryNode(category=c, depth=1, item_count=c.item_count) for c in categories}
    roots: list[CategoryNode] = []
    for node in nodes.values():
        parent = nodes.get(node.category.parent_id)
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
            # Lets full_name walk up the tree without a query per level.
            node.category.parent = parent.category

    def set_depth(siblings: list[CategoryNode], depth: int) -> None:
        for node in siblings:
            node.depth = depth
            set_depth(node.children, depth + 1)

    set_depth(roots, 1)
    return roots


def flatten_tree(nodes: list[CategoryNode]) -> Iterator[CategoryNode]:
    """Depth first, parents before their children: the order a tree is printed in."""
    for node in nodes:
        yield node
        yield from flatten_tree(node.children)


def category_descendant_ids(*, business: Business, category_id: int) -> set[int]:
    """The category and all its subcategories; empty when it is not one of the business's."""
    parents = dict(Category.objects.filter(business=business).values_list("pk", "parent_id"))
    if category_id not in parents:
        return set()
    found, frontier = {category_id}, {category_id}
    while frontier:
        frontier = {pk for pk, parent_id in parents.items() if parent_id in frontier} - found
        found |= frontier
    return found


def item_list(
    *,
    business: Business,
    search: str | None = None,
    category_id: int | None = None,
    include_archived: bool = False,
) -> QuerySet[Item]:
    items = Item.objects.filter(business=business).select_related(_CATEGORY_PATH)
    if not include_archived:
        items = items.filter(is_active=True)
    if category_id is not None:
        items = items.filter(
            category_id__in=category_descendant_ids(business=business, category_id=category_id)
        )
    search = " ".join((search or "").split())
    if search:
        items = items.filter(
            contains("name", search) | contains("sku", search) | contains("description", search)
        )
    # Sorted by the database (the list is paginated), accents and case aside.
    return items.order_by(natural("name"), "pk")


def price_text(price: Decimal) -> str:
    """A price as plain digits, with cents always and further decimals only when they are
    used: 125.0000 -> "125.00", 0.1250 -> "0.125"."""
    cents = price.quantize(Decimal("0.01"))
    if price == cents:
        return f"{cents:f}"
    return f"{price.normalize():f}"


def item_matching(items: QuerySet[Item], search: str) -> QuerySet[Item]:
    """The items of this queryset whose name or SKU contains the search, in alphabetical
    order: what an item picker offers."""
    search = " ".join((search or "").split())
    if search:
        items = items.filter(contains("name", search) | contains("sku", search))
    return items.order_by(natural("name"), "pk")


def item_pickable(*, business: Business, keep_ids=()) -> QuerySet[Item]:
    """Items a line may use: the active ones, plus those already on the lines being edited."""
    return Item.objects.filter(business=business).filter(
        Q(is_active=True) | Q(pk__in=[pk for pk in keep_ids if pk])
    )


def item_line_values(item: Item) -> dict:
    """What an invoice line takes from its item when it is chosen (JSON-ready: the price is a
    string so that no float ever touches it)."""
    return {
        "description": item.description or item.name,
        "unit_price": price_text(item.unit_price),
        "is_taxable": item.is_taxable,
        "tax_group": item.default_tax_group_id,
    }


def item_choices_for_invoice(*, business: Business) -> list[dict]:
    """Active items as plain values for the invoice line editor (JSON-ready: the price is a
    string so that no float ever touches it)."""
    items = sorted(
        Item.objects.filter(business=business, is_active=True),
        key=lambda item: (sort_key(item.name), item.pk),
    )
    return [
        {
            "id": item.pk,
            "name": item.name,
            "description": item.description,
            "unit_price": price_text(item.unit_price),
            "unit_label": item.unit_label,
            "is_taxable": item.is_taxable,
            "default_tax_group_id": item.default_tax_group_id,
        }
        for item in items
    ]
