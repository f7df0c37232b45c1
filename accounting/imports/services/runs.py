"""Import runs: start one (one of a kind at a time per business), execute it in the worker,
record its progress, counts and problems."""

import logging
import math
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.qbo import errors
from businesses.models import Business
from catalog.models import UnitOfMeasure
from core.exceptions import ApplicationError

from ..models import ACTIVE_STATUSES, ImportKind, ImportProblem, ImportRun, ImportStatus

logger = logging.getLogger(__name__)

# A running import moves its heartbeat after every page (a few seconds at most); one that has
# not moved for this long lost its worker, and may be replaced by a new run.
STALE_AFTER = timedelta(minutes=10)
COUNTERS = ("created", "linked", "updated", "skipped", "to_review", "failed")
# Each step of an import is one transaction, so the progress bar moves once per step: about a
# twentieth of the import (never fewer than MIN_STEP rows, nor more than a batch), so that an
# import of 200 customers is seen moving too, not only at its start and its end.
PROGRESS_STEPS = 20
MIN_STEP = 10


def _connection_and_token(business: Business):
    # Imported late: the connect engineer's services import a lot at module level.
    from accounting.services.references import connection_access

    return connection_access(business=business)


def import_token_provider(*, business: Business, realm_id: str) -> Callable[[], str]:
    """A callable returning a valid access token (renewed under the connection's row lock
    when it nears its end), for long imports that outlive one token. The run's company must
    be the one connected: a token is never sent with another company's id (ApplicationError)."""

    def token() -> str:
        connection, access_token = _connection_and_token(business)
        if connection.realm_id != realm_id:
            raise ApplicationError(
                _(
                    "This import was started for another QuickBooks company than the one "
                    "connected now: start it again."
                )
            )
        return access_token

    return token


def _catalog_has_unlinked_items(*, business: Business, realm_id: str) -> bool:
    from accounting.sync.models import ItemLink
    from catalog.models import Item

    linked = ItemLink.objects.filter(business=business, realm_id=realm_id).values("item_id")
    return Item.objects.filter(business=business).exclude(pk__in=linked).exists()


def _fail_stale_runs(*, business: Business, kind: str, now) -> None:
    ImportRun.objects.filter(
        business=business,
        kind=kind,
        status__in=ACTIVE_STATUSES,
        heartbeat_at__lt=now - STALE_AFTER,
    ).update(
        status=ImportStatus.FAILED,
        finished_at=now,
        error_message=_(
            "The import stopped answering (the background worker was "
            "restarted). Run it again: what was imported is kept."
        ),
    )


@transaction.atomic
def import_run_start(
    *,
    business: Business,
    user,
    kind: str,
    include_inactive: bool = False,
    unit: str = UnitOfMeasure.UNIT,
    confirm_existing_catalog: bool = False,
) -> ImportRun:
    """Queue an import of `kind` (contacts or items). Refused unless QuickBooks is connected
    and configured, while another import of the same kind runs, and (items) when the catalog
    already has items the owner did not confirm importing next to."""
    from accounting.selectors import accounting_is_configured

    if kind not in ImportKind.values:
        raise ApplicationError(_("Choose what to import."))
    if not accounting_is_configured(business=business):
        raise ApplicationError(
            _(
                "Finish the QuickBooks Online configuration first (Settings > "
                "Accounting): the imports appear once every step is done."
            )
        )
    connection, _token = _connection_and_token(business)
    if kind == ImportKind.ITEMS:
        unit = " ".join((unit or "").split())
        if unit not in UnitOfMeasure.values:
            raise ApplicationError(
                _("Choose the unit of measure for the imported items."), field="unit"
            )
        if not confirm_existing_catalog and _catalog_has_unlinked_items(
            business=business, realm_id=connection.realm_id
        ):
            raise ApplicationError(
                _(
                    "Your catalog already has products and services. Importing may create "
                    "doubles: link your items to QuickBooks items instead, or confirm that you "
                    "want to import anyway."
                ),
                field="confirm_existing_catalog",
            )
    else:
        unit = ""
    now = timezone.now()
    _fail_stale_runs(business=business, kind=kind, now=now)
    run = ImportRun(
        business=business,
        kind=kind,
        realm_id=connection.realm_id,
        include_inactive=bool(include_inactive),
        unit=unit,
        started_by=user,
        heartbeat_at=now,
    )
    run.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:
        raise ApplicationError(
            _("An import of %(kind)s is already running. Wait for it to finish.")
            % {"kind": run.get_kind_display().lower()}
        ) from None
    from ..tasks import import_run_execute_task

    transaction.on_commit(lambda: import_run_execute_task.delay(run.pk))
    return run


