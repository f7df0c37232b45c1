from django.urls import path

from . import views

app_name = "businesses"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path("settings/business/", views.business_settings, name="settings"),
]
