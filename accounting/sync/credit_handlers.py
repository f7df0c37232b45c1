"""Domain event handlers of credit notes and their applications: each writes the outbox job in
the caller's transaction (a rolled-back change leaves no job). A credit note goes to QuickBooks
when its invoice does; an application when both its credit note and its invoice do."""

from .handlers import _connection, invoice_is_synced
from .models import OPEN_STATUSES, SyncJob, SyncKind, SyncOperation
from .services.jobs import job_create


def _sent(kind: str, object_id: int, business_id: int, realm_id: str) -> bool:
    return SyncJob.objects.filter(
        business_id=business_id, realm_id=realm_id, kind=kind, object_id=object_id
    ).exists()


def _latest_open(kind: str, object_id: int, business_id: int, realm_id: str):
    return (
        SyncJob.objects.filter(
            business_id=business_id,
            realm_id=realm_id,
            kind=kind,
            object_id=object_id,
            status__in=OPEN_STATUSES,
        )
        .order_by("-id")
        .first()
    )


def on_credit_note_issued(*, credit_note, **_payload) -> None:
    connection = _connection(credit_note.business_id)
    if connection is None or not invoice_is_synced(credit_note.invoice, connection):
        return
    job_create(
        business_id=credit_note.business_id,
        realm_id=connection.realm_id,
        kind=SyncKind.CREDIT_NOTE,
        operation=SyncOperation.CREATE,
        object_id=credit_note.pk,
    )


def on_credit_note_voided(*, credit_note, **_payload) -> None:
    connection = _connection(credit_note.business_id)
    if connection is None or not _sent(
        SyncKind.CREDIT_NOTE, credit_note.pk, credit_note.business_id, connection.realm_id
    ):
        return
    job_create(
        business_id=credit_note.business_id,
        realm_id=connection.realm_id,
        kind=SyncKind.CREDIT_NOTE,
        operation=SyncOperation.VOID,
        object_id=credit_note.pk,
    )


def on_credit_applied(*, application, **_payload) -> None:
    connection = _connection(application.business_id)
    if connection is None:
        return
    realm_id = connection.realm_id
    if not _sent(
        SyncKind.CREDIT_NOTE, application.credit_note_id, application.business_id, realm_id
    ) or not invoice_is_synced(application.invoice, connection):
        return
    job_create(
        business_id=application.business_id,
        realm_id=realm_id,
        kind=SyncKind.CREDIT_APPLICATION,
        operation=SyncOperation.CREATE,
        object_id=application.pk,
        depends_on=_latest_open(
            SyncKind.CREDIT_NOTE, application.credit_note_id, application.business_id, realm_id
        ),
    )


def on_credit_application_voided(*, application, **_payload) -> None:
    connection = _connection(application.business_id)
    if connection is None or not _sent(
        SyncKind.CREDIT_APPLICATION, application.pk, application.business_id, connection.realm_id
    ):
        return
    job_create(
        business_id=application.business_id,
        realm_id=connection.realm_id,
        kind=SyncKind.CREDIT_APPLICATION,
        operation=SyncOperation.VOID,
        object_id=application.pk,
    )


def register() -> None:
    from core import events

    events.credit_note_issued.subscribe(on_credit_note_issued)
    events.credit_note_voided.subscribe(on_credit_note_voided)
    events.credit_applied.subscribe(on_credit_applied)
    events.credit_application_voided.subscribe(on_credit_application_voided)
