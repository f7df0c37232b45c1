"""Celery tasks of the inbound side: thin, take ids, idempotent (an event already applied or
held by another worker is skipped)."""

from celery import shared_task

from .services import cdc, process, wake

CHUNK = 50


@shared_task(name="accounting_inbound.apply_events", ignore_result=True)
def inbound_apply_events(event_ids: list[int]) -> dict:
    return process.events_apply(event_ids=[int(pk) for pk in event_ids])


@shared_task(name="accounting_inbound.cdc_run", ignore_result=True)
def inbound_cdc_run(business_id: int, realm_id: str) -> dict:
    return cdc.cdc_run(business_id=int(business_id), realm_id=str(realm_id))


@shared_task(name="accounting_inbound.sweep", ignore_result=True)
def inbound_sweep() -> int:
    """Events to take again (lost message, dead worker, company reconnected) and the
    companies whose catch-up pass is due."""
    due = process.events_due()
    for start in range(0, len(due), CHUNK):
        wake.events_enqueue(due[start : start + CHUNK])
    companies = cdc.checkpoints_due()
    for business_id, realm_id in companies:
        inbound_cdc_run.apply_async(args=[business_id, realm_id])
    return len(due) + len(companies)
