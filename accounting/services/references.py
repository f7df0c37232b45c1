"""The cached copy of the connected company's tax codes, items and accounts. The settings
page reads only this cache, so it renders fast whatever the company's size."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from businesses.models import Business
from core.exceptions import ApplicationError

from ..models import ConnectionStatus, QboAccount, QboConnection, QboItem, QboTaxCode
from ..qbo import client, errors
from .connection import connection_get_access_token, connection_record_successful_call

logger = logging.getLogger(__name__)


def _connected(business: Business) -> QboConnection:
    connection = QboConnection.objects.filter(business=business).first()
    if connection is None or connection.status == ConnectionStatus.DISCONNECTED:
        raise ApplicationError(_("QuickBooks Online is not connected."))
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        raise ApplicationError(errors.QboReconnectRequired("").user_message())
    return connection


def connection_access(*, business: Business) -> tuple[QboConnection, str]:
    """The business's connection and a valid access token, or an ApplicationError."""
    connection = _connected(business)
    try:
        token = connection_get_access_token(connection_id=connection.pk)
    except errors.QboError as exc:
        raise ApplicationError(exc.user_message()) from None
    return connection, token


def references_refresh(*, business: Business) -> dict[str, int]:
    """Fetch the lists from QBO (outside any transaction), then replace the cache at once."""
    connection, token = connection_access(business=business)
    realm = connection.realm_id
    try:
        tax_codes = client.list_tax_codes(access_token=token, realm_id=realm)
        items = client.list_items(access_token=token, realm_id=realm)
        accounts = client.list_accounts(access_token=token, realm_id=realm)
    except errors.QboError as exc:
        logger.warning(
            "QBO lists refresh failed for connection %s: %s (intuit_tid=%s)",
            connection.pk,
            exc.message,
            exc.intuit_tid,
        )
        raise ApplicationError(exc.user_message()) from None
    connection_record_successful_call(connection_id=connection.pk)
    now = timezone.now()
    with transaction.atomic():
        references_clear(business=business)
        QboTaxCode.objects.bulk_create(
            [
                QboTaxCode(
                    business=business,
                    realm_id=realm,
                    qbo_id=row.qbo_id,
                    name=row.name[:255],
                    description=row.description[:255],
                    is_active=row.is_active,
                    is_taxable=row.is_taxable,
                    is_group=row.is_group,
                    refreshed_at=now,
                )
                for row in tax_codes
                if row.qbo_id
            ]
        )
        QboItem.objects.bulk_create(
            [
                QboItem(
                    business=business,
                    realm_id=realm,
                    qbo_id=row.qbo_id,
                    name=row.name[:255],
                    fully_qualified_name=row.fully_qualified_name[:512],
                    item_type=row.item_type[:20],
                    is_active=row.is_active,
                    is_taxable=row.is_taxable,
                    refreshed_at=now,
                )
                for row in items
                if row.qbo_id
            ],
            batch_size=500,
        )
        QboAccount.objects.bulk_create(
            [
                QboAccount(
                    business=business,
                    realm_id=realm,
                    qbo_id=row.qbo_id,
                    name=row.name[:255],
                    fully_qualified_name=row.fully_qualified_name[:512],
                    account_type=row.account_type[:40],
                    account_subtype=row.account_subtype[:60],
                    is_active=row.is_active,
                    refreshed_at=now,
                )
                for row in accounts
                if row.qbo_id
            ],
            batch_size=500,
        )
        QboConnection.objects.filter(pk=connection.pk).update(lists_refreshed_at=now)
    return {"tax_codes": len(tax_codes), "items": len(items), "accounts": len(accounts)}


def references_clear(*, business: Business) -> None:
    QboTaxCode.objects.filter(business=business).delete()
    QboItem.objects.filter(business=business).delete()
    QboAccount.objects.filter(business=business).delete()
