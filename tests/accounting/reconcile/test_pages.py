"""The owner's pages: the headline (accounting page and home page), "Check my books", the
run's differences and their repair buttons, the CSV export; another business sees nothing."""

import csv
import io

from django.test import TestCase
from django.utils import translation

from accounting.reconcile.models import ReconcileRun
from accounting.reconcile.services import runs
from tests.factories.businesses import BusinessFactory, MembershipFactory

from .conftest import check, synced_books


def _stranger_client(client):
    client.force_login(MembershipFactory(business=BusinessFactory(), role="owner").user)
    return client


def test_the_headline_says_the_books_match(qbo, owner_client):
    synced_books(qbo)
    check(qbo)
    client = owner_client
    page = client.get("/settings/accounting/")
    text = page.content.decode()
    assert "Books match as of" in text
    assert "2 invoices, 1 payment, receivables $244.92 on both sides" in text
    home = client.get("/").content.decode()
    assert "Books match as of" in home
    client.cookies["django_language"] = "fr-ca"
    french = client.get("/settings/accounting/").content.decode()
    assert "2 factures, 1 paiement, comptes clients de 244,92" in french


def test_check_my_books_starts_a_run_and_shows_differences_in_french(
    qbo, owner_client, monkeypatch
):
    from accounting.reconcile import tasks

    invoices, _payments = synced_books(qbo, paid=0)
    qbo.company.delete("Invoice", invoices[1][1])
    sent = []
    monkeypatch.setattr(tasks.reconcile_run, "apply_async", lambda args: sent.append(args))
    client = owner_client
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/settings/accounting/books/check/")
    run = ReconcileRun.objects.get()
    assert sent == [[run.pk]]
    assert response["Location"] == f"/settings/accounting/books/runs/{run.pk}/"
    runs.run_execute(run_id=run.pk)
    client.cookies["django_language"] = "fr-ca"
    page = client.get(response["Location"]).content.decode()
    assert f"facture {invoices[1][0].number} : introuvable dans QuickBooks" in page
    assert "Renvoyer" in page
    assert "Vérifiés : 2 factures, 0 paiement. Comptes clients :" in page
    export = client.get(f"/settings/accounting/books/runs/{run.pk}/differences.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][:3] == ["Invoice", invoices[1][0].number, invoices[1][1]]


def test_an_amount_difference_is_worded_with_both_amounts(qbo):
    from accounting.reconcile.messages import difference_text
    from accounting.reconcile.models import Difference

    difference = Difference(
        kind="amount",
        entity="Invoice",
        params={"number": "1042", "here": "114.98", "there": "114.97"},
    )
    with translation.override("fr-ca"):
        assert difference_text(difference) == (
            "facture 1042 : le montant diffère : 114,98\xa0$ ici, 114,97\xa0$ là-bas"
        )
    with translation.override("en"):
        assert difference_text(difference) == (
            "invoice 1042: amount differs: $114.98 here, $114.97 there"
        )
    duplicate = Difference(
        kind="duplicate", entity="Invoice", params={"number": "1042", "count": 2}
    )
    with translation.override("en"):
        assert difference_text(duplicate) == "two QuickBooks invoices carry number 1042"


def test_another_business_sees_neither_runs_nor_differences(qbo, client):
    invoices, _payments = synced_books(qbo, paid=0)
    qbo.company.delete("Invoice", invoices[0][1])
    run = check(qbo)
    difference = run.differences.get()
    stranger = _stranger_client(client)
    assert stranger.get(f"/settings/accounting/books/runs/{run.pk}/").status_code == 404
    assert (
        stranger.get(f"/settings/accounting/books/runs/{run.pk}/differences.csv").status_code == 404
    )
    assert (
        stranger.post(f"/settings/accounting/books/differences/{difference.pk}/repair/").status_code
        == 404
    )
    difference.refresh_from_db()
    assert difference.repaired_at is None


def test_the_new_users_path_change_on_the_emulator_check_repair(qbo, owner_client, monkeypatch):
    """Change an invoice's amount on the emulator's page, "Check my books", see the
    difference, click its repair: the next check matches."""
    import requests

    from accounting.reconcile import tasks
    from accounting.reconcile.models import Difference

    from .conftest import run_due

    invoices, _payments = synced_books(qbo, paid=0)
    invoice, qbo_id = invoices[0]
    changed = requests.post(
        f"{qbo.emulator.base_url}/companies/{qbo.connection.realm_id}/actions/line_amount",
        data={"id": qbo_id, "amount": "150.01"},
        allow_redirects=False,
        timeout=5,
    )
    assert changed.status_code == 302
    monkeypatch.setattr(tasks.reconcile_run, "apply_async", lambda args: tasks.reconcile_run(*args))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = owner_client.post("/settings/accounting/books/check/")
    page = owner_client.get(response["Location"]).content.decode()
    assert f"invoice {invoice.number}: amount differs: $172.46 here, $172.47 there" in page
    difference = Difference.objects.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        owner_client.post(f"/settings/accounting/books/differences/{difference.pk}/repair/")
    assert run_due() == ["done"]
    assert qbo.company.get("Invoice", qbo_id)["TotalAmt"] == 172.46
    with TestCase.captureOnCommitCallbacks(execute=True):
        owner_client.post("/settings/accounting/books/check/")
    home = owner_client.get("/settings/accounting/").content.decode()
    assert "Books match as of" in home


def test_pending_syncs_show_both_receivables_rather_than_one(qbo, owner_client):
    import datetime
    from decimal import Decimal

    from invoicing import services as invoicing

    invoices, _payments = synced_books(qbo, paid=0)
    invoicing.payment_record(
        invoice=invoices[0][0],
        amount=Decimal("20.00"),
        date=datetime.date(2026, 11, 26),
        method="cheque",
        reference="CHQ 9",
    )  # its job is pending: not a difference yet
    run = check(qbo)
    assert (run.difference_count, run.receivables_plannit, run.receivables_qbo) == (
        0,
        Decimal("324.92"),
        Decimal("344.92"),
    )
    page = owner_client.get("/settings/accounting/").content.decode()
    assert "receivables $324.92 in Plannit, $344.92 in QuickBooks until the pending" in page
    assert "on both sides" not in page


def _big_run(world, **values):
    import datetime
    from decimal import Decimal

    return ReconcileRun.objects.create(
        business=world.business,
        realm_id=world.connection.realm_id,
        trigger="nightly",
        status="done",
        finished_at=datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC),
        invoice_count=1284,
        payment_count=912,
        credit_note_count=1,
        sales_receipt_count=2,
        receivables_plannit=Decimal("48211.07"),
        receivables_qbo=Decimal("48211.07"),
        **values,
    )


