"""Support staff see each business's connection health; no token is ever shown (the token
fields are excluded from every form and list)."""

from datetime import timedelta

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.exceptions import ApplicationError

from .models import (
    AccountingSettings,
    ConnectionStatus,
    NotificationPreference,
    OwnerNotification,
    QboAccount,
    QboAuthorizationState,
    QboConnection,
    QboItem,
    QboTaxCode,
    TaxGroupMapping,
)
from .qbo import errors
from .services import connection as connection_services

TOKEN_FIELDS = ["access_token_encrypted", "refresh_token_encrypted"]


@admin.register(QboConnection)
class QboConnectionAdmin(admin.ModelAdmin):
    list_display = [
        "business",
        "company_name",
        "realm_id",
        "status",
        "last_refreshed_at",
        "access_token_expires_at",
        "refresh_token_expires_at",
        "last_successful_call_at",
    ]
    list_filter = ["status", "company_country"]
    search_fields = ["business__name", "company_name", "realm_id"]
    list_select_related = ["business", "connected_by"]
    autocomplete_fields = ["business", "connected_by"]
    exclude = TOKEN_FIELDS
    readonly_fields = [
        "business",
        "realm_id",
        "company_name",
        "company_country",
        "company_currency",
        "status",
        "access_token_expires_at",
        "refresh_token_expires_at",
        "refresh_token_hard_expires_at",
        "connected_at",
        "connected_by",
        "last_refreshed_at",
        "last_successful_call_at",
        "needs_reconnect_since",
        "refresh_token_warned_at",
        "lists_refreshed_at",
        "disconnected_at",
    ]
    actions = ["renew_token_now", "disconnect"]

    def has_add_permission(self, request):
        return False  # connections are made by the owner through Intuit's consent page

    @admin.action(description=_("Renew token now"))
    def renew_token_now(self, request, queryset):
        renewed = 0
        for connection in queryset.filter(status=ConnectionStatus.CONNECTED):
            try:
                # A validity longer than any access token forces the refresh.
                connection_services.connection_get_access_token(
                    connection_id=connection.pk, min_validity=timedelta(days=1)
                )
                renewed += 1
            except errors.QboError as exc:
                self.message_user(
                    request, f"{connection.business}: {exc.user_message()}", messages.ERROR
                )
        self.message_user(request, _("%(count)d token(s) renewed.") % {"count": renewed})

    @admin.action(description=_("Disconnect"))
    def disconnect(self, request, queryset):
        done = 0
        for connection in queryset.select_related("business"):
            try:
                connection_services.connection_disconnect(business=connection.business)
                done += 1
            except ApplicationError as error:
                self.message_user(
                    request, f"{connection.business}: {error.message}", messages.WARNING
                )
        self.message_user(request, _("%(count)d connection(s) disconnected.") % {"count": done})


@admin.register(QboAuthorizationState)
class QboAuthorizationStateAdmin(admin.ModelAdmin):
    list_display = ["business", "user", "status", "created_at", "expires_at", "used_at"]
    list_filter = ["status"]
    search_fields = ["business__name", "user__email"]
    list_select_related = ["business", "user"]
    fields = [
        "business",
        "user",
        "status",
        "created_at",
        "expires_at",
        "used_at",
        "pending_realm_id",
        "pending_company_name",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccountingSettings)
class AccountingSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "business",
        "taxable_tax_code_name",
        "non_taxable_tax_code_name",
        "default_item_name",
        "deposit_account_name",
        "updated_at",
    ]
    search_fields = ["business__name"]
    list_select_related = ["business"]
    autocomplete_fields = ["business"]
    readonly_fields = ["business", "updated_at"]


@admin.register(TaxGroupMapping)
class TaxGroupMappingAdmin(admin.ModelAdmin):
    list_display = ["tax_group", "business", "qbo_tax_code_name", "qbo_tax_code_id"]
    search_fields = ["business__name", "tax_group__name", "qbo_tax_code_name"]
    list_select_related = ["business", "tax_group"]
    autocomplete_fields = ["business"]
    readonly_fields = ["business", "tax_group"]


class QboReferenceAdmin(admin.ModelAdmin):
    search_fields = ["name", "qbo_id", "business__name", "realm_id"]
    list_select_related = ["business"]
    readonly_fields = ["business", "realm_id", "qbo_id", "refreshed_at"]

    def has_add_permission(self, request):
        return False  # a cache of QBO: filled by "Refresh lists"


@admin.register(QboTaxCode)
class QboTaxCodeAdmin(QboReferenceAdmin):
    list_display = [
        "name",
        "qbo_id",
        "business",
        "is_active",
        "is_taxable",
        "is_group",
        "refreshed_at",
    ]
    list_filter = ["is_active", "is_taxable", "is_group"]


@admin.register(QboItem)
class QboItemAdmin(QboReferenceAdmin):
    list_display = ["name", "qbo_id", "item_type", "business", "is_active", "refreshed_at"]
    list_filter = ["item_type", "is_active"]


@admin.register(QboAccount)
class QboAccountAdmin(QboReferenceAdmin):
    list_display = [
        "name",
        "qbo_id",
        "account_type",
        "account_subtype",
        "business",
        "is_active",
        "refreshed_at",
    ]
    list_filter = ["account_type", "is_active"]


@admin.register(OwnerNotification)
class OwnerNotificationAdmin(admin.ModelAdmin):
    """What each owner was told by e-mail, and when (read-only)."""

    list_display = ["business", "user", "cause", "day", "is_digest", "sent_at"]
    list_filter = ["cause", "is_digest"]
    search_fields = ["business__name", "user__email"]
    list_select_related = ["business", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["business", "user", "email_enabled", "updated_at"]
    list_filter = ["email_enabled"]
    search_fields = ["business__name", "user__email"]
    list_select_related = ["business", "user"]
    readonly_fields = ["business", "user"]

    def has_add_permission(self, request):
        return False
