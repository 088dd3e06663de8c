"""Recording measures (validation first, audited, the PHQ-9 risk alert), schedules and when
measures are due, licensed item text, and self-completion links (expiry, reuse, revocation)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.test import override_settings
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import SafeguardingConcern, WellbeingReview
from linkwell.casework.tests.factories import referred_case
from linkwell.core import notify
from linkwell.core.exceptions import ValidationFailed
from linkwell.outcomes.models import (
    CompletedBy,
    MeasureAdministration,
    MeasureSchedule,
    SelfCompletionLink,
    Timepoint,
)
from linkwell.outcomes.registry import LicensedTextError, get_instrument
from linkwell.outcomes.selectors import (
    ScheduleSpec,
    baseline_measures_for_review,
    due_for_case,
    measures_due_for_cases,
)
from linkwell.outcomes.selfcomplete import (
    SALT,
    LinkUnusable,
    self_link_complete,
    self_link_create,
    self_link_for_token,
    self_link_revoke,
    self_link_send,
)
from linkwell.outcomes.services import MeasureInput, measure_record, measure_schedule_set
from tests.personas import Personas

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def _input(**changes: Any) -> MeasureInput:
    values: dict[str, Any] = {
        "instrument_id": "phq9",
        "timepoint": Timepoint.BASELINE,
        "administered_on": timezone.localdate(),
        "completed_by": CompletedBy.LINK_WORKER,
        "answers": {f"phq9_{n}": 1 for n in range(1, 10)} | {"phq9_9": 0},
    }
    values.update(changes)
    return MeasureInput(**values)


def test_recording_stores_the_score_band_and_answers_and_audits_it(personas: Personas) -> None:
    case = referred_case(personas)
    row = measure_record(actor=personas.link_worker, case=case, data=_input())
    assert (row.raw, row.score, row.band) == (8, 8, "Mild")
    assert row.instrument_version == "1" and row.recorded_by == personas.link_worker
    assert row.item_scores["phq9_1"] == {
        "label": "Little interest or pleasure",
        "score": 1,
        "band": None,
    }
    event = AuditEvent.objects.get(action="outcomes.measure_recorded")
    assert event.person_id == str(case.person.uuid)
    assert event.detail["score"] == 8 and event.detail["instrument"] == "phq9@1"
    assert not SafeguardingConcern.objects.filter(case=case).exists()


def test_bad_answers_change_nothing_and_say_what_is_wrong(personas: Personas) -> None:
    case = referred_case(personas)
    bad = _input(
        answers={"phq9_1": 5},
        administered_on=timezone.localdate() + dt.timedelta(days=1),
        timepoint="later",
    )
    with pytest.raises(ValidationFailed) as info:
        measure_record(actor=personas.link_worker, case=case, data=bad)
    errors = info.value.errors
    assert errors["answers"] == [
        "PHQ-9 item 1 (Little interest or pleasure): 5 is not allowed; answer a whole number from 0 to 3"
    ]
    assert errors["administered_on"] == ["The date must be today or in the past"]
    assert "timepoint" in errors
    assert not MeasureAdministration.objects.exists()
    assert not AuditEvent.objects.filter(action="outcomes.measure_recorded").exists()


def test_phq9_item_9_flags_the_case_and_audits_the_risk_alert(personas: Personas) -> None:
    case = referred_case(personas)
    answers = {f"phq9_{n}": 0 for n in range(1, 10)} | {"phq9_9": 2}
    row = measure_record(actor=personas.link_worker, case=case, data=_input(answers=answers))
    assert row.alerts == [
        {"item": "phq9_9", "kind": "risk", "title": get_instrument("phq9").alerts[0].title}
    ]
    concern = SafeguardingConcern.objects.get(case=case)
    assert concern.resolved_at is None and "item answer 2" in concern.description
    event = AuditEvent.objects.get(action="outcomes.risk_alert_raised")
    assert event.detail["item"] == "phq9_9" and event.person_id == str(case.person.uuid)


def test_a_total_from_paper_is_scored_and_marked(personas: Personas) -> None:
    case = referred_case(personas)
    row = measure_record(
        actor=personas.link_worker,
        case=case,
        data=_input(instrument_id="swemwbs", answers={}, total=23, completed_by=CompletedBy.PAPER),
    )
    assert (row.raw, row.score, row.total_only) == (23, 20.73, True)
    with pytest.raises(ValidationFailed, match="either each item's answer or the total"):
        measure_record(
            actor=personas.link_worker,
            case=case,
            data=_input(instrument_id="ucla3", answers={"companionship": 1}, total=5),
        )


def test_a_baseline_is_linked_to_its_review_and_shown_by_the_casework_hook(
    personas: Personas,
) -> None:
    case = referred_case(personas)
    review = WellbeingReview.objects.create(
        case=case, held_on=timezone.localdate(), what_matters="Her garden"
    )
    row = measure_record(
        actor=personas.link_worker,
        case=case,
        data=_input(
            instrument_id="ons4",
            answers={"life_satisfaction": 4, "worthwhile": 6, "happiness": 5, "anxiety": 7},
            review=review,
        ),
    )
    assert baseline_measures_for_review(review) == [row]
    assert "Life satisfaction 4" in str(row)


def test_the_review_page_shows_no_invented_baseline_scores(personas: Personas) -> None:
    case = referred_case(personas)
    review = WellbeingReview.objects.create(
        case=case, held_on=timezone.localdate(), what_matters="Her garden"
    )
    assert baseline_measures_for_review(review) == []


def test_goal_attainment_rates_the_plan_goals(personas: Personas) -> None:
    case = referred_case(personas)
    row = measure_record(
        actor=personas.link_worker,
        case=case,
        data=_input(
            instrument_id="goal-attainment",
            timepoint=Timepoint.WEEK_4,
            answers={"g1": 10, "g2": 6},
            item_ids=["g1", "g2"],
        ),
    )
    assert row.score == 8 and row.item_scores["g1"]["score"] == 10


def test_staff_satisfaction_is_recorded_without_a_case(personas: Personas) -> None:
    row = measure_record(
        actor=personas.team_manager,
        case=None,
        organisation=personas.link_worker_service,
        respondent_organisation=personas.practice,
        data=_input(
            instrument_id="staff-satisfaction",
            timepoint=Timepoint.OTHER,
            completed_by=CompletedBy.STAFF,
            answers={"satisfaction": 7},
        ),
    )
    assert row.band == "6 or more" and row.case is None
    with pytest.raises(ValidationFailed, match="is recorded on a person's case"):
        measure_record(
            actor=personas.team_manager,
            case=None,
            organisation=personas.link_worker_service,
            data=_input(),
        )


# --- Licensed item text ------------------------------------------------------------------------


def test_licensed_item_text_is_loaded_from_the_deployer_s_folder(tmp_path: Path) -> None:
    assert not get_instrument("swemwbs").has_item_text
    texts = {f"swemwbs_{n}": f"Licensed statement {n}" for n in range(1, 8)}
    (tmp_path / "swemwbs.json").write_text(
        json.dumps({"preamble": "Over the last 2 weeks", "items": texts})
    )
    with override_settings(LICENSED_ITEM_TEXT_DIR=str(tmp_path)):
        swemwbs = get_instrument("swemwbs")
        assert swemwbs.has_item_text and swemwbs.items[0].text == "Licensed statement 1"
        assert swemwbs.preamble == "Over the last 2 weeks"
    (tmp_path / "wemwbs.json").write_text(json.dumps({"items": {"nope": "x"}}))
    with (
        override_settings(LICENSED_ITEM_TEXT_DIR=str(tmp_path)),
        pytest.raises(LicensedTextError, match="“nope” is not an item of wemwbs"),
    ):
        get_instrument("wemwbs")


# --- Schedules and measures due ----------------------------------------------------------------


def test_measures_fall_due_from_the_review_through_each_timepoint() -> None:
    spec = ScheduleSpec(
        instruments=("ons4", "swemwbs"), timepoints=("baseline", "week_4", "month_3")
    )
    review = TODAY
    due = due_for_case(spec=spec, baseline_on=review, recorded=set(), today=TODAY)
    assert [(d.instrument_id, d.timepoint) for d in due] == [
        ("ons4", "baseline"),
        ("swemwbs", "baseline"),
    ]
    recorded = {("ons4", "baseline"), ("swemwbs", "baseline")}
    assert due_for_case(spec=spec, baseline_on=review, recorded=recorded, today=TODAY) == []
    # The 4-week measures open a week early (day 21) and run until the 3-month window opens.
    day = TODAY + dt.timedelta(days=21)
    assert [
        d.timepoint
        for d in due_for_case(spec=spec, baseline_on=review, recorded=recorded, today=day)
    ] == ["week_4", "week_4"]
    late = TODAY + dt.timedelta(days=45)
    week4 = due_for_case(spec=spec, baseline_on=review, recorded=recorded, today=late)
    assert all(d.overdue for d in week4)
    # The last timepoint stays due for 90 days, then is no longer shown.
    assert due_for_case(
        spec=spec, baseline_on=review, recorded=recorded, today=TODAY + dt.timedelta(days=91)
    )
    assert not due_for_case(
        spec=spec, baseline_on=review, recorded=recorded, today=TODAY + dt.timedelta(days=182)
    )
    assert due_for_case(spec=spec, baseline_on=None, recorded=set(), today=TODAY) == []


def test_a_service_s_own_schedule_replaces_the_default(personas: Personas) -> None:
    case = referred_case(personas)
    WellbeingReview.objects.create(case=case, held_on=TODAY, what_matters="x")
    due = measures_due_for_cases([case], today=TODAY)
    assert [d.instrument_id for d in due[0][1]] == ["ons4", "swemwbs"]  # settings default
    measure_schedule_set(
        actor=personas.team_manager,
        organisation=personas.link_worker_service,
        instruments=["phq9", "gad7"],
        timepoints=["month_6", "baseline"],
    )
    schedule = MeasureSchedule.objects.get(organisation=personas.link_worker_service)
    assert schedule.timepoints == ["baseline", "month_6"]
    assert AuditEvent.objects.filter(action="outcomes.schedule_set").exists()
    due = measures_due_for_cases([case], today=TODAY)
    assert [d.instrument_id for d in due[0][1]] == ["phq9", "gad7"]
    # No 4-week timepoint in this schedule: at day 28 only the missed baselines show, overdue.
    later = measures_due_for_cases([case], today=TODAY + dt.timedelta(days=28))[0][1]
    assert {(d.timepoint, d.overdue) for d in later} == {("baseline", True)}


def test_a_bad_schedule_is_refused_with_reasons(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as info:
        measure_schedule_set(
            actor=personas.team_manager,
            organisation=personas.practice,
            instruments=["nope"],
            timepoints=["week_4", "fortnight"],
        )
    errors = info.value.errors
    assert "is not a link-worker service" in errors["organisation"][0]
    assert errors["instruments"] == ["No measure called nope"]
    assert any("fortnight" in e for e in errors["timepoints"])
    assert "The schedule must start with a baseline" in errors["timepoints"]


def test_measures_due_for_a_caseload_take_three_queries(
    personas: Personas, django_assert_num_queries: Callable[..., Any]
) -> None:
    cases = [
        referred_case(personas, given_name=f"P{n}", email=f"p{n}@example.org") for n in range(6)
    ]
    for case in cases:
        WellbeingReview.objects.create(case=case, held_on=TODAY, what_matters="x")
    measure_record(
        actor=personas.link_worker,
        case=cases[0],
        data=_input(
            instrument_id="ons4",
            answers={"life_satisfaction": 4, "worthwhile": 6, "happiness": 5, "anxiety": 7},
            administered_on=TODAY,
        ),
    )
    with django_assert_num_queries(3):
        due = measures_due_for_cases(cases, today=TODAY)
    assert len(due) == 6
    assert [d.instrument_id for d in due[0][1]] == ["swemwbs"]


# --- Self-completion links ---------------------------------------------------------------------


def test_a_link_records_the_person_s_answers_once(personas: Personas) -> None:
    case = referred_case(personas)
    link, token = self_link_create(
        actor=personas.link_worker, case=case, instrument_id="gad7", timepoint=Timepoint.MONTH_3
    )
    assert self_link_for_token(token) == link
    row = self_link_complete(link=link, answers={f"gad7_{n}": 2 for n in range(1, 8)})
    assert (row.score, row.band, row.completed_by, row.recorded_by) == (
        14,
        "Moderate",
        "self",
        None,
    )
    link.refresh_from_db()
    assert link.used_at is not None and link.administration == row
    with pytest.raises(LinkUnusable, match="already been completed"):
        self_link_for_token(token)
    with pytest.raises(LinkUnusable):
        self_link_complete(link=link, answers={f"gad7_{n}": 0 for n in range(1, 8)})
    assert MeasureAdministration.objects.count() == 1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "outcomes.self_link_created",
        "outcomes.self_link_used",
        "outcomes.measure_recorded",
    } <= actions


def test_a_link_expires_and_can_be_revoked(personas: Personas) -> None:
    case = referred_case(personas)
    link, token = self_link_create(
        actor=personas.link_worker, case=case, instrument_id="ons4", timepoint=Timepoint.WEEK_4
    )
    with override_settings(OUTCOMES_SELF_LINK_DAYS=1):
        later = timezone.now() + dt.timedelta(days=2)
        old = signing.TimestampSigner(salt=SALT)
        # A token signed two days ago is refused on its own signature's age.
        with (
            mock.patch("django.core.signing.time.time", return_value=later.timestamp()),
            pytest.raises(LinkUnusable, match="expired"),
        ):
            self_link_for_token(token)
        assert old.unsign(token)  # still a genuine signature
    SelfCompletionLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    with pytest.raises(LinkUnusable, match="expired"):
        self_link_for_token(token)
    with pytest.raises(LinkUnusable, match="not valid"):
        self_link_for_token(token[:-2] + "xx")
    with pytest.raises(LinkUnusable, match="not valid"):
        self_link_for_token(signing.TimestampSigner(salt="another").sign(str(link.uuid)))
    other, other_token = self_link_create(
        actor=personas.link_worker, case=case, instrument_id="ons4", timepoint=Timepoint.WEEK_4
    )
    self_link_revoke(actor=personas.link_worker, link=other)
    with pytest.raises(LinkUnusable, match="no longer valid"):
        self_link_for_token(other_token)


def test_links_are_only_made_for_measures_the_person_can_read(personas: Personas) -> None:
    case = referred_case(personas)
    with pytest.raises(ValidationFailed, match="licensed and not loaded"):
        self_link_create(
            actor=personas.link_worker, case=case, instrument_id="swemwbs", timepoint="baseline"
        )
    with pytest.raises(ValidationFailed, match="cannot be completed by the person"):
        self_link_create(
            actor=personas.link_worker,
            case=case,
            instrument_id="goal-attainment",
            timepoint="baseline",
        )


def test_a_link_is_sent_only_with_consent_by_the_preferred_method(personas: Personas) -> None:
    notify.outbox.clear()
    case = referred_case(personas)
    link, _ = self_link_create(
        actor=personas.link_worker, case=case, instrument_id="ons4", timepoint="baseline"
    )
    outcome = self_link_send(actor=personas.link_worker, link=link, url="https://x/m/t/")
    # The development backend prints it: the worker is told it did not go.
    assert not outcome.sent and "not sent (development backend) by email" in outcome.text
    assert notify.outbox[-1].to == "joan@example.org" and "https://x/m/t/" in notify.outbox[-1].body
    assert AuditEvent.objects.filter(action="outcomes.self_link_not_sent").exists()
    with override_settings(NOTIFY_BACKEND="linkwell.core.notify.EmailBackend"):
        outcome = self_link_send(actor=personas.link_worker, link=link, url="https://x/m/t/")
    assert outcome.sent and outcome.text == "The link was sent by email."
    assert AuditEvent.objects.filter(action="outcomes.self_link_sent").exists()
    no_consent = referred_case(
        personas, consent_to_contact=False, given_name="Ann", email="ann@example.org"
    )
    link2, _ = self_link_create(
        actor=personas.link_worker, case=no_consent, instrument_id="ons4", timepoint="baseline"
    )
    with pytest.raises(ValidationFailed, match="has not agreed to be contacted"):
        self_link_send(actor=personas.link_worker, link=link2, url="https://x/m/u/")


def test_a_self_completed_item_9_emails_the_worker_and_managers(
    personas: Personas, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    case = referred_case(personas)
    link, _ = self_link_create(
        actor=personas.link_worker, case=case, instrument_id="phq9", timepoint="week_4"
    )
    with django_capture_on_commit_callbacks(execute=True):
        self_link_complete(link=link, answers={f"phq9_{n}": 0 for n in range(1, 9)} | {"phq9_9": 1})
    assert SafeguardingConcern.objects.filter(case=case, resolved_at__isnull=True).exists()
    mail = [m for m in mailoutbox if "risk conversation" in m.subject]
    assert len(mail) == 1
    assert set(mail[0].to) == {personas.link_worker.email, personas.team_manager.email}
    assert "Joan" not in mail[0].body and case.uuid.hex[:8].upper() in mail[0].body
