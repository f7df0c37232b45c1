from django.urls import path

from . import views

app_name = "accounting_sync"

urlpatterns = [
    path("", views.sync_log, name="sync_log"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<int:pk>/dismiss/", views.job_dismiss, name="job_dismiss"),
    path("earlier-invoices/", views.earlier_invoices, name="earlier_invoices"),
]
