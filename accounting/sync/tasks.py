"""Celery tasks of the sync engine: thin, take ids, idempotent (a job already done or held
by another worker is skipped)."""

from celery import shared_task

from .services import batch, jobs, lease, push


@shared_task(name="accounting_sync.run_job", ignore_result=True)
def sync_run_job(job_id: int) -> str:
    if lease.is_claimed(int(job_id)):
        return "skipped"  # a batch holds it, or it is done: this message is redundant
    return push.job_run(job_id=int(job_id))


@shared_task(name="accounting_sync.run_backlog", ignore_result=True)
def sync_run_backlog(business_id: int, realm_id: str, helper: bool = False) -> int:
    """One turn of a company's backlog (its jobs past its queue budget); it queues the next
    turn itself, behind the other companies' messages. `helper`: the one extra turn a large
    backlog runs meanwhile (batch.backlog_round)."""
    return batch.backlog_round(
        business_id=int(business_id), realm_id=str(realm_id), helper=bool(helper)
    )


@shared_task(name="accounting_sync.sweep", ignore_result=True)
def sync_sweep() -> int:
    """Enqueue jobs that are due and not held (a lost broker message only delays a push;
    a killed worker's jobs come back once their short lease has expired)."""
    return jobs.jobs_enqueue_due()
