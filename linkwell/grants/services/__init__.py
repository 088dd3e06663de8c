"""The grants app's writes (import from the package)."""

from linkwell.grants.services.applications import application_submit, round_state
from linkwell.grants.services.assessment import application_score, conflict_declare
from linkwell.grants.services.decisions import (
    application_award,
    application_decline,
    payment_record,
)
from linkwell.grants.services.monitoring import monitoring_report_submit, report_link
from linkwell.grants.services.setup import (
    criterion_add,
    panel_member_add,
    programme_create,
    round_create,
    tier_add,
)
from linkwell.grants.services.setup_changes import (
    criterion_update,
    panel_member_add_by_email,
    panel_member_remove,
    programme_update,
    round_update,
    tier_update,
)

__all__ = [
    "application_award",
    "application_decline",
    "application_score",
    "application_submit",
    "conflict_declare",
    "criterion_add",
    "criterion_update",
    "monitoring_report_submit",
    "panel_member_add",
    "panel_member_add_by_email",
    "panel_member_remove",
    "payment_record",
    "programme_create",
    "programme_update",
    "report_link",
    "round_create",
    "round_state",
    "round_update",
    "tier_add",
    "tier_update",
]
