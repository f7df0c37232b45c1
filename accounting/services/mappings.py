"""The owner's mappings. Each choice is checked against the company's current lists in QBO
(not only the cache): an item or account made inactive or deleted since is refused."""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from businesses.models import Business
from core.exceptions import ApplicationError

from ..models import (
    DEFAULT_ITEM_TYPES,
    AccountingSettings,
    QboAccount,
    QboItem,
    QboTaxCode,
    TaxGroupMapping,
)
from ..qbo import client, errors
from ..qbo.payloads import US_NON_TAXABLE_CODE, US_TAXABLE_CODE
from .connection import connection_record_successful_call
from .references import connection_access

logger = logging.getLogger(__name__)


@dataclass
class _Checked:
    qbo_id: str
    name: str


def _fail(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, field=field, extra={"errors": {field: message}})


class _Checker:
    """Reads each chosen object from QBO once and keeps the cache in step with what it saw."""

    def __init__(self, *, business: Business, connection, token: str):
        self.business = business
        self.connection = connection
        self.token = token
        self.problems: dict[str, str] = {}
        self._seen: dict[tuple[str, str], object] = {}

    def _fetch(self, kind: str, qbo_id: str):
        key = (kind, qbo_id)
        if key not in self._seen:
            getter = {
                "taxcode": client.get_tax_code,
                "item": client.get_item,
                "account": client.get_account,
            }[kind]
            try:
                self._seen[key] = getter(
                    access_token=self.token, realm_id=self.connection.realm_id, qbo_id=qbo_id
                )
            except errors.QboNotFound:
                self._seen[key] = None
        return self._seen[key]

    def _cache_model(self, kind: str):
        return {"taxcode": QboTaxCode, "item": QboItem, "account": QboAccount}[kind]

    def _forget(self, kind: str, qbo_id: str) -> None:
        self._cache_model(kind).objects.filter(
            business=self.business, realm_id=self.connection.realm_id, qbo_id=qbo_id
        ).delete()

    def _mark_inactive(self, kind: str, qbo_id: str) -> None:
        self._cache_model(kind).objects.filter(
            business=self.business,
            realm_id=self.connection.realm_id,
            qbo_id=qbo_id,
        ).update(is_active=False)

    def check(self, field: str, kind: str, qbo_id: str) -> _Checked | None:
        row = self._fetch(kind, qbo_id)
        if row is None:
            self._forget(kind, qbo_id)
            self.problems[field] = _(
                "This choice no longer exists in QuickBooks Online. Click "
                "“Refresh lists” and choose again."
            )
            return None
        if not row.is_active:
            self._mark_inactive(kind, qbo_id)
            self.problems[field] = _(
                "“%(name)s” is inactive in QuickBooks Online. Choose "
                "another one or reactivate it in QuickBooks."
            ) % {"name": row.name}
            return None
        if kind == "item" and row.item_type not in DEFAULT_ITEM_TYPES:
            self.problems[field] = _(
                "“%(name)s” cannot be used: choose a Service or "
                "Non-inventory item (not a category)."
            ) % {"name": row.name}
            return None
        if kind == "account" and not (
            row.account_type == "Bank" or row.account_subtype == "UndepositedFunds"
        ):
            self.problems[field] = _(
                "“%(name)s” cannot receive deposits: choose a bank account or Undeposited Funds."
            ) % {"name": row.name}
            return None
        name = getattr(row, "fully_qualified_name", "") or row.name
        return _Checked(qbo_id=row.qbo_id or qbo_id, name=name)


