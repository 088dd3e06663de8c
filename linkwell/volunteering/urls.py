from django.urls import URLPattern, URLResolver, path

from linkwell.volunteering.views import requests as request_views

app_name = "volunteering"

urlpatterns: list[URLPattern | URLResolver] = []

# Coordinators: community members, roles, checks (views/members.py).

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

# Reports (views/reports.py).
