"""Import QuickBooks categories and items into the catalog, and link catalog items to
QuickBooks items (by hand or in bulk).

Items are written with bulk_create / bulk_update, without the catalog services' `item_changed`
event: what comes from QuickBooks is not pushed back to it.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.models import QboConnection, QboItem, QboTaxCode
from accounting.qbo import imports as qbo_imports
from accounting.sync.models import ItemLink
from businesses.models import Business
from catalog.models import MAX_CATEGORY_DEPTH, Category, Item, ItemType, name_key
from core.exceptions import ApplicationError

from ..matching import item_matcher_for
from ..models import ImportRun
from .runs import (
    import_run_record_progress,
    import_run_set_total,
    import_step_size,
    import_token_provider,
)

BATCH_SIZE = 500
CATEGORY_TYPE = "Category"
PRICE_STEP = Decimal("0.0001")
MAX_PRICE = Decimal("9999999999.9999")  # Item.unit_price: 14 digits, 4 decimals
_NAME_MAX = Item._meta.get_field("name").max_length
_SKU_MAX = Item._meta.get_field("sku").max_length
ITEM_FIELDS = (
    "name",
    "name_key",
    "description",
    "item_type",
    "unit_price",
    "is_taxable",
    "sku",
    "is_active",
    "category",
)


class _Catalog:
    """What the import needs to know about the catalog, loaded once per run: names of items
    and categories (an item and a category may not share one, QBO error 6240), and the links
    to this company's items."""

    def __init__(self, *, business: Business, realm_id: str):
        self.item_keys: dict[str, int] = dict(
            Item.objects.filter(business=business).values_list("name_key", "pk")
        )
        self.categories: dict[str, Category] = {
            category.name_key: category for category in Category.objects.filter(business=business)
        }
        self.linked_item_ids: set[int] = set(
            ItemLink.objects.filter(business=business, realm_id=realm_id).values_list(
                "item_id", flat=True
            )
        )
        self.qbo_categories: dict[str, Category] = {}


def _problem(record: qbo_imports.ItemRecord, reason: str) -> tuple[str, str, str]:
    return record.qbo_id, record.fully_qualified_name or record.name or record.qbo_id, reason


def items_import(*, run: ImportRun) -> None:
    business, realm = run.business, run.realm_id
    token = import_token_provider(business=business, realm_id=run.realm_id)
    import_run_set_total(
        run=run,
        total=qbo_imports.count_items(
            access_token=token, realm_id=realm, include_inactive=run.include_inactive
        ),
    )
    # Categories must exist before the items placed in them, and QBO returns both mixed in
    # one list (by Id): read everything first. A catalog's item list is small enough.
    records: list[qbo_imports.ItemRecord] = []
    for page in qbo_imports.item_pages(
        access_token=token, realm_id=realm, include_inactive=run.include_inactive
    ):
        records.extend(page)
    catalog = _Catalog(business=business, realm_id=realm)
    categories = [record for record in records if record.item_type == CATEGORY_TYPE]
    _import_categories(run=run, records=categories, catalog=catalog)
    category_keys = {name_key(record.name) for record in categories}
    non_taxable_codes = set(
        QboTaxCode.objects.filter(business=business, realm_id=realm, is_taxable=False).values_list(
            "qbo_id", flat=True
        )
    )
    items = [record for record in records if record.item_type != CATEGORY_TYPE]
    step = import_step_size(total=len(items), largest=BATCH_SIZE)
    for start in range(0, len(items), step):
        _import_item_batch(
            run=run,
            records=items[start : start + step],
            catalog=catalog,
            category_keys=category_keys,
            non_taxable_codes=non_taxable_codes,
        )


def _category_depths(records: list[qbo_imports.ItemRecord]) -> dict[str, int]:
    by_id = {record.qbo_id: record for record in records}
    depths: dict[str, int] = {}
    for record in records:
        chain, node = [], record
        while node is not None and node.qbo_id not in depths and node.qbo_id not in chain:
            chain.append(node.qbo_id)
            node = by_id.get(node.parent_id)
        depth = depths.get(node.qbo_id, 0) if node is not None else 0
        for qbo_id in reversed(chain):
            depth += 1
            depths[qbo_id] = depth
    return depths


