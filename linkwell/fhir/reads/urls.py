"""Routes of the FHIR reads: Goal, QuestionnaireResponse, Questionnaire, Consent, Composition."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
