"""Reads: scores, a team's history and progress, and the comparison of child teams.

A principle's score is the mean of its statements' answers on the 0-4 scale (None while any of
them is unanswered), shown as the mean and as a percentage of the scale (mean / 4 x 100).
Completed assessments carry their scores as written on completion (`Assessment.scores`), so
history, progress and comparison pages read no answers. Every list here is a fixed number of
queries, whatever the number of assessments or teams.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from linkwell.accounts.models import Organisation
from linkwell.coproduction.models import Action, Assessment, AssessmentStatus
from linkwell.coproduction.questions import (
    SCALE_MAX,
    Principle,
    QuestionSet,
    Statement,
    question_set,
)


def principle_scores(qs: QuestionSet, answers: Mapping[str, Any]) -> dict[str, float | None]:
    """{principle: mean of its statements (0-4), or None when one is unanswered}."""
    out: dict[str, float | None] = {}
    for principle in Principle.values:
        values = [answers.get(s.key) for s in qs.for_principle(principle)]
        numbers = [v for v in values if isinstance(v, int)]
        out[principle] = (
            round(sum(numbers) / len(numbers), 2)
            if numbers and len(numbers) == len(values)
            else None
        )
    return out


def percent(score: float | None) -> int | None:
    return None if score is None else round(score / SCALE_MAX * 100)


def unanswered(qs: QuestionSet, answers: Mapping[str, Any]) -> list[Statement]:
    return [s for s in qs.statements if not isinstance(answers.get(s.key), int)]


@dataclass(frozen=True)
class StatementRow:
    statement: Statement
    answer: int | None


@dataclass(frozen=True)
class PrincipleSection:
    principle: str
    label: str
    statements: list[StatementRow]
    score: float | None
    percent: int | None
    evidence: str
    actions: list[Action]


def assessment_sections(assessment: Assessment) -> list[PrincipleSection]:
    """The assessment principle by principle: statements with answers, score, evidence and
    actions. One query (the actions)."""
    qs = question_set(assessment.question_set_version)
    scores = (
        assessment.scores
        if assessment.status == AssessmentStatus.COMPLETED and assessment.scores
        else principle_scores(qs, assessment.answers)
    )
    actions = list(assessment.actions.all())
    return [
        PrincipleSection(
            principle=p.value,
            label=str(p.label),
            statements=[
                StatementRow(s, assessment.answers.get(s.key)) for s in qs.for_principle(p)
            ],
            score=scores.get(p.value),
            percent=percent(scores.get(p.value)),
            evidence=str(assessment.evidence.get(p.value, "")),
            actions=[a for a in actions if a.principle == p.value],
        )
        for p in Principle
    ]


def team_assessments(organisation: Organisation) -> QuerySet[Assessment]:
    """The team's assessments, newest first (one query)."""
    return Assessment.objects.filter(organisation=organisation).select_related("completed_by")


def open_draft(organisation: Organisation) -> Assessment | None:
    return Assessment.objects.filter(
        organisation=organisation, status=AssessmentStatus.DRAFT
    ).first()


def last_completed(organisation: Organisation) -> Assessment | None:
    return (
        Assessment.objects.filter(organisation=organisation, status=AssessmentStatus.COMPLETED)
        .order_by("-held_on", "-completed_at")
        .first()
    )


@dataclass(frozen=True)
class ProgressRow:
    principle: str
    label: str
    scores: list[float | None]  # one per assessment, oldest first
    change: float | None  # the latest minus the one before, when both exist


@dataclass(frozen=True)
class Progress:
    dates: list[dt.date]
    assessment_ids: list[Any]
    rows: list[ProgressRow]

    @property
    def has_change(self) -> bool:
        return len(self.dates) >= 2


def team_progress(organisation: Organisation) -> Progress:
    """Each principle's score at each completed assessment, oldest first (one query)."""
    done = list(
        Assessment.objects.filter(organisation=organisation, status=AssessmentStatus.COMPLETED)
        .order_by("held_on", "completed_at")
        .values_list("uuid", "held_on", "scores")
    )
    rows = []
    for p in Principle:
        values = [_score(scores, p.value) for _u, _d, scores in done]
        change = (
            round(values[-1] - values[-2], 2)
            if len(values) >= 2 and values[-1] is not None and values[-2] is not None
            else None
        )
        rows.append(ProgressRow(p.value, str(p.label), values, change))
    return Progress(
        dates=[d for _u, d, _s in done], assessment_ids=[u for u, _d, _s in done], rows=rows
    )


def _score(scores: Mapping[str, Any], principle: str) -> float | None:
    value = scores.get(principle)
    return float(value) if isinstance(value, int | float) else None


@dataclass(frozen=True)
class TeamLatest:
    organisation: Organisation
    assessment: Assessment | None
    scores: dict[str, float | None]


def child_team_latest(parent: Organisation) -> list[TeamLatest]:
    """Each active child team of `parent` with its latest completed assessment (two queries)."""
    teams = list(Organisation.objects.filter(parent=parent, is_active=True).order_by("name"))
    latest: dict[int, Assessment] = {}
    for a in Assessment.objects.filter(
        organisation__in=teams, status=AssessmentStatus.COMPLETED
    ).order_by("organisation_id", "-held_on", "-completed_at"):
        latest.setdefault(a.organisation_id, a)
    out = []
    for team in teams:
        found = latest.get(team.pk)
        scores = {p: _score(found.scores, p) if found else None for p in Principle.values}
        out.append(TeamLatest(team, found, scores))
    return out


def comparison_rows(teams: Sequence[TeamLatest]) -> list[dict[str, Any]]:
    """Principle by principle, each team's latest score (for the comparison table)."""
    return [
        {"label": str(p.label), "scores": [t.scores.get(p.value) for t in teams]} for p in Principle
    ]
