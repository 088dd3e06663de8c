"""Routes of the FHIR reads: Composition (and `$document`), Goal, QuestionnaireResponse,
Questionnaire, Consent. Each is also listed in reads/capability.py (the CapabilityStatement)."""

from django.urls import URLPattern, URLResolver, path

from linkwell.fhir.reads import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("Composition", views.composition_search, name="composition-search"),
    path(
        "Composition/<str:resource_id>/$document",
        views.composition_document,
        name="composition-document",
    ),
    path("Composition/<str:resource_id>", views.composition_read, name="composition-read"),
    path("Goal", views.goal_search, name="goal-search"),
    path("Goal/<str:resource_id>", views.goal_read, name="goal-read"),
    path(
        "QuestionnaireResponse",
        views.questionnaire_response_search,
        name="questionnaireresponse-search",
    ),
    path(
        "QuestionnaireResponse/<str:resource_id>",
        views.questionnaire_response_read,
        name="questionnaireresponse-read",
    ),
    path("Questionnaire", views.questionnaire_search, name="questionnaire-search"),
    path("Questionnaire/<str:resource_id>", views.questionnaire_read, name="questionnaire-read"),
    path("Consent", views.consent_search, name="consent-search"),
    path("Consent/<str:resource_id>", views.consent_read, name="consent-read"),
]
