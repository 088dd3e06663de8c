"""Programme set-up checklists: started from the six-stage template by an administrator,
worked through by the programme's managers with owners, evidence and progress per stage."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import Role
from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ValidationFailed
from linkwell.practice.models import Rollout, RolloutTask
from linkwell.practice.selectors.rollouts import rollout_progress
from linkwell.practice.services.rollouts import (
    rollout_start,
    rollout_task_update,
    rollout_template,
)
from tests.personas import PASSWORD, Personas, make_user

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _rollout(p: Personas) -> Rollout:
    return rollout_start(
        actor=p.admin,
        name="Roll-out: Bishop's Castle",
        organisation=p.link_worker_service,
        area=p.area,
    )


def _update(p: Personas, task: RolloutTask, *, done: bool = True, **evidence: str) -> RolloutTask:
    fields = {"owner": "", "evidence_note": "", "evidence_link": "", "evidence_file": ""}
    fields.update(evidence)
    return rollout_task_update(actor=p.team_manager, task=task, done=done, **fields)


def test_the_template_has_the_six_stages_in_order() -> None:
    titles = [s["title"] for s in rollout_template()["stages"]]
    assert titles == [
        "Understand the area",
        "Engage local stakeholders",
        "Build the model",
        "Go live",
        "Evaluate",
        "Commission",
    ]
    assert all(s["tasks"] for s in rollout_template()["stages"])


def test_starting_a_checklist_copies_every_stage_and_task(personas: Personas) -> None:
    rollout = _rollout(personas)
    progress = rollout_progress(rollout=rollout)
    template = rollout_template()["stages"]
    assert [s.stage.title for s in progress.stages] == [s["title"] for s in template]
    assert [s.total for s in progress.stages] == [len(s["tasks"]) for s in template]
    assert progress.done == 0
    assert progress.current_stage is not None and progress.current_stage.number == 1
    assert AuditEvent.objects.filter(action="practice.rollout_started").count() == 1


def test_progress_is_counted_per_stage(personas: Personas) -> None:
    p = personas
    progress = rollout_progress(rollout=_rollout(p))
    for task in progress.stages[0].tasks:
        _update(p, task, evidence_note="Area profile written")
    _update(p, progress.stages[1].tasks[0], evidence_link="https://example.org/event-notes")

    after = rollout_progress(rollout=progress.rollout)
    assert [s.done for s in after.stages] == [len(after.stages[0].tasks), 1, 0, 0, 0, 0]
    assert after.stages[0].complete
    assert after.current_stage is not None and after.current_stage.number == 2


def test_a_task_is_done_only_with_evidence_and_records_who_and_when(personas: Personas) -> None:
    p = personas
    task = rollout_progress(rollout=_rollout(p)).stages[2].tasks[0]
    with pytest.raises(ValidationFailed) as refused:
        _update(p, task, owner="Locality co-ordinator")
    assert refused.value.errors == {
        "done": ["Add evidence (a note, a link or a file) before marking the task done"]
    }
    with pytest.raises(ValidationFailed) as bad_link:
        _update(p, task, evidence_link="not a link")
    assert bad_link.value.errors == {
        "evidence_link": ["Enter a web address, like https://example.org/plan"]
    }
    task.refresh_from_db()
    assert task.owner == "" and task.done_at is None

    done = _update(p, task, owner="Locality co-ordinator", evidence_file="Referrers signed up.xlsx")
    assert done.done_by == p.team_manager and done.done_at is not None
    undone = _update(p, task, done=False, owner="Locality co-ordinator")
    assert undone.done_by is None and undone.done_at is None


def test_an_administrator_starts_a_checklist_from_the_page(personas: Personas) -> None:
    p = personas
    client = _client(p.admin)
    refused = client.post(reverse("practice:rollout_new"), {"name": "", "organisation": ""})
    assert refused.status_code == 400
    assert "Enter a name for the checklist" in refused.content.decode()
    started = client.post(
        reverse("practice:rollout_new"),
        {"name": "Roll-out: Whitchurch", "organisation": str(p.link_worker_service.uuid)},
    )
    assert started.status_code == 302
    rollout = Rollout.objects.get()
    assert rollout.area is None
    page = _client(p.team_manager).get(started["Location"]).content.decode()
    assert "Roll-out: Whitchurch" in page
    assert "Stage 6: Commission" in page


@pytest.mark.parametrize("who", ["team_manager", "link_worker", "outsider", "commissioner"])
def test_only_administrators_start_a_checklist(personas: Personas, who: str) -> None:
    response = _client(getattr(personas, who)).get(reverse("practice:rollout_new"))
    assert response.status_code == 404


def test_the_programme_manager_sees_and_updates_the_checklist(personas: Personas) -> None:
    p = personas
    rollout = _rollout(p)
    task = rollout.stages.get(number=1).tasks.first()
    assert task is not None
    client = _client(p.team_manager)
    assert "Roll-out: Bishop" in client.get(reverse("practice:home")).content.decode()
    refused = client.post(reverse("practice:task_update", args=[task.uuid]), {"done": "on"})
    assert refused.status_code == 400
    assert "Add evidence" in refused.content.decode()
    saved = client.post(
        reverse("practice:task_update", args=[task.uuid]),
        {"owner": "Jo", "evidence_note": "Profile agreed at steering group", "done": "on"},
    )
    assert saved.status_code == 302
    page = client.get(reverse("practice:rollout", args=[rollout.uuid])).content.decode()
    assert "1 of " in page and "Profile agreed at steering group" in page


@pytest.mark.parametrize("who", ["link_worker", "outsider", "commissioner", "referrer"])
def test_others_get_not_found(personas: Personas, who: str) -> None:
    p = personas
    rollout = _rollout(p)
    task = rollout.stages.get(number=1).tasks.first()
    assert task is not None
    client = _client(getattr(p, who))
    assert client.get(reverse("practice:rollout", args=[rollout.uuid])).status_code == 404
    assert client.post(reverse("practice:task_update", args=[task.uuid])).status_code == 404


def test_a_read_only_manager_looks_but_cannot_change(personas: Personas) -> None:
    p = personas
    rollout = _rollout(p)
    task = rollout.stages.get(number=1).tasks.first()
    assert task is not None
    viewer = make_user(
        "viewer@sp.example", p.link_worker_service, Role.TEAM_MANAGER, read_only=True
    )
    client = _client(viewer)
    page = client.get(reverse("practice:rollout", args=[rollout.uuid]))
    assert page.status_code == 200
    assert "<summary" not in page.content.decode()
    posted = client.post(
        reverse("practice:task_update", args=[task.uuid]), {"evidence_note": "x", "done": "on"}
    )
    assert posted.status_code == 403


def test_anonymous_is_sent_to_sign_in(personas: Personas) -> None:
    rollout = _rollout(personas)
    assert Client().get(reverse("practice:rollout", args=[rollout.uuid])).status_code == 302
