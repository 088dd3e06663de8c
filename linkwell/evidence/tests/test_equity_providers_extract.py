from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linkwell.analysis.filters import ReportFilter
from linkwell.audit.models import AuditEvent
from linkwell.connections.models import ConnectionStatus
from linkwell.directory.tests.factories import make_organization, make_service
from linkwell.evidence.funnel import Z95, limits, render_svg
from linkwell.evidence.models import PostcodeImd
from linkwell.evidence.selectors import equity_reach, provider_funnel, provider_performance
from linkwell.evidence.services import population_profile_import
from linkwell.evidence.tests.factories import at, connect, journey, measure
from tests.personas import Personas

pytestmark = pytest.mark.django_db
D = dt.date(2025, 6, 15)
KEY = "k" * 40


def test_equity_reach_is_per_1000_registered_and_compares_shares(personas: Personas) -> None:
    profile = "practice,dimension,category,count\nM82015,sex,female,2000\nM82015,sex,male,1000\n"
    population_profile_import(actor=None, text=profile, as_of=D)
    for _ in range(3):
        journey(
            service=personas.link_worker_service,
            received=D,
            practice=personas.practice,
            sex="female",
        )
    journey(
        service=personas.link_worker_service,
        received=D,
        practice=personas.practice,
        sex="male",
        seen=False,
    )
    journey(service=personas.link_worker_service, received=D, sex="male")  # no profile: left out
    result = equity_reach(user=personas.commissioner, filters=ReportFilter(), by="sex")
    rows = {r.category: r for r in result}
    assert (rows["female"].referred, rows["female"].seen, rows["female"].population) == (3, 3, 2000)
    assert rows["female"].referred_per_1000 == pytest.approx(1.5)
    assert (rows["male"].referred, rows["male"].seen) == (1, 0)
    assert rows["female"].referred_share == pytest.approx(75.0)
    assert rows["female"].population_share == pytest.approx(200 / 3)
    assert result.n_outside_profile == 1


def test_equity_by_imd_uses_the_postcode_lookup(personas: Personas) -> None:
    population_profile_import(
        actor=None,
        text="practice,dimension,category,count\nM82015,imd_quintile,1,500\n",
        as_of=D,
    )
    PostcodeImd.objects.create(postcode="SY111AA", lsoa_code="E01028900", imd_decile=1)
    journey(service=personas.link_worker_service, received=D, practice=personas.practice)
    rows = {
        r.category: r
        for r in equity_reach(user=personas.commissioner, filters=ReportFilter(), by="imd_quintile")
    }
    assert rows["1"].referred == 1 and rows["1"].referred_per_1000 == pytest.approx(2.0)


def test_provider_performance_counts_acceptance_response_attendance_and_outcomes(
    personas: Personas,
) -> None:
    shed = make_service("Shed", organization=make_organization("Men's Shed Trust"))
    walk = make_service("Walk", organization=make_organization("Walking for Health"))
    sent = at(D)
    hours = dt.timedelta(hours=1)
    j1 = journey(service=personas.link_worker_service, received=D)
    connect(
        j1,
        shed,
        status=ConnectionStatus.COMPLETED,
        sent=sent,
        answered_after=10 * hours,
        attended=True,
    )
    j2 = journey(service=personas.link_worker_service, received=D)
    connect(
        j2,
        shed,
        status=ConnectionStatus.IN_PROGRESS,
        sent=sent,
        answered_after=30 * hours,
        attended=False,
    )
    j3 = journey(service=personas.link_worker_service, received=D)
    connect(j3, shed, status=ConnectionStatus.REJECTED, sent=sent, answered_after=2 * hours)
    connect(j3, walk, status=ConnectionStatus.REQUESTED, sent=sent)
    for j, (b, f) in zip([j1, j2], [(40, 50), (30, 33)], strict=True):
        measure(j.case, "wemwbs", "baseline", D, b)
        measure(j.case, "wemwbs", "week_4", D + dt.timedelta(days=28), f)
    rows = provider_performance(
        user=personas.commissioner, filters=ReportFilter(), outcome_instrument="wemwbs"
    )
    shed_row, walk_row = rows
    assert shed_row.name == "Men's Shed Trust"
    assert (shed_row.sent, shed_row.accepted, shed_row.rejected, shed_row.answered) == (3, 2, 1, 3)
    assert shed_row.median_response_hours == pytest.approx(10)
    assert (shed_row.attended, shed_row.completed) == (1, 1)
    assert shed_row.acceptance_rate == pytest.approx(200 / 3)
    assert shed_row.outcome is not None and shed_row.outcome.mean_change == pytest.approx(6.5)
    assert (walk_row.sent, walk_row.accepted, walk_row.median_response_hours) == (1, 0, None)
    data = provider_funnel(rows, metric="acceptance")
    assert data.overall == pytest.approx(2 / 4)
    svg = render_svg(data, title="Acceptance rate")
    assert svg.startswith(b"<?xml") and b"<script" not in svg


