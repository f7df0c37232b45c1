"""Situation B: QuickBooks customers meet existing contacts. Clear matches are linked, doubtful
ones wait on the review list, the article's tag route works."""

import pytest

from accounting.imports.matching import email_key, name_key, name_match_key, phone_key
from accounting.imports.models import ContactReview, ReviewStatus
from accounting.imports.services import (
    contact_review_create,
    contact_review_link,
    contact_review_skip,
    contacts_tag_existing,
)
from accounting.sync.models import CustomerLink
from contacts.models import Contact, Tag
from core.exceptions import ApplicationError
from tests.factories.accounting_imports import REALM_ID, CustomerLinkFactory
from tests.factories.contacts import ContactFactory

pytestmark = pytest.mark.django_db


def test_normalisation():
    assert name_key("  Éric   O'Brien-Tremblay ") == "eric o brien tremblay"
    assert name_match_key("Dubé & Fils") == name_match_key("dube fils") == "dubefils"
    assert email_key(" Marie@Example.CA ") == "marie@example.ca"
    assert phone_key("+1 (514) 555-0101") == phone_key("514.555.0101") == "5145550101"
    assert phone_key("555-01") == ""


def _contact(business, **fields):
    defaults = {"first_name": "", "last_name": "", "company_name": "", "email": "", "phone": ""}
    return ContactFactory(business=business, **{**defaults, **fields})


def test_one_clear_match_is_linked_not_duplicated(qbo, connection, run_import, business):
    by_email = _contact(business, display_name="M. Tremblay", email="marie@example.ca")
    by_name = _contact(business, display_name="Dubé & Fils")
    by_person = _contact(business, display_name="Jos", first_name="Éric", last_name="Roy")
    qbo.add_customer(DisplayName="Marie Tremblay", PrimaryEmailAddr={"Address": "MARIE@example.ca"})
    dube = qbo.add_customer(DisplayName="DUBE et FILS", CompanyName="x")
    qbo.add_customer(DisplayName="DUBE FILS")
    qbo.add_customer(DisplayName="Eric Roy")
    run = run_import("contacts")
    assert (run.created, run.linked, run.to_review, run.failed) == (1, 3, 0, 0)
    # "DUBE et FILS" does not fold to "dubefils"; "DUBE FILS" does and takes the link
    assert Contact.objects.filter(business=business).count() == 4
    links = dict(
        CustomerLink.objects.filter(business=business).values_list("contact_id", "display_name")
    )
    assert links[by_email.pk] == "Marie Tremblay"
    assert links[by_name.pk] == "DUBE FILS"
    assert links[by_person.pk] == "Eric Roy"
    by_email.refresh_from_db()
    assert by_email.display_name == "M. Tremblay"  # linking never overwrites the owner's data
    assert (
        Contact.objects.get(display_name="DUBE et FILS").pk
        == CustomerLink.objects.get(qbo_id=dube["Id"]).contact_id
    )


def test_doubtful_and_several_go_to_review(qbo, connection, run_import, business):
    twin_a = _contact(business, display_name="Jean Gagnon", email="jean@a.ca")
    twin_b = _contact(business, display_name="Jean Gagnon", email="")
    other_email = _contact(business, display_name="Luc Côté", email="luc@old.ca")
    phone_only = _contact(business, display_name="Famille Bouchard", phone="514 555 0303")
    qbo.add_customer(DisplayName="Jean Gagnon")
    qbo.add_customer(DisplayName="Luc Cote", PrimaryEmailAddr={"Address": "luc@new.ca"})
    qbo.add_customer(
        DisplayName="Sylvie Bouchard", PrimaryPhone={"FreeFormNumber": "+1 514-555-0303"}
    )
    run = run_import("contacts")
    assert (run.created, run.linked, run.to_review) == (0, 0, 3)
    reviews = {
        r.display_name: (r.candidate_ids, r.reason, r.status)
        for r in ContactReview.objects.filter(business=business)
    }
    assert reviews == {
        "Jean Gagnon": (
            sorted([twin_a.pk, twin_b.pk]),
            "Several existing contacts look like this customer.",
            "pending",
        ),
        "Luc Cote": ([other_email.pk], "Same name, but a different email or phone.", "pending"),
        "Sylvie Bouchard": ([phone_only.pk], "Only the phone number is the same.", "pending"),
    }
    assert CustomerLink.objects.filter(business=business).count() == 0
    assert Contact.objects.filter(business=business).count() == 4
    # a re-run keeps one review row each, still pending
    again = run_import("contacts")
    assert (again.created, again.to_review) == (0, 3)
    assert ContactReview.objects.filter(business=business).count() == 3


