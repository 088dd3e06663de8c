from django.urls import URLPattern, URLResolver, path  # noqa: F401  (sections add pages)

app_name = "volunteering"

urlpatterns: list[URLPattern | URLResolver] = []

# Coordinators: community members, roles, checks (views/members.py).

# Support requests, ranking, introductions, reviews (views/requests.py).

# The volunteer's own pages (views/volunteer.py).

# Reports (views/reports.py).
