"""Connect, keep one valid access token, renew, disconnect.

The OAuth `state` follows django-allauth's pattern: random, stored server-side (hashed),
bound to the business, the user and the browser session, single use, short lived.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from businesses.models import Business
from core.exceptions import ApplicationError

from .. import crypto
from ..models import (
    AccountingSettings,
    ConnectionStatus,
    OAuthStateStatus,
    QboAuthorizationState,
    QboConnection,
    TaxGroupMapping,
)
from ..qbo import client, errors, oauth, payloads

logger = logging.getLogger(__name__)

STATE_TTL = timedelta(minutes=10)
# Refresh only when the access token expires within this margin (Intuit: 1 h tokens).
REFRESH_MARGIN = timedelta(minutes=5)
REFRESH_TOKEN_WARNING_DAYS = 30


@dataclass
class AuthorizationOutcome:
    """`connected`: done. `confirm_switch`: the user picked another company than the one
    connected; `pending_id` names the request to confirm or cancel."""

    kind: str
    connection: QboConnection | None = None
    pending_id: int | None = None
    lists_refreshed: bool = False


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _expiry(now: datetime, seconds: int | None) -> datetime | None:
    return now + timedelta(seconds=seconds) if seconds is not None else None


def _apply_tokens(
    target, tokens: oauth.TokenSet, now: datetime, *, prefix: str = "", renewal: bool = False
) -> None:
    """Store a token answer. The hard expiry belongs to the grant: a renewal that does not
    repeat it keeps the one stored; a new grant (connect, reconnect) replaces it."""
    setattr(target, f"{prefix}access_token_encrypted", crypto.encrypt(tokens.access_token))
    setattr(target, f"{prefix}refresh_token_encrypted", crypto.encrypt(tokens.refresh_token))
    setattr(target, f"{prefix}access_token_expires_at", _expiry(now, tokens.expires_in))
    setattr(
        target, f"{prefix}refresh_token_expires_at", _expiry(now, tokens.refresh_token_expires_in)
    )
    if not renewal or tokens.refresh_token_hard_expires_in is not None:
        setattr(
            target,
            f"{prefix}refresh_token_hard_expires_at",
            _expiry(now, tokens.refresh_token_hard_expires_in),
        )


# --- Connect ----------------------------------------------------------------------------


@transaction.atomic
def connection_start_authorization(*, business: Business, user, session_key: str) -> str:
    """Create a single-use state and return the URL of Intuit's consent page."""
    if not session_key:
        raise ApplicationError(_("Your session has expired. Please sign in again."))
    from ..selectors import business_has_tax_group

    if not business_has_tax_group(business=business):
        raise ApplicationError(
            _("Create at least one tax group before connecting QuickBooks Online.")
        )
    state = secrets.token_urlsafe(32)
    code_verifier = oauth.new_code_verifier() if oauth.supports_pkce() else ""
    now = timezone.now()
    row = QboAuthorizationState(
        business=business,
        user=user,
        state_hash=_hash(state),
        session_key_hash=_hash(session_key),
        code_verifier_encrypted=crypto.encrypt(code_verifier),
        created_at=now,
        expires_at=now + STATE_TTL,
    )
    row.full_clean()
    row.save()
    return oauth.authorization_url(state=state, code_verifier=code_verifier)


def _consume_state(
    *, business: Business, user, session_key: str, state: str, now: datetime
) -> QboAuthorizationState:
    """Mark the state used (committed at once, whatever happens next) or refuse it."""
    refused = _(
        "This connection link is not valid (it expired, was already used or was "
        "started elsewhere). Nothing was changed; click Connect to try again."
    )
    if not state or len(state) > 200:
        raise ApplicationError(refused)
    with transaction.atomic():
        row = (
            QboAuthorizationState.objects.select_for_update()
            .filter(state_hash=_hash(state))
            .first()
        )
        if row is None or row.status != OAuthStateStatus.PENDING or row.expires_at <= now:
            raise ApplicationError(refused)
        bound = (
            row.business_id == business.pk
            and row.user_id == user.pk
            and hmac.compare_digest(row.session_key_hash, _hash(session_key or ""))
        )
        if not bound:
            raise ApplicationError(refused)
        row.status = OAuthStateStatus.USED
        row.used_at = now
        row.save(update_fields=["status", "used_at"])
    return row


