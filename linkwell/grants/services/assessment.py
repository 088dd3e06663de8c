"""The panel's work: declaring conflicts of interest and scoring against the criteria."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.grants.models import (
    Application,
    ApplicationStatus,
    ConflictOfInterest,
    PanelMember,
    Score,
)
from linkwell.grants.services._common import Errors, clean_text

CONFLICTED = "You declared a conflict of interest in this application, so you cannot score it."
DECIDED = "This application has been decided, so its scores can no longer change."
NOT_ON_PANEL = "You are not on the panel of this application's round."


def is_conflicted(panel_member: PanelMember, application: Application) -> bool:
    return ConflictOfInterest.objects.filter(
        panel_member=panel_member, application=application
    ).exists()


def conflict_declare(
    *, actor: User, panel_member: PanelMember, application: Application, reason: str
) -> ConflictOfInterest:
    """Declare an interest. Any scores the member already gave this application are removed:
    a conflicted score must not count (`selectors/ranking.py` totals the rest)."""
    errors = Errors()
    reason = clean_text(
        errors,
        "reason",
        reason,
        limit=500,
        required="Say what your interest is, for example: I run the group applying",
        label="The reason",
    )
    if panel_member.round_id != application.round_id:
        errors.add("__all__", NOT_ON_PANEL)
    elif is_conflicted(panel_member, application):
        errors.add("__all__", "You have already declared a conflict of interest here.")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        conflict = ConflictOfInterest.objects.create(
            application=application, panel_member=panel_member, reason=reason
        )
        removed, _ = Score.objects.filter(
            application=application, panel_member=panel_member
        ).delete()
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_CONFLICT_DECLARED,
            obj=application,
            organisation=application.round.programme.organisation,
            detail={"panel_member": str(panel_member.uuid), "scores_removed": removed},
        )
    return conflict


def application_score(
    *,
    actor: User,
    panel_member: PanelMember,
    application: Application,
    scores: Mapping[int, tuple[object, str]],
) -> list[Score]:
    """Score every criterion of the round (`scores`: criterion pk -> (score, comment)), or
    change earlier scores. All or nothing: one score out of range writes none."""
    errors = Errors()
    if panel_member.round_id != application.round_id:
        raise ValidationFailed(NOT_ON_PANEL)
    if is_conflicted(panel_member, application):
        raise ValidationFailed(CONFLICTED)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationFailed(DECIDED)
    criteria = list(application.round.criteria.all())
    known = {c.pk for c in criteria}
    if set(scores) - known:
        raise ValidationFailed("Score only this round's criteria.")
    clean: dict[int, tuple[int, str]] = {}
    for criterion in criteria:
        key = f"score_{criterion.pk}"
        raw, comment = scores.get(criterion.pk, (None, ""))
        comment = clean_text(
            errors, f"comment_{criterion.pk}", comment, limit=1000, label="The comment"
        )
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            errors.add(key, f"Give “{criterion.name}” a score from 0 to {criterion.max_score}")
            continue
        if not 0 <= value <= criterion.max_score:
            errors.add(key, f"Give “{criterion.name}” a score from 0 to {criterion.max_score}")
            continue
        clean[criterion.pk] = (value, comment)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        saved: list[Score] = []
        for criterion_pk, (value, comment) in clean.items():
            score, _ = Score.objects.update_or_create(
                application=application,
                panel_member=panel_member,
                criterion_id=criterion_pk,
                defaults={"score": value, "comment": comment},
            )
            saved.append(score)
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_APPLICATION_SCORED,
            obj=application,
            organisation=application.round.programme.organisation,
            detail={
                "panel_member": str(panel_member.uuid),
                "scores": {str(k): v for k, (v, _c) in clean.items()},
            },
        )
    return saved
