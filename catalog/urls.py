from django.urls import path
from django.views.generic import TemplateView

app_name = "catalog"

# Placeholder until the catalog pages land.
urlpatterns = [path("", TemplateView.as_view(template_name="base.html"), name="item_list")]