def test_a_contact_already_claimed_is_not_linked_twice(qbo, connection, run_import, business):
    contact = _contact(business, display_name="Marie Tremblay", email="marie@example.ca")
    qbo.add_customer(DisplayName="Marie Tremblay")
    qbo.add_customer(DisplayName="Marie T.", PrimaryEmailAddr={"Address": "marie@example.ca"})
    run = run_import("contacts")
    assert (run.linked, run.to_review, run.created) == (1, 1, 0)
    review = ContactReview.objects.get(business=business)
    assert (review.display_name, review.candidate_ids) == ("Marie T.", [contact.pk])


def test_contacts_already_linked_to_the_company_are_not_candidates(
    qbo, connection, run_import, business
):
    linked = _contact(business, display_name="Marie Tremblay")
    CustomerLinkFactory(business=business, contact=linked, qbo_id="4242")
    qbo.add_customer(DisplayName="Marie Tremblay")
    run = run_import("contacts")
    assert (run.created, run.linked, run.to_review) == (1, 0, 0)


@pytest.fixture
def review_of_jean(qbo, connection, run_import, business):
    first = _contact(business, display_name="Jean Gagnon", email="jean@a.ca")
    second = _contact(business, display_name="Jean Gagnon", email="")
    qbo.add_customer(
        DisplayName="Jean Gagnon", PrimaryEmailAddr={"Address": "jg@b.ca"}, SyncToken="2"
    )
    run_import("contacts")
    return ContactReview.objects.get(business=business), first, second


def test_review_link_to_a_candidate(review_of_jean, owner, business, qbo, run_import):
    review, first, second = review_of_jean
    contact = contact_review_link(review=review, contact_id=str(second.pk), user=owner)
    assert contact == second
    link = CustomerLink.objects.get(business=business)
    assert (link.contact_id, link.qbo_id, link.sync_token) == (second.pk, "1", "2")
    review.refresh_from_db()
    assert (review.status, review.contact_id, review.decided_by_id) == (
        ReviewStatus.LINKED,
        second.pk,
        owner.pk,
    )
    # the next run updates the linked contact
    run = run_import("contacts")
    assert (run.updated, run.to_review, run.created) == (1, 0, 0)
    second.refresh_from_db()
    assert second.email == "jg@b.ca"


def test_review_link_refuses_a_contact_that_is_not_a_candidate(review_of_jean, owner, business):
    review, _first, _second = review_of_jean
    stranger = _contact(business, display_name="Autre")
    for bad in (stranger.pk, "abc", None, 10**12):
        with pytest.raises(ApplicationError) as error:
            contact_review_link(review=review, contact_id=bad, user=owner)
        assert error.value.message == "Choose one of the proposed contacts."
    assert CustomerLink.objects.count() == 0
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING


def test_review_create_makes_a_new_linked_contact(review_of_jean, owner, business, qbo, run_import):
    review, _first, _second = review_of_jean
    contact = contact_review_create(review=review, user=owner)
    assert (contact.display_name, contact.email) == ("Jean Gagnon", "jg@b.ca")
    assert CustomerLink.objects.get(business=business).contact_id == contact.pk
    assert Contact.objects.filter(business=business).count() == 3
    with pytest.raises(ApplicationError):
        contact_review_create(review=review, user=owner)
    assert Contact.objects.filter(business=business).count() == 3
    run = run_import("contacts")
    assert (run.created, run.skipped, run.to_review) == (0, 1, 0)


def test_review_skip_is_remembered(review_of_jean, owner, business, run_import):
    review, _first, _second = review_of_jean
    contact_review_skip(review=review, user=owner)
    run = run_import("contacts")
    assert (run.created, run.skipped, run.to_review) == (0, 1, 0)
    assert CustomerLink.objects.count() == 0
    assert Contact.objects.filter(business=business).count() == 2


def test_tag_route_tags_every_contact_not_from_quickbooks(business, connection):
    mine = [_contact(business, display_name=f"Client {n}") for n in range(3)]
    archived = _contact(business, display_name="Archivé", is_active=False)
    imported = _contact(business, display_name="Importé")
    CustomerLinkFactory(business=business, contact=imported, realm_id=REALM_ID)
    tag, count = contacts_tag_existing(
        business=business, realm_id=REALM_ID, name="Avant importation QuickBooks"
    )
    assert (tag.name, count) == ("Avant importation QuickBooks", 4)
    assert set(tag.contacts.values_list("pk", flat=True)) == {c.pk for c in [*mine, archived]}
    # twice: same tag, nobody new
    again, count = contacts_tag_existing(
        business=business, realm_id=REALM_ID, name="avant importation quickbooks"
    )
    assert (again.pk, count) == (tag.pk, 0)
    assert Tag.objects.filter(business=business).count() == 1
