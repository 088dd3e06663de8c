"""`POST /oauth/token`: short-lived bearer tokens for FHIR API clients (client credentials)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
