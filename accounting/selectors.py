"""Reads of the accounting app, always scoped by business."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounting.imports.models import ContactReview, ReviewStatus
from accounting.sync.models import SyncJob, SyncStatus
from businesses.models import Business
from core.collation import natural
from core.search import contains

from .models import (
    DEFAULT_ITEM_TYPES,
    AccountingSettings,
    ConnectionStatus,
    QboAccount,
    QboConnection,
    QboItem,
    QboTaxCode,
    TaxGroupMapping,
)
from .qbo.payloads import US_NON_TAXABLE_CODE, US_TAXABLE_CODE

ITEM_SEARCH_LIMIT = 20


def business_has_tax_group(*, business: Business) -> bool:
    try:
        from invoicing.selectors import taxgroup_exists_for_business
    except ImportError:
        taxgroup_exists_for_business = None
    if taxgroup_exists_for_business is not None:
        return bool(taxgroup_exists_for_business(business=business))
    from invoicing.models import TaxGroup

    return TaxGroup.objects.filter(business=business, is_active=True).exists()


def connection_for_business(*, business: Business) -> QboConnection | None:
    return QboConnection.objects.select_related("connected_by").filter(business=business).first()


def active_connection_for_business(*, business: Business) -> QboConnection | None:
    connection = connection_for_business(business=business)
    if connection is None or connection.status == ConnectionStatus.DISCONNECTED:
        return None
    return connection


def accounting_settings_for_business(*, business: Business) -> AccountingSettings:
    existing = AccountingSettings.objects.filter(business=business).first()
    return existing or AccountingSettings(business=business)


def _realm_scope(queryset: QuerySet, connection: QboConnection) -> QuerySet:
    return queryset.filter(business=connection.business_id, realm_id=connection.realm_id)


def tax_codes_for_choice(*, connection: QboConnection) -> QuerySet:
    qs = _realm_scope(QboTaxCode.objects.all(), connection).filter(is_active=True)
    if connection.is_us:
        # TAX/NON are set automatically for US companies; the choice is the real codes.
        qs = qs.exclude(qbo_id__in=[US_TAXABLE_CODE, US_NON_TAXABLE_CODE])
    return qs.order_by(natural("name"))


def deposit_accounts_for_choice(*, connection: QboConnection) -> QuerySet:
    return (
        _realm_scope(QboAccount.objects.all(), connection)
        .filter(is_active=True)
        .filter(Q(account_type="Bank") | Q(account_subtype="UndepositedFunds"))
        .order_by("account_type", natural("name"))
    )


def default_items_for_choice(*, connection: QboConnection) -> QuerySet:
    return _realm_scope(QboItem.objects.all(), connection).filter(
        is_active=True, item_type__in=list(DEFAULT_ITEM_TYPES)
    )


def qbo_item_search(
    *, connection: QboConnection, query: str, limit: int = ITEM_SEARCH_LIMIT
) -> list[dict]:
    query = (query or "").strip()[:100]
    qs = default_items_for_choice(connection=connection)
    if query:
        qs = qs.filter(contains("name", query) | contains("fully_qualified_name", query))
    return [
        {"id": item.qbo_id, "name": item.fully_qualified_name or item.name, "type": item.item_type}
        for item in qs.order_by(natural("name"), "qbo_id")[:limit]
    ]


def tax_group_mappings(*, business: Business) -> dict[int, TaxGroupMapping]:
    return {m.tax_group_id: m for m in TaxGroupMapping.objects.filter(business=business)}


@dataclass
class ChecklistRow:
    key: str
    label: str
    is_done: bool
    fix_url: str
    value: str = ""
    # "done", "todo" (a link to fix it), or while QuickBooks is not connected "kept" (a
    # choice made earlier, applied again once reconnected) and "later" (chosen after
    # connecting): neither of the last two is a fault to fix.
    state: str = "todo"
    fix_label: str = ""


def accounting_checklist(*, business: Business) -> list[ChecklistRow]:
    """ "Am I configured?": connected, taxable code, non-taxable code, default item, deposit
    account. Each row ticks or links to where to fix it; while disconnected (or when access
    was lost) the choices already made are shown as kept, not as faults."""
    page = reverse("accounting:settings")
    connection = connection_for_business(business=business)
    is_connected = connection is not None and connection.status == ConnectionStatus.CONNECTED
    was_connected = connection is not None and not is_connected
    settings_row = accounting_settings_for_business(business=business)
    rows = [
        ChecklistRow(
            "connected",
            _("QuickBooks Online is connected"),
            is_connected,
            page + "#connection",
            connection.company_name if is_connected else "",
            state="done" if is_connected else "todo",
            fix_label=_("Reconnect") if was_connected else _("Connect"),
        )
    ]
    for key, label, anchor in (
        ("taxable_tax_code", _("Tax code for taxable lines"), "#mappings"),
        ("non_taxable_tax_code", _("Tax code for non-taxable lines"), "#mappings"),
        ("default_item", _("Default item for items not linked"), "#mappings"),
        ("deposit_account", _("Bank account for deposits"), "#mappings"),
    ):
        value = getattr(settings_row, f"{key}_id")
        if is_connected:
            state = "done" if value else "todo"
        else:
            state = "kept" if value else "later"
        rows.append(
            ChecklistRow(
                key,
                label,
                state == "done",
                page + anchor,
                getattr(settings_row, f"{key}_name") if value else "",
                state=state,
                fix_label=_("Choose"),
            )
        )
    return rows


def accounting_is_configured(*, business: Business) -> bool:
    return all(row.is_done for row in accounting_checklist(business=business))


@dataclass(frozen=True)
class AccountingAttention:
    """What the home page tells the owner about QuickBooks."""

    state: str  # "none", "connected", "needs_reconnect", "disconnected"
    company_name: str = ""
    reconnect_by: object = None  # the refresh token's end: Intuit asks to reconnect by then
    last_successful_call_at: object = None
    failed: int = 0
    waiting: int = 0
    to_review: int = 0
    is_configured: bool = False


def accounting_attention(*, business: Business) -> AccountingAttention:
    """The QuickBooks connection's health and the syncs that need the owner, in a few
    queries: failed syncs (to fix and retry), syncs waiting (pending, or held while access is
    lost), and imported customers waiting on the review list."""
    connection = connection_for_business(business=business)
    if connection is None:
        return AccountingAttention(state="none")
    jobs = SyncJob.objects.filter(business=business).aggregate(
        failed=Count("pk", filter=Q(status=SyncStatus.FAILED)),
        waiting=Count(
            "pk",
            filter=Q(status__in=(SyncStatus.PENDING, SyncStatus.RUNNING, SyncStatus.WAITING)),
        ),
    )
    return AccountingAttention(
        state=connection.status,
        company_name=connection.company_name,
        reconnect_by=connection.refresh_token_expires_at,
        last_successful_call_at=connection.last_successful_call_at,
        failed=jobs["failed"],
        waiting=jobs["waiting"],
        to_review=ContactReview.objects.filter(
            business=business, status=ReviewStatus.PENDING
        ).count(),
        is_configured=connection.status == ConnectionStatus.CONNECTED
        and accounting_is_configured(business=business),
    )
