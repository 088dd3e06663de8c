from django.urls import URLPattern, URLResolver, path

from linkwell.public import views

app_name = "public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("services/<uuid:service_id>/", views.service_detail, name="service_detail"),
    path(
        "services/<uuid:service_id>/timetable.ics",
        views.service_timetable,
        name="service_timetable",
    ),
    path("help/", views.help_questions, name="help"),
]
