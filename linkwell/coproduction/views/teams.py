"""Teams' pages: the list of teams, a team's history (and starting an assessment), its progress
over time with a chart and table, and the comparison of a parent organisation's child teams.
Thin: parse -> access helper -> service/selector -> render."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.coproduction.access import (
    get_parent_for_user,
    get_team_for_user,
    parents_for_user,
    teams_for_user,
)
from linkwell.coproduction.charts import comparison_svg, progress_svg
from linkwell.coproduction.forms import StartForm
from linkwell.coproduction.models import AssessmentStatus
from linkwell.coproduction.questions import Principle
from linkwell.coproduction.selectors.assessments import (
    child_team_latest,
    comparison_rows,
    last_completed,
    open_draft,
    percent,
    team_assessments,
    team_progress,
)
from linkwell.coproduction.selectors.records import RecordsEvidence, shown_evidence
from linkwell.coproduction.services import assessment_start
from linkwell.core.forms import run_form


def _svg_response(svg: bytes) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = teams_for_user(request.user)
    if len(teams) == 1 and not parents_for_user(request.user):
        return redirect("coproduction:team", team_id=teams[0].organisation.uuid)
    return render(
        request,
        "coproduction/index.html",
        {"teams": teams, "parents": parents_for_user(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def team(request: AuthenticatedHttpRequest, team_id: uuid.UUID) -> HttpResponse:
    """A team's self-assessments, newest first, and the form that starts the next one."""
    access = get_team_for_user(request.user, team_id, write=request.method == "POST")
    organisation = access.organisation
    form = StartForm(request.POST or None)
    status = 200
    if request.method == "POST":
        result = run_form(
            form,
            lambda data: assessment_start(
                actor=request.user,
                organisation=organisation,
                held_on=data["held_on"],
                copy_last=bool(data.get("copy_last")),
            ),
        )
        if result.ok and result.result is not None:
            return redirect("coproduction:edit", assessment_id=result.result.uuid)
        status = result.status
    history = list(team_assessments(organisation))
    return render(
        request,
        "coproduction/team.html",
        {
            "access": access,
            "team": organisation,
            "form": form,
            "history": history,
            "draft": next((a for a in history if a.status == AssessmentStatus.DRAFT), None),
            "has_completed": any(a.status == AssessmentStatus.COMPLETED for a in history),
        },
        status=status,
    )


@require_GET
@login_required
def progress(request: AuthenticatedHttpRequest, team_id: uuid.UUID) -> HttpResponse:
    """Each principle's score over time: a chart, and the same figures as a table with the
    change since the assessment before."""
    access = get_team_for_user(request.user, team_id)
    data = team_progress(access.organisation)
    latest = last_completed(access.organisation) if data.dates else None
    evidence = None
    if latest is not None:
        snapshot = RecordsEvidence.from_snapshot(latest.records_snapshot)
        evidence = shown_evidence(snapshot, inside=access.inside) if snapshot else None
    return render(
        request,
        "coproduction/progress.html",
        {
            "access": access,
            "team": access.organisation,
            "progress": data,
            "rows": [
                {
                    "label": row.label,
                    "cells": [(s, percent(s)) for s in row.scores],
                    "change": row.change,
                }
                for row in data.rows
            ],
            "evidence": evidence,
            "draft": open_draft(access.organisation),
        },
    )


@require_GET
@login_required
def progress_chart(request: AuthenticatedHttpRequest, team_id: uuid.UUID) -> HttpResponse:
    access = get_team_for_user(request.user, team_id)
    return _svg_response(progress_svg(team_progress(access.organisation)))


@require_GET
@login_required
def compare(request: AuthenticatedHttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """The parent organisation's child teams side by side, at their latest assessments.
    Linkwell's figures for each team are shown through disclosure control: the viewer is
    outside the teams."""
    parent = get_parent_for_user(request.user, organisation_id)
    teams = child_team_latest(parent)
    # Each team's figures as snapshotted when its assessment was completed.
    snapshots = [
        RecordsEvidence.from_snapshot(t.assessment.records_snapshot) if t.assessment else None
        for t in teams
    ]
    figures = [shown_evidence(s, inside=False) if s else None for s in snapshots]
    return render(
        request,
        "coproduction/compare.html",
        {
            "parent": parent,
            "teams": list(zip(teams, figures, strict=True)),
            "rows": comparison_rows(teams),
        },
    )


@require_GET
@login_required
def compare_chart(request: AuthenticatedHttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    parent = get_parent_for_user(request.user, organisation_id)
    principles = [(p.value, str(p.label)) for p in Principle]
    return _svg_response(comparison_svg(child_team_latest(parent), principles))