def test_funnel_limits_narrow_as_n_grows() -> None:
    small, big = limits(0.5, 10), limits(0.5, 1000)
    assert small.high95 == pytest.approx(0.5 + Z95 * (0.25 / 10) ** 0.5)
    assert big.high95 - big.low95 < small.high95 - small.low95
    assert small.low998 < small.low95 < 0.5 < small.high95 < small.high998
    assert limits(0.99, 2).high998 == 1.0  # clipped to a proportion


def test_the_evaluation_extract_leaks_no_identifiers(
    personas: Personas, tmp_path: Path, settings: Any
) -> None:
    settings.PSEUDONYM_KEY = KEY
    PostcodeImd.objects.create(postcode="SY111AA", lsoa_code="E01028900", imd_decile=3)
    shed = make_service("Shed", organization=make_organization("Men's Shed Trust"))
    people = []
    for i, nhs in enumerate(["9434765919", "4010232137"]):
        j = journey(
            service=personas.link_worker_service,
            received=D,
            given_name=f"Zebedee{i}",
            family_name=f"Quixotic{i}",
            nhs_number=nhs,
            phone="07700 900123",
            email=f"zeb{i}@example.org",
            address_line_1="17 Wyvern Lane",
            date_of_birth=dt.date(1961, 4, 3),
        )
        connect(
            j,
            shed,
            status=ConnectionStatus.COMPLETED,
            sent=at(D),
            answered_after=dt.timedelta(hours=5),
            attended=True,
        )
        measure(j.case, "phq9", "baseline", D, 12)
        goal = "6f1c9a0e-5b7d-4c39-9a51-0d2f1e7b8c44"
        measure(j.case, "goal-attainment", "baseline", D, 4, item_scores={goal: {"score": 4}})
        people.append(j)
    out = tmp_path / "extract"
    call_command("extract", "evaluation", "--out", str(out))
    names = {p.name for p in out.iterdir()}
    assert names == {
        "people.csv",
        "referrals.csv",
        "contacts.csv",
        "connections.csv",
        "measures.csv",
        "data_dictionary.csv",
    }
    text = "\n".join(p.read_text() for p in out.iterdir())
    for j in people:
        p = j.person
        for secret in [
            p.given_name,
            p.family_name,
            p.nhs_number,
            str(p.uuid),
            str(j.case.uuid),
            "1961-04-03",
            "SY11",
            "Wyvern",
            "07700",
            p.email,
            goal,
        ]:
            assert secret not in text, secret
    assert "goal_1=4" in (out / "measures.csv").read_text()
    rows = list(csv.DictReader((out / "people.csv").open()))
    assert [r["lsoa_code"] for r in rows] == ["E01028900", "E01028900"]
    assert {r["age_band"] for r in rows} == {"55-64"}
    assert len({r["person_id"] for r in rows}) == 2
    # Every column of every file is in the data dictionary.
    described = {
        (r["file"], r["column"]) for r in csv.DictReader((out / "data_dictionary.csv").open())
    }
    for name in names - {"data_dictionary.csv"}:
        header = next(csv.reader((out / name).open()))
        assert {(name, c) for c in header} <= described
    measures = list(csv.DictReader((out / "measures.csv").open()))
    assert (
        measures[0]["person_id"] == rows[0]["person_id"]
        or measures[0]["person_id"] == rows[1]["person_id"]
    )
    assert AuditEvent.objects.filter(action="evaluation_extract_exported").count() == 1


def test_the_extract_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "old.csv").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("extract", "evaluation", "--out", str(tmp_path))


def test_the_extract_needs_the_pseudonym_key_outside_debug(tmp_path: Path, settings: Any) -> None:
    settings.DEBUG = False
    settings.PSEUDONYM_KEY = ""
    with pytest.raises(CommandError, match="LINKWELL_PSEUDONYM_KEY is not set"):
        call_command("extract", "evaluation", "--out", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="must be on or before"):
        call_command(
            "extract",
            "evaluation",
            "--out",
            str(tmp_path / "y"),
            "--since",
            "2025-02-01",
            "--until",
            "2025-01-01",
        )


def test_the_unit_costs_command_prints_defaults_with_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    call_command("evidence", "unit-costs")
    data = json.loads(capsys.readouterr().out)
    assert data["costs"]["gp_appointment"]["default"] is True
    assert "PSSRU" in data["costs"]["gp_appointment"]["source"]
    assert "National Cost Collection" in data["costs"]["ae_attendance"]["source"]
