from django.urls import URLPattern, URLResolver, path

from linkwell.volunteering.views import volunteer as volunteer_views

app_name = "volunteering"

urlpatterns: list[URLPattern | URLResolver] = []

# Coordinators: community members, roles, checks (views/members.py).

# Support requests, ranking, introductions, reviews (views/requests.py).

# The volunteer's own pages (views/volunteer.py).
urlpatterns += [
    path("me/", volunteer_views.my_volunteering_page, name="my_volunteering"),
    path("me/log/", volunteer_views.other_log_page, name="volunteer_log"),
    path("me/matches/<uuid:match_id>/", volunteer_views.match_page, name="volunteer_match"),
    path("concerns/", volunteer_views.concerns_page, name="concerns"),
    path("concerns/<uuid:activity_id>/", volunteer_views.concern_page, name="concern"),
]

# Reports (views/reports.py).
