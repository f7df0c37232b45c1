from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from businesses.models import Business, Language
from core import events
from core.exceptions import ApplicationError, full_clean_or_raise

from . import selectors
from .models import Contact, Tag

CONTACT_FIELDS = (
    "display_name",
    "first_name",
    "last_name",
    "company_name",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "province",
    "postal_code",
    "country",
    "notes",
    "language",
)
FILTER_KEYS = frozenset({"search", "tag_id", "include_archived"})


def contact_build_display_name(
    *, display_name: str = "", company_name: str = "", first_name: str = "", last_name: str = ""
) -> str:
    """The name shown everywhere: as typed, else the company, else first + last name."""
    display_name = " ".join(display_name.split())
    if display_name:
        return display_name
    company_name = " ".join(company_name.split())
    if company_name:
        return company_name
    return " ".join(f"{first_name} {last_name}".split())


def _clean_values(values: Mapping[str, Any]) -> dict[str, str]:
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {', '.join(sorted(unknown))}")
    cleaned = {}
    for name, value in values.items():
        value = "" if value is None else str(value)
        # Notes keep their line breaks; one-line fields lose stray spaces.
        cleaned[name] = value.strip() if name == "notes" else " ".join(value.split())
    if "email" in cleaned:
        cleaned["email"] = cleaned["email"].replace(" ", "")
    return cleaned


def _check_tags(*, business: Business, tags: Iterable[Tag]) -> list[Tag]:
    tags = list(tags)
    if any(tag.business_id != business.pk for tag in tags):
        raise ApplicationError(_("Choose tags of this business only."), field="tags")
    return tags


def _apply_display_name(contact: Contact) -> None:
    contact.display_name = contact_build_display_name(
        display_name=contact.display_name,
        company_name=contact.company_name,
        first_name=contact.first_name,
        last_name=contact.last_name,
    )
    if not contact.display_name:
        raise ApplicationError(
            _("Enter a display name, a company or a first or last name."), field="display_name"
        )


def contact_default_language(*, business: Business) -> str:
    """French in Québec (the Charter of the French Language), else the business's language."""
    return Language.FRENCH if business.province == "QC" else business.language


@transaction.atomic
def contact_create(
    *, business: Business, tags: Iterable[Tag] | None = None, **values: str
) -> Contact:
    """Create a contact. `values` are the fields of CONTACT_FIELDS; a blank display name is
    built from the company, else first + last name; without a language, the business's
    default for its contacts (contact_default_language)."""
    values = _clean_values(values)
    if not values.get("language"):
        values["language"] = contact_default_language(business=business)
    contact = Contact(business=business, **values)
    _apply_display_name(contact)
    tags = _check_tags(business=business, tags=tags or [])
    full_clean_or_raise(contact)
    contact.save()
    if tags:
        contact.tags.set(tags)
    events.contact_changed.send(contact=contact)
    return contact


@transaction.atomic
def contact_update(
    *, contact: Contact, tags: Iterable[Tag] | None = None, **values: str
) -> Contact:
    """Change the given fields (others stay as they are); `tags`, when given, replaces the
    contact's tags. A blank language keeps the contact's."""
    values = _clean_values(values)
    if not values.get("language", "x"):
        del values["language"]
    for name, value in values.items():
        setattr(contact, name, value)
    _apply_display_name(contact)
    if tags is not None:
        tags = _check_tags(business=contact.business, tags=tags)
    full_clean_or_raise(contact)
    contact.save()
    if tags is not None:
        contact.tags.set(tags)
    events.contact_changed.send(contact=contact)
    return contact


@transaction.atomic
def contact_set_tags(*, contact: Contact, tags: Iterable[Tag]) -> Contact:
    """Replace the contact's tags. Tags are Plannit's own labels (QuickBooks has none), so
    this is not a contact change worth syncing."""
    contact.tags.set(_check_tags(business=contact.business, tags=tags))
    return contact


@transaction.atomic
def contact_archive(*, contact: Contact) -> Contact:
    """Hide the contact from lists and pickers; its invoices stay. Archiving an archived
    contact changes nothing."""
    if not contact.is_active:
        return contact
    contact.is_active = False
    contact.save(update_fields=["is_active", "updated_at"])
    events.contact_changed.send(contact=contact)
    return contact


@transaction.atomic
def contact_restore(*, contact: Contact) -> Contact:
    if contact.is_active:
        return contact
    contact.is_active = True
    contact.save(update_fields=["is_active", "updated_at"])
    events.contact_changed.send(contact=contact)
    return contact


