"""Every write: what it does, and every bad input refused with a specific message and nothing
changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.community.models import Suggestion, SuggestionStatus
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.grants.models import (
    Application,
    ApplicationStatus,
    ConflictOfInterest,
    MonitoringReport,
    Payment,
    Score,
)
from linkwell.grants.selectors.gaps import gap_choices
from linkwell.grants.selectors.ranking import ranked_applications
from linkwell.grants.services import (
    application_award,
    application_decline,
    application_score,
    application_submit,
    conflict_declare,
    monitoring_report_submit,
    payment_record,
)
from linkwell.grants.services.monitoring import application_for_token, report_token
from linkwell.grants.tests.factories import GOOD, GrantsWorld, submit

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo[ValidationFailed]) -> str:
    return " ".join(m for ms in exc.value.errors.values() for m in ms)


def _award(w: GrantsWorld, app: Application, amount: str = "450") -> Application:
    return application_award(
        actor=w.manager,
        application=app,
        amount=amount,
        reason="Strong on need",
        expected_version=app.version,
    )


# --- Applying --------------------------------------------------------------------------------


def test_an_application_gets_a_yearly_reference_and_an_email(
    world: GrantsWorld, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(world)
        second = submit(world)
    year = timezone.localdate().year
    assert first.reference == f"GR-{year}-0001"
    assert second.reference == f"GR-{year}-0002"
    assert [m.to for m in mail.outbox] == [["sam@example.org"], ["sam@example.org"]]
    assert first.reference in mail.outbox[0].body
    # The email carries nothing the public typed.
    assert "Nordic" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="grants.application_submitted").count() == 2


def test_a_chosen_need_and_place_links_every_gap_recorded_with_it(world: GrantsWorld) -> None:
    choices = gap_choices(world.programme)
    # "Gobowen" and "gobowen" with the same need are one choice, worded without personal data.
    assert len(choices) == 2
    labels = " ".join(c.label for c in choices)
    assert "widowers" not in labels and "story" not in labels
    app = submit(world)
    assert set(app.gaps.values_list("pk", flat=True)) == {world.gaps[0].pk, world.gaps[1].pk}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount_requested": "501"}, "The Try it award is from £0 to £500"),
        ({"amount_requested": "ten"}, "Enter an amount in pounds"),
        ({"applicant_email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"title": "x" * 201}, "The name of your idea must be 200 characters or fewer"),
        ({"summary": ""}, "Describe your idea"),
        ({"people_to_reach": "0"}, "Enter how many people it will reach from 1"),
        ({"who_it_reaches": "y" * 501}, "Who it will reach must be 500 characters or fewer"),
    ],
)
def test_a_bad_application_is_refused_with_its_reason(
    world: GrantsWorld, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        submit(world, None, **changes)
    assert message in _messages(exc)
    assert not Application.objects.exists()


def test_a_closed_round_takes_no_applications(world: GrantsWorld) -> None:
    world.round.closes_on = timezone.localdate() - dt.timedelta(days=1)
    world.round.save()
    with pytest.raises(ValidationFailed) as exc:
        submit(world)
    assert "is closed: it took applications from" in _messages(exc)
    assert not Application.objects.exists()


def test_gaps_must_come_from_the_list(world: GrantsWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        application_submit(
            actor=None, round_=world.round, tier=world.try_it, data=GOOD, gap_keys=["nope"]
        )
    assert "Choose gaps from the list" in _messages(exc)
    assert not Application.objects.exists()


def test_a_doctorpreneur_grant_is_for_practice_staff_only(world: GrantsWorld) -> None:
    data = {**GOOD, "amount_requested": "500"}
    with pytest.raises(ValidationFailed) as exc:
        application_submit(actor=None, round_=world.doctor_round, tier=world.doctor_tier, data=data)
    assert "The Doctorpreneur award is for GP practice staff" in _messages(exc)
    app = application_submit(
        actor=world.p.referrer, round_=world.doctor_round, tier=world.doctor_tier, data=data
    )
    assert app.applicant_user == world.p.referrer


def test_a_tier_of_another_programme_is_refused(world: GrantsWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        submit(world, tier=world.doctor_tier)
    assert "Choose one of this programme's awards" in _messages(exc)


# --- Assessment ------------------------------------------------------------------------------


def _criteria(w: GrantsWorld) -> tuple[int, int]:
    need, reach = w.round.criteria.order_by("position")
    return need.pk, reach.pk


def test_panel_members_score_and_the_ranking_weights_the_criteria(world: GrantsWorld) -> None:
    need, reach = _criteria(world)
    strong = submit(world, title="Strong")
    weak = submit(world, title="Weak")
    for member in ("a", "b"):
        application_score(
            actor=world.panel_a,
            panel_member=world.panel[member],
            application=strong,
            scores={need: (5, "Clear need"), reach: (5, "")},
        )
    application_score(
        actor=world.panel_a,
        panel_member=world.panel["a"],
        application=weak,
        scores={need: (1, ""), reach: (10, "")},
    )
    rows = ranked_applications(world.round)
    # Strong: (2 x 5/5 + 1 x 5/10) / 3 = 83.3%; weak: (2 x 1/5 + 1 x 10/10) / 3 = 46.7%.
    assert [(r.application.title, r.total, r.rank) for r in rows] == [
        ("Strong", 83.3, 1),
        ("Weak", 46.7, 2),
    ]
    # Scoring again changes the member's scores rather than adding more.
    application_score(
        actor=world.panel_a,
        panel_member=world.panel["a"],
        application=weak,
        scores={need: (5, ""), reach: (10, "")},
    )
    assert Score.objects.filter(application=weak).count() == 2


def test_a_score_outside_0_to_max_is_refused_and_none_is_saved(world: GrantsWorld) -> None:
    need, reach = _criteria(world)
    app = submit(world)
    with pytest.raises(ValidationFailed) as exc:
        application_score(
            actor=world.panel_a,
            panel_member=world.panel["a"],
            application=app,
            scores={need: (6, ""), reach: (3, "")},
        )
    assert exc.value.errors == {f"score_{need}": ["Give “Need” a score from 0 to 5"]}
    with pytest.raises(ValidationFailed):
        application_score(
            actor=world.panel_a,
            panel_member=world.panel["a"],
            application=app,
            scores={need: (-1, ""), reach: (3, "")},
        )
    assert not Score.objects.exists()


def test_a_conflicted_panel_member_cannot_score(world: GrantsWorld) -> None:
    need, reach = _criteria(world)
    app = submit(world)
    application_score(
        actor=world.panel_a,
        panel_member=world.panel["a"],
        application=app,
        scores={need: (4, ""), reach: (4, "")},
    )
    conflict_declare(
        actor=world.panel_a, panel_member=world.panel["a"], application=app, reason="My sister"
    )
    # The scores given before the declaration no longer count.
    assert not Score.objects.exists()
    with pytest.raises(ValidationFailed) as exc:
        application_score(
            actor=world.panel_a,
            panel_member=world.panel["a"],
            application=app,
            scores={need: (4, ""), reach: (4, "")},
        )
    assert _messages(exc) == (
        "You declared a conflict of interest in this application, so you cannot score it."
    )
    assert not Score.objects.exists()
    with pytest.raises(ValidationFailed) as again:
        conflict_declare(
            actor=world.panel_a, panel_member=world.panel["a"], application=app, reason="Still"
        )
    assert "already declared" in _messages(again)
    assert ConflictOfInterest.objects.count() == 1


def test_a_conflict_needs_a_reason(world: GrantsWorld) -> None:
    app = submit(world)
    with pytest.raises(ValidationFailed) as exc:
        conflict_declare(
            actor=world.panel_a, panel_member=world.panel["a"], application=app, reason=" "
        )
    assert "Say what your interest is" in _messages(exc)
    assert not ConflictOfInterest.objects.exists()


# --- Decisions and payments ------------------------------------------------------------------


def test_an_award_is_emailed_with_the_offer_and_a_report_link(
    world: GrantsWorld, django_capture_on_commit_callbacks
) -> None:
    app = submit(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _award(world, app)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.AWARDED
    assert app.amount_awarded == Decimal("450")
    body = mail.outbox[0].body
    assert "grant of £450" in body and "/grants/report/" in body
    token = body.split("/grants/report/")[1].split("/")[0]
    assert application_for_token(token) == app
    assert application_for_token(token + "x") is None


def test_an_award_over_the_round_budget_is_refused(world: GrantsWorld) -> None:
    first = submit(world, amount_requested="500")
    second = submit(world, amount_requested="500")
    third = submit(world, amount_requested="100")
    _award(world, first, "500")
    _award(world, second, "450")
    with pytest.raises(ValidationFailed) as exc:
        _award(world, third, "100")
    assert _messages(exc) == (
        "Awarding £100 would take Spring over its budget: £50 of £1,000 is left"
    )
    third.refresh_from_db()
    assert third.status == ApplicationStatus.SUBMITTED and third.amount_awarded is None


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("600", "The Try it award is at most £500"),
        ("460", "That is more than the applicant asked for (£450)"),
        ("0", "more than £0"),
    ],
)
def test_an_award_outside_the_limits_is_refused(
    world: GrantsWorld, amount: str, message: str
) -> None:
    app = submit(world)
    with pytest.raises(ValidationFailed) as exc:
        _award(world, app, amount)
    assert message in _messages(exc)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_a_decision_is_made_once_and_needs_the_version_seen(world: GrantsWorld) -> None:
    app = submit(world)
    stale = app.version
    application_decline(
        actor=world.manager, application=app, reason="Outside the area", expected_version=stale
    )
    with pytest.raises(ConcurrentEditError):
        application_award(
            actor=world.manager, application=app, amount="100", reason="x", expected_version=stale
        )
    current = Application.objects.get(pk=app.pk)
    with pytest.raises(ValidationFailed) as exc:
        _award(world, current)
    assert "already been decided (declined)" in _messages(exc)


def test_a_decline_needs_reasons(world: GrantsWorld) -> None:
    app = submit(world)
    with pytest.raises(ValidationFailed) as exc:
        application_decline(actor=world.manager, application=app, reason="", expected_version=1)
    assert "Give the reasons" in _messages(exc)


def test_payments_never_exceed_the_award(world: GrantsWorld) -> None:
    app = _award(world, submit(world))
    today = timezone.localdate()
    payment_record(
        actor=world.manager, application=app, amount="300", paid_on=today, reference="BACS1"
    )
    with pytest.raises(ValidationFailed) as exc:
        payment_record(
            actor=world.manager, application=app, amount="151", paid_on=today, reference="BACS2"
        )
    assert _messages(exc) == (
        "That is more than is left to pay on this grant: £450 awarded, £300 already paid"
    )
    payment_record(
        actor=world.manager, application=app, amount="150", paid_on=today, reference="BACS2"
    )
    assert Payment.objects.count() == 2


@pytest.mark.parametrize(
    ("paid_on", "reference", "message"),
    [
        (None, "R1", "Enter the date it was paid"),
        ("tomorrow", "R1", "The payment date cannot be in the future"),
        ("today", "", "Enter the payment's reference"),
    ],
)
def test_a_bad_payment_is_refused(
    world: GrantsWorld, paid_on: str | None, reference: str, message: str
) -> None:
    app = _award(world, submit(world))
    today = timezone.localdate()
    day = {None: None, "today": today, "tomorrow": today + dt.timedelta(days=1)}[paid_on]
    with pytest.raises(ValidationFailed) as exc:
        payment_record(
            actor=world.manager, application=app, amount="10", paid_on=day, reference=reference
        )
    assert message in _messages(exc)
    assert not Payment.objects.exists()


def test_an_application_not_awarded_cannot_be_paid(world: GrantsWorld) -> None:
    app = submit(world)
    with pytest.raises(ValidationFailed) as exc:
        payment_record(
            actor=world.manager,
            application=app,
            amount="10",
            paid_on=timezone.localdate(),
            reference="R",
        )
    assert _messages(exc) == "Only an awarded grant can be paid."
    assert not Payment.objects.exists()


# --- Monitoring ------------------------------------------------------------------------------

ACTIVITY = {
    "asset_kind": "group",
    "name": "Gobowen Nordic Walkers",
    "description": "A gentle walk with poles, then tea.",
    "frequency": "weekly",
    "day": "TU",
    "venue_kind": "address",
    "address_1": "Station Road",
    "town": "Gobowen",
    "postcode": "SY11 3JS",
    "cost_kind": "free",
}


def test_a_report_with_a_new_group_goes_to_moderation(world: GrantsWorld) -> None:
    app = _award(world, submit(world))
    report = monitoring_report_submit(
        actor=None,
        application=app,
        what_happened="Ten weeks of walks.",
        people_reached="18",
        new_activity=ACTIVITY,
    )
    suggestion = Suggestion.objects.get()
    assert report.suggestion == suggestion
    assert suggestion.status == SuggestionStatus.PENDING
    assert suggestion.suggester_email == "sam@example.org"
    with pytest.raises(ValidationFailed) as exc:
        monitoring_report_submit(
            actor=None, application=app, what_happened="Again", people_reached="1"
        )
    assert "already reported" in _messages(exc)


def test_a_bad_report_writes_nothing(world: GrantsWorld) -> None:
    app = _award(world, submit(world))
    with pytest.raises(ValidationFailed) as exc:
        monitoring_report_submit(
            actor=None,
            application=app,
            what_happened="",
            people_reached="lots",
            new_activity={**ACTIVITY, "postcode": ""},
        )
    assert exc.value.errors["what_happened"] == ["Tell us what happened with the grant"]
    assert "whole number" in exc.value.errors["people_reached"][0]
    assert exc.value.errors["postcode"] == ["Enter the postcode"]
    assert not MonitoringReport.objects.exists() and not Suggestion.objects.exists()


def test_only_an_awarded_grant_reports(world: GrantsWorld) -> None:
    app = submit(world)
    with pytest.raises(ValidationFailed) as exc:
        monitoring_report_submit(actor=None, application=app, what_happened="x", people_reached="1")
    assert _messages(exc) == "Only an awarded grant reports on what it did."
    assert report_token(app)  # the link exists, but reporting waits for an award