def connection_complete_authorization(
    *,
    business: Business,
    user,
    session_key: str,
    state: str,
    code: str = "",
    realm_id: str = "",
    error: str = "",
) -> AuthorizationOutcome:
    """The OAuth callback: check the state, exchange the code, read the company, store."""
    now = timezone.now()
    state_row = _consume_state(
        business=business, user=user, session_key=session_key, state=state, now=now
    )
    if error:
        if error == "access_denied":
            raise ApplicationError(
                _("Connection cancelled: QuickBooks Online was not connected."),
                extra={"cancelled": True},
            )
        raise ApplicationError(
            _("QuickBooks Online could not connect (%(error)s). Please try again.")
            % {"error": error[:60]}
        )
    realm_id = (realm_id or "").strip()
    if not code or not realm_id or not realm_id.isdigit() or len(realm_id) > 32:
        raise ApplicationError(
            _("QuickBooks Online did not send back a company. Please try again.")
        )
    _refuse_realm_of_other_business(business=business, realm_id=realm_id)
    try:
        tokens = oauth.exchange_code(
            code=code,
            realm_id=realm_id,
            code_verifier=crypto.decrypt(state_row.code_verifier_encrypted),
        )
    except errors.QboInvalidGrant:
        raise ApplicationError(
            _("This authorization has expired or was already used. Click Connect to try again.")
        ) from None
    except errors.QboError as exc:
        logger.warning("QBO code exchange failed: %s (intuit_tid=%s)", exc.message, exc.intuit_tid)
        raise ApplicationError(exc.user_message()) from None
    try:
        company = client.get_company_info(access_token=tokens.access_token, realm_id=realm_id)
    except errors.QboError as exc:
        logger.warning(
            "QBO CompanyInfo read failed: %s (intuit_tid=%s)", exc.message, exc.intuit_tid
        )
        _revoke_quietly(tokens.refresh_token)
        raise ApplicationError(exc.user_message()) from None
    try:
        outcome = _store_connection(
            business=business,
            user=user,
            company=company,
            tokens=tokens,
            state_row=state_row,
            now=now,
        )
    except ApplicationError:
        _revoke_quietly(tokens.refresh_token)
        raise
    if outcome.kind == "connected":
        outcome.lists_refreshed = _refresh_lists_quietly(outcome.connection)
    return outcome


def _refuse_realm_of_other_business(*, business: Business, realm_id: str) -> None:
    taken = (
        QboConnection.objects.filter(realm_id=realm_id)
        .exclude(status=ConnectionStatus.DISCONNECTED)
        .exclude(business=business)
        .exists()
    )
    if taken:
        raise ApplicationError(
            _(
                "This QuickBooks Online company is already connected to "
                "another Plannit business. Disconnect it there first, or "
                "choose another company."
            )
        )


