"""FHIR R4 routes under /fhir/r4/. Every route is also listed in capability.py `RESOURCES`."""

from django.urls import URLPattern, URLResolver, include, path

from linkwell.fhir.views import metadata, patients

app_name = "fhir"

urlpatterns: list[URLPattern | URLResolver] = [
    path("metadata", metadata.metadata, name="metadata"),
    path("Patient", patients.patient_search, name="patient-search"),
    path("Patient/<str:resource_id>", patients.patient_read, name="patient-read"),
    # Goal, QuestionnaireResponse, Questionnaire, Consent, Composition ($document).
    path("", include("linkwell.fhir.reads.urls")),
]
