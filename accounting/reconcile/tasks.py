"""Celery tasks of the books check: thin, take ids; a run held by another worker is skipped
(cache lock), a run already done is left as it is."""

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from .services import runs

LOCK_SECONDS = 600


def run_enqueue_on_commit(run_id: int) -> None:
    transaction.on_commit(lambda: reconcile_run.apply_async(args=[run_id]))


@shared_task(name="accounting_reconcile.run", ignore_result=True)
def reconcile_run(run_id: int) -> str:
    key = f"reconcile:run:{int(run_id)}"
    if not cache.add(key, 1, timeout=LOCK_SECONDS):
        return "skipped"
    try:
        return runs.run_execute(run_id=int(run_id)).status
    finally:
        cache.delete(key)


@shared_task(name="accounting_reconcile.sweep", ignore_result=True)
def reconcile_sweep() -> int:
    """The companies whose nightly check is due (unfinished runs resume), and old runs out."""
    started = runs.runs_due()
    for run_id in started:
        reconcile_run.apply_async(args=[run_id])
    runs.runs_prune()
    return len(started)
