from django.urls import path
from django.views.generic import TemplateView

app_name = "invoicing"

# Placeholders until the invoicing pages land.
urlpatterns = [
    path("invoices/", TemplateView.as_view(template_name="base.html"), name="invoice_list"),
    path("settings/tax-groups/", TemplateView.as_view(template_name="base.html"),
         name="taxgroup_list"),
    path("settings/invoices/", TemplateView.as_view(template_name="base.html"),
         name="invoice_settings"),
]
