from django.urls import path

from . import views

app_name = "accounting_imports"

urlpatterns = [
    path("", views.imports_home, name="home"),
    path("contacts/", views.contacts_import, name="contacts"),
    path("contacts/tag/", views.contacts_tag_existing, name="contacts_tag"),
    path("contacts/review/", views.review_list, name="review_list"),
    path("contacts/review/<int:pk>/", views.review_decide, name="review_decide"),
    path("items/", views.items_import, name="items"),
    path("items/links/", views.item_links, name="item_links"),
    path(
        "items/links/accept-exact/", views.item_links_accept_exact, name="item_links_accept_exact"
    ),
    path("items/links/<int:pk>/", views.item_link_set, name="item_link_set"),
    path("items/search/", views.qbo_item_search, name="qbo_item_search"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
]
