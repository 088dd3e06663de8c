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

__all__ = [
    "application_award",
    "application_decline",
    "application_score",
    "application_submit",
    "conflict_declare",
    "criterion_add",
    "monitoring_report_submit",
    "panel_member_add",
    "payment_record",
    "programme_create",
    "report_link",
    "round_create",
    "round_state",
    "tier_add",
]