@transaction.atomic
def _store_connection(
    *,
    business: Business,
    user,
    company: payloads.CompanyInfo,
    tokens: oauth.TokenSet,
    state_row: QboAuthorizationState,
    now: datetime,
) -> AuthorizationOutcome:
    _refuse_realm_of_other_business(business=business, realm_id=company.realm_id)
    connection = QboConnection.objects.select_for_update().filter(business=business).first()
    if connection is not None and connection.realm_id != company.realm_id:
        state_row.status = OAuthStateStatus.AWAITING_CONFIRMATION
        state_row.pending_realm_id = company.realm_id
        state_row.pending_company_name = company.name[:255]
        state_row.pending_company_country = company.country[:3]
        state_row.pending_company_currency = company.currency[:3]
        _apply_tokens(state_row, tokens, now, prefix="pending_")
        state_row.expires_at = now + STATE_TTL
        state_row.save()
        return AuthorizationOutcome(
            kind="confirm_switch", connection=connection, pending_id=state_row.pk
        )
    if connection is None:
        connection = QboConnection(business=business, realm_id=company.realm_id)
    _set_connected(connection, user=user, company=company, tokens=tokens, now=now)
    try:
        with transaction.atomic():
            connection.full_clean(validate_constraints=False)
            connection.save()
    except IntegrityError:
        raise ApplicationError(
            _("This QuickBooks Online company is already connected to another Plannit business.")
        ) from None
    AccountingSettings.objects.get_or_create(business=business)
    return AuthorizationOutcome(kind="connected", connection=connection)


def _set_connected(
    connection: QboConnection,
    *,
    user,
    company: payloads.CompanyInfo,
    tokens: oauth.TokenSet,
    now: datetime,
) -> None:
    connection.realm_id = company.realm_id
    connection.company_name = company.name[:255]
    connection.company_country = company.country[:3]
    connection.company_currency = company.currency[:3]
    connection.status = ConnectionStatus.CONNECTED
    _apply_tokens(connection, tokens, now)
    connection.connected_at = now
    connection.connected_by = user
    connection.last_refreshed_at = now
    connection.last_successful_call_at = now
    connection.needs_reconnect_since = None
    connection.refresh_token_warned_at = None
    connection.disconnected_at = None
    # The jobs that waited for this connection go now (workers woken once the caller's
    # transaction commits), not at their next periodic recheck.
    from accounting.sync.services.jobs import RECONNECT_KEYS, jobs_resume

    jobs_resume(business_id=connection.business_id, keys=RECONNECT_KEYS, realm_id=company.realm_id)


def _pending_for(
    *, business: Business, user, session_key: str, pending_id, now: datetime
) -> QboAuthorizationState:
    try:
        pending_id = int(pending_id)
    except (TypeError, ValueError):
        pending_id = 0
    row = (
        QboAuthorizationState.objects.select_for_update()
        .filter(
            pk=pending_id,
            business=business,
            user=user,
            status=OAuthStateStatus.AWAITING_CONFIRMATION,
        )
        .first()
    )
    if (
        row is None
        or row.expires_at <= now
        or not hmac.compare_digest(row.session_key_hash, _hash(session_key or ""))
    ):
        raise ApplicationError(_("This confirmation has expired. Click Connect to try again."))
    return row


def connection_confirm_switch(
    *, business: Business, user, session_key: str, pending_id
) -> AuthorizationOutcome:
    """Switch to the other company the user picked: the old company's mappings, cached
    lists (and later, links) are dropped; the old company's token is revoked."""
    from .references import references_clear

    now = timezone.now()
    with transaction.atomic():
        row = _pending_for(
            business=business, user=user, session_key=session_key, pending_id=pending_id, now=now
        )
        _refuse_realm_of_other_business(business=business, realm_id=row.pending_realm_id)
        connection = QboConnection.objects.select_for_update().get(business=business)
        old_refresh_token = crypto.decrypt(connection.refresh_token_encrypted)
        tokens = oauth.TokenSet(
            access_token=crypto.decrypt(row.pending_access_token_encrypted),
            refresh_token=crypto.decrypt(row.pending_refresh_token_encrypted),
            expires_in=0,
            refresh_token_expires_in=None,
        )
        company = payloads.CompanyInfo(
            realm_id=row.pending_realm_id,
            name=row.pending_company_name,
            country=row.pending_company_country,
            currency=row.pending_company_currency,
        )
        _set_connected(connection, user=user, company=company, tokens=tokens, now=now)
        connection.access_token_expires_at = row.pending_access_token_expires_at
        connection.refresh_token_expires_at = row.pending_refresh_token_expires_at
        connection.refresh_token_hard_expires_at = row.pending_refresh_token_hard_expires_at
        connection.lists_refreshed_at = None
        try:
            with transaction.atomic():
                connection.save()
        except IntegrityError:
            raise ApplicationError(
                _(
                    "This QuickBooks Online company is already connected to "
                    "another Plannit business."
                )
            ) from None
        _clear_pending(row)
        settings_row, _created = AccountingSettings.objects.get_or_create(business=business)
        settings_row.clear_mappings()
        settings_row.save()
        TaxGroupMapping.objects.filter(business=business).delete()
        references_clear(business=business)
    if old_refresh_token:
        _revoke_quietly(old_refresh_token)
    outcome = AuthorizationOutcome(kind="connected", connection=connection)
    outcome.lists_refreshed = _refresh_lists_quietly(connection)
    return outcome


