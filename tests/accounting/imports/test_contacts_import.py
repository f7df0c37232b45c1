"""Importing QuickBooks customers as contacts: situation A (empty app) and re-runs."""

import pytest

from accounting.imports.models import ImportProblem, ImportRun, ImportStatus
from accounting.sync.models import CustomerLink
from contacts.models import Contact
from core import events

from .fake_qbo import fault_body

pytestmark = pytest.mark.django_db


def _marie(qbo):
    return qbo.add_customer(
        DisplayName="Marie Tremblay",
        GivenName="Marie",
        FamilyName="Tremblay",
        CompanyName="Tremblay Paysagement",
        PrimaryEmailAddr={"Address": "marie@example.ca"},
        PrimaryPhone={"FreeFormNumber": "(514) 555-0101"},
        BillAddr={
            "Line1": "12 rue Principale",
            "Line2": "Bureau 3",
            "Line3": "2e étage",
            "City": "Montréal",
            "CountrySubDivisionCode": "QC",
            "PostalCode": "H2X 1Y4",
            "Country": "CA",
        },
        Notes="Tonte chaque lundi.\nPortail vert.",
    )


def test_situation_a_every_customer_becomes_a_linked_contact(qbo, connection, run_import, business):
    # given
    marie = _marie(qbo)
    qbo.add_customer(
        DisplayName="Déneigement Roy",
        CompanyName="Déneigement Roy inc.",
        Mobile={"FreeFormNumber": "418 555 0199"},
    )
    qbo.add_customer(DisplayName="Ancien client", Active=False)
    # when
    run = run_import("contacts")
    # then
    assert run.status == ImportStatus.SUCCEEDED
    assert (
        run.total,
        run.done,
        run.created,
        run.linked,
        run.updated,
        run.skipped,
        run.to_review,
        run.failed,
    ) == (2, 2, 2, 0, 0, 0, 0, 0)
    contact = Contact.objects.get(business=business, display_name="Marie Tremblay")
    assert (
        contact.first_name,
        contact.last_name,
        contact.company_name,
        contact.email,
        contact.phone,
    ) == ("Marie", "Tremblay", "Tremblay Paysagement", "marie@example.ca", "(514) 555-0101")
    assert (
        contact.address_line1,
        contact.address_line2,
        contact.city,
        contact.province,
        contact.postal_code,
        contact.country,
    ) == ("12 rue Principale", "Bureau 3, 2e étage", "Montréal", "QC", "H2X 1Y4", "CA")
    assert contact.notes == "Tonte chaque lundi.\nPortail vert."
    assert contact.is_active is True
    roy = Contact.objects.get(business=business, display_name="Déneigement Roy")
    assert roy.phone == "418 555 0199"
    link = CustomerLink.objects.get(business=business, contact=contact)
    assert (link.realm_id, link.qbo_id, link.sync_token, link.display_name) == (
        "9130357766900456",
        marie["Id"],
        "0",
        "Marie Tremblay",
    )
    assert CustomerLink.objects.filter(business=business).count() == 2
    assert not Contact.objects.filter(display_name="Ancien client").exists()


def test_inactive_customers_on_request(qbo, connection, run_import, business):
    qbo.add_customer(DisplayName="Actif")
    qbo.add_customer(DisplayName="Ancien client", Active=False)
    run = run_import("contacts", include_inactive=True)
    assert (run.total, run.created) == (2, 2)
    assert Contact.objects.get(display_name="Ancien client").is_active is False
    assert any("Active IN (true, false)" in sql for sql in qbo.queries)


def test_pages_of_one_thousand_are_streamed(qbo, connection, run_import, business):
    for n in range(1, 2502):
        qbo.add_customer(DisplayName=f"Client {n:04d}")
    run = run_import("contacts")
    assert (run.total, run.done, run.created) == (2501, 2501, 2501)
    pages = [sql for sql in qbo.queries if "STARTPOSITION" in sql]
    assert pages == [
        f"SELECT * FROM Customer STARTPOSITION {start} MAXRESULTS 1000" for start in (1, 1001, 2001)
    ]
    assert Contact.objects.filter(business=business).count() == 2501
    assert CustomerLink.objects.filter(business=business).count() == 2501


def test_rerun_updates_linked_contacts_and_never_duplicates(qbo, connection, run_import, business):
    marie = _marie(qbo)
    qbo.add_customer(DisplayName="Déneigement Roy")
    first = run_import("contacts")
    contact = Contact.objects.get(display_name="Marie Tremblay")
    # QuickBooks changes Marie's email; a new customer appears
    marie["PrimaryEmailAddr"] = {"Address": "marie.tremblay@example.ca"}
    marie["SyncToken"] = "3"
    qbo.add_customer(DisplayName="Nouveau client")
    second = run_import("contacts")
    assert first.pk != second.pk
    assert (second.created, second.updated, second.skipped, second.linked) == (1, 1, 1, 0)
    assert Contact.objects.filter(business=business).count() == 3
    contact.refresh_from_db()
    assert contact.email == "marie.tremblay@example.ca"
    assert CustomerLink.objects.get(contact=contact).sync_token == "3"
    assert CustomerLink.objects.filter(business=business).count() == 3


