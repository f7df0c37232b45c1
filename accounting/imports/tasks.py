from celery import shared_task


@shared_task(name="accounting_imports.run", ignore_result=True)
def import_run_execute_task(run_id: int) -> None:
    """Thin: the service does the work and is idempotent (a finished run is left alone)."""
    from .services.runs import import_run_execute

    import_run_execute(run_id=run_id)