def test_the_headline_groups_thousands_and_writes_the_first_of_the_month_in_french(qbo):
    from django.utils import timezone

    from accounting.reconcile.messages import match_headline

    run = _big_run(qbo)
    with timezone.override("America/Toronto"):
        with translation.override("fr-ca"):
            assert match_headline(run) == (
                "Livres concordants au 1er décembre 2026, 03 h 00 : 1\xa0284 factures, "
                "912 paiements, 1 note de crédit, 2 reçus de vente, comptes clients de "
                "48\xa0211,07\xa0$ des deux côtés"
            )
        with translation.override("en"):
            assert match_headline(run) == (
                "Books match as of Dec. 1, 2026, 03:00: 1,284 invoices, 912 payments, "
                "1 credit note, 2 sales receipts, receivables $48,211.07 on both sides"
            )


def test_the_run_page_groups_the_counts_of_a_large_check(qbo, owner_client):
    run = _big_run(qbo, difference_count=1203)
    owner_client.cookies["django_language"] = "fr-ca"
    page = owner_client.get(f"/settings/accounting/books/runs/{run.pk}/").content.decode()
    assert "1\xa0203 écarts trouvés le 1er décembre 2026, 03 h 00." in page
    assert (
        "Vérifiés : 1\xa0284 factures, 912 paiements, 1 note de crédit, 2 reçus de vente." in page
    )
    accounting = owner_client.get("/settings/accounting/").content.decode()
    assert "1\xa0203 écarts entre Plannit et QuickBooks le 1er décembre 2026, 03 h 00" in accounting
    owner_client.cookies["django_language"] = "en"
    page = owner_client.get(f"/settings/accounting/books/runs/{run.pk}/").content.decode()
    assert "1,203 differences found on Dec. 1, 2026, 03:00." in page
    assert "Checked: 1,284 invoices, 912 payments, 1 credit note, 2 sales receipts." in page
