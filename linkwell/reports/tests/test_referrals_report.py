"""`linkwell reports referrals`: counts from the database, disclosure-controlled, audited."""

from __future__ import annotations

import csv
import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.analysis.disclosure import can_see_unsuppressed, record_unsuppressed_access
from linkwell.audit.models import AuditEvent
from linkwell.referrals.models import ReferralSource
from linkwell.referrals.tests.factories import make_person, make_referral, needs
from linkwell.reports.selectors import referral_counts
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("reports", "referrals", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def referrals(personas: Personas) -> None:
    """Caxton: 23 people (20 GP, 3 self-referred); Marches: 4 people (GP); 1 with no practice."""
    marches = Organisation.objects.create(
        name="Marches Surgery", kind=OrganisationKind.GP_PRACTICE, ods_code="M82020"
    )
    service = personas.link_worker_service
    for i in range(23):
        source = ReferralSource.SELF if i < 3 else ReferralSource.GP_PRACTICE
        person = make_person(given_name=f"C{i}", registered_practice=personas.practice)
        make_referral(person, service, source=source, days_ago=10)
    for i in range(4):
        person = make_person(given_name=f"M{i}", registered_practice=marches)
        make_referral(person, service, days_ago=400)
    make_referral(make_person(given_name="N"), service, source=ReferralSource.HOUSING)


def test_counts_by_practice_are_suppressed_rounded_and_protected_from_the_total(
    referrals: None,
) -> None:
    payload = json.loads(_run("--by", "practice", "--format", "json"))
    rows = {r["practice"]: r["referrals"] for r in payload["rows"]}
    # Raw: Caxton 23, Marches 4, not recorded 1, total 28.
    assert rows["Marches Surgery"] == "*"
    assert rows["Not recorded"] == "*"
    assert rows["Caxton Surgery"] == 25
    assert rows["Total"] == 30
    assert payload["rows"][0]["ods_code"] == "M82015"


def test_a_single_small_cell_takes_the_next_smallest_with_it(referrals: None) -> None:
    payload = json.loads(_run("--by", "source", "--format", "json"))
    rows = {r["source"]: r["referrals"] for r in payload["rows"]}
    # Raw: GP 24, self 3, housing 1, others 0, total 28. Self and housing are small already.
    assert rows["Self-referral"] == "*"
    assert rows["Housing"] == "*"
    assert rows["GP practice"] == 25
    assert rows["Pharmacy"] == 0
    assert rows["Total"] == 30


def test_dates_limit_the_period_inclusively(referrals: None) -> None:
    today = timezone.localdate()
    text = _run(
        "--by",
        "practice",
        "--since",
        (today - dt.timedelta(days=30)).isoformat(),
        "--until",
        today.isoformat(),
    )
    rows = list(csv.DictReader(StringIO(text)))
    assert [r["practice"] for r in rows] == ["Caxton Surgery", "Not recorded", "Total"]
    # 23 and 1 with total 24: the 1 is suppressed, so Caxton must be too.
    assert [r["referrals"] for r in rows] == ["*", "*", "25"]


def test_reasons_count_each_reason_and_total_their_sum(personas: Personas) -> None:
    terms = needs()
    person = make_person(registered_practice=personas.practice)
    for _ in range(12):
        referral = make_referral(person, personas.link_worker_service)
        referral.reasons.set(terms[:2])
    raw = referral_counts(by="reason")
    assert [r["referrals"] for r in raw] == [12, 12]
    payload = json.loads(_run("--by", "reason", "--format", "json"))
    assert payload["rows"][-1] == {"reason": "Total (reasons)", "referrals": 25}


def test_the_export_is_audited(referrals: None, tmp_path: Path) -> None:
    out = tmp_path / "by-source.csv"
    call_command(
        "reports",
        "referrals",
        "--by",
        "source",
        "--out",
        str(out),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert out.read_text().startswith("source,referrals\n")
    event = AuditEvent.objects.get(action="referrals_report_exported")
    assert event.channel == "command"
    assert event.detail["by"] == "source"
    assert event.detail["disclosure_control"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "practice", "--since", "2026-13-01"], "is not a date"),
        (["--by", "practice", "--since", "2026-05-01", "--until", "2026-04-01"], "on or before"),
        (["--by", "practice", "--out", "/no/such/folder/x.csv"], "does not exist"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_exported(
    db: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not AuditEvent.objects.filter(action="referrals_report_exported").exists()


def test_a_bad_grouping_is_refused(db: None) -> None:
    with pytest.raises(CommandError):
        _run("--by", "postcode")


def test_only_an_explicit_grant_shows_unsuppressed_figures(personas: Personas) -> None:
    # Superusers and commissioners do not get raw small numbers by default.
    assert not can_see_unsuppressed(personas.admin)
    assert not can_see_unsuppressed(personas.commissioner)
    perm = Permission.objects.get(codename="view_unsuppressed", content_type__app_label="reports")
    personas.commissioner.user_permissions.add(perm)
    assert can_see_unsuppressed(personas.commissioner)
    analysts = Group.objects.create(name="Analysts")
    analysts.permissions.add(perm)
    personas.team_manager.groups.add(analysts)
    assert can_see_unsuppressed(personas.team_manager)
    personas.team_manager.is_active = False
    assert not can_see_unsuppressed(personas.team_manager)


def test_seeing_unsuppressed_figures_is_audited(personas: Personas) -> None:
    record_unsuppressed_access(
        user=personas.commissioner, what="Quarterly report 2026 Q3", detail={"format": "html"}
    )
    event = AuditEvent.objects.get(action="unsuppressed_figures_accessed")
    assert event.actor_id == personas.commissioner.pk
    assert event.kind == "access"
    assert event.detail == {"what": "Quarterly report 2026 Q3", "format": "html"}
