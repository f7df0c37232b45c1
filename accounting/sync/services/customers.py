"""Customers and payment methods on the QBO side: found or created once, then linked.

QBO display names are unique across customers, vendors and employees (qbo-api-reference
§3.1): a contact is first looked up by display name, then by email, and only then created.
A 6240 "Duplicate Name" answer names the Id that holds the name; it is linked only after
reading it back as a customer (a vendor or an employee with that Id is not one).
"""

from django.core.cache import cache
from django.db import IntegrityError, transaction

from accounting.qbo import errors
from accounting.qbo import sales_payloads as payloads
from accounting.qbo.sales_payloads import RemoteCustomer
from contacts.models import Contact

from ..models import CustomerLink

PAYMENT_METHOD_CACHE_SECONDS = 3600


def contact_data(contact: Contact) -> payloads.ContactData:
    return payloads.ContactData(
        display_name=contact.display_name,
        first_name=contact.first_name,
        last_name=contact.last_name,
        company_name=contact.company_name,
        email=contact.email,
        phone=contact.phone,
        address_line1=contact.address_line1,
        address_line2=contact.address_line2,
        city=contact.city,
        province=contact.province,
        postal_code=contact.postal_code,
        country=contact.country,
    )


def _link(context, contact: Contact, qbo: RemoteCustomer) -> str:
    qbo_id = qbo.qbo_id
    try:
        with transaction.atomic():
            CustomerLink.objects.create(
                business_id=context.business_id,
                realm_id=context.realm_id,
                contact=contact,
                qbo_id=qbo_id,
                sync_token=qbo.sync_token,
                display_name=qbo.display_name,
            )
    except IntegrityError:
        # Another worker linked this contact meanwhile (use its link), or this QBO customer is
        # already linked to another contact (invoice it all the same, without a second link).
        existing = CustomerLink.objects.filter(
            business_id=context.business_id, realm_id=context.realm_id, contact=contact
        ).first()
        if existing is not None:
            return existing.qbo_id
    return qbo_id


def _check_active(qbo: RemoteCustomer) -> None:
    from .context import JobFail

    if not qbo.is_active:
        raise JobFail("customer_inactive", name=qbo.display_name)


def customer_ensure(context, contact: Contact) -> str:
    """The QBO customer Id of this contact: linked, found, or created (in that order)."""
    from .context import JobFail

    link = CustomerLink.objects.filter(
        business_id=context.business_id, realm_id=context.realm_id, contact=contact
    ).first()
    if link is not None:
        return link.qbo_id
    data = contact_data(contact)
    display_name = payloads.clean_display_name(data.display_name)
    found = context.api.customer_find(display_name=display_name, email=data.email)
    if found is not None:
        _check_active(found)
        return _link(context, contact, found)
    try:
        qbo = context.api.customer_create(payloads.customer_body(data), request_id=context.rid("c"))
    except errors.QboDuplicateName as error:
        holder_id = error.holder_id
        qbo = None
        if holder_id:
            try:
                qbo = context.api.customer_get(holder_id)
            except errors.QboNotFound:
                qbo = None
        if qbo is None or qbo.qbo_id != holder_id:
            raise JobFail(
                "duplicate_name_other", code=error.code, technical=error.detail, name=display_name
            ) from None
        _check_active(qbo)
    return _link(context, contact, qbo)


def customer_update(context):
    """Bring the linked QBO customer up to date with the contact (sparse update)."""
    from .context import STALE_ROUNDS, Done, JobFail

    contact = Contact.objects.filter(
        pk=context.job.object_id, business_id=context.business_id
    ).first()
    if contact is None:
        return Done()
    link = CustomerLink.objects.filter(
        business_id=context.business_id, realm_id=context.realm_id, contact=contact
    ).first()
    if link is None:
        return Done()
    data = contact_data(contact)
    sync_token = link.sync_token
    if not sync_token:
        sync_token = context.api.customer_get(link.qbo_id).sync_token
    for round_number in range(STALE_ROUNDS):
        body = payloads.customer_update_body(data, qbo_id=link.qbo_id, sync_token=sync_token)
        try:
            qbo = context.api.customer_update(
                body, request_id=context.rid(f"u{round_number}" if round_number else "")
            )
            break
        except errors.QboStaleObject:
            if round_number == STALE_ROUNDS - 1:
                raise
            sync_token = context.api.customer_get(link.qbo_id).sync_token
        except errors.QboDuplicateName as error:
            raise JobFail(
                "duplicate_name_other",
                code=error.code,
                technical=error.detail,
                name=body["DisplayName"],
            ) from None

    def store():
        CustomerLink.objects.filter(pk=link.pk).update(
            sync_token=qbo.sync_token,
            display_name=qbo.display_name,
        )

    return Done(qbo_id=link.qbo_id, store=store)


def payment_method_ensure(context, method: str) -> str:
    """The QBO PaymentMethod matching Plannit's method by name, created when missing."""
    key = f"qbo:payment-method:{context.realm_id}:{method}"
    cached = cache.get(key)
    if cached:
        return cached
    qbo_id = context.api.payment_method_find(method)
    if not qbo_id:
        name = payloads.PAYMENT_METHOD_NAMES.get(method, ("Other",))[0]
        try:
            qbo_id = context.api.payment_method_create(
                name=name,
                is_credit_card=method in payloads.CREDIT_CARD_METHODS,
                request_id=context.rid(f"m-{method}"[:12]),
            )
        except errors.QboDuplicateName as error:
            qbo_id = error.holder_id
    if qbo_id:
        cache.set(key, qbo_id, PAYMENT_METHOD_CACHE_SECONDS)
    return qbo_id
