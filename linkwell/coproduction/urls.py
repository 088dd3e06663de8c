from django.urls import URLPattern, URLResolver, path

from linkwell.coproduction.views import assessments, teams

app_name = "coproduction"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", teams.index, name="index"),
    path("teams/<uuid:team_id>/", teams.team, name="team"),
    path("teams/<uuid:team_id>/progress/", teams.progress, name="progress"),
    path("teams/<uuid:team_id>/progress.svg", teams.progress_chart, name="progress_chart"),
    path("compare/<uuid:organisation_id>/", teams.compare, name="compare"),
    path("compare/<uuid:organisation_id>/chart.svg", teams.compare_chart, name="compare_chart"),
    path("assessments/<uuid:assessment_id>/", assessments.detail, name="detail"),
    path("assessments/<uuid:assessment_id>/edit/", assessments.edit, name="edit"),
    path("assessments/<uuid:assessment_id>/complete/", assessments.complete, name="complete"),
    path("assessments/<uuid:assessment_id>/discard/", assessments.discard, name="discard"),
    path(
        "assessments/<uuid:assessment_id>/actions/new/", assessments.action_new, name="action_new"
    ),
    path("actions/<uuid:action_id>/status/", assessments.action_status, name="action_status"),
]
