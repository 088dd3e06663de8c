"""The quarterly report's service-use section lists every kind of contact the evidence app
compares, mental health service contacts and adult social care packages included."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.analysis.filters import ReportFilter
from linkwell.evidence.services import activity_import
from linkwell.evidence.tests.factories import journey
from linkwell.reports.quarterly.evidence_sections import service_use_section
from tests.personas import Personas

pytestmark = pytest.mark.django_db
D = dt.date(2025, 6, 15)


def test_the_section_shows_mental_health_and_social_care_beside_gp_and_hospital(
    personas: Personas,
) -> None:
    people = [journey(service=personas.link_worker_service, received=D) for _ in range(10)]
    # Every person: two mental health contacts before, one after; one care package after.
    text = "person,date,kind\n" + "".join(
        f"{j.person.uuid},2025-03-01,mental_health_contact\n"
        f"{j.person.uuid},2025-04-01,mental_health_contact\n"
        f"{j.person.uuid},2025-07-01,mental_health_contact\n"
        f"{j.person.uuid},2025-08-01,social_care_package\n"
        for j in people
    )
    activity_import(
        actor=None, text=text, period_start=dt.date(2024, 12, 1), period_end=dt.date(2025, 12, 31)
    )
    section = service_use_section(
        user=personas.commissioner, filters=ReportFilter(), unsuppressed=False
    )
    rows = {row["label"]: row for row in section.tables[0].rows}
    assert {"GP appointment", "A&E attendance", "Emergency admission"} <= set(rows)
    mental = rows["Mental health service contact"]
    care = rows["Adult social care package"]
    assert (mental["before"], mental["after"]) == ("20", "10")
    assert (care["before"], care["after"]) == ("0", "10")
    assert section.tables[0].title.startswith("Health and care service use")


def test_small_counts_of_the_new_kinds_are_withheld(personas: Personas) -> None:
    people = [journey(service=personas.link_worker_service, received=D) for _ in range(3)]
    text = "person,date,kind\n" + "".join(
        f"{j.person.uuid},2025-03-01,mental_health_contact\n"
        f"{j.person.uuid},2025-08-01,social_care_package\n"
        for j in people
    )
    activity_import(
        actor=None, text=text, period_start=dt.date(2024, 12, 1), period_end=dt.date(2025, 12, 31)
    )
    section = service_use_section(
        user=personas.commissioner, filters=ReportFilter(), unsuppressed=False
    )
    rows = {row["label"]: row for row in section.tables[0].rows}
    assert rows["Mental health service contact"]["before"] == SUPPRESSED
    assert rows["Adult social care package"]["after"] == SUPPRESSED
    assert rows["Adult social care package"]["cost_after"] == SUPPRESSED