def import_run_record_progress(
    *, run: ImportRun, done: int = 0, problems: Iterable = (), **counts: int
) -> None:
    """Add to the run's counters (database-side, so a page is counted once even if two
    processes touch the run) and store the page's problems."""
    unknown = set(counts) - set(COUNTERS)
    if unknown:
        raise TypeError(f"Unknown counters: {', '.join(sorted(unknown))}")
    changes = {name: F(name) + value for name, value in counts.items() if value}
    if done:
        changes["done"] = F("done") + done
    changes["heartbeat_at"] = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(**changes)
    rows = [
        ImportProblem(
            business_id=run.business_id, run=run, qbo_id=qbo_id[:32], name=name[:500], reason=reason
        )
        for qbo_id, name, reason in problems
    ]
    if rows:
        ImportProblem.objects.bulk_create(rows, batch_size=500)


def import_run_set_total(*, run: ImportRun, total: int) -> None:
    run.total = max(0, int(total))
    ImportRun.objects.filter(pk=run.pk).update(total=run.total, heartbeat_at=timezone.now())


def import_step_size(*, total: int, largest: int) -> int:
    """How many rows each committed step of an import of `total` rows writes."""
    return max(1, min(largest, max(MIN_STEP, math.ceil(max(0, total) / PROGRESS_STEPS))))


def import_run_execute(*, run_id: int) -> ImportRun | None:
    """Run a queued import to its end. Idempotent: a run already finished is left alone, and
    a run picked up again after a crash starts over (links make every row land once)."""
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update()
            .select_related("business")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status not in ACTIVE_STATUSES:
            return run
        now = timezone.now()
        fields = {name: 0 for name in ("done", *COUNTERS)}
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now, **fields
        )
        ImportProblem.objects.filter(run=run).delete()
        run.refresh_from_db()
    from .contacts import contacts_import
    from .items import items_import

    try:
        if run.kind == ImportKind.CONTACTS:
            contacts_import(run=run)
        else:
            items_import(run=run)
    except ApplicationError as error:
        _finish(run, status=ImportStatus.FAILED, message=error.message)
    except errors.QboError as error:
        logger.warning(
            "Import run %s stopped on a QBO error: %s (intuit_tid=%s)",
            run.pk,
            error.message,
            error.intuit_tid,
        )
        _finish(
            run,
            status=ImportStatus.FAILED,
            message=error.user_message()
            + " "
            + _("What was imported so far is kept; run the import again to finish."),
        )
    except Exception:
        logger.exception("Import run %s crashed", run.pk)
        _finish(
            run,
            status=ImportStatus.FAILED,
            message=_(
                "The import stopped on an unexpected error. What was imported so far "
                "is kept; run it again, and contact support if it happens again."
            ),
        )
        raise
    else:
        _finish(run, status=ImportStatus.SUCCEEDED, message="")
    run.refresh_from_db()
    return run


def _finish(run: ImportRun, *, status: str, message: str) -> None:
    run.refresh_from_db(fields=["done", "total"])
    update = {"status": status, "finished_at": timezone.now(), "error_message": message}
    if status == ImportStatus.SUCCEEDED:
        # QBO's count and its pages may differ if someone edits the company meanwhile.
        update["total"] = run.done
    ImportRun.objects.filter(pk=run.pk).update(**update)
