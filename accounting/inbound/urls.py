from django.urls import path

from . import views

app_name = "accounting_inbound"

# The path is registered with Intuit (the app's webhook URL): do not change it.
urlpatterns = [
    path("", views.quickbooks_webhook, name="webhook"),
]
