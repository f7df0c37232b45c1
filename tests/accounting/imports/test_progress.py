"""The import's progress bar moves while the import runs: each step of an import is its own
transaction, so the progress the page polls moves about every twentieth of the import, not only
at its start and its end; without JavaScript the page offers a refresh link."""

import pytest
from django.db import transaction
from django.urls import reverse

from accounting.imports.models import ImportStatus
from accounting.imports.services import contacts as contacts_service
from accounting.imports.services import items as items_service
from accounting.imports.services.runs import import_step_size
from tests.factories.accounting_imports import ImportRunFactory


@pytest.mark.parametrize(
    ("total", "step"), [(0, 10), (7, 10), (60, 10), (200, 10), (1000, 50), (20000, 500)]
)
def test_step_size(total, step):
    assert import_step_size(total=total, largest=500) == step


def _watch_commits(monkeypatch, module, owner_client):
    """What the page's polling reads right after each step of the import is committed."""
    seen = []
    record = module.import_run_record_progress

    def record_then_poll_after_commit(*, run, **changes):
        record(run=run, **changes)
        url = reverse("accounting_imports:run_progress", args=[run.pk])

        def poll():
            body = owner_client.get(url).json()
            seen.append((body["status"], body["done"], body["total"], body["percent"]))

        transaction.on_commit(poll)

    monkeypatch.setattr(module, "import_run_record_progress", record_then_poll_after_commit)
    return seen


@pytest.mark.django_db(transaction=True)
def test_contacts_progress_is_committed_step_by_step(
    monkeypatch, qbo, connection, run_import, owner_client
):
    for number in range(60):
        qbo.add_customer(DisplayName=f"Client {number:02d}", PrimaryEmailAddr=None)
    seen = _watch_commits(monkeypatch, contacts_service, owner_client)

    run = run_import("contacts")

    assert seen == [
        ("running", 10, 60, 16),
        ("running", 20, 60, 33),
        ("running", 30, 60, 50),
        ("running", 40, 60, 66),
        ("running", 50, 60, 83),
        ("running", 60, 60, 100),
    ]
    assert (run.status, run.done, run.created) == (ImportStatus.SUCCEEDED, 60, 60)


@pytest.mark.django_db(transaction=True)
def test_items_progress_is_committed_step_by_step(
    monkeypatch, qbo, connection, run_import, owner_client
):
    qbo.add_item(Name="Entretien", Type="Category")
    for number in range(25):
        qbo.add_item(Name=f"Tonte {number:02d}", UnitPrice=40)
    seen = _watch_commits(monkeypatch, items_service, owner_client)

    run = run_import("items", unit="hour")

    assert [(done, total) for _status, done, total, _percent in seen] == [
        (1, 26),  # the category first
        (11, 26),
        (21, 26),
        (26, 26),
    ]
    assert {status for status, *_rest in seen} == {"running"}
    assert (run.status, run.created) == (ImportStatus.SUCCEEDED, 26)


@pytest.mark.django_db
def test_without_javascript_a_running_import_offers_a_refresh_link(owner_client, business):
    running = ImportRunFactory(business=business, kind="contacts", status=ImportStatus.RUNNING)
    finished = ImportRunFactory(business=business, kind="items", status=ImportStatus.SUCCEEDED)
    running_url = reverse("accounting_imports:run_detail", args=[running.pk])

    running_page = owner_client.get(running_url).content.decode()
    finished_page = owner_client.get(
        reverse("accounting_imports:run_detail", args=[finished.pk])
    ).content.decode()

    assert f'<p id="run-refresh"><a href="{running_url}">Refresh to see how far it is</a>' in (
        running_page
    )
    assert 'data-active="1"' in running_page
    assert "run-refresh" not in finished_page and 'data-active="0"' in finished_page
