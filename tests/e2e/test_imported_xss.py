"""200 script-injection payloads arriving from QuickBooks: customers' names, companies, notes
and addresses, items' names and descriptions (the lines of the invoices made with them), and
what the bookkeeper types there afterwards (a payment's reference, an invoice's number). They
go in through the real import, the catch-up pass of the inbound side and the books check,
against the in-process emulator; then Chromium opens every page that shows them.

Each payload calls `xss(n)` (a function the test exposes in every frame) or `alert(n)` (a
dialog the test listens for) when it runs. The pages are opened with their
Content-Security-Policy bypassed, so that what is tested is the escaping itself, not the
policy that would stop a script the escaping let through: 0 calls, 0 dialogs, no
`javascript:` link, and the names shown as the very text QuickBooks holds."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounting.imports.services import import_run_execute, import_run_start
from accounting.inbound.models import CdcCheckpoint
from accounting.inbound.services import cdc
from accounting.reconcile.services import runs as reconcile_runs
from accounting.services.references import references_refresh
from accounting.sync.models import InvoiceLink
from catalog.models import Item
from contacts.models import Contact
from invoicing import services as invoicing
from invoicing.models import Invoice, Payment
from tests.accounting.sync.conftest import (  # noqa: F401 - fixtures
    CA_REALM,
    backlogs_sent,
    enqueued,
    qbo,
    run_due,
)
from tests.security.xss_payloads import name_safe, payloads, short_payloads

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CUSTOMERS, ITEMS, INVOICES, REVIEWED = 100, 92, 4, 4


def _seed_quickbooks(company) -> dict[str, list[str]]:
    texts = payloads(CUSTOMERS + ITEMS)
    customers, items = texts[:CUSTOMERS], texts[CUSTOMERS:]
    for text in customers:
        company.save(
            "Customer",
            {
                "DisplayName": name_safe(text),
                "CompanyName": text,
                "Notes": text,
                "BillAddr": {"Line1": text, "City": name_safe(text)[:100]},
            },
        )
    for text in items:
        company.save(
            "Item",
            {
                "Name": name_safe(text)[:100],
                "Type": "Service",
                "Description": text,
                "UnitPrice": 10,
                "IncomeAccountRef": {"value": "7"},
            },
        )
    return {"customers": customers, "items": items}


def _import(business, owner, kind, **options):
    run = import_run_start(business=business, user=owner, kind=kind, **options)
    return import_run_execute(run_id=run.pk)


def _contact_named(business, text: str) -> Contact:
    return Contact.objects.get(business=business, display_name=name_safe(text))


def _invoices(world, contacts, items) -> list[Invoice]:
    made = []
    for contact, item in zip(contacts, items, strict=True):
        invoice = invoicing.invoice_create(
            business=world.business,
            contact=contact,
            issue_date=datetime.date(2026, 11, 20),
            terms="net_30",
            lines=[
                invoicing.LineInput(
                    description=item.description,
                    unit_price=Decimal("10.00"),
                    tax_group=world.tax_group,
                    item=item,
                )
            ],
        )
        made.append(invoicing.invoice_issue(invoice=invoice))
    return made


def _bookkeeper_types_payloads(world, invoices) -> list[str]:
    """In QuickBooks: a payment whose reference is a payload on each invoice, and a payload as
    the number of each invoice."""
    typed = short_payloads(2 * len(invoices), start=CUSTOMERS + ITEMS)
    for invoice, reference, number in zip(
        invoices, typed[: len(invoices)], typed[len(invoices) :], strict=True
    ):
        qbo_id = InvoiceLink.objects.get(invoice=invoice).qbo_id
        world.company.record_payment(
            [(qbo_id, Decimal("1.00"))], PaymentRefNum=reference, TxnDate="2026-11-28"
        )
        document = world.company.get("Invoice", qbo_id)
        memo = payloads(1)[0]  # kept by the books check's snapshot, shown on no page
        world.company.save(
            "Invoice",
            {**document, "DocNumber": number, "PrivateNote": memo, "CustomerMemo": {"value": memo}},
        )
    return typed


@pytest.fixture
def world(qbo, owner, live_server):  # noqa: F811 - the fixture imported above
    """Everything imported, pushed, caught up and checked: (the connected business, the
    payloads by where they were put, the two imports and the check, the invoices)."""
    before = (len(qbo.company.all("Customer")), len(qbo.company.all("Item")))
    seeded = _seed_quickbooks(qbo.company)
    references_refresh(business=qbo.business)  # QuickBooks' items, cached for the pickers
    # two contacts already bear the name of each of the last customers: left for review
    for text in seeded["customers"][-REVIEWED:]:
        for _ in range(2):
            Contact.objects.create(business=qbo.business, display_name=name_safe(text))
    contacts_run = _import(qbo.business, owner, "contacts")
    items_run = _import(qbo.business, owner, "items", unit="hour")
    assert (contacts_run.created, contacts_run.to_review, items_run.created) == (
        before[0] + CUSTOMERS - REVIEWED,
        REVIEWED,
        before[1] + ITEMS,
    )
    contacts = [_contact_named(qbo.business, text) for text in seeded["customers"][:INVOICES]]
    items = [
        Item.objects.get(business=qbo.business, description=text)
        for text in seeded["items"][:INVOICES]
    ]
    invoices = _invoices(qbo, contacts, items)
    assert set(run_due()) == {"done"}
    typed = _bookkeeper_types_payloads(qbo, invoices)
    CdcCheckpoint.objects.create(
        business=qbo.business,
        realm_id=CA_REALM,
        changed_since=timezone.now() - datetime.timedelta(hours=1),
    )
    cdc.cdc_run(business_id=qbo.business.pk, realm_id=CA_REALM)
    references = set(
        Payment.objects.filter(business=qbo.business).values_list("reference", flat=True)
    )
    assert references == set(typed[:INVOICES])
    check = reconcile_runs.run_start(business_id=qbo.business.pk, realm_id=CA_REALM)
    check = reconcile_runs.run_execute(run_id=check.pk)
    assert check.differences.filter(kind="number").count() == INVOICES
    seeded["typed"] = typed
    return qbo, seeded, (contacts_run, items_run, check), invoices


def _pages(world) -> list[str]:
    books, _seeded, (contacts_run, items_run, check), invoices = world
    business = books.business
    contacts = list(Contact.objects.filter(business=business).order_by("pk"))
    items = list(Item.objects.filter(business=business).order_by("pk"))
    pages = ["/", "/contacts/", "/contacts/?page=2", "/catalog/", "/catalog/?page=2"]
    pages += [f"/contacts/{contact.pk}/" for contact in contacts[::10] + contacts[:INVOICES]]
    pages += [f"/catalog/items/{item.pk}/edit/" for item in items[::23]]
    pages += ["/invoices/"]
    for invoice in invoices:
        pages += [f"/invoices/{invoice.pk}/", f"/invoices/{invoice.pk}/print/"]
    pages += [
        f"/settings/accounting/imports/runs/{contacts_run.pk}/",
        f"/settings/accounting/imports/runs/{items_run.pk}/",
        "/settings/accounting/imports/contacts/review/",
        "/settings/accounting/imports/items/links/",
        "/settings/accounting/",
        "/settings/accounting/sync/",
        "/settings/accounting/inbound/",
        f"/settings/accounting/books/runs/{check.pk}/",
    ]
    return pages


def test_imported_payloads_are_shown_as_text_and_never_run(_browser, live_server, world, owner):
    books, seeded, _runs, invoices = world
    ran: list = []
    dialogs: list[str] = []
    client = Client()
    client.force_login(owner)
    context = _browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    context.expose_function("xss", lambda number: ran.append(number))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    broken: list[str] = []
    page.on("response", lambda r: broken.append(r.url) if r.status >= 400 else None)
    try:
        links, listed, opened = [], [], 0
        for path in _pages(world):
            page.goto(path)
            page.wait_for_load_state("load")
            page.mouse.move(5, 5)  # mouseover handlers, had any been written out
            links += page.eval_on_selector_all(
                "[href^='javascript' i], [src^='javascript' i], [data^='javascript' i]",
                "nodes => nodes.map(n => n.outerHTML)",
            )
        # the searchable fields list the imported names as their options
        for path, typed in (
            ("/invoices/new/", "xss"),
            ("/settings/accounting/", "onerror"),
            ("/settings/accounting/imports/items/links/", "svg"),
        ):
            page.goto(path)
            for combobox in page.locator("[data-picker-input]").all()[:3]:
                combobox.fill(typed)
                option = page.locator("[role=option]:visible").first
                expect(option).to_be_visible()
                combobox.press("ArrowDown")
                listed.append((typed, option.inner_text()))
            opened += 1
        # then nothing ran anywhere
        assert opened == 3
        assert ran == []
        assert dialogs == []
        assert links == []
        assert broken == []
        assert [typed for typed, text in listed if typed not in text] == []
        # and the names are the very text QuickBooks holds
        contact = _contact_named(books.business, seeded["customers"][0])
        page.goto(f"/contacts/{contact.pk}/")
        expect(page.locator("h1")).to_have_text(name_safe(seeded["customers"][0]))
        expect(page.locator("main")).to_contain_text(seeded["customers"][0])
        page.goto("/settings/accounting/imports/contacts/review/")
        expect(page.locator("main")).to_contain_text(name_safe(seeded["customers"][-1]))
        page.goto(f"/invoices/{invoices[0].pk}/")
        expect(page.locator("main")).to_contain_text(seeded["items"][0])
        expect(page.locator("main")).to_contain_text(seeded["typed"][0])
    finally:
        context.close()
