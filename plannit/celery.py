import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plannit.settings.dev")

app = Celery("plannit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _recycle_db_connections(sender=None, **_kwargs) -> None:
    """At each task boundary, what Django does at each request boundary: close a connection
    that is broken or older than CONN_MAX_AGE, keep the others (CELERY_DB_REUSE_MAX stops
    Celery from closing them all). Eager tasks run inside the caller's connection."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
