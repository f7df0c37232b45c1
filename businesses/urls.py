from django.urls import path

from . import team_views, views

app_name = "businesses"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path("settings/business/", views.business_settings, name="settings"),
    path("settings/team/", team_views.team_page, name="team"),
    path("settings/team/<int:pk>/role/", team_views.membership_role, name="membership_role"),
    path("settings/team/<int:pk>/remove/", team_views.membership_remove, name="membership_remove"),
    path(
        "settings/team/invitations/<int:pk>/cancel/",
        team_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", team_views.invitation_accept, name="invitation_accept"),
]
