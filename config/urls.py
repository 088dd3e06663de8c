from django.contrib import admin
from django.urls import include, path

from linkwell.ops.views import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("accounts/", include("linkwell.accounts.urls")),
    path("api/", include("linkwell.api.urls")),
    path("oauth/", include("linkwell.fhir.oauth_urls")),
    path("fhir/r4/", include("linkwell.fhir.urls")),
    path("mesh/", include("linkwell.mesh.urls")),
    path("notifications/", include("linkwell.notifications.urls")),
    path("directory/", include("linkwell.directory.urls")),
    path("people/", include("linkwell.people.urls")),
    path("find/", include("linkwell.public.urls")),
    path("community/", include("linkwell.community.urls")),
    path("volunteering/", include("linkwell.volunteering.urls")),
    path("timebank/", include("linkwell.timebank.urls")),
    path("grants/", include("linkwell.grants.urls")),
    path("coproduction/", include("linkwell.coproduction.urls")),
    path("courses/", include("linkwell.courses.urls")),
    path("practice/", include("linkwell.practice.urls")),
    path("matching/", include("linkwell.matching.urls")),
    path("population/", include("linkwell.population.urls")),
    path("outcomes/", include("linkwell.outcomes.urls")),
    path("economics/", include("linkwell.economics.urls")),
    path("reports/", include("linkwell.reports.urls")),
    path("evidence/", include("linkwell.evidence.urls")),
    path("", include("linkwell.referrals.urls")),
    path("", include("linkwell.casework.urls")),
    path("", include("linkwell.connections.urls")),
    path("", include("linkwell.web.urls")),
]
