from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("linkwell.accounts.urls")),
    path("api/", include("linkwell.api.urls")),
    path("directory/", include("linkwell.directory.urls")),
    path("people/", include("linkwell.people.urls")),
    path("", include("linkwell.referrals.urls")),
    path("", include("linkwell.casework.urls")),
    path("", include("linkwell.connections.urls")),
    path("", include("linkwell.web.urls")),
]
