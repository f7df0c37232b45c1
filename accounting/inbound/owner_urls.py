from django.urls import path

from . import owner_views

app_name = "accounting_inbound_owner"

urlpatterns = [
    path("", owner_views.inbound_log, name="inbound_log"),
    path("decisions/<int:pk>/relink/", owner_views.decision_relink, name="decision_relink"),
    path("decisions/<int:pk>/<slug:action>/", owner_views.decision_answer, name="decision_answer"),
]
