from django.urls import URLPattern, URLResolver, path

from linkwell.outcomes import views

app_name = "outcomes"

urlpatterns: list[URLPattern | URLResolver] = [
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/add/", views.local_measure_new, name="local_measure_new"),
    path("schedules/", views.schedules, name="schedules"),
    path("schedules/<uuid:team_id>/", views.schedule_edit, name="schedule_edit"),
    path("schedules/<uuid:team_id>/staff-survey/", views.staff_survey, name="staff_survey"),
    path("cases/<uuid:case_id>/", views.case_outcomes, name="case_outcomes"),
    path(
        "cases/<uuid:case_id>/record/<slug:instrument_id>/",
        views.measure_new,
        name="measure_new",
    ),
    path(
        "cases/<uuid:case_id>/assessments/<uuid:administration_id>/goal/<slug:item_id>/",
        views.assessment_goal_add_view,
        name="assessment_goal_add",
    ),
    path("cases/<uuid:case_id>/links/", views.self_link_new, name="self_link_new"),
    path(
        "cases/<uuid:case_id>/links/<uuid:link_id>/",
        views.self_link_detail,
        name="self_link_detail",
    ),
    path(
        "cases/<uuid:case_id>/links/<uuid:link_id>/send/",
        views.self_link_send_view,
        name="self_link_send",
    ),
    path(
        "cases/<uuid:case_id>/links/<uuid:link_id>/cancel/",
        views.self_link_revoke_view,
        name="self_link_revoke",
    ),
    # The person's self-completion page: no login (the signed token is the credential).
    path("m/<str:token>/", views.self_complete, name="self_complete"),
]
