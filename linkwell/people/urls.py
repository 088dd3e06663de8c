from django.urls import path

from linkwell.people import views

app_name = "people"

urlpatterns = [
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="edit"),
    path(
        "<uuid:person_id>/merge/<uuid:duplicate_id>/",
        views.person_merge_view,
        name="merge",
    ),
]
