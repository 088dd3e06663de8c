"""A URLconf holding only the ORUK API, so /api/oruk/openapi.json describes just that API (the
document ORUK's `openapi_url` points to). Paths keep their /api/oruk/ prefix."""

from django.urls import include, path

urlpatterns = [path("api/oruk/", include("linkwell.api.oruk.urls"))]