def _clean_tag_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(_("Enter a tag name."), field="name")
    return name


def _check_tag_name_free(*, business: Business, name: str, tag: Tag | None = None) -> None:
    existing = selectors.tag_find_by_name(business=business, name=name)
    if existing is not None and (tag is None or existing.pk != tag.pk):
        raise ApplicationError(
            _("A tag named “%(name)s” already exists.") % {"name": existing.name}, field="name"
        )


def _save_tag(tag: Tag) -> Tag:
    # uniqueness is checked above (accent-aware); the database constraint still guards races
    full_clean_or_raise(tag)
    try:
        with transaction.atomic():
            tag.save()
    except IntegrityError:
        raise ApplicationError(
            _("A tag named “%(name)s” already exists.") % {"name": tag.name}, field="name"
        ) from None
    return tag


@transaction.atomic
def tag_create(*, business: Business, name: str) -> Tag:
    name = _clean_tag_name(name)
    _check_tag_name_free(business=business, name=name)
    return _save_tag(Tag(business=business, name=name))


@transaction.atomic
def tag_get_or_create(*, business: Business, name: str) -> Tag:
    """The business's tag with this name (case-insensitive), created if missing."""
    name = _clean_tag_name(name)
    existing = selectors.tag_find_by_name(business=business, name=name)
    if existing is not None:
        return existing
    return _save_tag(Tag(business=business, name=name))


@transaction.atomic
def tag_rename(*, tag: Tag, name: str) -> Tag:
    name = _clean_tag_name(name)
    _check_tag_name_free(business=tag.business, name=name, tag=tag)
    tag.name = name
    return _save_tag(tag)


@transaction.atomic
def tag_delete(*, tag: Tag) -> int:
    """Delete the tag; contacts keep everything else. Returns how many contacts had it."""
    count = tag.contacts.count()
    tag.delete()
    return count


def _target_contacts(
    *, business: Business, contact_ids: Iterable[int] | None, filters: Mapping[str, Any] | None
) -> models.QuerySet[Contact]:
    if (contact_ids is None) == (filters is None):
        raise TypeError("Give exactly one of contact_ids or filters.")
    if filters is not None:
        unknown = set(filters) - FILTER_KEYS
        if unknown:
            raise TypeError(f"Unknown contact filters: {', '.join(sorted(unknown))}")
        return selectors.contact_list(business=business, **filters)
    ids = set()
    for contact_id in contact_ids:
        try:
            ids.add(int(contact_id))
        except (TypeError, ValueError):
            raise ApplicationError(_("Some of the selected contacts do not exist.")) from None
    contacts = Contact.objects.filter(business=business, pk__in=ids)
    if contacts.count() != len(ids):
        raise ApplicationError(_("Some of the selected contacts do not exist."))
    return contacts


@transaction.atomic
def contact_bulk_tag(
    *,
    business: Business,
    tag: Tag,
    contact_ids: Iterable[int] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> int:
    """Give `tag` to the chosen contacts: either `contact_ids` (all must be the business's),
    or every contact matching `filters` (the keyword arguments of selectors.contact_list:
    search, tag_id, include_archived). Returns how many contacts newly got the tag.

    One INSERT of the missing pairs (existing pairs are skipped), not a save per contact, so
    tagging 10,000 contacts before a QuickBooks import takes one round trip per batch."""
    _check_tags(business=business, tags=[tag])
    contacts = _target_contacts(business=business, contact_ids=contact_ids, filters=filters)
    Through = Contact.tags.through
    missing = list(
        contacts.exclude(pk__in=Through.objects.filter(tag=tag).values("contact_id"))
        .order_by()
        .values_list("pk", flat=True)
    )
    Through.objects.bulk_create(
        [Through(contact_id=contact_id, tag_id=tag.pk) for contact_id in missing],
        batch_size=500,
        ignore_conflicts=True,
    )
    return len(missing)


@transaction.atomic
def contact_bulk_untag(
    *,
    business: Business,
    tag: Tag,
    contact_ids: Iterable[int] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> int:
    """Take `tag` off the chosen contacts (same choice as contact_bulk_tag). Returns how many
    contacts lost it."""
    _check_tags(business=business, tags=[tag])
    contacts = _target_contacts(business=business, contact_ids=contact_ids, filters=filters)
    Through = Contact.tags.through
    deleted, _by_model = Through.objects.filter(
        tag=tag, contact_id__in=contacts.order_by().values("pk")
    ).delete()
    return deleted
