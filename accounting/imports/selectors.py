"""Reads of the imports, always scoped by business."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext, ngettext

from accounting.models import QboConnection
from accounting.sync.models import CustomerLink, ItemLink
from businesses.models import Business
from catalog.models import Item
from contacts.models import Contact
from core.collation import natural
from core.search import contains

from .matching import REVIEW_REASONS, ItemMatcher, Suggestion, item_matcher_for
from .models import ContactReview, ImportKind, ImportRun, ReviewStatus

QBO_ITEM_SEARCH_LIMIT = 20


def import_runs(*, business: Business, kind: str | None = None) -> QuerySet[ImportRun]:
    runs = ImportRun.objects.filter(business=business).select_related("started_by")
    if kind:
        runs = runs.filter(kind=kind)
    return runs.order_by("-created_at", "-id")


def import_last_runs(*, business: Business) -> dict[str, ImportRun | None]:
    return {kind: import_runs(business=business, kind=kind).first() for kind in ImportKind.values}


def import_run_progress(*, run: ImportRun) -> dict:
    """What the progress bar shows, with its label in the request's language."""
    noun = {
        ImportKind.CONTACTS: ngettext(
            "%(done)s of %(total)s customers", "%(done)s of %(total)s customers", run.total
        ),
        ImportKind.ITEMS: ngettext(
            "%(done)s of %(total)s products and services",
            "%(done)s of %(total)s products and services",
            run.total,
        ),
    }[run.kind]
    return {
        "id": run.pk,
        "kind": run.kind,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "is_active": run.is_active,
        "done": run.done,
        "total": run.total,
        "percent": run.percent,
        "label": noun % {"done": run.done, "total": run.total},
        "counts": {
            name: getattr(run, name)
            for name in ("created", "linked", "updated", "skipped", "to_review", "failed")
        },
        "error_message": run.error_message,
    }


def contact_reviews_pending(*, business: Business) -> QuerySet[ContactReview]:
    return ContactReview.objects.filter(business=business, status=ReviewStatus.PENDING).order_by(
        natural("display_name"), "id"
    )


def _reason_translations() -> dict[str, str]:
    """Each stored form of a review reason (in every language) -> its msgid."""
    known = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for msgid in REVIEW_REASONS:
                known[gettext(msgid)] = msgid
    return known


def contact_review_reason(stored: str) -> str:
    """A review's reason in the reader's language, whatever the language of the import that
    wrote it; a sentence it does not know is shown as stored."""
    msgid = _reason_translations().get(stored)
    return gettext(msgid) if msgid else stored


def contact_review_count(*, business: Business) -> int:
    return contact_reviews_pending(business=business).count()


def contact_review_candidates(*, reviews: list[ContactReview]) -> dict[int, list[Contact]]:
    """The candidate contacts of each review (of the review's own business only)."""
    ids = {pk for review in reviews for pk in review.candidate_ids}
    if not reviews:
        return {}
    contacts = Contact.objects.filter(business_id=reviews[0].business_id, pk__in=ids).in_bulk()
    return {
        review.pk: [contacts[pk] for pk in review.candidate_ids if pk in contacts]
        for review in reviews
    }


def contacts_unlinked_count(*, business: Business, realm_id: str) -> int:
    linked = CustomerLink.objects.filter(business=business, realm_id=realm_id)
    return (
        Contact.objects.filter(business=business)
        .exclude(pk__in=linked.values("contact_id"))
        .count()
    )


# --- Items and their links -----------------------------------------------------------------


def qbo_items_linkable(*, connection: QboConnection):
    from .services.items import linkable_qbo_items

    return linkable_qbo_items(connection=connection)


def qbo_item_search(
    *, connection: QboConnection, query: str, limit: int = QBO_ITEM_SEARCH_LIMIT
) -> list[dict]:
    """Sellable QuickBooks items (services, non-inventory, inventory) whose name contains the
    query, for the searchable "Linked QuickBooks item" field."""
    query = " ".join(str(query or "").split())[:100]
    items = qbo_items_linkable(connection=connection)
    if query:
        items = items.filter(contains("name", query) | contains("fully_qualified_name", query))
    return [
        {"id": row.qbo_id, "name": row.fully_qualified_name or row.name, "type": row.item_type}
        for row in items.order_by(natural("name"), "qbo_id")[:limit]
    ]


def item_link_for(*, item: Item, realm_id: str) -> ItemLink | None:
    return ItemLink.objects.filter(
        business_id=item.business_id, realm_id=realm_id, item=item
    ).first()


@dataclass
class LinkRow:
    item: Item
    link: ItemLink | None
    suggestion: Suggestion | None


@dataclass
class LinkingSummary:
    total: int
    linked: int
    exact_available: int

    @property
    def unlinked(self) -> int:
        return self.total - self.linked

    def unlinked_label(self) -> str:
        return ngettext(
            "%(count)d item is not linked: it will use the default item.",
            "%(count)d items are not linked: they will use the default item.",
            self.unlinked,
        ) % {"count": self.unlinked}


def item_linking_items(*, business: Business) -> QuerySet[Item]:
    return Item.objects.filter(business=business, is_active=True).order_by(natural("name"), "id")


def item_linking_matcher(*, connection: QboConnection) -> ItemMatcher:
    return item_matcher_for(
        tuple(
            qbo_items_linkable(connection=connection)
            .order_by("name", "qbo_id")
            .values_list("qbo_id", "name")
        )
    )


def item_linking_summary(
    *, business: Business, connection: QboConnection, matcher: ItemMatcher
) -> LinkingSummary:
    items = item_linking_items(business=business)
    linked_ids = set(
        ItemLink.objects.filter(business=business, realm_id=connection.realm_id).values_list(
            "item_id", flat=True
        )
    )
    total, linked, exact = 0, 0, 0
    for pk, name in items.values_list("pk", "name"):
        total += 1
        if pk in linked_ids:
            linked += 1
        elif matcher.exact(name) is not None:
            exact += 1
    return LinkingSummary(total=total, linked=linked, exact_available=exact)


def item_linking_rows(
    *, items: list[Item], connection: QboConnection, matcher: ItemMatcher
) -> list[LinkRow]:
    """One row per item of the page: its link, else the suggested QuickBooks item."""
    links = {
        link.item_id: link
        for link in ItemLink.objects.filter(
            business_id=connection.business_id,
            realm_id=connection.realm_id,
            item_id__in=[item.pk for item in items],
        )
    }
    return [
        LinkRow(
            item=item,
            link=links.get(item.pk),
            suggestion=None if item.pk in links else matcher.suggest(item.name),
        )
        for item in items
    ]
