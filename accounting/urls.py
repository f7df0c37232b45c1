from django.urls import path
from django.views.generic import TemplateView

app_name = "accounting"

# Placeholder until the accounting settings page lands.
urlpatterns = [path("", TemplateView.as_view(template_name="base.html"), name="settings")]
