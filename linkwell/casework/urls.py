from django.urls import path

from linkwell.casework.views import case as case_views
from linkwell.casework.views import caseload as caseload_views
from linkwell.casework.views import follow_up as follow_up_views
from linkwell.casework.views import messages as message_views
from linkwell.casework.views import plan as plan_views
from linkwell.casework.views import review as review_views
from linkwell.casework.views import safeguarding as safeguarding_views

app_name = "casework"

urlpatterns: list = [  # type: ignore[type-arg]
    # Caseload, team, calendar feed, case page, appointments, notes, safeguarding (caseload.py,
    # case.py).
    path("caseload/", caseload_views.caseload, name="caseload"),
    path("caseload/calendar/<str:token>.ics", caseload_views.calendar_feed, name="calendar_feed"),
    path("team/", caseload_views.team, name="team"),
    path("cases/<uuid:case_id>/", case_views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/edit/", case_views.case_edit, name="case_edit"),
    path("cases/<uuid:case_id>/status/<slug:action>/", case_views.case_status, name="case_status"),
    path(
        "cases/<uuid:case_id>/appointments/new/",
        case_views.appointment_new,
        name="appointment_new",
    ),
    path(
        "cases/<uuid:case_id>/appointments/<uuid:appointment_id>/outcome/",
        case_views.appointment_outcome,
        name="appointment_outcome",
    ),
    path(
        "cases/<uuid:case_id>/appointments/<uuid:appointment_id>/rebook/",
        case_views.appointment_rebook,
        name="appointment_rebook",
    ),
    path("cases/<uuid:case_id>/notes/", case_views.note_add, name="note_add"),
    path(
        "cases/<uuid:case_id>/safeguarding/new/",
        case_views.safeguarding_new,
        name="safeguarding_new",
    ),
    # The safeguarding lead's list of concerns and the outcome page (safeguarding.py).
    path("safeguarding/", safeguarding_views.safeguarding_list, name="safeguarding_list"),
    path(
        "safeguarding/<uuid:concern_id>/resolve/",
        safeguarding_views.safeguarding_resolve,
        name="safeguarding_resolve",
    ),
    # Wellbeing review, plan, follow-ups, messages back (review.py, plan.py, followup.py,
    # message_back.py).
    path("cases/<uuid:case_id>/review/new/", review_views.review_new, name="review_new"),
    path(
        "cases/<uuid:case_id>/review/<uuid:review_id>/",
        review_views.review_detail,
        name="review_detail",
    ),
    path(
        "cases/<uuid:case_id>/review/<uuid:review_id>/edit/",
        review_views.review_edit,
        name="review_edit",
    ),
    path("cases/<uuid:case_id>/plan/", plan_views.plan_detail, name="plan_detail"),
    path("cases/<uuid:case_id>/plan/edit/", plan_views.plan_edit, name="plan_edit"),
    path("cases/<uuid:case_id>/plan/agree/", plan_views.plan_agree_view, name="plan_agree"),
    path("cases/<uuid:case_id>/plan/print/", plan_views.plan_print, name="plan_print"),
    path("cases/<uuid:case_id>/plan/send/", plan_views.plan_send, name="plan_send"),
    path(
        "cases/<uuid:case_id>/plan/actions/<uuid:action_id>/done/",
        plan_views.plan_action_done,
        name="plan_action_done",
    ),
    path(
        "cases/<uuid:case_id>/follow-ups/<uuid:follow_up_id>/",
        follow_up_views.follow_up_detail,
        name="follow_up_detail",
    ),
    path(
        "cases/<uuid:case_id>/follow-ups/<uuid:follow_up_id>/complete/",
        follow_up_views.follow_up_complete_view,
        name="follow_up_complete",
    ),
    path(
        "cases/<uuid:case_id>/messages-back/",
        message_views.case_messages_back,
        name="case_messages_back",
    ),
    path("messages-back/", message_views.message_back_list, name="messages_back"),
    path(
        "messages-back/<uuid:message_id>/",
        message_views.message_back_detail,
        name="message_back_detail",
    ),
]
