"""Programme set-up checklists: starting one for an area from the default template
(rollout_template.json), and recording a task's owner, evidence and completion."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Area, Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.practice.models import Rollout, RolloutStage, RolloutTask

TEMPLATE = Path(__file__).resolve().parent.parent / "rollout_template.json"
MAX_TEXT = 10_000


@cache
def rollout_template() -> dict[str, Any]:
    """The default checklist: six stages, each with its tasks (read once per process)."""
    data: dict[str, Any] = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    return data


def rollout_start(
    *, actor: User, name: str, organisation: Organisation, area: Area | None = None
) -> Rollout:
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": ["Enter a name for the checklist"]})
    if len(name) > 200:
        raise ValidationFailed({"name": ["Use 200 characters or fewer"]})
    template = rollout_template()
    with transaction.atomic():
        rollout = Rollout.objects.create(
            name=name,
            organisation=organisation,
            area=area,
            template_version=template["version"],
            started_by=actor,
        )
        for number, stage_data in enumerate(template["stages"], start=1):
            stage = RolloutStage.objects.create(
                rollout=rollout,
                number=number,
                title=stage_data["title"],
                summary=stage_data.get("summary", ""),
            )
            RolloutTask.objects.bulk_create(
                RolloutTask(
                    stage=stage,
                    position=position,
                    title=task["title"],
                    guidance=task.get("guidance", ""),
                )
                for position, task in enumerate(stage_data["tasks"], start=1)
            )
        audit_record(
            actor=actor,
            action=AuditAction.PRACTICE_ROLLOUT_STARTED,
            obj=rollout,
            organisation=organisation,
            detail={"area": area.name if area else "", "template_version": template["version"]},
        )
    return rollout


def rollout_task_update(
    *,
    actor: User,
    task: RolloutTask,
    owner: str,
    evidence_note: str,
    evidence_link: str,
    evidence_file: str,
    done: bool,
) -> RolloutTask:
    """Record who owns a task and its evidence; marking it done needs some evidence (a note,
    a link or a file) and records who and when. Unticking clears them."""
    owner, evidence_note = owner.strip(), evidence_note.strip()
    evidence_link, evidence_file = evidence_link.strip(), evidence_file.strip()
    errors: dict[str, list[str]] = {}
    if len(owner) > 200:
        errors["owner"] = ["Use 200 characters or fewer"]
    if len(evidence_note) > MAX_TEXT:
        errors["evidence_note"] = [f"Use {MAX_TEXT:,} characters or fewer"]
    if evidence_link:
        try:
            URLValidator(schemes=["http", "https"])(evidence_link)
        except ValidationError:
            errors["evidence_link"] = ["Enter a web address, like https://example.org/plan"]
    if len(evidence_file) > 300:
        errors["evidence_file"] = ["Use 300 characters or fewer"]
    if done and not (evidence_note or evidence_link or evidence_file):
        errors["done"] = ["Add evidence (a note, a link or a file) before marking the task done"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = RolloutTask.objects.select_for_update().get(pk=task.pk)
        was_done = locked.done_at is not None
        locked.owner = owner
        locked.evidence_note = evidence_note
        locked.evidence_link = evidence_link
        locked.evidence_file = evidence_file
        if done and not was_done:
            locked.done_at, locked.done_by = timezone.now(), actor
        elif not done:
            locked.done_at, locked.done_by = None, None
        locked.save()
        rollout = task.stage.rollout
        audit_record(
            actor=actor,
            action=AuditAction.PRACTICE_ROLLOUT_TASK_UPDATED,
            obj=locked,
            organisation=rollout.organisation,
            changes={"done": [was_done, done]},
            detail={"rollout": str(rollout.uuid), "stage": task.stage.number},
        )
    return locked
