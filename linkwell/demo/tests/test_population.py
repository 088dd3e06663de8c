"""The demo invite list (`linkwell demo`)."""

from __future__ import annotations

import pytest

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.demo import population as demo
from linkwell.population.models import InviteList, InviteStatus
from linkwell.population.pseudonym import pseudo_ids_match
from linkwell.population.tests.factories import TEST_KEY

pytestmark = pytest.mark.django_db


def test_the_demo_list_is_made_once_and_removed_by_reset(settings):
    settings.PSEUDONYM_KEY = TEST_KEY
    assert demo.load() == 0  # no demo organisations: nothing to do
    Organisation.objects.create(name=demo.DEMO_SERVICE, kind=OrganisationKind.LINK_WORKER_SERVICE)
    Organisation.objects.create(name=demo.DEMO_PRACTICE, kind=OrganisationKind.GP_PRACTICE)
    assert demo.load() == 12 and demo.load() == 0
    entries = list(InviteList.objects.get().entries.order_by("rank"))
    assert [e.status for e in entries[:4]] == [InviteStatus.REQUESTED] * 3 + [InviteStatus.NEW]
    assert pseudo_ids_match(demo.DEMO_NHS_NUMBERS[0], entries[0].pseudo_id)
    assert demo.reset() > 0 and not InviteList.objects.exists()