def connection_cancel_switch(*, business: Business, user, session_key: str, pending_id) -> None:
    """Keep the current company; the tokens of the other one are revoked and forgotten."""
    now = timezone.now()
    with transaction.atomic():
        row = _pending_for(
            business=business, user=user, session_key=session_key, pending_id=pending_id, now=now
        )
        refresh_token = crypto.decrypt(row.pending_refresh_token_encrypted)
        _clear_pending(row)
    _revoke_quietly(refresh_token)


def _clear_pending(row: QboAuthorizationState) -> None:
    row.status = OAuthStateStatus.USED
    row.pending_access_token_encrypted = ""
    row.pending_refresh_token_encrypted = ""
    row.save()


def _revoke_quietly(token: str) -> bool:
    if not token:
        return False
    try:
        oauth.revoke(token=token)
        return True
    except errors.QboError as exc:
        logger.warning(
            "QBO token revocation failed: %s (intuit_tid=%s)", exc.message, exc.intuit_tid
        )
        return False


def _refresh_lists_quietly(connection: QboConnection) -> bool:
    from .references import references_refresh

    try:
        references_refresh(business=connection.business)
        return True
    except (ApplicationError, errors.QboError) as exc:
        logger.warning(
            "QBO lists refresh after connect failed for connection %s: %s",
            connection.pk,
            getattr(exc, "message", type(exc).__name__),
        )
        return False


# --- One valid access token ---------------------------------------------------------------


