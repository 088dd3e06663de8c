"""Setting up and changing programmes, tiers, rounds, criteria and panels (services/setup*.py):
each refusal has its own message and writes nothing; each change is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.grants.models import PanelMember, Programme, Round, Tier
from linkwell.grants.services import (
    application_award,
    application_score,
    conflict_declare,
    criterion_add,
    criterion_update,
    panel_member_add_by_email,
    panel_member_remove,
    programme_create,
    programme_update,
    round_create,
    round_update,
    tier_add,
    tier_update,
)
from linkwell.grants.tests.factories import GrantsWorld, submit
from linkwell.volunteering.models import CommunityMember
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return exc.value.errors


def _award(w: GrantsWorld, amount: str = "450") -> None:
    app = submit(w, amount_requested=amount)
    application_award(
        actor=w.manager,
        application=app,
        amount=amount,
        reason="A real need",
        expected_version=app.version,
    )


# --- Programmes ------------------------------------------------------------------------------


def test_a_programme_name_is_unique_in_its_organisation_whatever_the_case(
    world: GrantsWorld,
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        programme_create(
            actor=world.manager,
            organisation=world.pcn,
            name="DOCTORPRENEUR",
            summary="",
            eligibility="",
        )
    assert _messages(exc) == {"name": ["Borders PCN already has a programme called DOCTORPRENEUR"]}
    assert Programme.objects.count() == 2


def test_a_programme_changes_and_the_change_is_audited(world: GrantsWorld) -> None:
    programme_update(
        actor=world.manager,
        programme=world.programme,
        name="Try it, Do it, Build it 2026",
        summary="New words",
        eligibility="Anyone in the PCN area",
    )
    world.programme.refresh_from_db()
    assert world.programme.name == "Try it, Do it, Build it 2026"
    event = AuditEvent.objects.get(action="grants.programme_updated")
    assert event.changes["eligibility"][1] == "Anyone in the PCN area"
    assert event.actor_id == world.manager.pk


def test_a_programme_cannot_take_another_programmes_name(world: GrantsWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        programme_update(
            actor=world.manager,
            programme=world.programme,
            name="Doctorpreneur",
            summary="",
            eligibility="",
        )
    assert "already has a programme called Doctorpreneur" in _messages(exc)["name"][0]
    world.programme.refresh_from_db()
    assert world.programme.name == "Try it, Do it, Build it"


# --- Tiers -----------------------------------------------------------------------------------


def test_a_tier_whose_most_is_below_its_least_is_refused(world: GrantsWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        tier_add(
            actor=world.manager,
            programme=world.programme,
            name="Grow it",
            minimum_amount=Decimal("3000"),
            maximum_amount=Decimal("1000"),
        )
    assert _messages(exc) == {
        "maximum_amount": ["The most a tier awards (£1,000) cannot be less than the least (£3,000)"]
    }
    assert not Tier.objects.filter(name="Grow it").exists()


def test_a_tier_refuses_a_negative_least_and_a_duplicate_name(world: GrantsWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        tier_add(
            actor=world.manager,
            programme=world.programme,
            name="try it",
            minimum_amount=Decimal("-5"),
            maximum_amount=Decimal("100"),
        )
    assert _messages(exc) == {
        "minimum_amount": ["The least a tier awards cannot be negative"],
        "name": ["This programme already has a tier called try it"],
    }
    assert world.programme.tiers.count() == 3


def test_a_tiers_amounts_change_and_the_change_is_audited(world: GrantsWorld) -> None:
    tier_update(
        actor=world.manager,
        tier=world.try_it,
        name="Try it",
        minimum_amount=Decimal("100"),
        maximum_amount=Decimal("750"),
        who_may_apply="anyone",
    )
    world.try_it.refresh_from_db()
    assert (world.try_it.minimum_amount, world.try_it.maximum_amount) == (
        Decimal("100"),
        Decimal("750"),
    )
    event = AuditEvent.objects.get(action="grants.tier_updated")
    assert event.changes == {
        "minimum_amount": ["0.00", "100"],
        "maximum_amount": ["500.00", "750"],
    }


def test_a_tiers_most_cannot_fall_below_an_award_made_on_it(world: GrantsWorld) -> None:
    _award(world, "450")
    with pytest.raises(ValidationFailed) as exc:
        tier_update(
            actor=world.manager,
            tier=world.try_it,
            name="Try it",
            minimum_amount=Decimal("0"),
            maximum_amount=Decimal("400"),
            who_may_apply="anyone",
        )
    assert "£450 has already been awarded on this tier" in _messages(exc)["maximum_amount"][0]
    world.try_it.refresh_from_db()
    assert world.try_it.maximum_amount == Decimal("500")


# --- Rounds ----------------------------------------------------------------------------------


def test_a_round_closing_before_it_opens_with_a_negative_budget_is_refused(
    world: GrantsWorld,
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        round_create(
            actor=world.manager,
            programme=world.programme,
            name="spring",
            opens_on=dt.date(2026, 9, 1),
            closes_on=dt.date(2026, 8, 1),
            budget=Decimal("-1"),
        )
    assert _messages(exc) == {
        "closes_on": ["The closing date must be on or after the opening date"],
        "budget": ["The budget cannot be negative"],
        "name": ["This programme already has a round called spring"],
    }
    assert world.programme.rounds.count() == 1


def test_a_rounds_budget_cannot_go_below_what_is_awarded(world: GrantsWorld) -> None:
    _award(world, "450")
    round_ = Round.objects.get(pk=world.round.pk)
    with pytest.raises(ValidationFailed) as exc:
        round_update(
            actor=world.manager,
            round_=round_,
            name=round_.name,
            opens_on=round_.opens_on,
            closes_on=round_.closes_on,
            budget=Decimal("400"),
            expected_version=round_.version,
        )
    assert _messages(exc) == {
        "budget": [
            "£450 has already been awarded in this round, so the budget cannot be less than that"
        ]
    }
    round_.refresh_from_db()
    assert round_.budget == Decimal("1000")
    assert not AuditEvent.objects.filter(action="grants.round_updated").exists()


def test_a_rounds_budget_and_dates_change_with_its_version(world: GrantsWorld) -> None:
    round_ = world.round
    new_close = round_.closes_on + dt.timedelta(days=7)
    round_update(
        actor=world.manager,
        round_=round_,
        name="Spring 2026",
        opens_on=round_.opens_on,
        closes_on=new_close,
        budget=Decimal("1500"),
        expected_version=round_.version,
    )
    fresh = Round.objects.get(pk=round_.pk)
    assert (fresh.name, fresh.closes_on, fresh.budget) == (
        "Spring 2026",
        new_close,
        Decimal("1500"),
    )
    assert fresh.version == round_.version + 1
    event = AuditEvent.objects.get(action="grants.round_updated")
    assert event.changes["budget"] == ["1000.00", "1500"]
    # A form opened on the old version is refused.
    with pytest.raises(ConcurrentEditError):
        round_update(
            actor=world.manager,
            round_=round_,
            name="Spring",
            opens_on=round_.opens_on,
            closes_on=round_.closes_on,
            budget=Decimal("2000"),
            expected_version=round_.version,
        )


def test_a_rounds_dates_are_fixed_once_an_application_is_decided(world: GrantsWorld) -> None:
    _award(world, "450")
    round_ = Round.objects.get(pk=world.round.pk)
    with pytest.raises(ValidationFailed) as exc:
        round_update(
            actor=world.manager,
            round_=round_,
            name=round_.name,
            opens_on=round_.opens_on,
            closes_on=round_.closes_on + dt.timedelta(days=1),
            budget=Decimal("2000"),
            expected_version=round_.version,
        )
    assert "The dates are fixed" in _messages(exc)["opens_on"][0]
    # The budget alone may still rise.
    round_update(
        actor=world.manager,
        round_=round_,
        name=round_.name,
        opens_on=round_.opens_on,
        closes_on=round_.closes_on,
        budget=Decimal("2000"),
        expected_version=round_.version,
    )
    assert Round.objects.get(pk=round_.pk).budget == Decimal("2000")


# --- Criteria --------------------------------------------------------------------------------


def test_a_criterion_name_is_unique_in_its_round(world: GrantsWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        criterion_add(actor=world.manager, round_=world.round, name="NEED", max_score=5)
    assert _messages(exc) == {"name": ["This round already has a criterion called NEED"]}


def test_a_criterion_changes_until_the_round_has_applications(world: GrantsWorld) -> None:
    need = world.round.criteria.get(name="Need")
    criterion_update(
        actor=world.manager,
        criterion=need,
        name="How pressing is the need?",
        description="Evidence of the gap",
        max_score=10,
        weight=Decimal("3"),
    )
    need.refresh_from_db()
    assert (need.name, need.max_score, need.weight) == (
        "How pressing is the need?",
        10,
        Decimal("3"),
    )
    assert AuditEvent.objects.filter(action="grants.criterion_updated").count() == 1
    submit(world)
    with pytest.raises(ValidationFailed) as exc:
        criterion_update(
            actor=world.manager, criterion=need, name="Need", max_score=5, weight=Decimal("1")
        )
    assert _messages(exc) == {"__all__": ["The criteria are fixed once the round has applications"]}
    need.refresh_from_db()
    assert need.name == "How pressing is the need?"


# --- The panel -------------------------------------------------------------------------------


def test_staff_are_added_to_the_panel_by_email_whatever_the_case(world: GrantsWorld) -> None:
    member = panel_member_add_by_email(
        actor=world.manager, round_=world.round, email="  OWNER@shed.example "
    )
    assert member.user == world.p.owner and member.community_member is None
    assert AuditEvent.objects.filter(action="grants.panel_member_added", object_id=str(member.uuid))


def test_a_volunteering_community_member_with_a_sign_in_joins_the_panel(
    world: GrantsWorld,
) -> None:
    user = make_user("volunteer@example.org", None, None)
    record = CommunityMember.objects.create(
        organisation=world.p.provider_org, user=user, given_name="Val"
    )
    member = panel_member_add_by_email(
        actor=world.manager, round_=world.round, email="volunteer@example.org"
    )
    assert member.community_member == record


def test_someone_neither_staff_nor_a_community_member_is_refused(world: GrantsWorld) -> None:
    make_user("stranger@example.org", None, None)
    for email in ("stranger@example.org", "nobody@example.org"):
        with pytest.raises(ValidationFailed) as exc:
            panel_member_add_by_email(actor=world.manager, round_=world.round, email=email)
        assert _messages(exc)["email"][0].startswith(
            f"No member of staff or volunteering community member signs in with {email}"
        )
    with pytest.raises(ValidationFailed) as exc:
        panel_member_add_by_email(actor=world.manager, round_=world.round, email="")
    assert _messages(exc) == {"email": ["Enter the email address the person signs in with"]}
    assert world.round.panel.count() == 3


def test_someone_already_on_the_panel_is_not_added_twice(world: GrantsWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        panel_member_add_by_email(
            actor=world.manager, round_=world.round, email="panel-a@pcn.example"
        )
    assert _messages(exc) == {"user": ["Panel-A is already on this round's panel"]}


def test_a_panel_member_who_has_not_scored_is_removed(world: GrantsWorld) -> None:
    member = world.panel["a"]
    panel_member_remove(actor=world.manager, member=member)
    assert not PanelMember.objects.filter(pk=member.pk).exists()
    event = AuditEvent.objects.get(action="grants.panel_member_removed")
    assert event.detail == {"user": "panel-a@pcn.example"}


def test_a_panel_member_who_scored_or_declared_a_conflict_stays(world: GrantsWorld) -> None:
    app = submit(world)
    need, reach = world.round.criteria.order_by("position")
    application_score(
        actor=world.panel_a,
        panel_member=world.panel["a"],
        application=app,
        scores={need.pk: ("4", ""), reach.pk: ("7", "")},
    )
    conflict_declare(
        actor=world.panel_b, panel_member=world.panel["b"], application=app, reason="My group"
    )
    with pytest.raises(ValidationFailed, match="has already scored applications in this round"):
        panel_member_remove(actor=world.manager, member=world.panel["a"])
    with pytest.raises(ValidationFailed, match="declared a conflict of interest in this round"):
        panel_member_remove(actor=world.manager, member=world.panel["b"])
    assert world.round.panel.count() == 3
    assert not AuditEvent.objects.filter(action="grants.panel_member_removed").exists()