@transaction.atomic
def _import_categories(
    *, run: ImportRun, records: list[qbo_imports.ItemRecord], catalog: _Catalog
) -> None:
    counts = {"created": 0, "skipped": 0, "failed": 0}
    problems = []
    depths = _category_depths(records)
    for record in sorted(records, key=lambda r: (depths[r.qbo_id], r.qbo_id)):
        key = name_key(record.name)
        parent = catalog.qbo_categories.get(record.parent_id) if record.parent_id else None
        if record.parent_id and parent is None:
            counts["failed"] += 1
            problems.append(
                _problem(
                    record,
                    _(
                        "Its parent category could not be imported (see above), so this category "
                        "was left out."
                    ),
                )
            )
            continue
        if not key or len(record.name) > _NAME_MAX:
            counts["failed"] += 1
            problems.append(
                _problem(
                    record,
                    _("The name is empty or longer than %(limit)d characters.")
                    % {"limit": _NAME_MAX},
                )
            )
            continue
        if key in catalog.item_keys:
            counts["failed"] += 1
            problems.append(
                _problem(
                    record,
                    _(
                        "An item is already named like this category. QuickBooks and Plannit do not "
                        "allow an item and a category with the same name: rename one of them, then "
                        "run the import again."
                    ),
                )
            )
            continue
        existing = catalog.categories.get(key)
        if existing is not None:
            catalog.qbo_categories[record.qbo_id] = existing
            counts["skipped"] += 1
            continue
        depth = (parent.depth + 1) if parent is not None else 1
        if depth > MAX_CATEGORY_DEPTH:
            counts["failed"] += 1
            problems.append(
                _problem(
                    record,
                    _(
                        "Categories may be nested %(max)d levels deep at most; this one would be at "
                        "level %(level)d. Its items are imported without a category."
                    )
                    % {"max": MAX_CATEGORY_DEPTH, "level": depth},
                )
            )
            continue
        category = Category(business_id=run.business_id, name=record.name, parent=parent)
        category.save()  # computes name_key and depth
        catalog.categories[key] = category
        catalog.qbo_categories[record.qbo_id] = category
        counts["created"] += 1
    import_run_record_progress(run=run, done=len(records), problems=problems, **counts)


def _is_taxable(record: qbo_imports.ItemRecord, non_taxable_codes: set[str]) -> bool:
    # Non-US companies say it with the item's sales tax code, and their `Taxable` is the US
    # flag (false), so the code wins when there is one (qbo-api-reference §3.2).
    if record.sales_tax_code_id:
        return record.sales_tax_code_id not in non_taxable_codes
    return bool(record.taxable)


def _item_values(
    record: qbo_imports.ItemRecord, *, catalog: _Catalog, non_taxable_codes: set[str]
) -> dict:
    return {
        "name": record.name,
        "name_key": name_key(record.name),
        "description": record.description,
        "item_type": ItemType.SERVICE if record.item_type == "Service" else ItemType.PRODUCT,
        "unit_price": record.unit_price.quantize(PRICE_STEP, rounding=ROUND_HALF_UP),
        "is_taxable": _is_taxable(record, non_taxable_codes),
        "sku": record.sku,
        "is_active": record.is_active,
        "category": catalog.qbo_categories.get(record.parent_id),
    }


def _record_problem(
    record: qbo_imports.ItemRecord, category_keys: set[str], catalog: _Catalog
) -> str:
    if record.item_type not in qbo_imports.SELLABLE_ITEM_TYPES:
        return ""
    key = name_key(record.name)
    if not key or len(record.name) > _NAME_MAX:
        return _("The name is empty or longer than %(limit)d characters.") % {"limit": _NAME_MAX}
    if key in category_keys or key in catalog.categories:
        return _(
            "A category has the same name. QuickBooks and Plannit do not allow an item and "
            "a category with the same name: rename one of them in QuickBooks, then run the "
            "import again."
        )
    if not record.has_income_account:
        return _(
            "This item has no income account in QuickBooks, so it cannot be used on an "
            "invoice. Choose an income account for it in QuickBooks, then run the import "
            "again."
        )
    if record.unit_price < 0 or record.unit_price > MAX_PRICE:
        return _("The price %(price)s cannot be used in Plannit.") % {"price": record.unit_price}
    if len(record.sku) > _SKU_MAX:
        return _("The SKU is longer than %(limit)d characters.") % {"limit": _SKU_MAX}
    return ""


