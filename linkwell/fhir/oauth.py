"""django-oauth-toolkit hooks: a client gets exactly the scopes its `ApiClient` grants, and a
revoked client (or an application with no `ApiClient`) cannot get a token.

Named in config/settings.py `OAUTH2_PROVIDER` (SCOPES_BACKEND_CLASS, OAUTH2_VALIDATOR_CLASS).
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes

from linkwell.fhir.models import ApiClient


def _api_client(application: Any) -> ApiClient | None:
    if application is None:
        return None
    try:
        client: ApiClient = application.api_client
    except ApiClient.DoesNotExist:
        return None
    return client if client.is_active else None


class ApiClientScopes(SettingsScopes):
    """Asking for no scope gives the client all of its own; asking for more than it holds is
    refused by the token endpoint (`invalid_scope`)."""

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        client = _api_client(application)
        return client.scope_list if client is not None else []

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return self.get_available_scopes(application, request)


class ApiClientValidator(OAuth2Validator):
    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        # A revoked client's secret still matches its hash: refuse it here, as if unknown.
        return _api_client(getattr(request, "client", None)) is not None
