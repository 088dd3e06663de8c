from django.urls import URLPattern, URLResolver, path

from linkwell.volunteering.views import members, public
from linkwell.volunteering.views import reports as report_views
from linkwell.volunteering.views import requests as request_views
from linkwell.volunteering.views import volunteer as volunteer_views

app_name = "volunteering"

urlpatterns: list[URLPattern | URLResolver] = []

# Coordinators: community members, roles, checks (views/members.py).
urlpatterns += [
    path("", members.home, name="home"),
    path("members/new/", members.member_new, name="member_new"),
    path("members/<uuid:member_id>/", members.member_detail_view, name="member_detail"),
    path("members/<uuid:member_id>/edit/", members.member_edit, name="member_edit"),
    path("members/<uuid:member_id>/roles/new/", members.role_add_view, name="role_add"),
    path(
        "members/<uuid:member_id>/roles/<uuid:role_id>/move/",
        members.role_move_view,
        name="role_move",
    ),
    path("members/<uuid:member_id>/checks/new/", members.check_add, name="check_add"),
    path(
        "members/<uuid:member_id>/supervision/new/",
        members.supervision_add,
        name="supervision_add",
    ),
    path("members/<uuid:member_id>/person/", members.link_person, name="link_person"),
    # Public, no sign-in (views/public.py).
    path("join/", public.join, name="join"),
    path("join/thank-you/", public.join_done, name="join_done"),
    path("ask/", public.ask, name="ask"),
    path("ask/thank-you/", public.ask_done, name="ask_done"),
]

# Support requests, ranking, introductions, reviews (views/requests.py).
urlpatterns += [
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/new/", request_views.request_new, name="request_new"),
    path("requests/<uuid:request_id>/", request_views.request_detail, name="request_detail"),
    path(
        "requests/<uuid:request_id>/introduce/",
        request_views.request_introduce,
        name="request_introduce",
    ),
    path("requests/<uuid:request_id>/close/", request_views.request_close, name="request_close"),
    path(
        "requests/<uuid:request_id>/exclude/",
        request_views.request_exclude,
        name="request_exclude",
    ),
    path("matches/<uuid:match_id>/", request_views.match_detail, name="match_detail"),
    path("matches/<uuid:match_id>/review/", request_views.match_review, name="match_review"),
    path("matches/<uuid:match_id>/end/", request_views.match_end, name="match_end"),
    path("cases/<uuid:case_id>/refer/", request_views.case_refer, name="case_refer"),
]

# The volunteer's own pages (views/volunteer.py).
urlpatterns += [
    path("me/", volunteer_views.my_volunteering_page, name="my_volunteering"),
    path("me/log/", volunteer_views.other_log_page, name="volunteer_log"),
    path("me/matches/<uuid:match_id>/", volunteer_views.match_page, name="volunteer_match"),
    path("concerns/", volunteer_views.concerns_page, name="concerns"),
    path("concerns/<uuid:activity_id>/", volunteer_views.concern_page, name="concern"),
]

# Reports (views/reports.py).
urlpatterns += [
    path("report/", report_views.report_page, name="report"),
    path("report/volunteering.csv", report_views.report_csv, name="report_csv"),
]
