"""The demo's evidence data (`linkwell demo`)."""

from __future__ import annotations

import datetime as dt

from linkwell.analysis.filters import ReportFilter
from linkwell.demo import evidence as demo
from linkwell.evidence.models import PostcodeImd, PracticePopulation
from linkwell.evidence.selectors import service_use_comparison
from linkwell.evidence.tests.factories import journey
from tests.personas import Personas

D = dt.date(2025, 6, 15)


def test_the_demo_loads_profiles_and_an_extract_once(personas: Personas) -> None:
    journey(service=personas.link_worker_service, received=D, practice=personas.practice)
    made = demo.load(seed=1, today=dt.date(2025, 12, 31))
    assert made > 0
    assert PracticePopulation.objects.filter(practice=personas.practice).exists()
    assert PostcodeImd.objects.filter(postcode="SY111AA").exists()
    assert demo.load(seed=1, today=dt.date(2025, 12, 31)) == 0
    result = service_use_comparison(user=personas.commissioner, filters=ReportFilter())
    assert result.n_people == 1
