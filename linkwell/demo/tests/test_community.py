"""The demo's community suggestions (`linkwell demo`)."""

from __future__ import annotations

from linkwell.community.models import PartnerDecision, Suggestion, SuggestionStatus
from linkwell.community.tests.test_services import _partner_venue
from linkwell.demo import community as demo
from tests.personas import Personas


def test_the_demo_adds_two_pending_suggestions_once(personas: Personas) -> None:
    _partner_venue(personas)
    assert demo.load() == 2
    assert demo.load() == 0
    skill = Suggestion.objects.get(name=demo.SKILL)
    assert skill.status == SuggestionStatus.PENDING
    assert skill.partner_decision == PartnerDecision.PENDING
