from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounting.imports.views import LinkedItemFormView
from businesses import views as business_views
from businesses.forms import EmailAuthenticationForm
from core import views as core_views
from invoicing import views as invoicing_views

urlpatterns = [
    path("", invoicing_views.home, name="home"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path(
        "login/",
        business_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", business_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        business_views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("businesses.urls")),
    path("contacts/", include("contacts.urls")),
    # The item form with its "Linked QuickBooks item" section (accounting.imports extends the
    # catalog's view): same paths as catalog:item_create / catalog:item_update, matched first.
    path("catalog/items/new/", LinkedItemFormView.as_view()),
    path("catalog/items/<int:pk>/edit/", LinkedItemFormView.as_view()),
    path("catalog/", include("catalog.urls")),
    path("", include("invoicing.urls")),
    path("settings/accounting/imports/", include("accounting.imports.urls")),
    path("settings/accounting/sync/", include("accounting.sync.urls")),
    path("settings/accounting/inbound/", include("accounting.inbound.owner_urls")),
    path("settings/accounting/books/", include("accounting.reconcile.urls")),
    path("settings/accounting/", include("accounting.urls")),
    path("webhooks/quickbooks/", include("accounting.inbound.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Plannit"
admin.site.site_title = "Plannit admin"
