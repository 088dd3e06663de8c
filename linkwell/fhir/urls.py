from django.urls import URLPattern, URLResolver, include, path

app_name = "fhir"

urlpatterns: list[URLPattern | URLResolver] = [
    # Goal, QuestionnaireResponse, Questionnaire, Consent, Composition ($document).
    path("", include("linkwell.fhir.reads.urls")),
]