def test_imported_contacts_announce_nothing(qbo, connection, run_import):
    announced = []

    def handler(*, contact):
        announced.append(contact.pk)

    events.contact_changed.subscribe(handler)
    try:
        _marie(qbo)
        run_import("contacts")
        run_import("contacts")
    finally:
        events.contact_changed.unsubscribe(handler)
    assert announced == []


def test_bad_rows_fail_with_their_reason_and_the_rest_is_imported(
    qbo, connection, run_import, business
):
    qbo.add_customer(DisplayName="Bon client")
    bad_email = qbo.add_customer(
        DisplayName="Courriel brisé", PrimaryEmailAddr={"Address": "pas-un-courriel@"}
    )
    too_long = qbo.add_customer(DisplayName="X" * 201)
    nameless = qbo.add_customer(PrimaryPhone={"FreeFormNumber": "514 555 0000"})
    run = run_import("contacts")
    assert (run.total, run.done, run.created, run.failed) == (4, 4, 1, 3)
    problems = list(ImportProblem.objects.filter(run=run).values_list("qbo_id", "name", "reason"))
    assert problems == [
        (
            bad_email["Id"],
            "Courriel brisé",
            "The email address “pas-un-courriel@” is not valid. Correct it in QuickBooks, then "
            "run the import again.",
        ),
        (
            too_long["Id"],
            "X" * 201,
            "The display name is longer than 200 characters. Shorten it in QuickBooks, then run "
            "the import again.",
        ),
        (nameless["Id"], nameless["Id"], "This customer has no name in QuickBooks."),
    ]
    assert list(
        Contact.objects.filter(business=business).values_list("display_name", flat=True)
    ) == ["Bon client"]


def test_throttled_page_is_asked_again(qbo, connection, run_import, no_wait):
    qbo.add_customer(DisplayName="Client")
    qbo.faults = [(429, fault_body("3001", "ThrottleExceeded"))]
    run = run_import("contacts")
    assert (run.status, run.created) == (ImportStatus.SUCCEEDED, 1)
    # The 429 paused the company for every caller (a minute, QBO gave no Retry-After): the
    # page asked again at once finds the pause, nothing sent, and waits for its end.
    assert no_wait[0] == 2
    assert 58 <= no_wait[1] <= 60
    assert len(no_wait) == 2
    assert qbo.queries == [  # the count was sent twice (throttled, then answered), not thrice
        "SELECT COUNT(*) FROM Customer",
        "SELECT COUNT(*) FROM Customer",
        "SELECT * FROM Customer STARTPOSITION 1 MAXRESULTS 1000",
    ]


def test_qbo_down_stops_the_run_with_a_plain_message(
    qbo, connection, run_import, no_wait, business
):
    qbo.add_customer(DisplayName="Client")
    qbo.faults = [(503, fault_body("10000", "Service unavailable"))] * 4
    run = run_import("contacts")
    assert run.status == ImportStatus.FAILED
    assert run.error_message == (
        "QuickBooks Online could not complete the request. Please try again later. What was "
        "imported so far is kept; run the import again to finish."
    )
    assert run.finished_at is not None
    assert no_wait == [2, 4, 8]
    assert Contact.objects.filter(business=business).count() == 0
    # it can be run again once QuickBooks answers
    again = run_import("contacts")
    assert (again.status, again.created) == (ImportStatus.SUCCEEDED, 1)
    assert ImportRun.objects.filter(business=business).count() == 2


def test_one_import_of_a_kind_at_a_time_and_a_dead_run_is_replaced(
    connection, business, owner, enqueued, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from accounting.imports.services import import_run_start
    from core.exceptions import ApplicationError

    with django_capture_on_commit_callbacks(execute=True):
        first = import_run_start(business=business, user=owner, kind="contacts")
        items = import_run_start(business=business, user=owner, kind="items", unit="unit")
    with pytest.raises(ApplicationError) as error:
        import_run_start(business=business, user=owner, kind="contacts")
    assert error.value.message == (
        "An import of contacts is already running. Wait for it to finish."
    )
    assert ImportRun.objects.filter(business=business).count() == 2
    # the worker died: no progress for 11 minutes
    ImportRun.objects.filter(pk=first.pk).update(
        status=ImportStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=11)
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = import_run_start(business=business, user=owner, kind="contacts")
    first.refresh_from_db()
    assert first.status == ImportStatus.FAILED
    assert first.error_message.startswith("The import stopped answering")
    assert enqueued == [first.pk, items.pk, second.pk]
