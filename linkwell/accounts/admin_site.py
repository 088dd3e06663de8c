"""The Django admin, for platform administrators only.

`LinkwellAdminConfig` replaces `django.contrib.admin` in INSTALLED_APPS so that `admin.site`
everywhere (every app's admin.py, config/urls.py) is a `LinkwellAdminSite`:

- Entry needs `is_staff` AND (`is_superuser` or an active, writable ADMINISTRATOR membership).
  `is_staff` alone — e.g. provider staff someone ticked the box for — is not enough.
- Signing in happens on Linkwell's own page (lockout, two-factor); the admin never shows its
  own login form.
- Administrators who are not superusers get their model permissions from the role
  (`AdministratorPermissionsMixin`), not from Django's per-model permission tables.
- Domain data (directory, audit) is view-only here (`ReadOnlyAdminMixin`): its writes go through
  services and their audit events. Account records are editable, and every save/delete goes
  through linkwell.accounts.services (audited in the admin view's transaction).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def is_admin_user(request: HttpRequest) -> bool:
    from linkwell.accounts.selectors import user_is_administrator

    user = request.user
    return bool(user.is_active and user.is_staff and user_is_administrator(user=user))


class LinkwellAdminSite(admin.AdminSite):
    site_header = "Linkwell administration"
    site_title = "Linkwell administration"
    index_title = "Organisations, people's accounts and reference data"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_admin_user(request)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        index = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(index)
            # Signed in but not an administrator: say no rather than offer another sign-in.
            raise PermissionDenied("The administration pages are for administrators only.")
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = index
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")

    def logout(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        if request.method == "POST" and request.user.is_authenticated:
            from linkwell.accounts.services import sign_out_record

            sign_out_record(user=request.user, reason="admin_sign_out")
        return super().logout(request, extra_context)

    def password_change(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        """An administrator changing their own password: audited in the same transaction."""
        with transaction.atomic():
            response = super().password_change(request, extra_context)
            if request.method == "POST" and response.status_code == 302:
                # Imported here: this module loads with INSTALLED_APPS, before any model.
                from linkwell.accounts.services import REDACTED
                from linkwell.audit.actions import AuditAction
                from linkwell.audit.models import Kind
                from linkwell.audit.services import audit_record

                audit_record(
                    actor=request.user,
                    action=AuditAction.PASSWORD_CHANGED,
                    obj=request.user,  # type: ignore[arg-type]
                    kind=Kind.SECURITY,
                    changes={"password": [REDACTED, REDACTED]},
                )
        return response


class LinkwellAdminConfig(AdminConfig):
    default_site = "linkwell.accounts.admin_site.LinkwellAdminSite"


class AdministratorPermissionsMixin:
    """Full access to a model for administrators (the site has already checked the role)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin_user(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_admin_user(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)


class ReadOnlyAdminMixin:
    """View-only: no add, change or delete (so no delete action either)."""

    actions: Any = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin_user(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, *args: Any, **kwargs: Any) -> None:
        raise PermissionDenied("This record is read-only here.")

    def delete_model(self, *args: Any, **kwargs: Any) -> None:
        raise PermissionDenied("This record is read-only here.")


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        field_names = {f.name for f in model._meta.get_fields()}
        if "name" in field_names:
            self.search_fields = ("name",)  # type: ignore[misc]
