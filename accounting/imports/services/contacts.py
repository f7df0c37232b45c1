"""Import QuickBooks customers as contacts, match them to existing contacts, and the owner's
decisions on doubtful matches.

Nothing written here announces a contact change (no `contact_changed` event): contacts are
written with bulk_create / bulk_update, which bypass the contacts services, so imported data
is never queued to be pushed back to QuickBooks.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.qbo import imports as qbo_imports
from accounting.sync.models import CustomerLink
from businesses.models import Business
from contacts.models import Contact, Tag
from contacts.services import contact_build_display_name
from core.exceptions import ApplicationError

from ..matching import (
    REASON_CLAIMED,
    REASON_CONFLICT,
    REASON_PHONE_ONLY,
    REASON_SEVERAL,
    email_key,
    name_match_key,
    phone_key,
)
from ..models import ContactReview, ImportRun, ReviewStatus
from .runs import (
    import_run_record_progress,
    import_run_set_total,
    import_step_size,
    import_token_provider,
)

BATCH_SIZE = 500
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
)
_MAX_LENGTHS = {name: Contact._meta.get_field(name).max_length for name in CONTACT_FIELDS}


def contact_values_problem(values: dict[str, str]) -> str:
    """Why these values cannot become a contact, in plain words; "" when they can."""
    if not values.get("display_name"):
        return _("This customer has no name in QuickBooks.")
    for name, limit in _MAX_LENGTHS.items():
        if limit and len(values.get(name) or "") > limit:
            label = Contact._meta.get_field(name).verbose_name
            return _(
                "The %(field)s is longer than %(limit)d characters. Shorten it in "
                "QuickBooks, then run the import again."
            ) % {"field": label, "limit": limit}
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            return _(
                "The email address “%(email)s” is not valid. Correct it in QuickBooks, "
                "then run the import again."
            ) % {"email": values["email"]}
    return ""


def _values_of(record: qbo_imports.CustomerRecord) -> dict[str, str]:
    values = record.contact_values()
    values["display_name"] = contact_build_display_name(
        display_name=values["display_name"],
        company_name=values["company_name"],
        first_name=values["first_name"],
        last_name=values["last_name"],
    )
    return values


# --- Matching existing contacts ------------------------------------------------------------


@dataclass
class Match:
    """`contact_id` is set for one clear match; else `candidate_ids` (maybe empty) and, when
    there are candidates, the `reason` the owner must decide."""

    contact_id: int | None = None
    candidate_ids: list[int] = field(default_factory=list)
    reason: str = ""


class ContactIndex:
    """The business's contacts not linked to the company, indexed by email, phone and
    normalised name. A contact matched once is claimed: a second customer matching it goes to
    the review list rather than onto the same contact."""

    def __init__(self, contacts: Iterable[tuple]):
        self.by_email: dict[str, set[int]] = defaultdict(set)
        self.by_phone: dict[str, set[int]] = defaultdict(set)
        self.by_name: dict[str, set[int]] = defaultdict(set)
        self.emails: dict[int, str] = {}
        self.phones: dict[int, str] = {}
        self.claimed: set[int] = set()
        for pk, display_name, first, last, company, email, phone in contacts:
            email, phone = email_key(email), phone_key(phone)
            self.emails[pk], self.phones[pk] = email, phone
            if email:
                self.by_email[email].add(pk)
            if phone:
                self.by_phone[phone].add(pk)
            for name in {display_name, f"{first} {last}", f"{last} {first}", company}:
                key = name_match_key(name)
                if key:
                    self.by_name[key].add(pk)

    @classmethod
    def for_business(cls, *, business: Business, realm_id: str) -> "ContactIndex":
        linked = CustomerLink.objects.filter(business=business, realm_id=realm_id)
        rows = (
            Contact.objects.filter(business=business)
            .exclude(pk__in=linked.values("contact_id"))
            .values_list(
                "pk", "display_name", "first_name", "last_name", "company_name", "email", "phone"
            )
            .order_by("pk")
            .iterator(chunk_size=2000)
        )
        return cls(rows)

    def __bool__(self) -> bool:
        return bool(self.emails)

    def match(self, values: dict[str, str]) -> Match:
        if not self.emails:
            return Match()
        email, phone = email_key(values.get("email")), phone_key(values.get("phone"))
        by_email = self.by_email.get(email, set()) if email else set()
        by_phone = self.by_phone.get(phone, set()) if phone else set()
        by_name: set[int] = set()
        for name in (
            values.get("display_name"),
            f"{values.get('first_name', '')} {values.get('last_name', '')}",
        ):
            by_name |= self.by_name.get(name_match_key(name), set())
        candidates = by_email | by_phone | by_name
        if not candidates:
            return Match()
        ordered = sorted(candidates)
        if len(candidates) > 1:
            return Match(
                candidate_ids=ordered,
                reason=_(REASON_SEVERAL),
            )
        (pk,) = candidates
        if pk in self.claimed:
            return Match(
                candidate_ids=ordered,
                reason=_(REASON_CLAIMED),
            )
        conflicts = (email and self.emails[pk] and email != self.emails[pk]) or (
            phone and self.phones[pk] and phone != self.phones[pk]
        )
        if conflicts:
            return Match(candidate_ids=ordered, reason=_(REASON_CONFLICT))
        if not (by_email or by_name):
            return Match(candidate_ids=ordered, reason=_(REASON_PHONE_ONLY))
        self.claimed.add(pk)
        return Match(contact_id=pk)


# --- The import ------------------------------------------------------------------------------


def contacts_import(*, run: ImportRun) -> None:
    business = run.business
    token = import_token_provider(business=business, realm_id=run.realm_id)
    import_run_set_total(
        run=run,
        total=qbo_imports.count_customers(
            access_token=token, realm_id=run.realm_id, include_inactive=run.include_inactive
        ),
    )
    index = ContactIndex.for_business(business=business, realm_id=run.realm_id)
    step = import_step_size(total=run.total, largest=BATCH_SIZE)
    for page in qbo_imports.customer_pages(
        access_token=token, realm_id=run.realm_id, include_inactive=run.include_inactive
    ):
        for start in range(0, len(page), step):
            _import_batch(run=run, records=page[start : start + step], index=index)


def _changed_fields(contact: Contact, values: dict[str, str], is_active: bool) -> list[str]:
    changed = [name for name in CONTACT_FIELDS if getattr(contact, name) != values[name]]
    if contact.is_active != is_active:
        changed.append("is_active")
    return changed


@transaction.atomic
def _import_batch(
    *, run: ImportRun, records: list[qbo_imports.CustomerRecord], index: ContactIndex
) -> None:
    business, realm = run.business, run.realm_id
    counts = dict.fromkeys(("created", "linked", "updated", "skipped", "to_review", "failed"), 0)
    problems: list[tuple[str, str, str]] = []
    qbo_ids = [record.qbo_id for record in records]
    links = {
        link.qbo_id: link
        for link in CustomerLink.objects.filter(
            business=business, realm_id=realm, qbo_id__in=qbo_ids
        )
    }
    linked_contacts = Contact.objects.in_bulk([link.contact_id for link in links.values()])
    reviews = {
        review.qbo_id: review
        for review in ContactReview.objects.filter(
            business=business, realm_id=realm, qbo_id__in=qbo_ids
        )
    }
    now = timezone.now()
    to_create: list[tuple[qbo_imports.CustomerRecord, Contact]] = []
    new_links: list[CustomerLink] = []
    changed_contacts: dict[int, Contact] = {}
    changed_fields: set[str] = set()
    changed_links: list[CustomerLink] = []
    new_reviews: list[ContactReview] = []
    changed_reviews: list[ContactReview] = []

    for record in records:
        values = _values_of(record)
        problem = contact_values_problem(values)
        if problem:
            counts["failed"] += 1
            problems.append((record.qbo_id, values["display_name"] or record.qbo_id, problem))
            continue
        link = links.get(record.qbo_id)
        contact = linked_contacts.get(link.contact_id) if link else None
        if contact is not None:
            fields = _changed_fields(contact, values, record.is_active)
            if fields:
                for name in CONTACT_FIELDS:
                    setattr(contact, name, values[name])
                contact.is_active = record.is_active
                contact.updated_at = now
                changed_contacts[contact.pk] = contact
                changed_fields.update(fields)
                counts["updated"] += 1
            else:
                counts["skipped"] += 1
            if (link.sync_token, link.display_name) != (
                record.sync_token,
                record.display_name[:500],
            ):
                link.sync_token, link.display_name = record.sync_token, record.display_name[:500]
                link.updated_at = now
                changed_links.append(link)
            continue
        review = reviews.get(record.qbo_id)
        if review is not None and review.status == ReviewStatus.SKIPPED:
            counts["skipped"] += 1
            continue
        if review is not None and review.status == ReviewStatus.PENDING:
            review.values, review.sync_token = values, record.sync_token
            review.display_name = values["display_name"][:500]
            review.run = run
            changed_reviews.append(review)
            counts["to_review"] += 1
            continue
        match = index.match(values)
        if match.contact_id is not None:
            new_links.append(
                CustomerLink(
                    business=business,
                    realm_id=realm,
                    qbo_id=record.qbo_id,
                    sync_token=record.sync_token,
                    contact_id=match.contact_id,
                    display_name=record.display_name[:500],
                )
            )
            counts["linked"] += 1
        elif match.candidate_ids:
            if review is not None:  # decided before, but its contact is gone: ask again
                review.delete()
            new_reviews.append(
                ContactReview(
                    business=business,
                    run=run,
                    realm_id=realm,
                    qbo_id=record.qbo_id,
                    display_name=values["display_name"][:500],
                    values=values,
                    sync_token=record.sync_token,
                    candidate_ids=match.candidate_ids,
                    reason=match.reason[:255],
                )
            )
            counts["to_review"] += 1
        else:
            to_create.append(
                (record, Contact(business=business, is_active=record.is_active, **values))
            )
            counts["created"] += 1

    if to_create:
        created = Contact.objects.bulk_create(
            [contact for _record, contact in to_create], batch_size=BATCH_SIZE
        )
        new_links.extend(
            CustomerLink(
                business=business,
                realm_id=realm,
                qbo_id=record.qbo_id,
                sync_token=record.sync_token,
                contact_id=contact.pk,
                display_name=record.display_name[:500],
            )
            for (record, _unsaved), contact in zip(to_create, created, strict=True)
        )
    if new_links:
        CustomerLink.objects.bulk_create(new_links, batch_size=BATCH_SIZE)
    if changed_contacts:
        Contact.objects.bulk_update(
            list(changed_contacts.values()),
            [*sorted(changed_fields), "updated_at"],
            batch_size=BATCH_SIZE,
        )
    if changed_links:
        CustomerLink.objects.bulk_update(
            changed_links, ["sync_token", "display_name", "updated_at"], batch_size=BATCH_SIZE
        )
    if new_reviews:
        ContactReview.objects.bulk_create(new_reviews, batch_size=BATCH_SIZE)
    if changed_reviews:
        ContactReview.objects.bulk_update(
            changed_reviews, ["values", "sync_token", "display_name", "run"], batch_size=BATCH_SIZE
        )
    import_run_record_progress(run=run, done=len(records), problems=problems, **counts)


# --- The owner's decisions on the review list -----------------------------------------------


def _pending(review: ContactReview) -> ContactReview:
    review = ContactReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.PENDING:
        raise ApplicationError(_("This customer was already decided on."))
    return review


def _decide(review: ContactReview, *, status: str, contact: Contact | None, user) -> None:
    review.status = status
    review.contact = contact
    review.decided_by = user
    review.decided_at = timezone.now()
    review.save(update_fields=["status", "contact", "decided_by", "decided_at"])


def _link(review: ContactReview, contact: Contact) -> None:
    try:
        with transaction.atomic():
            CustomerLink.objects.create(
                business_id=review.business_id,
                realm_id=review.realm_id,
                qbo_id=review.qbo_id,
                sync_token=review.sync_token,
                contact=contact,
                display_name=review.display_name[:500],
            )
    except IntegrityError:
        raise ApplicationError(
            _(
                "This contact or this QuickBooks customer is already linked. "
                "Choose another contact, or create a new one."
            )
        ) from None


@transaction.atomic
def contact_review_link(*, review: ContactReview, contact_id, user) -> Contact:
    """Link the QuickBooks customer to one of the candidates (nothing is overwritten)."""
    review = _pending(review)
    try:
        contact_id = int(contact_id)
    except (TypeError, ValueError):
        contact_id = None
    if contact_id not in review.candidate_ids:
        raise ApplicationError(_("Choose one of the proposed contacts."), field="contact")
    contact = Contact.objects.filter(business_id=review.business_id, pk=contact_id).first()
    if contact is None:
        raise ApplicationError(
            _("This contact no longer exists. Create a new contact instead."), field="contact"
        )
    _link(review, contact)
    _decide(review, status=ReviewStatus.LINKED, contact=contact, user=user)
    return contact


@transaction.atomic
def contact_review_create(*, review: ContactReview, user) -> Contact:
    """Create the customer as a new contact (without announcing it: it came from QuickBooks)."""
    review = _pending(review)
    values = {name: str(review.values.get(name) or "") for name in CONTACT_FIELDS}
    problem = contact_values_problem(values)
    if problem:
        raise ApplicationError(problem)
    contact = Contact(business_id=review.business_id, **values)
    contact.full_clean()
    contact.save()
    _link(review, contact)
    _decide(review, status=ReviewStatus.CREATED, contact=contact, user=user)
    return contact


@transaction.atomic
def contact_review_skip(*, review: ContactReview, user) -> None:
    """Leave the customer out of Plannit; later imports skip it too."""
    review = _pending(review)
    _decide(review, status=ReviewStatus.SKIPPED, contact=None, user=user)


@transaction.atomic
def contacts_tag_existing(*, business: Business, realm_id: str, name: str) -> tuple[Tag, int]:
    """The article's route: tag every contact that did not come from QuickBooks (e.g. "Before
    QuickBooks import"), so that doubles can be found after the import. Returns the tag and
    how many contacts newly got it."""
    from contacts.services import contact_bulk_tag, tag_get_or_create

    tag = tag_get_or_create(business=business, name=name)
    linked = CustomerLink.objects.filter(business=business, realm_id=realm_id)
    contact_ids = list(
        Contact.objects.filter(business=business)
        .exclude(pk__in=linked.values("contact_id"))
        .values_list("pk", flat=True)
    )
    count = contact_bulk_tag(business=business, tag=tag, contact_ids=contact_ids)
    return tag, count
