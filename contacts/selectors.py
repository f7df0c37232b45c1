import re

from django.db.models import Count, Prefetch, Q, QuerySet

from businesses.models import Business
from core.collation import natural
from core.search import contains

from .models import Contact, Tag

SEARCH_FIELDS = ("display_name", "first_name", "last_name", "company_name", "email", "phone")
PHONE_LIKE = re.compile(r"^[\d().+-]+$")


def _phone_pattern(word: str) -> str | None:
    """A regex that finds these digits whatever the separators stored between them, so
    "5145550101" finds "(514) 555-0101"."""
    digits = re.sub(r"\D", "", word)
    if not PHONE_LIKE.match(word) or len(digits) < 3:
        return None
    return r"[^0-9]*".join(digits)


def _search_q(search: str) -> Q:
    """Every word must match at least one field, so "Marie Tremblay" finds a contact whose
    first and last names are stored apart."""
    query = Q()
    for word in search.split():
        any_field = Q()
        for field in SEARCH_FIELDS:
            any_field |= contains(field, word)
        pattern = _phone_pattern(word)
        if pattern:
            any_field |= Q(phone__regex=pattern)
        query &= any_field
    return query


def contact_list(
    *,
    business: Business,
    search: str | None = None,
    tag_id: int | None = None,
    include_archived: bool = False,
) -> QuerySet[Contact]:
    """The business's contacts matching the filters, ordered by display name then id (a stable
    order for pagination), with their tags prefetched."""
    contacts = Contact.objects.filter(business=business)
    if not include_archived:
        contacts = contacts.filter(is_active=True)
    if search and search.strip():
        contacts = contacts.filter(_search_q(search))
    if tag_id is not None:
        # The tag must be the business's own: a foreign tag id matches nothing.
        contacts = contacts.filter(tags__id=tag_id, tags__business=business)
    return contacts.prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name", "id"))
    ).order_by(natural("display_name"), "id")


def contact_get(*, business: Business, pk: int) -> Contact | None:
    try:
        return (
            Contact.objects.filter(business=business)
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name", "id")))
            .get(pk=pk)
        )
    except (Contact.DoesNotExist, ValueError, TypeError):
        return None


def contact_invoices(*, contact: Contact, limit: int = 50) -> list:
    """The contact's most recent invoices, newest first."""
    return list(
        contact.invoices.filter(business_id=contact.business_id).order_by("-issue_date", "-id")[
            :limit
        ]
    )


def contact_open_credits(*, contact: Contact) -> list:
    """The contact's credit notes with credit left (invoicing owns them)."""
    from invoicing.selectors import contact_open_credits

    return contact_open_credits(contact=contact)


def tag_list(*, business: Business, include_archived_in_count: bool = False) -> QuerySet[Tag]:
    """The business's tags by name, each with `contact_count` (active contacts, unless told
    otherwise)."""
    counted = Q() if include_archived_in_count else Q(contacts__is_active=True)
    return (
        Tag.objects.filter(business=business)
        .annotate(contact_count=Count("contacts", filter=counted, distinct=True))
        .order_by(natural("name"), "id")
    )


def tag_get(*, business: Business, pk: int) -> Tag | None:
    try:
        return Tag.objects.filter(business=business).get(pk=pk)
    except (Tag.DoesNotExist, ValueError, TypeError):
        return None


def tag_find_by_name(*, business: Business, name: str) -> Tag | None:
    """Case-insensitive, accents included (casefold in Python: SQLite's lower() folds ASCII
    only, and a business has few tags)."""
    wanted = name.strip().casefold()
    for tag in Tag.objects.filter(business=business).only("id", "name", "business_id"):
        if tag.name.casefold() == wanted:
            return tag
    return None


def contact_matching(contacts: QuerySet[Contact], search: str) -> QuerySet[Contact]:
    """The contacts of this queryset that the search finds (every word in some field, phone
    digits whatever their separators), in alphabetical order: what a contact picker offers."""
    search = " ".join((search or "").split())
    if search:
        contacts = contacts.filter(_search_q(search))
    return contacts.order_by(natural("display_name"), "id")


def contact_pickable(*, business: Business, keep_id: int | None = None) -> QuerySet[Contact]:
    """Contacts an invoice may be addressed to: the active ones, plus the one it already has."""
    return Contact.objects.filter(business=business).filter(
        Q(is_active=True) | Q(pk=keep_id if keep_id else None)
    )


def contact_picker_detail(contact: Contact) -> str:
    """What tells two contacts of the same name apart in a picker."""
    return " · ".join(part for part in (contact.company_name, contact.email, contact.phone) if part)
