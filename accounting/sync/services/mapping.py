"""The owner's QuickBooks choices as the engine sends them (`payloads.Mapping`), read once per
change instead of once per job.

Every push needs them (tax codes, default item, deposit account, each tax group's code and
rate): two queries on the hot path of every invoice. They change only when the owner saves
Settings > Accounting, a tax group mapping or a tax group, so they are cached under a
version number that each such change bumps when it is saved and again once its transaction
has committed; the cached value carries the version it was read under. A reader that read
the old rows can only store them under a version that the last bump retired: no stale
mapping is sent after a change is committed.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.signals import post_delete, post_save

from accounting.models import AccountingSettings, TaxGroupMapping
from accounting.qbo import sales_payloads as payloads
from invoicing.models import TaxComponent, TaxGroup

# The cached values are a safety net, not the truth: kept an hour at most.
CACHE_SECONDS = 3600
VERSION_SECONDS = 30 * 24 * 3600


def _version_key(business_id: int) -> str:
    return f"qbo:mapping-version:{business_id}"


def _value_key(business_id: int) -> str:
    return f"qbo:mapping:{business_id}"


def mapping_changed(business_id: int) -> None:
    """Bump the business's version now and again once the current transaction commits (a
    reader between the two may cache the rows as they were before the commit, under a version
    that the second bump retires)."""

    def bump() -> None:
        key = _version_key(business_id)
        try:
            cache.incr(key)
        except ValueError:  # evicted (or never read): any new value is unreachable-safe
            cache.set(key, time.time_ns(), timeout=VERSION_SECONDS)

    bump()
    transaction.on_commit(bump)


def _read(business_id: int) -> dict:
    row = AccountingSettings.objects.filter(business_id=business_id).first()
    # The tax groups with their total rate and their QBO code if mapped, in one query.
    groups = list(
        TaxGroup.objects.filter(business_id=business_id)
        .annotate(
            rate=Sum("components__rate"),
            code=Subquery(
                TaxGroupMapping.objects.filter(
                    business_id=business_id, tax_group_id=OuterRef("pk")
                ).values("qbo_tax_code_id")[:1]
            ),
        )
        .order_by()
        .values_list("pk", "rate", "code")
    )
    return {
        "taxable_tax_code": getattr(row, "taxable_tax_code_id", "") or "",
        "non_taxable_tax_code": getattr(row, "non_taxable_tax_code_id", "") or "",
        "transaction_tax_code": getattr(row, "transaction_tax_code_id", "") or "",
        "default_item": getattr(row, "default_item_id", "") or "",
        "deposit_account": getattr(row, "deposit_account_id", "") or "",
        "tax_group_codes": {pk: code for pk, _rate, code in groups if code is not None},
        "zero_rate_tax_groups": frozenset(pk for pk, rate, _code in groups if not rate),
    }


def _version_of(business_id: int, found=None) -> int:
    key = _version_key(business_id)
    version = cache.get(key) if found is None else found
    if version is None:
        # Never a version seen before after an eviction: what was cached stays unreachable.
        cache.add(key, time.time_ns(), timeout=VERSION_SECONDS)
        version = cache.get(key)
    return int(version)


def _store(business_id: int, version: int, values: dict) -> None:
    cache.set(_value_key(business_id), (version, values), timeout=CACHE_SECONDS)


def mapping_of(*, business_id: int, is_us: bool) -> payloads.Mapping:
    """The business's mapping: one cache round trip (its version and the cached value, which
    carries the version it was read under) unless it changed since it was cached."""
    version_key, value_key = _version_key(business_id), _value_key(business_id)
    found = cache.get_many([version_key, value_key])
    version = _version_of(business_id, found.get(version_key))
    cached = found.get(value_key)
    if cached is not None and cached[0] == version:
        values = cached[1]
    else:
        values = _read(business_id)
        _store(business_id, version, values)
    return payloads.Mapping(is_us=is_us, **values)


def _on_change(sender, instance, **kwargs) -> None:
    if sender is TaxComponent:
        business_id = (
            TaxGroup.objects.filter(pk=instance.tax_group_id)
            .values_list("business_id", flat=True)
            .first()
        )
    else:
        business_id = instance.business_id
    if business_id is not None:
        mapping_changed(business_id)


def connect_signals() -> None:
    for model in (AccountingSettings, TaxGroupMapping, TaxGroup, TaxComponent):
        uid = f"qbo-mapping-{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
