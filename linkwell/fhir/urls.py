"""FHIR R4 routes under /fhir/r4/. Every route is also listed in capability.py `RESOURCES`."""

from django.urls import URLPattern, URLResolver, include, path

from linkwell.fhir.views import metadata, patients, referrals, tasks

app_name = "fhir"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", referrals.transaction_post, name="transaction"),
    path("metadata", metadata.metadata, name="metadata"),
    path("openapi.json", metadata.openapi, name="openapi"),
    path("Patient", patients.patient_search, name="patient-search"),
    path("Patient/<str:resource_id>", patients.patient_read, name="patient-read"),
    path("ServiceRequest", referrals.service_request_collection, name="servicerequest-type"),
    path(
        "ServiceRequest/<str:resource_id>",
        referrals.service_request_read,
        name="servicerequest-read",
    ),
    path("Task", tasks.task_search, name="task-search"),
    path("Task/<str:resource_id>", tasks.task_instance, name="task-instance"),
    # Goal, QuestionnaireResponse, Questionnaire, Consent, Composition ($document).
    path("", include("linkwell.fhir.reads.urls")),
]