@transaction.atomic
def _import_item_batch(
    *,
    run: ImportRun,
    records: list[qbo_imports.ItemRecord],
    catalog: _Catalog,
    category_keys: set[str],
    non_taxable_codes: set[str],
) -> None:
    business, realm = run.business, run.realm_id
    counts = dict.fromkeys(("created", "linked", "updated", "skipped", "failed"), 0)
    problems = []
    now = timezone.now()
    links_by_qbo: dict[str, list[ItemLink]] = {}
    for link in ItemLink.objects.filter(
        business=business, realm_id=realm, qbo_id__in=[record.qbo_id for record in records]
    ):
        links_by_qbo.setdefault(link.qbo_id, []).append(link)
    linked_items = Item.objects.in_bulk(
        [link.item_id for links in links_by_qbo.values() for link in links]
    )
    to_create: list[tuple[qbo_imports.ItemRecord, Item]] = []
    new_links: list[ItemLink] = []
    changed_items: list[Item] = []
    changed_links: list[ItemLink] = []

    for record in records:
        if record.item_type not in qbo_imports.SELLABLE_ITEM_TYPES:
            counts["skipped"] += 1
            problems.append(
                _problem(
                    record,
                    _(
                        "QuickBooks items of type “%(type)s” are not imported: only services, "
                        "non-inventory and inventory items are."
                    )
                    % {"type": record.item_type or "?"},
                )
            )
            continue
        problem = _record_problem(record, category_keys, catalog)
        if problem:
            counts["failed"] += 1
            problems.append(_problem(record, problem))
            continue
        values = _item_values(record, catalog=catalog, non_taxable_codes=non_taxable_codes)
        key = values["name_key"]
        links = links_by_qbo.get(record.qbo_id, [])
        if links:
            changed = False
            for link in links:
                item = linked_items[link.item_id]
                owner_of_name = catalog.item_keys.get(key)
                if owner_of_name not in (None, item.pk):
                    problems.append(
                        _problem(
                            record,
                            _(
                                "Another item of the catalog is already named like this one; "
                                "the linked item «%(name)s» was not renamed."
                            )
                            % {"name": item.name},
                        )
                    )
                    values = {**values, "name": item.name, "name_key": item.name_key}
                if any(getattr(item, name) != value for name, value in values.items()):
                    catalog.item_keys.pop(item.name_key, None)
                    for name, value in values.items():
                        setattr(item, name, value)
                    item.updated_at = now
                    catalog.item_keys[item.name_key] = item.pk
                    changed_items.append(item)
                    changed = True
                if (link.sync_token, link.qbo_name) != (record.sync_token, record.name[:255]):
                    link.sync_token, link.qbo_name = record.sync_token, record.name[:255]
                    link.updated_at = now
                    changed_links.append(link)
            counts["updated" if changed else "skipped"] += 1
            continue
        existing_pk = catalog.item_keys.get(key)
        if existing_pk == -1:
            counts["failed"] += 1
            problems.append(
                _problem(
                    record,
                    _(
                        "Another QuickBooks item of this import has the same name once case and "
                        "spaces are ignored. Rename one of them, then run the import again."
                    ),
                )
            )
            continue
        if existing_pk is not None:
            if existing_pk in catalog.linked_item_ids:
                counts["failed"] += 1
                problems.append(
                    _problem(
                        record,
                        _(
                            "The catalog item with this name is already linked to another QuickBooks "
                            "item. Rename one of them, then run the import again."
                        ),
                    )
                )
                continue
            # Situation B: the owner's own item stays as it is, only linked.
            new_links.append(
                ItemLink(
                    business=business,
                    realm_id=realm,
                    qbo_id=record.qbo_id,
                    sync_token=record.sync_token,
                    item_id=existing_pk,
                    qbo_name=record.name[:255],
                )
            )
            catalog.linked_item_ids.add(existing_pk)
            counts["linked"] += 1
            continue
        item = Item(business=business, unit=run.unit, **values)
        to_create.append((record, item))
        catalog.item_keys[key] = -1  # taken; the real pk is known after the insert
        counts["created"] += 1

    if to_create:
        created = Item.objects.bulk_create(
            [item for _record, item in to_create], batch_size=BATCH_SIZE
        )
        for (record, _unsaved), item in zip(to_create, created, strict=True):
            catalog.item_keys[item.name_key] = item.pk
            catalog.linked_item_ids.add(item.pk)
            new_links.append(
                ItemLink(
                    business=business,
                    realm_id=realm,
                    qbo_id=record.qbo_id,
                    sync_token=record.sync_token,
                    item_id=item.pk,
                    qbo_name=record.name[:255],
                )
            )
    if new_links:
        ItemLink.objects.bulk_create(new_links, batch_size=BATCH_SIZE)
    if changed_items:
        Item.objects.bulk_update(changed_items, [*ITEM_FIELDS, "updated_at"], batch_size=BATCH_SIZE)
    if changed_links:
        ItemLink.objects.bulk_update(
            changed_links, ["sync_token", "qbo_name", "updated_at"], batch_size=BATCH_SIZE
        )
    import_run_record_progress(run=run, done=len(records), problems=problems, **counts)


