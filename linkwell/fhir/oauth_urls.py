"""`POST /oauth/token`: short-lived bearer tokens for FHIR API clients (client credentials).

Only the token endpoint is exposed: clients are created with `linkwell api-clients create`, and
there are no browser flows (no authorisation codes, no refresh tokens).
"""

from django.urls import URLPattern, URLResolver, path
from oauth2_provider.views import TokenView

app_name = "oauth"

urlpatterns: list[URLPattern | URLResolver] = [
    path("token", TokenView.as_view(), name="token"),
]
