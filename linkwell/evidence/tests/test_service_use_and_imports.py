from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linkwell.analysis.filters import ReportFilter
from linkwell.audit.models import AuditEvent
from linkwell.evidence import present
from linkwell.evidence.costs import unit_costs
from linkwell.evidence.models import ActivityRecord, PostcodeImd, PracticePopulation, UnitCost
from linkwell.evidence.selectors import service_use_comparison
from linkwell.evidence.services import (
    ImportRejected,
    activity_import,
    imd_lookup_import,
    population_profile_import,
    unit_cost_set,
)
from linkwell.evidence.tests.factories import journey
from tests.personas import Personas

pytestmark = pytest.mark.django_db
D = dt.date(2025, 6, 15)
NHS = "9434765919"  # a valid NHS number (modulus 11)


def test_an_activity_extract_is_matched_by_nhs_number_or_person_id(personas: Personas) -> None:
    a = journey(service=personas.link_worker_service, received=D, nhs_number=NHS)
    b = journey(service=personas.link_worker_service, received=D)
    text = (
        "person,date,kind\n"
        f"943 476 5919,2025-03-01,gp_appointment\n"
        f"{b.person.uuid},2025-08-01,ae_attendance\n"
    )
    batch = activity_import(actor=personas.admin, text=text, filename="x.csv")
    assert batch.rows == 2
    assert set(ActivityRecord.objects.values_list("person_id", flat=True)) == {
        a.person.pk,
        b.person.pk,
    }
    assert AuditEvent.objects.filter(action="activity_extract_imported").count() == 1


def test_every_bad_activity_row_is_reported_and_nothing_is_imported(personas: Personas) -> None:
    journey(service=personas.link_worker_service, received=D, nhs_number=NHS)
    text = (
        "person,date,kind\n"
        f"{NHS},2025-03-01,gp_appointment\n"
        f"{NHS},2025-13-01,gp_appointment\n"
        f"{NHS},2025-03-01,dentist\n"
        "1234567890,2025-03-01,gp_appointment\n"
        "4010232137,2025-03-01,gp_appointment\n"
        ",2025-03-01,gp_appointment\n"
    )
    with pytest.raises(ImportRejected) as info:
        activity_import(actor=None, text=text)
    errors = info.value.errors
    assert errors[0].startswith("line 3: date '2025-13-01'")
    assert errors[1].startswith("line 4: kind 'dentist'")
    assert errors[2].startswith("line 5: person '1234567890'")
    assert errors[3].startswith("line 7: person is empty")
    assert errors[4] == "line 6: no person in Linkwell has the identifier 4010232137"
    assert ActivityRecord.objects.count() == 0


def test_service_use_counts_only_people_with_complete_windows_and_costs_them(
    personas: Personas,
) -> None:
    a = journey(service=personas.link_worker_service, received=D, nhs_number=NHS)
    late = journey(service=personas.link_worker_service, received=dt.date(2025, 11, 1))
    text = "person,date,kind\n" + "".join(
        [
            f"{a.person.uuid},2025-01-10,gp_appointment\n",
            f"{a.person.uuid},2025-02-10,gp_appointment\n",
            f"{a.person.uuid},2025-03-10,ae_attendance\n",
            f"{a.person.uuid},2025-06-14,gp_appointment\n",  # the day before referral: before
            f"{a.person.uuid},2025-06-15,gp_appointment\n",  # the referral day: after
            f"{a.person.uuid},2025-12-15,gp_appointment\n",  # index + 6 months: outside
            f"{late.person.uuid},2025-12-01,gp_appointment\n",
        ]
    )
    activity_import(
        actor=None, text=text, period_start=dt.date(2024, 12, 1), period_end=dt.date(2025, 12, 31)
    )
    unit_cost_set(
        actor=personas.admin, kind="gp_appointment", cost="40", source="Local tariff 2025"
    )
    result = service_use_comparison(user=personas.commissioner, filters=ReportFilter())
    assert (result.n_people, result.n_incomplete) == (1, 1)
    gp = next(r for r in result.rows if r.kind == "gp_appointment")
    ae = next(r for r in result.rows if r.kind == "ae_attendance")
    assert (gp.before, gp.after, gp.cost_before, gp.cost_after) == (3, 1, Decimal(120), Decimal(40))
    assert ae.before == 1 and ae.cost_is_default and not gp.cost_is_default
    assert result.cost_before == Decimal(120) + ae.unit_cost
    # Shorter windows: only 2025-03-15 .. 2025-06-14 before.
    short = service_use_comparison(
        user=personas.commissioner, filters=ReportFilter(), months_before=3, months_after=3
    )
    gp3 = next(r for r in short.rows if r.kind == "gp_appointment")
    assert (gp3.before, gp3.after) == (1, 1)


