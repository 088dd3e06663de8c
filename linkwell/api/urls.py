from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The public Open Referral UK read API (linkwell/api/oruk, README.md).
    path("oruk/", include("linkwell.api.oruk.urls")),
]
