"""`POST /oauth/token`: short-lived bearer tokens for FHIR API clients (client credentials)."""

urlpatterns: list = []
