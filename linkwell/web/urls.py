from django.urls import path
from django.views.generic import RedirectView

from linkwell.fhir.letter_views import message_back_letter_pdf
from linkwell.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_trail, name="audit"),
    # The section addresses people type or the README names: the reports and population apps
    # have no page at their root, so these send people to the page for them.
    path(
        "reports/",
        RedirectView.as_view(pattern_name="reports:quarterly", query_string=True),
        name="reports_index",
    ),
    path("population/", views.population_index, name="population_index"),
    # The message back letter as a PDF, made from the same sections as its FHIR document.
    path(
        "messages-back/<uuid:message_id>/letter.pdf",
        message_back_letter_pdf,
        name="message_back_pdf",
    ),
]
