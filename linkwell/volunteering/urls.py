from django.urls import URLPattern, URLResolver, path

from linkwell.volunteering.views import reports as report_views

app_name = "volunteering"

urlpatterns: list[URLPattern | URLResolver] = []

# Coordinators: community members, roles, checks (views/members.py).

# Support requests, ranking, introductions, reviews (views/requests.py).

# The volunteer's own pages (views/volunteer.py).

# Reports (views/reports.py).
urlpatterns += [
    path("report/", report_views.report_page, name="report"),
    path("report/volunteering.csv", report_views.report_csv, name="report_csv"),
]
