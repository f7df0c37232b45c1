from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.ItemListView.as_view(), name="item_list"),
    path("items/new/", views.ItemFormView.as_view(), name="item_create"),
    path("items/search/", views.item_search, name="item_search"),
    path("items/<int:pk>/edit/", views.ItemFormView.as_view(), name="item_update"),
    path("items/<int:pk>/archive/", views.ItemArchiveView.as_view(), name="item_archive"),
    path(
        "items/<int:pk>/restore/", views.ItemArchiveView.as_view(restore=True), name="item_restore"
    ),
    path("categories/", views.CategoryListView.as_view(), name="category_list"),
    path("categories/new/", views.CategoryFormView.as_view(), name="category_create"),
    path("categories/<int:pk>/edit/", views.CategoryFormView.as_view(), name="category_update"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
]
