"""Counting the metered QuickBooks calls (reads and queries) per company and month."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..models import ApiUsage


def _month(now: datetime.datetime | None = None) -> datetime.date:
    now = now or timezone.now()
    return now.astimezone(datetime.UTC).date().replace(day=1)


def usage_count_read(*, realm_id: str, count: int = 1) -> None:
    """Add `count` metered calls to this month's row of the company (created at the first)."""
    month = _month()
    if ApiUsage.objects.filter(realm_id=realm_id, month=month).update(
        reads=F("reads") + count, updated_at=timezone.now()
    ):
        return
    try:
        with transaction.atomic():
            ApiUsage.objects.create(realm_id=realm_id, month=month, reads=count)
    except IntegrityError:  # another process created it meanwhile
        ApiUsage.objects.filter(realm_id=realm_id, month=month).update(reads=F("reads") + count)


def count_one_read(realm_id: str) -> None:
    """The observer of accounting/qbo/client.py's metered calls."""
    usage_count_read(realm_id=realm_id)


def usage_reads_this_month(*, realm_id: str) -> int:
    row = ApiUsage.objects.filter(realm_id=realm_id, month=_month()).first()
    return row.reads if row else 0