# --- Linking catalog items to QuickBooks items --------------------------------------------


def _connected(business: Business) -> QboConnection:
    from accounting.selectors import active_connection_for_business

    connection = active_connection_for_business(business=business)
    if connection is None:
        raise ApplicationError(_("QuickBooks Online is not connected."))
    return connection


def linkable_qbo_items(*, connection: QboConnection):
    return QboItem.objects.filter(
        business_id=connection.business_id,
        realm_id=connection.realm_id,
        is_active=True,
        item_type__in=qbo_imports.SELLABLE_ITEM_TYPES,
    )


@transaction.atomic
def item_link_set(*, item: Item, qbo_item_id: str) -> ItemLink | None:
    """Link `item` to the QuickBooks item `qbo_item_id` (from the cached list of the connected
    company); an empty id removes the link (the item then uses the default item)."""
    connection = _connected(item.business)
    qbo_item_id = str(qbo_item_id or "").strip()
    if not qbo_item_id:
        ItemLink.objects.filter(
            business=item.business, realm_id=connection.realm_id, item=item
        ).delete()
        return None
    qbo_item = linkable_qbo_items(connection=connection).filter(qbo_id=qbo_item_id[:32]).first()
    if qbo_item is None:
        raise ApplicationError(
            _("Choose a QuickBooks product or service from the list."), field="qbo_item"
        )
    link, _created = ItemLink.objects.update_or_create(
        business=item.business,
        realm_id=connection.realm_id,
        item=item,
        defaults={"qbo_id": qbo_item.qbo_id, "qbo_name": qbo_item.name[:255], "sync_token": ""},
    )
    return link


@transaction.atomic
def item_links_accept_exact(*, business: Business) -> int:
    """Link every unlinked active catalog item to the QuickBooks item of exactly the same
    (normalised) name. Returns how many items were linked."""
    connection = _connected(business)
    matcher = item_matcher_for(
        tuple(linkable_qbo_items(connection=connection).values_list("qbo_id", "name"))
    )
    linked = ItemLink.objects.filter(business=business, realm_id=connection.realm_id)
    new_links = []
    for pk, name in (
        Item.objects.filter(business=business, is_active=True)
        .exclude(pk__in=linked.values("item_id"))
        .values_list("pk", "name")
    ):
        exact = matcher.exact(name)
        if exact is not None:
            new_links.append(
                ItemLink(
                    business=business,
                    realm_id=connection.realm_id,
                    qbo_id=exact.qbo_id,
                    qbo_name=exact.name[:255],
                    item_id=pk,
                )
            )
    ItemLink.objects.bulk_create(new_links, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(new_links)