def test_unit_costs_refuse_bad_values_and_audit_changes(personas: Personas) -> None:
    for cost, message in [("-1", "£0 or more"), ("1.234", "two decimal"), ("abc", "not an amount")]:
        with pytest.raises(ValueError, match=message):
            unit_cost_set(actor=personas.admin, kind="outpatient", cost=cost, source="x")
    with pytest.raises(ValueError, match="Say where"):
        unit_cost_set(actor=personas.admin, kind="outpatient", cost="100", source=" ")
    assert not UnitCost.objects.exists()
    unit_cost_set(actor=personas.admin, kind="outpatient", cost="100", source="Trust tariff")
    event = AuditEvent.objects.get(action="unit_cost_set")
    assert event.changes["cost"][1] == "100"


def test_the_imd_lookup_import_validates_every_row() -> None:
    bad = "postcode,lsoa_code,imd_decile\nSY11 1AA,E01028900,2\nnot a postcode,E01028900,3\nSY10 7AB,X123,3\nSY10 7AB,E01028901,11\nSY11 1AA,E01028900,2\n"
    with pytest.raises(ImportRejected) as info:
        imd_lookup_import(actor=None, text=bad)
    assert [e.split(":")[0] for e in info.value.errors] == ["line 3", "line 4", "line 5", "line 6"]
    assert not PostcodeImd.objects.exists()
    assert (
        imd_lookup_import(actor=None, text="postcode,lsoa_code,imd_decile\nsy11 1aa,E01028900,2\n")
        == 1
    )
    assert PostcodeImd.objects.get().postcode == "SY111AA"


def test_a_population_profile_replaces_the_practices_counts(personas: Personas) -> None:
    text = "practice,dimension,category,count\nM82015,sex,female,3000\nM82015,sex,male,2900\n"
    population_profile_import(actor=None, text=text, as_of=D)
    population_profile_import(
        actor=None, text="practice,dimension,category,count\nM82015,sex,female,3100\n", as_of=D
    )
    assert list(PracticePopulation.objects.values_list("category", "count")) == [("female", 3100)]
    bad = "practice,dimension,category,count\nX99999,sex,female,1\nM82015,shoe,female,1\nM82015,sex,robot,1\nM82015,sex,male,-4\n"
    with pytest.raises(ImportRejected) as info:
        population_profile_import(actor=None, text=bad, as_of=D)
    assert [e.split(":")[0] for e in info.value.errors] == ["line 2", "line 3", "line 4", "line 5"]


def test_the_import_commands_report_rejected_rows_and_exit_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "imd.csv"
    path.write_text("postcode,lsoa_code,imd_decile\nSY11 1AA,E01028900,0\n")
    with pytest.raises(CommandError, match="1 row\\(s\\) rejected; nothing was imported"):
        call_command("evidence", "imd-import", str(path))
    assert "imd.csv: line 2: IMD decile '0'" in capsys.readouterr().err
    path.write_text("postcode,lsoa_code,imd_decile\nSY11 1AA,E01028900,1\n")
    call_command("evidence", "imd-import", str(path))
    assert "Loaded 1 postcodes" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no such file"):
        call_command("evidence", "activity-import", str(tmp_path / "missing.csv"))


NEW_KINDS = ("mental_health_contact", "social_care_package")


def test_an_extract_without_the_new_kinds_still_imports_and_they_count_nothing(
    personas: Personas,
) -> None:
    a = journey(service=personas.link_worker_service, received=D)
    activity_import(
        actor=None,
        text=f"person,date,kind\n{a.person.uuid},2025-03-01,gp_appointment\n",
        period_start=dt.date(2024, 12, 1),
        period_end=dt.date(2025, 12, 31),
    )
    rows = {r.kind: r for r in service_use_comparison(user=None, filters=ReportFilter()).rows}
    assert all((rows[k].before, rows[k].after) == (0, 0) for k in NEW_KINDS)
    assert rows["gp_appointment"].before == 1


