"""Reads of the books check, always scoped to one business."""

from accounting.models import QboConnection

from .models import Difference, ReconcileRun, RunStatus


def runs_for(*, business):
    return ReconcileRun.objects.filter(business=business)


def latest_finished_run(*, business) -> ReconcileRun | None:
    connection = QboConnection.objects.filter(business=business).first()
    if connection is None:
        return None
    return (
        runs_for(business=business)
        .filter(realm_id=connection.realm_id, status=RunStatus.DONE)
        .first()
    )


def running_run(*, business) -> ReconcileRun | None:
    return runs_for(business=business).filter(status=RunStatus.RUNNING).first()


def differences_of(*, run: ReconcileRun):
    return Difference.objects.filter(run=run, business_id=run.business_id).select_related(
        "invoice", "payment", "contact", "repair_job"
    )
