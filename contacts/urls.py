from django.urls import path
from django.views.generic import TemplateView

app_name = "contacts"

# Placeholder until the contacts pages land.
urlpatterns = [path("", TemplateView.as_view(template_name="base.html"), name="contact_list")]
