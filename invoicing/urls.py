from django.urls import path

from . import views

app_name = "invoicing"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/new/", views.invoice_create, name="invoice_create"),
    path("sales-receipts/new/", views.sales_receipt_create, name="sales_receipt_create"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/edit/", views.invoice_update, name="invoice_update"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/void/", views.invoice_void, name="invoice_void"),
    path("invoices/<int:pk>/delete/", views.invoice_delete, name="invoice_delete"),
    path("invoices/<int:pk>/print/", views.invoice_print, name="invoice_print"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/send/", views.invoice_send, name="invoice_send"),
    path("invoices/<int:pk>/payments/new/", views.payment_create, name="payment_create"),
    path(
        "invoices/<int:pk>/payments/<int:payment_pk>/void/", views.payment_void, name="payment_void"
    ),
    path(
        "invoices/<int:pk>/credit-notes/new/",
        views.credit_note_create,
        name="credit_note_create",
    ),
    path(
        "invoices/<int:pk>/credits/<int:credit_pk>/apply/",
        views.credit_apply,
        name="credit_apply",
    ),
    path(
        "invoices/<int:pk>/credits/applied/<int:application_pk>/void/",
        views.credit_application_void,
        name="credit_application_void",
    ),
    path(
        "invoices/<int:pk>/payments/<int:payment_pk>/refund/",
        views.refund_create,
        name="refund_create",
    ),
    path("credit-notes/<int:pk>/", views.credit_note_detail, name="credit_note_detail"),
    path("credit-notes/<int:pk>/print/", views.credit_note_print, name="credit_note_print"),
    path("credit-notes/<int:pk>/pdf/", views.credit_note_pdf, name="credit_note_pdf"),
    path("credit-notes/<int:pk>/void/", views.credit_note_void, name="credit_note_void"),
    path("settings/tax-groups/", views.taxgroup_list, name="taxgroup_list"),
    path("settings/tax-groups/new/", views.taxgroup_create, name="taxgroup_create"),
    path("settings/tax-groups/ready-made/", views.taxgroup_presets, name="taxgroup_presets"),
    path("settings/tax-groups/<int:pk>/edit/", views.taxgroup_update, name="taxgroup_update"),
    path(
        "settings/tax-groups/<int:pk>/default/",
        views.taxgroup_set_default,
        name="taxgroup_set_default",
    ),
    path("settings/tax-groups/<int:pk>/archive/", views.taxgroup_archive, name="taxgroup_archive"),
    path("settings/tax-groups/<int:pk>/restore/", views.taxgroup_restore, name="taxgroup_restore"),
    path("settings/tax-groups/<int:pk>/delete/", views.taxgroup_delete, name="taxgroup_delete"),
    path("settings/invoices/", views.invoice_settings, name="invoice_settings"),
]
