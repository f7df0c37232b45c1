from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="contact_list"),
    path("new/", views.contact_create, name="contact_create"),
    path("search/", views.contact_search, name="contact_search"),
    path("bulk-tag/", views.contact_bulk_tag, name="contact_bulk_tag"),
    path("<int:pk>/", views.contact_detail, name="contact_detail"),
    path("<int:pk>/edit/", views.contact_update, name="contact_update"),
    path("<int:pk>/tags/", views.contact_tags, name="contact_tags"),
    path("<int:pk>/archive/", views.contact_archive, name="contact_archive"),
    path("<int:pk>/restore/", views.contact_restore, name="contact_restore"),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/new/", views.tag_create, name="tag_create"),
    path("tags/<int:pk>/edit/", views.tag_update, name="tag_update"),
    path("tags/<int:pk>/delete/", views.tag_delete, name="tag_delete"),
]
