"""FHIR R4 API for GP systems and other NHS clients (README.md)."""

from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "linkwell.fhir"
    label = "fhir"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oauth2_provider.signals import app_authorized

        from linkwell.fhir.audit import audit_token_issued

        # Every token issued is a security event in the audit trail.
        app_authorized.connect(audit_token_issued, dispatch_uid="fhir-token-issued")
