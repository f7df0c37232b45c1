from django.urls import path

from . import views

app_name = "accounting"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("connect/", views.connect, name="connect"),
    # The path is registered with Intuit (QBO_REDIRECT_URI): do not change it.
    path("callback/", views.callback, name="callback"),
    # The Reconnect URL registered with Intuit: do not change it either.
    path("reconnect/", views.reconnect, name="reconnect"),
    path("notifications/", views.notification_settings, name="notification_settings"),
    path("switch/<int:pk>/", views.confirm_switch, name="confirm_switch"),
    path("disconnect/", views.disconnect, name="disconnect"),
    path("refresh-lists/", views.refresh_lists, name="refresh_lists"),
    path("items/search/", views.qbo_item_search, name="qbo_item_search"),
]
