from django.urls import path

from . import views

app_name = "businesses"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("settings/business/", views.business_settings, name="settings"),
]