def connection_get_access_token(
    *,
    connection_id: int,
    min_validity: timedelta = REFRESH_MARGIN,
    connection: QboConnection | None = None,
) -> str:
    """A valid access token for the connection, refreshing it at most once across all
    workers: the row is locked while refreshing and the rotated refresh token is saved in
    the same transaction (Intuit invalidates superseded refresh tokens: python-quickbooks
    #392, #397).

    `connection`, the row the caller has just read: if its access token stays valid beyond
    `min_validity`, it is used without the lock (token and expiry are written together; a
    renewal does not revoke the previous access token). A renewal always takes the lock.

    Raises QboReconnectRequired when the owner must reconnect (no HTTP call is made then),
    QboNotConnected when disconnected, and retryable QboErrors for network trouble."""
    if (
        connection is not None
        and connection.pk == connection_id
        and connection.status == ConnectionStatus.CONNECTED
        and connection.has_tokens
        and connection.access_token_encrypted
        and connection.access_token_expires_at
        and connection.access_token_expires_at > timezone.now() + min_validity
    ):
        return crypto.decrypt(connection.access_token_encrypted)
    needs_reconnect = False
    with transaction.atomic():
        connection = QboConnection.objects.select_for_update().get(pk=connection_id)
        if connection.status == ConnectionStatus.NEEDS_RECONNECT:
            raise errors.QboReconnectRequired("Connection needs reconnect")
        if connection.status != ConnectionStatus.CONNECTED or not connection.has_tokens:
            raise errors.QboNotConnected("Connection is not connected")
        now = timezone.now()
        expires_at = connection.access_token_expires_at
        if expires_at is not None and expires_at > now + min_validity:
            return crypto.decrypt(connection.access_token_encrypted)
        used_refresh_token = crypto.decrypt(connection.refresh_token_encrypted)
        for _attempt in range(2):
            try:
                tokens = oauth.refresh(refresh_token=used_refresh_token)
            except errors.QboInvalidGrant:
                # Another worker may have rotated the token without holding this lock (an
                # older code path, a manual fix): trust the stored token if it changed.
                connection.refresh_from_db()
                stored_refresh_token = crypto.decrypt(connection.refresh_token_encrypted)
                if (
                    connection.status == ConnectionStatus.CONNECTED
                    and stored_refresh_token
                    and stored_refresh_token != used_refresh_token
                ):
                    expires_at = connection.access_token_expires_at
                    if expires_at is not None and expires_at > timezone.now() + min_validity:
                        return crypto.decrypt(connection.access_token_encrypted)
                    used_refresh_token = stored_refresh_token
                    continue
                connection.status = ConnectionStatus.NEEDS_RECONNECT
                connection.needs_reconnect_since = timezone.now()
                connection.save(update_fields=["status", "needs_reconnect_since"])
                logger.warning(
                    "QBO refresh token refused (invalid_grant) for connection %s; "
                    "the owner must reconnect",
                    connection.pk,
                )
                needs_reconnect = True
                break
            now = timezone.now()
            _apply_tokens(connection, tokens, now, renewal=True)
            connection.last_refreshed_at = now
            if not connection.refresh_token_expires_within(
                days=REFRESH_TOKEN_WARNING_DAYS, now=now
            ):
                connection.refresh_token_warned_at = None
            connection.save(
                update_fields=[
                    "access_token_encrypted",
                    "refresh_token_encrypted",
                    "access_token_expires_at",
                    "refresh_token_expires_at",
                    "refresh_token_hard_expires_at",
                    "last_refreshed_at",
                    "refresh_token_warned_at",
                ]
            )
            return tokens.access_token
    if needs_reconnect:
        raise errors.QboReconnectRequired("Refresh token refused; reconnect needed")
    raise errors.QboReconnectRequired("Refresh token kept changing during the refresh")


# "Last successful call" is shown to the owner and support to the minute: a busy company's
# pushes don't each rewrite (and lock) the connection's row.
SUCCESSFUL_CALL_PRECISION = timedelta(minutes=1)


def connection_record_successful_call(
    *, connection_id: int, last_known: datetime | None = None
) -> None:
    """Date the connection's last successful call, unless `last_known` (the value the caller
    read with the connection) is already within SUCCESSFUL_CALL_PRECISION of now."""
    now = timezone.now()
    if last_known is not None and now - last_known < SUCCESSFUL_CALL_PRECISION:
        return
    QboConnection.objects.filter(pk=connection_id).update(last_successful_call_at=now)


# --- Renewal (periodic) -------------------------------------------------------------------

# The beat task runs every 15 minutes: renewing what expires within 20 keeps every access
# token valid and keeps each refresh token rolling (it lives 100 days from its last use).
RENEW_AHEAD = timedelta(minutes=20)


@dataclass
class RenewalReport:
    renewed: int = 0
    needs_reconnect: int = 0
    failed: int = 0
    warned: int = 0


def connections_renew_due(*, now: datetime | None = None) -> RenewalReport:
    now = now or timezone.now()
    report = RenewalReport()
    due = QboConnection.objects.filter(
        status=ConnectionStatus.CONNECTED,
        access_token_expires_at__lte=now + RENEW_AHEAD,
    ).values_list("pk", flat=True)
    for connection_id in list(due):
        try:
            connection_get_access_token(connection_id=connection_id, min_validity=RENEW_AHEAD)
            report.renewed += 1
        except errors.QboReconnectRequired:
            report.needs_reconnect += 1
        except errors.QboError as exc:
            report.failed += 1
            logger.warning(
                "QBO token renewal failed for connection %s: %s", connection_id, exc.message
            )
    report.warned = connections_warn_refresh_token_expiry(now=now)
    return report


