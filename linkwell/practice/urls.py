from django.urls import URLPattern, URLResolver, path

from linkwell.practice.views import index, mdt, plans, rollouts

app_name = "practice"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", index.home, name="home"),
    path("<uuid:practice_id>/mdt/", mdt.mdt, name="mdt"),
    path("<uuid:practice_id>/mdt/meetings/", mdt.meeting_new, name="meeting_new"),
    path("<uuid:practice_id>/plan/", plans.plan, name="plan"),
    path("<uuid:practice_id>/plan/actions/", plans.action_new, name="action_new"),
    path("actions/<uuid:action_id>/reviews/", plans.action_review, name="action_review"),
    path("mdt/<uuid:meeting_id>/", mdt.meeting, name="meeting"),
    path("mdt/<uuid:meeting_id>/people/", mdt.person_add, name="person_add"),
    path("mdt/<uuid:meeting_id>/cases/<uuid:case_id>/", mdt.discuss, name="discuss"),
    path("mdt/<uuid:meeting_id>/held/", mdt.hold, name="hold"),
    path("rollouts/new/", rollouts.rollout_new, name="rollout_new"),
    path("rollouts/<uuid:rollout_id>/", rollouts.rollout, name="rollout"),
    path("rollout-tasks/<uuid:task_id>/", rollouts.task_update, name="task_update"),
]