def accounting_settings_update(
    *,
    business: Business,
    taxable_tax_code_id: str,
    non_taxable_tax_code_id: str,
    default_item_id: str,
    deposit_account_id: str,
    transaction_tax_code_id: str = "",
    tax_group_codes: dict[int, str] | None = None,
) -> AccountingSettings:
    """Validate every choice against QBO (HTTP, outside any transaction), then save them
    together. Raises ApplicationError whose extra["errors"] maps each field to its message."""
    connection, token = connection_access(business=business)
    tax_group_codes = {int(k): (v or "").strip() for k, v in (tax_group_codes or {}).items()}
    checker = _Checker(business=business, connection=connection, token=token)
    chosen: dict[str, _Checked | None] = {}
    required = {
        "taxable_tax_code": ("taxcode", (taxable_tax_code_id or "").strip()),
        "non_taxable_tax_code": ("taxcode", (non_taxable_tax_code_id or "").strip()),
        "default_item": ("item", (default_item_id or "").strip()),
        "deposit_account": ("account", (deposit_account_id or "").strip()),
    }
    if connection.is_us:
        # US lines only take the pseudo codes TAX / NON (fault 6100 otherwise, §3.4).
        chosen["taxable_tax_code"] = _Checked(US_TAXABLE_CODE, US_TAXABLE_CODE)
        chosen["non_taxable_tax_code"] = _Checked(US_NON_TAXABLE_CODE, US_NON_TAXABLE_CODE)
        del required["taxable_tax_code"], required["non_taxable_tax_code"]
    try:
        for field, (kind, qbo_id) in required.items():
            if not qbo_id:
                checker.problems[field] = _("This choice is required.")
                continue
            chosen[field] = checker.check(field, kind, qbo_id)
        txn_code = (transaction_tax_code_id or "").strip()
        chosen["transaction_tax_code"] = (
            checker.check("transaction_tax_code", "taxcode", txn_code)
            if txn_code and connection.is_us
            else None
        )
        group_choices: dict[int, _Checked] = {}
        for group_id, qbo_id in tax_group_codes.items():
            if qbo_id:
                checked = checker.check(f"tax_group_{group_id}", "taxcode", qbo_id)
                if checked:
                    group_choices[group_id] = checked
    except errors.QboError as exc:
        logger.warning(
            "QBO validation of mappings failed for connection %s: %s", connection.pk, exc.message
        )
        raise ApplicationError(exc.user_message()) from None
    connection_record_successful_call(connection_id=connection.pk)
    if checker.problems:
        first_field, first_message = next(iter(checker.problems.items()))
        raise ApplicationError(
            first_message, field=first_field, extra={"errors": dict(checker.problems)}
        )
    return _save(
        business=business,
        chosen=chosen,
        group_choices=group_choices,
        tax_group_codes=tax_group_codes,
    )


@transaction.atomic
def _save(
    *, business: Business, chosen: dict, group_choices: dict, tax_group_codes: dict[int, str]
) -> AccountingSettings:
    from invoicing.models import TaxGroup

    settings_row, _created = AccountingSettings.objects.select_for_update().get_or_create(
        business=business
    )
    for field in (
        "taxable_tax_code",
        "non_taxable_tax_code",
        "transaction_tax_code",
        "default_item",
        "deposit_account",
    ):
        checked = chosen.get(field)
        setattr(settings_row, f"{field}_id", checked.qbo_id if checked else "")
        setattr(settings_row, f"{field}_name", checked.name[:255] if checked else "")
    settings_row.full_clean()
    settings_row.save()
    # Jobs that failed for a missing or refused mapping go again now (after the commit).
    from accounting.sync.services.jobs import MAPPING_KEYS, jobs_resume

    jobs_resume(business_id=business.pk, keys=MAPPING_KEYS)
    groups = {
        g.pk: g for g in TaxGroup.objects.filter(business=business, pk__in=list(tax_group_codes))
    }
    for group_id in tax_group_codes:
        group = groups.get(group_id)
        if group is None:
            continue  # another business's group, or deleted: ignored, never touched
        checked = group_choices.get(group_id)
        if checked is None:
            TaxGroupMapping.objects.filter(business=business, tax_group=group).delete()
            continue
        TaxGroupMapping.objects.update_or_create(
            business=business,
            tax_group=group,
            defaults={"qbo_tax_code_id": checked.qbo_id, "qbo_tax_code_name": checked.name[:255]},
        )
    return settings_row
