"""Safeguarding concerns: raising one and escalating it to a named lead, resolving it.

The lifecycle and its invariants are in the app's README ("Safeguarding concerns").
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case, SafeguardingConcern
from linkwell.casework.services.notes import MAX_NOTE_LENGTH
from linkwell.core.exceptions import ValidationFailed


def safeguarding_leads(case: Case) -> list[User]:
    """Named leads a concern can be escalated to: active team managers of the case's team."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=case.link_worker_service_id,
            memberships__is_active=True,
            memberships__read_only=False,
            memberships__role=Role.TEAM_MANAGER,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def safeguarding_concern_raise(
    *, actor: User | None, case: Case, description: str, lead: User | None
) -> SafeguardingConcern:
    """Log a concern and escalate it to a named lead, who is emailed (no personal data in the
    email: a link to the case, which they open signed in)."""
    description = description.strip()
    errors: dict[str, list[str]] = {}
    if not description:
        errors["description"] = ["Describe the concern: what you saw or were told, and when"]
    elif len(description) > MAX_NOTE_LENGTH:
        errors["description"] = [f"Use {MAX_NOTE_LENGTH:,} characters or fewer"]
    if lead is None:
        errors["lead"] = ["Choose the safeguarding lead to escalate to"]
    elif lead.pk not in {u.pk for u in safeguarding_leads(case)}:
        errors["lead"] = [f"{lead} is not a team manager of {case.link_worker_service.name}"]
    if errors:
        raise ValidationFailed(errors)
    assert lead is not None
    now = timezone.now()
    with transaction.atomic():
        concern = SafeguardingConcern.objects.create(
            case=case, raised_by=actor, description=description, lead=lead, escalated_at=now
        )
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_SAFEGUARDING_CONCERN_RAISED,
            obj=concern,
            object_repr=f"Safeguarding concern on case {case.uuid}",
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"lead": str(lead.uuid), "escalated_at": now},
        )
        # Queued only once the concern is committed, so the email never points at nothing.
        concern_id = concern.pk

        def _enqueue() -> None:
            from linkwell.casework.tasks import notify_safeguarding_lead

            notify_safeguarding_lead.enqueue(concern_id)

        transaction.on_commit(_enqueue)
    return concern


def safeguarding_concern_resolve(
    *, actor: User | None, concern: SafeguardingConcern, outcome: str
) -> SafeguardingConcern:
    """The lead records what was done (referred to the local authority, no further action...).

    Race: two people may open the same concern and resolve it at once. The update is conditional
    on `resolved_at IS NULL`, so exactly one wins; the other gets "already been resolved" and
    nothing of theirs is saved (views/safeguarding.py shows them what was recorded). The audit
    row records that an outcome was written, not what it says, as for sensitive notes.
    """
    outcome = outcome.strip()
    if not outcome:
        raise ValidationFailed({"outcome": ["Enter the outcome: what was done about the concern"]})
    if len(outcome) > MAX_NOTE_LENGTH:
        raise ValidationFailed({"outcome": [f"Use {MAX_NOTE_LENGTH:,} characters or fewer"]})
    case = concern.case
    now = timezone.now()
    with transaction.atomic():
        updated = SafeguardingConcern.objects.filter(
            pk=concern.pk, resolved_at__isnull=True
        ).update(resolved_at=now, resolved_by=actor, outcome=outcome, updated_at=now)
        if updated != 1:
            resolved_at = (
                SafeguardingConcern.objects.filter(pk=concern.pk)
                .values_list("resolved_at", flat=True)
                .first()
            )
            when = (
                f" on {timezone.localtime(resolved_at):%-d %B %Y at %H:%M}" if resolved_at else ""
            )
            raise ValidationFailed(
                {
                    "__all__": [
                        f"This concern has already been resolved{when}, so your outcome was not "
                        "saved. The outcome recorded is shown below."
                    ]
                }
            )
        concern.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_SAFEGUARDING_CONCERN_RESOLVED,
            obj=concern,
            object_repr=f"Safeguarding concern on case {case.uuid}",
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"resolved_at": [None, now]},
            detail={"length": len(outcome)},
        )
    return concern
