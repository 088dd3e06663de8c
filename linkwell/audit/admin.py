"""The audit trail in the admin: view-only. No add, change or delete — not even the bulk
delete action — because audit events are append-only (linkwell/audit/README.md)."""

from __future__ import annotations

from django.contrib import admin

from linkwell.accounts.admin_site import ReadOnlyModelAdmin
from linkwell.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ("at", "kind", "actor_label", "action", "object_repr", "channel")
    list_filter = ("kind", "channel")
    search_fields = ("action", "actor_label", "object_id", "person_id", "request_id")
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False
