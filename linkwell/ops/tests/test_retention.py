"""`linkwell retention apply`: records just inside and just outside each period."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case, CaseNote, CaseStatus, Goal, Plan
from linkwell.casework.tests.factories import make_person, referred_case
from linkwell.community.models import Suggestion, SuggestionStatus
from linkwell.ops.retention import outward_code, retention_apply
from linkwell.outcomes.models import MeasureAdministration
from linkwell.people.models import Person
from linkwell.referrals.models import Referral, ReferralStatus
from linkwell.volunteering.models import CommunityMember, MemberSource
from linkwell.volunteering.tests.factories import make_member

DAY = dt.timedelta(days=1)


def years_on(years: int, *, extra: dt.timedelta = dt.timedelta(0)) -> dt.datetime:
    """`years` after the records the test has just written, plus `extra` (the last activity is
    a moment ago, so one day either side of the boundary is unambiguous)."""
    now = timezone.now()
    return now.replace(year=now.year + years) + extra


@pytest.fixture
def joan(personas):
    """Joan, whose only case has gone dormant: a note, a goal, a measure, a merged duplicate."""
    case = referred_case(personas, status=CaseStatus.DORMANT)
    Referral.objects.filter(person=case.person).update(status=ReferralStatus.ACCEPTED)
    CaseNote.objects.create(case=case, text="She would like a walking group.")
    plan = Plan.objects.create(case=case)
    Goal.objects.create(plan=plan, text="Walk to the shop")
    completed_by = MeasureAdministration._meta.get_field("completed_by").choices[0][0]  # type: ignore[index]
    MeasureAdministration.objects.create(
        case=case,
        organisation=personas.link_worker_service,
        instrument_id="ons4",
        instrument_version="1",
        administered_on=timezone.localdate(),
        completed_by=completed_by,
        answers={"life_satisfaction": 6},
    )
    make_person(given_name="Joanie", family_name="Hughes", nhs_number="", merged_into=case.person)
    return case


def _reload(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def test_a_person_just_past_the_closed_case_period_is_pseudonymised(joan) -> None:
    result = retention_apply(dry_run=False, now=years_on(8, extra=DAY))
    person = _reload(joan.person)
    assert (person.given_name, person.family_name) == ("Pseudonymised", "record")
    assert (person.nhs_number, person.email, person.address_line_1, person.town) == ("",) * 4
    assert person.date_of_birth == dt.date(1948, 7, 1)  # the year stays, for age bands
    assert person.postcode == "SY11"  # the district stays, for area statistics
    assert person.pseudonymised_at is not None
    assert not CaseNote.objects.filter(case=joan).exists()
    assert Goal.objects.get(plan__case=joan).text == "[removed]"
    assert Referral.objects.get(person=joan.person).details == ""
    assert MeasureAdministration.objects.get(case=joan).answers == {"life_satisfaction": 6}
    duplicate = Person.objects.get(merged_into=joan.person)
    assert (duplicate.given_name, duplicate.pseudonymised_at is not None) == ("Pseudonymised", True)
    assert result.counts["people"] == 1 and result.counts["person_records"] == 2
    assert result.counts["case_notes"] == 1


def test_a_person_just_inside_the_closed_case_period_is_kept(joan) -> None:
    result = retention_apply(dry_run=False, now=years_on(8, extra=-DAY))
    assert _reload(joan.person).given_name == "Joan"
    assert CaseNote.objects.filter(case=joan).count() == 1
    assert result.kept["still within their retention period"] == 1


def test_a_person_with_an_open_case_is_never_pseudonymised(joan) -> None:
    Case.objects.filter(pk=joan.pk).update(status=CaseStatus.ACTIVE)
    result = retention_apply(dry_run=False, now=years_on(30))
    assert _reload(joan.person).given_name == "Joan"
    assert result.kept["with an open case"] == 1


def test_a_referral_waiting_for_triage_keeps_the_person(joan) -> None:
    Referral.objects.filter(person=joan.person).update(status=ReferralStatus.RECEIVED)
    result = retention_apply(dry_run=False, now=years_on(30))
    assert _reload(joan.person).given_name == "Joan"
    assert result.kept["with a referral waiting for triage"] == 1


def test_a_declined_referral_follows_its_own_period(personas, settings) -> None:
    settings.LINKWELL_RETENTION_DECLINED_REFERRAL_YEARS = 2
    case = referred_case(personas)
    person = case.person
    Referral.objects.filter(person=person).update(status=ReferralStatus.DECLINED)
    case.delete()
    retention_apply(dry_run=False, now=years_on(2, extra=-DAY))
    assert _reload(person).given_name == "Joan"
    result = retention_apply(dry_run=False, now=years_on(2, extra=DAY))
    assert _reload(person).given_name == "Pseudonymised"
    assert result.counts["declined_referral"] == 1


def test_a_childs_record_is_kept_to_their_25th_birthday(personas) -> None:
    case = referred_case(personas, status=CaseStatus.DORMANT)
    Referral.objects.filter(person=case.person).update(status=ReferralStatus.ACCEPTED)
    today = timezone.localdate()
    born = today.replace(year=today.year - 10)
    Person.objects.filter(pk=case.person.pk).update(date_of_birth=born)
    # Eight years on they are 18: an adult's period is over, a child's is not.
    retention_apply(dry_run=False, now=years_on(8, extra=DAY))
    assert _reload(case.person).given_name == "Joan"
    retention_apply(dry_run=False, now=years_on(15, extra=-DAY))
    assert _reload(case.person).given_name == "Joan"
    retention_apply(dry_run=False, now=years_on(15, extra=DAY))
    assert _reload(case.person).given_name == "Pseudonymised"


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(joan) -> None:
    events = AuditEvent.objects.count()
    result = retention_apply(dry_run=True, now=years_on(8, extra=DAY))
    assert result.counts["people"] == 1 and result.counts["case_notes"] == 1
    assert result.counts["rows_cleared"] > 0
    assert "Would pseudonymise 1 person record(s)" in result.summary()
    assert "nothing was changed" in result.summary()
    assert _reload(joan.person).given_name == "Joan"
    assert CaseNote.objects.filter(case=joan).count() == 1
    assert Goal.objects.get(plan__case=joan).text == "Walk to the shop"
    assert AuditEvent.objects.count() == events


def test_running_twice_does_nothing_more(joan) -> None:
    when = years_on(8, extra=DAY)
    retention_apply(dry_run=False, now=when)
    events = AuditEvent.objects.count()
    again = retention_apply(dry_run=False, now=when)
    assert again.counts["people"] == 0 and again.counts["case_notes"] == 0
    # Only the second run's summary event is new.
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[events:]) == [
        AuditAction.OPS_RETENTION_APPLIED
    ]


def test_it_audits_each_record_and_a_summary_and_leaves_the_audit_trail_alone(joan) -> None:
    before = list(AuditEvent.objects.order_by("id").values())
    retention_apply(dry_run=False, now=years_on(8, extra=DAY))
    after = list(AuditEvent.objects.order_by("id").values())
    assert after[: len(before)] == before  # earlier events unchanged, none removed
    new = after[len(before) :]
    pseudonymised = [e for e in new if e["action"] == AuditAction.OPS_PERSON_PSEUDONYMISED]
    assert {e["person_id"] for e in pseudonymised} == {
        str(joan.person.uuid),
        str(Person.objects.get(merged_into=joan.person).uuid),
    }
    assert all("Joan" not in str(e) for e in new)
    (summary,) = [e for e in new if e["action"] == AuditAction.OPS_RETENTION_APPLIED]
    assert summary["detail"]["counts"]["people"] == 1
    assert summary["detail"]["policy"]["closed_case_years"] == 8


def _suggestion(status: str, decided_at: dt.datetime | None) -> Suggestion:
    return Suggestion.objects.create(
        status=status,
        asset_kind="group",
        name="Tuesday Knit and Natter",
        description="Bring your knitting.",
        frequency="weekly",
        venue_kind="address",
        cost_kind="free",
        suggester_name="Mavis Jones",
        suggester_email="mavis@example.org",
        decided_at=decided_at,
    )


def test_rejected_suggestions_are_deleted_after_the_public_submission_period(db) -> None:
    rejected = _suggestion(SuggestionStatus.REJECTED, timezone.now())
    pending = _suggestion(SuggestionStatus.PENDING, None)
    retention_apply(dry_run=False, now=timezone.now() + dt.timedelta(days=89))
    assert Suggestion.objects.filter(pk=rejected.pk).exists()
    result = retention_apply(dry_run=False, now=timezone.now() + dt.timedelta(days=91))
    assert not Suggestion.objects.filter(pk=rejected.pk).exists()
    assert Suggestion.objects.filter(pk=pending.pk).exists()  # a moderator's to decide
    assert result.counts["rejected_suggestions"] == 1
    event = AuditEvent.objects.get(action=AuditAction.OPS_PUBLIC_SUBMISSION_DELETED)
    assert event.object_id == str(rejected.uuid) and "Mavis" not in str(event.detail)


def test_unconfirmed_volunteer_registrations_are_deleted_after_the_period(personas) -> None:
    unconfirmed = make_member(
        personas.provider_org, source=MemberSource.SELF_REGISTERED, email_confirmed_at=None
    )
    confirmed = make_member(
        personas.provider_org,
        source=MemberSource.SELF_REGISTERED,
        email_confirmed_at=timezone.now(),
    )
    retention_apply(dry_run=False, now=timezone.now() + dt.timedelta(days=89))
    assert CommunityMember.objects.filter(pk=unconfirmed.pk).exists()
    result = retention_apply(dry_run=False, now=timezone.now() + dt.timedelta(days=91))
    assert not CommunityMember.objects.filter(pk=unconfirmed.pk).exists()
    assert CommunityMember.objects.filter(pk=confirmed.pk).exists()
    assert result.counts["unconfirmed_registrations"] == 1


def test_the_command_prints_counts_per_kind(joan) -> None:
    out = StringIO()
    call_command("retention", "apply", "--dry-run", stdout=out)
    assert "Would pseudonymise 0 person record(s)" in out.getvalue()
    assert "Kept: 1 still within their retention period." in out.getvalue()


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("SY11 2SP", "SY11"), ("sy112sp", "SY11"), ("M1 1AE", "M1"), ("", "")],
)
def test_a_postcode_keeps_only_its_district(postcode: str, district: str) -> None:
    assert outward_code(postcode) == district
