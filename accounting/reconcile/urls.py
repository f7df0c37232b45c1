from django.urls import path

from . import views

app_name = "accounting_reconcile"

urlpatterns = [
    path("check/", views.check_now, name="check_now"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/differences.csv", views.export_csv, name="export_csv"),
    path("differences/<int:pk>/repair/", views.repair, name="repair"),
    path("differences/<int:pk>/void-duplicate/", views.void_duplicate, name="void_duplicate"),
]
