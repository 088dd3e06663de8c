from django.urls import URLPattern, URLResolver, path

from linkwell.matching import views

app_name = "matching"

urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/<uuid:case_id>/suggestions/", views.suggestions_page, name="case_suggestions"),
    path(
        "cases/<uuid:case_id>/suggestions/<uuid:run_id>/<uuid:service_id>/<slug:action>/",
        views.suggestion_action,
        name="suggestion_action",
    ),
]