@transaction.atomic
def connections_warn_refresh_token_expiry(*, now: datetime | None = None) -> int:
    """Flag (once) connections whose refresh token ends within 30 days: Intuit's 5-year cap
    cannot be renewed, only reconnected. The page shows the notice."""
    now = now or timezone.now()
    soon = now + timedelta(days=REFRESH_TOKEN_WARNING_DAYS)
    rows = list(
        QboConnection.objects.select_for_update().filter(
            status=ConnectionStatus.CONNECTED,
            refresh_token_expires_at__lte=soon,
            refresh_token_warned_at__isnull=True,
        )
    )
    for connection in rows:
        connection.refresh_token_warned_at = now
        connection.save(update_fields=["refresh_token_warned_at"])
        logger.warning(
            "QBO refresh token of connection %s (business %s) ends on %s; the owner "
            "must reconnect before then",
            connection.pk,
            connection.business_id,
            connection.refresh_token_expires_at.date().isoformat(),
        )
    return len(rows)


# --- Disconnect -------------------------------------------------------------------------


def connection_disconnect(*, business: Business) -> bool:
    """Revoke at Intuit, forget the tokens, keep mappings for a later reconnect. Returns
    whether Intuit confirmed the revocation (the local tokens are deleted either way)."""
    connection = QboConnection.objects.filter(business=business).first()
    if connection is None or connection.status == ConnectionStatus.DISCONNECTED:
        raise ApplicationError(_("QuickBooks Online is not connected."))
    token = crypto.decrypt(connection.refresh_token_encrypted)
    revoked = _revoke_quietly(token)
    with transaction.atomic():
        connection = QboConnection.objects.select_for_update().get(pk=connection.pk)
        connection.status = ConnectionStatus.DISCONNECTED
        connection.access_token_encrypted = ""
        connection.refresh_token_encrypted = ""
        connection.access_token_expires_at = None
        connection.refresh_token_expires_at = None
        connection.refresh_token_hard_expires_at = None
        connection.disconnected_at = timezone.now()
        connection.save(
            update_fields=[
                "status",
                "access_token_encrypted",
                "refresh_token_encrypted",
                "access_token_expires_at",
                "refresh_token_expires_at",
                "refresh_token_hard_expires_at",
                "disconnected_at",
            ]
        )
    return revoked


# --- Key rotation ---------------------------------------------------------------------------


@transaction.atomic
def tokens_reencrypt() -> int:
    """Re-encrypt every stored token with the newest key; returns the number of rows."""
    count = 0
    for connection in QboConnection.objects.select_for_update().exclude(
        refresh_token_encrypted="", access_token_encrypted=""
    ):
        connection.access_token_encrypted = crypto.rotate(connection.access_token_encrypted)
        connection.refresh_token_encrypted = crypto.rotate(connection.refresh_token_encrypted)
        connection.save(update_fields=["access_token_encrypted", "refresh_token_encrypted"])
        count += 1
    for row in QboAuthorizationState.objects.select_for_update().exclude(
        code_verifier_encrypted="",
        pending_access_token_encrypted="",
        pending_refresh_token_encrypted="",
    ):
        row.code_verifier_encrypted = crypto.rotate(row.code_verifier_encrypted)
        row.pending_access_token_encrypted = crypto.rotate(row.pending_access_token_encrypted)
        row.pending_refresh_token_encrypted = crypto.rotate(row.pending_refresh_token_encrypted)
        row.save(
            update_fields=[
                "code_verifier_encrypted",
                "pending_access_token_encrypted",
                "pending_refresh_token_encrypted",
            ]
        )
        count += 1
    return count
