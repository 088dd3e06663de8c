from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("linkwell.accounts.urls")),
    path("api/", include("linkwell.api.urls")),
    path("directory/", include("linkwell.directory.urls")),
    path("", include("linkwell.web.urls")),
]
