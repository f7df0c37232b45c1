import time

import pytest
import responses

from accounting.imports import tasks
from accounting.imports.services import import_run_execute, import_run_start
from accounting.qbo import imports as qbo_imports
from accounting.sync import limiter
from tests.factories.accounting import (
    AccountingSettingsFactory,
    QboConnectionFactory,
    QboTaxCodeFactory,
)
from tests.factories.accounting_imports import REALM_ID
from tests.factories.invoicing import TaxGroupFactory

from .fake_qbo import FakeQbo, install


@pytest.fixture
def qbo():
    """The QBO query endpoint of company REALM_ID, in process; any other HTTP call fails."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield install(mock, FakeQbo(realm_id=REALM_ID))


@pytest.fixture
def connection(business, owner):
    """QuickBooks connected and every mapping chosen: the imports are offered."""
    TaxGroupFactory(business=business)
    connection = QboConnectionFactory(business=business, realm_id=REALM_ID, connected_by=owner)
    AccountingSettingsFactory(
        business=business,
        taxable_tax_code_id="5",
        taxable_tax_code_name="TPS/TVQ QC - 9,975",
        non_taxable_tax_code_id="2",
        non_taxable_tax_code_name="Exonéré",
        default_item_id="1",
        default_item_name="Revenus autres",
        deposit_account_id="35",
        deposit_account_name="Chèques",
    )
    QboTaxCodeFactory(
        business=business, realm_id=REALM_ID, qbo_id="2", name="Exonéré", is_taxable=False
    )
    QboTaxCodeFactory(
        business=business, realm_id=REALM_ID, qbo_id="5", name="TPS/TVQ QC - 9,975", is_taxable=True
    )
    return connection


@pytest.fixture
def enqueued(monkeypatch):
    """Run ids handed to the worker (the task is not run: tests run it when they choose)."""
    ids = []
    monkeypatch.setattr(tasks.import_run_execute_task, "delay", ids.append)
    return ids


@pytest.fixture
def no_wait(monkeypatch):
    """The import's waits, recorded instead of slept; a wait as long as the company's pause
    after a 429 ends it, as the time would have."""
    waits = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        until = limiter.realm_paused_until(REALM_ID)
        if until is not None and until - time.time() <= seconds:
            limiter.unpause_realm(REALM_ID)

    monkeypatch.setattr(qbo_imports, "_sleep", sleep)
    return waits


@pytest.fixture
def run_import(business, owner, enqueued, django_capture_on_commit_callbacks):
    """Start an import as the owner would, then let the worker run it; returns the run."""

    def run(kind="contacts", **options):
        with django_capture_on_commit_callbacks(execute=True):
            started = import_run_start(business=business, user=owner, kind=kind, **options)
        assert enqueued[-1] == started.pk
        return import_run_execute(run_id=started.pk)

    return run
