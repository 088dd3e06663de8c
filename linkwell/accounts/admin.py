"""Account records in the admin: organisations, areas, memberships and users.

Every save and delete goes through linkwell.accounts.services, which writes the audit event
(old and new values, secrets redacted) in the admin view's transaction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, SetPasswordMixin, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.db import router, transaction
from django.db.models import Model, QuerySet
from django.forms import BaseModelFormSet
from django.http import HttpRequest, HttpResponse

from linkwell.accounts import services
from linkwell.accounts.admin_site import AdministratorPermissionsMixin, ReadOnlyModelAdmin
from linkwell.accounts.models import Area, Membership, Organisation, UnknownEmailThrottle, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent, Kind
from linkwell.audit.services import audit_record
from linkwell.core.forms import PASSWORD_MAX

# Linkwell's permissions come from memberships (roles), not Django groups: hide groups so no
# one edits something that grants nothing (and whose changes would not be audited).
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class AuditedAdminMixin(AdministratorPermissionsMixin):
    """Routes the admin's writes through the audited account services."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.account_record_save(actor=request.user, obj=obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.account_record_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                services.account_record_delete(actor=request.user, obj=obj)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseModelFormSet[Any, Any], change: bool
    ) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.account_record_delete(actor=request.user, obj=obj)
        for obj in instances:
            services.account_record_save(actor=request.user, obj=obj)
        formset.save_m2m()


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    fields = ("user", "organisation", "role", "read_only", "is_active")
    autocomplete_fields = ("user", "organisation")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(self.admin_site.has_permission(request))

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Area)
class AreaAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "parent")
    search_fields = ("name",)
    autocomplete_fields = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "area", "ods_code", "require_two_factor", "is_active")
    list_filter = ("kind", "require_two_factor", "is_active", "area")
    search_fields = ("name", "ods_code", "postcode")
    autocomplete_fields = ("area", "parent")
    inlines = [MembershipInline]

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # Listing the refusal as "protected" makes Django's delete page and "delete selected"
        # action say why and refuse, instead of cascading into memberships nobody audited
        # (services.account_record_delete refuses too).
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = [services.organisation_delete_refusal(organisation=org) for org in objs]
        return deleted, counts, perms_needed, [*protected, *filter(None, refusals)]


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "organisation", "role", "read_only", "is_active")
    list_filter = ("role", "read_only", "is_active")
    search_fields = ("user__email", "user__full_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")


def _password_fields() -> tuple[forms.CharField, forms.CharField]:
    """Django's two password fields, new ones for this form, limited to PASSWORD_MAX."""
    fields = SetPasswordMixin.create_password_fields()
    for field in fields:
        field.max_length = PASSWORD_MAX
        field.validators.append(MaxLengthValidator(PASSWORD_MAX))
    return fields


class LinkwellUserCreationForm(AdminUserCreationForm):  # type: ignore[type-arg]
    password1, password2 = _password_fields()

    class Meta:
        model = User
        fields = ("email", "full_name")


class LinkwellUserChangeForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):  # type: ignore[type-arg]
    form = LinkwellUserChangeForm
    add_form = LinkwellUserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "locked_until", "two_factor")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined", "failed_login_count", "totp_confirmed_at")
    # The TOTP secret and replay counter never appear here: "Reset two-factor" clears them.
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name",)}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        (
            "Sign-in protection",
            {"fields": ("failed_login_count", "locked_until", "totp_confirmed_at")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    inlines = [MembershipInline]
    actions = ["unlock_accounts", "reset_two_factor"]

    @admin.display(boolean=True, description="Two-factor")
    def two_factor(self, obj: User) -> bool:
        return obj.has_two_factor

    @staticmethod
    def _protects_superuser(request: HttpRequest, obj: Any) -> bool:
        """True when `obj` is a superuser and the acting administrator is not: they must not be
        able to set that account's password, email, two-factor or existence, or they could
        take it over and, with it, powers their own role does not give them."""
        return bool(isinstance(obj, User) and obj.is_superuser and not request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._protects_superuser(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._protects_superuser(
            request, obj
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # Django's bulk delete already refuses when any object lacks delete permission; this
        # keeps the rule if that path ever changes.
        if not request.user.is_superuser and queryset.filter(is_superuser=True).exists():
            raise PermissionDenied("Only a superuser can delete a superuser's account.")
        super().delete_queryset(request, queryset)

    def _actionable(
        self, request: HttpRequest, queryset: QuerySet[User], verb: str
    ) -> QuerySet[User]:
        """The selected users this administrator may act on; says which were skipped."""
        if request.user.is_superuser:
            return queryset
        skipped = queryset.filter(is_superuser=True).count()
        if skipped:
            self.message_user(
                request,
                f"Did not {verb} {skipped} superuser account(s): only a superuser can do that.",
                messages.WARNING,
            )
        return queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # An administrator who is not a superuser must not be able to make one.
            fields.append("is_superuser")
        return fields

    @admin.action(description="Unlock the selected accounts")
    def unlock_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = self._actionable(request, queryset, "unlock")
        count = services.user_unlock(actor=request.user, users=users)
        self.message_user(request, f"Unlocked {count} account(s).", messages.SUCCESS)

    @admin.action(description="Reset two-factor sign-in for the selected users")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = self._actionable(request, queryset, "reset two-factor sign-in for")
        count = services.user_reset_two_factor(actor=request.user, users=users)
        self.message_user(
            request, f"Reset two-factor sign-in for {count} user(s).", messages.SUCCESS
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Django's view checks has_change_permission too; checked here as well because setting
        # someone's password is the quickest way to take their account over.
        target = self.get_object(request, unquote(id))
        if target is not None and self._protects_superuser(request, target):
            raise PermissionDenied("Only a superuser can set a superuser's password.")
        # Django's view saves the form itself, then calls log_change(): mark the request so
        # log_change() writes our audit event, and hold one transaction around both.
        request._linkwell_password_change = True  # type: ignore[attr-defined]
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().user_change_password(request, id, form_url)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        if getattr(request, "_linkwell_password_change", False):
            audit_record(
                actor=request.user,
                action=AuditAction.PASSWORD_CHANGED_BY_ADMINISTRATOR,
                obj=obj,
                kind=Kind.SECURITY,
                changes={"password": [services.REDACTED, services.REDACTED]},
            )
        return super().log_change(request, obj, message)


@admin.register(UnknownEmailThrottle)
class UnknownEmailThrottleAdmin(ReadOnlyModelAdmin):
    list_display = ("email_digest", "failed_login_count", "locked_until", "updated_at")


# The audit trail in the admin: view-only. No add, change or delete — not even the bulk delete
# action — because audit events are append-only (linkwell/audit/README.md). Registered here,
# with the admin site it relies on, because audit sits below accounts and imports nothing of it.
@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ("at", "kind", "actor_label", "action", "object_repr", "channel")
    list_filter = ("kind", "channel")
    search_fields = ("action", "actor_label", "object_id", "person_id", "request_id")
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False