def test_mental_health_contacts_and_social_care_packages_are_compared_before_and_after(
    personas: Personas,
) -> None:
    """Ten people referred on D; each has a known pattern of mental health contacts and social
    care packages (and A&E, for the total). The expected figures are counted here from the
    same list the file is written from."""
    people = [journey(service=personas.link_worker_service, received=D) for _ in range(10)]
    plan: list[tuple[int, dt.date, str]] = []
    for i in range(len(people)):
        plan += [(i, dt.date(2025, 2, 1) + dt.timedelta(days=k), NEW_KINDS[0]) for k in range(i)]
        plan += [
            (i, dt.date(2025, 8, 1) + dt.timedelta(days=k), NEW_KINDS[0]) for k in range(i % 3)
        ]
        if i % 2:
            plan.append((i, dt.date(2025, 5, 1), NEW_KINDS[1]))
        if i % 5 == 0:
            plan.append((i, dt.date(2025, 9, 1), NEW_KINDS[1]))
        plan.append((i, dt.date(2025, 4, 1), "ae_attendance"))
    plan.append((0, dt.date(2026, 1, 20), NEW_KINDS[0]))  # after the window: not counted
    text = "person,date,kind\n" + "".join(
        f"{people[i].person.uuid},{day.isoformat()},{kind}\n" for i, day, kind in plan
    )
    activity_import(
        actor=None, text=text, period_start=dt.date(2024, 12, 1), period_end=dt.date(2026, 1, 31)
    )
    unit_cost_set(actor=personas.admin, kind=NEW_KINDS[0], cost="120", source="Trust 2025")
    unit_cost_set(actor=personas.admin, kind=NEW_KINDS[1], cost="5000", source="Council 2025")

    result = service_use_comparison(user=personas.commissioner, filters=ReportFilter())
    assert result.n_people == 10
    lo, hi = dt.date(2024, 12, 15), dt.date(2025, 12, 15)
    rows = {r.kind: r for r in result.rows}
    for kind, cost in ((NEW_KINDS[0], Decimal(120)), (NEW_KINDS[1], Decimal(5000))):
        before = [i for i, day, k in plan if k == kind and lo <= day < D]
        after = [i for i, day, k in plan if k == kind and D <= day < hi]
        row = rows[kind]
        assert (row.before, row.after) == (len(before), len(after))
        assert (row.people_before, row.people_after) == (len(set(before)), len(set(after)))
        assert (row.cost_before, row.cost_after) == (cost * len(before), cost * len(after))
        assert not row.cost_is_default
    # The per-person cost change includes the new kinds: 10 people, each before/after.
    per_person = {i: [Decimal(0), Decimal(0)] for i in range(10)}
    costs = {
        NEW_KINDS[0]: Decimal(120),
        NEW_KINDS[1]: Decimal(5000),
        "ae_attendance": rows["ae_attendance"].unit_cost,
    }
    for i, day, kind in plan:
        if lo <= day < hi:
            per_person[i][day >= D] += costs[kind]
    change = [float(a - b) for b, a in per_person.values()]
    assert result.cost_change.n == 10
    assert result.cost_change.mean_change == pytest.approx(sum(change) / 10)

    # Published with the same disclosure control as every other kind.
    shown = {r["kind"]: r for r in present.service_use(result, unsuppressed=False)["rows"]}
    n_sc_before = rows[NEW_KINDS[1]].before  # 5 packages before: 1-7 is withheld
    assert n_sc_before == 5 and shown[NEW_KINDS[1]]["before"] == "*"
    assert shown[NEW_KINDS[1]]["cost_before"] == "*"
    assert shown[NEW_KINDS[0]]["before"] == "45"  # 0+1+...+9 = 45, rounded to 5


def test_the_new_kinds_have_no_shipped_cost_until_one_is_entered() -> None:
    costs = unit_costs()
    for kind in NEW_KINDS:
        assert costs[kind].is_default and costs[kind].cost == 0
        assert costs[kind].source.startswith("Not set")
