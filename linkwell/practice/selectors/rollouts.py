"""Roll-out checklists with their progress, stage by stage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from linkwell.practice.models import Rollout, RolloutStage, RolloutTask


@dataclass(frozen=True)
class StageProgress:
    stage: RolloutStage
    tasks: list[RolloutTask]
    done: int

    @property
    def total(self) -> int:
        return len(self.tasks)

    @property
    def complete(self) -> bool:
        return self.done == self.total


@dataclass(frozen=True)
class RolloutProgress:
    rollout: Rollout
    stages: list[StageProgress]

    @property
    def done(self) -> int:
        return sum(s.done for s in self.stages)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.stages)

    @property
    def current_stage(self) -> RolloutStage | None:
        """The first stage with a task still to do."""
        return next((s.stage for s in self.stages if not s.complete), None)


def rollout_progress(*, rollout: Rollout) -> RolloutProgress:
    stages = RolloutStage.objects.filter(rollout=rollout).prefetch_related(
        Prefetch("tasks", queryset=RolloutTask.objects.select_related("done_by"))
    )
    out = []
    for stage in stages:
        tasks = list(stage.tasks.all())
        out.append(StageProgress(stage=stage, tasks=tasks, done=sum(1 for t in tasks if t.done_at)))
    return RolloutProgress(rollout=rollout, stages=out)


def rollouts_for_organisations(*, organisation_ids: Iterable[int]) -> list[RolloutProgress]:
    rollouts = Rollout.objects.filter(organisation_id__in=list(organisation_ids)).select_related(
        "organisation", "area"
    )
    return [rollout_progress(rollout=r) for r in rollouts]
