"""The demo's per-practice work: an MDT list, an action plan and a checklist part-way through."""

from __future__ import annotations

import pytest

from linkwell.accounts.models import User
from linkwell.demo import practice as practice_demo
from linkwell.demo.loader import DEMO_EMAIL_DOMAIN, demo_load, demo_reset
from linkwell.practice.access import practice_access
from linkwell.practice.models import MdtMeeting, PracticeAction, Rollout
from linkwell.practice.selectors.mdt import mdt_list, next_meeting
from linkwell.practice.selectors.rollouts import rollout_progress

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_the_demo_practice_work_loads_once_and_resets() -> None:
    demo_load(seed=42)
    counts = practice_demo.load(domain=DEMO_EMAIL_DOMAIN)
    assert counts == {"mdt_meetings": 2, "practice_actions": 2, "rollouts": 1}
    assert practice_demo.load(domain=DEMO_EMAIL_DOMAIN) == {}  # idempotent

    meeting = next_meeting(practice=MdtMeeting.objects.first().practice)  # type: ignore[union-attr]
    assert meeting is not None
    worker = User.objects.get(email=f"linkworker@{DEMO_EMAIL_DOMAIN}")
    access = practice_access(worker, meeting.practice)
    rows = mdt_list(meeting=meeting, team_ids=access.team_ids)
    assert any(r.entry and r.entry.added_reason for r in rows)
    assert PracticeAction.objects.count() == 2
    progress = rollout_progress(rollout=Rollout.objects.get())
    assert 0 < progress.done < progress.total
    assert progress.current_stage is not None and progress.current_stage.number == 2

    demo_reset()
    assert not MdtMeeting.objects.exists()
    assert not Rollout.objects.exists()
