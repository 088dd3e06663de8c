"""Directory write services: editing with optimistic concurrency, verifying, status, capacity
and quality checks. Every write is audited with old and new values; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.directory.models import (
    Attribute,
    CostOption,
    Language,
    Phone,
    QualityCheck,
    QualityCheckKind,
    Schedule,
    Service,
    ServiceStatus,
)
from linkwell.directory.quality import QAStatus, quality_summary
from linkwell.directory.services import (
    quality_check_record,
    service_edit_state,
    service_set_capacity,
    service_set_status,
    service_update,
    service_verify,
)
from linkwell.directory.tests.factories import make_organization, make_service

T = dt.time


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


@pytest.fixture
def service(personas):
    return make_service(
        "Oswestry Men's Shed",
        owner=personas.provider_org,
        lat=52.86,
        lon=-3.05,
        byday="TU",
        opens="10:00",
        closes="12:00",
        free=True,
        accessible="Step-free entrance",
    )


def test_it_saves_an_edit_bumps_the_version_and_audits_old_and_new_values(personas, service):
    updated = service_update(
        actor=personas.owner,
        service=service,
        data={"name": "Oswestry Shed", "description": "Woodwork and a brew", "minimum_age": 18},
        expected_version=1,
    )
    assert updated.name == "Oswestry Shed"
    assert updated.version == 2
    [event] = events("directory.service_updated")
    assert event.actor_id == personas.owner.pk
    assert event.object_id == str(service.uuid)
    assert event.changes["name"] == ["Oswestry Men's Shed", "Oswestry Shed"]
    assert event.changes["minimum_age"] == [None, 18]
    assert "status" not in event.changes


def test_an_edit_makes_the_export_report_our_change_not_the_feeds_older_timestamp(
    personas, service
):
    from linkwell.directory.exchange.hsds import service_to_hsds

    feed_time = timezone.now() - dt.timedelta(days=400)
    Service.objects.filter(pk=service.pk).update(source_last_modified=feed_time)
    service.refresh_from_db()
    assert service_to_hsds(service)["last_modified"].startswith(str(feed_time.year))
    updated = service_update(
        actor=personas.owner, service=service, data={"name": "Shed"}, expected_version=1
    )
    exported = service_to_hsds(updated)["last_modified"]
    assert exported.startswith(str(updated.updated_at.year))
    assert updated.source_last_modified is None


def test_it_refuses_a_save_made_on_top_of_an_older_version_and_changes_nothing(personas, service):
    service_update(
        actor=personas.teammate, service=service, data={"name": "Shed A"}, expected_version=1
    )
    with pytest.raises(ConcurrentEditError, match="changed by someone else"):
        service_update(
            actor=personas.owner,
            service=service,
            data={"name": "Shed B", "description": "Lost update"},
            expected_version=1,
        )
    service.refresh_from_db()
    assert (service.name, service.description, service.version) == ("Shed A", "", 2)
    assert len(events("directory.service_updated")) == 1


def test_an_edit_that_changes_nothing_keeps_the_version_and_writes_no_audit(personas, service):
    same = service_update(
        actor=personas.owner, service=service, data={"name": service.name}, expected_version=1
    )
    assert same.version == 1
    assert events("directory.service_updated") == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"minimum_age": 65, "maximum_age": 18},
            "minimum_age",
            "Minimum age must be lower than the maximum age",
        ),
        ({"minimum_age": 200}, "minimum_age", "Minimum age must be between 0 and 120"),
        (
            {"capacity_available": 9, "capacity_maximum": 5},
            "capacity_available",
            "Places available cannot be more than the maximum",
        ),
        ({"name": "  "}, "name", "Enter the name of the service"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"phone": "call us"}, "phone", "Enter a telephone number"),
        ({"capacity_available": 3_000_000_000}, "capacity_available", "100,000 or fewer"),
        ({"capacity_maximum": "2147483648"}, "capacity_maximum", "100,000 or fewer"),
        ({"url": "https://example.org/" + "a" * 481}, "url", "500 characters or fewer"),
        ({"email": "a" * 64 + "@" + "b.example" * 22 + ".org"}, "email", "254 characters or"),
        ({"cost": "paid"}, "cost_amount", "Enter how much it costs"),
        ({"status": "open-ish"}, "status", "Select whether the service is running"),
        (
            {"schedule": [{"day": "WE", "opens_at": T(14), "closes_at": T(10)}]},
            "schedule.0.closes_at",
            "Closing time must be after opening time",
        ),
    ],
)
def test_it_rejects_invalid_edits_with_a_specific_message_and_saves_nothing(
    personas, service, data, field, message
):
    before = service_edit_state(service)
    with pytest.raises(ValidationFailed) as exc:
        service_update(
            actor=personas.owner,
            service=service,
            data={"description": "Should not be saved", **data},
            expected_version=1,
        )
    assert any(message in m for m in exc.value.errors[field])
    service.refresh_from_db()
    assert service.version == 1
    assert service_edit_state(service) == before
    assert events("directory.service_updated") == []


def test_it_replaces_weekly_sessions_but_keeps_imported_schedules_it_cannot_show(personas, service):
    monthly = Schedule.objects.create(service=service, freq="MONTHLY", byday="1MO")
    service_update(
        actor=personas.owner,
        service=service,
        data={
            "schedule": [
                {"day": "TH", "opens_at": T(13), "closes_at": T(15)},
                {"day": "MO", "opens_at": T(9, 30), "closes_at": T(11)},
            ]
        },
        expected_version=1,
    )
    state = service_edit_state(service)
    assert [(s["day"], s["opens_at"]) for s in state["schedule"]] == [
        ("MO", T(9, 30)),
        ("TH", T(13)),
    ]
    assert Schedule.objects.filter(pk=monthly.pk).exists()
    [event] = events("directory.service_updated")
    assert event.changes["schedule"][0] == [
        {"day": "TU", "opens_at": "10:00:00", "closes_at": "12:00:00"}
    ]


def test_it_records_cost_contact_languages_eligibility_and_access(personas, service):
    service_update(
        actor=personas.owner,
        service=service,
        data={
            "cost": "paid",
            "cost_amount": Decimal("3.5"),
            "phone": "01691 123 456",
            "email": "shed@example.org",
            "languages": ["English", "Welsh"],
            "eligibility_conditions": ["Lives in Oswestry", "Is 50 or over"],
            "accessibility": "Step-free entrance and a hearing loop",
            "referral_mode": "referral",
        },
        expected_version=1,
    )
    service.refresh_from_db()
    [cost] = CostOption.objects.filter(service=service)
    assert (cost.amount, cost.currency) == (Decimal("3.50"), "GBP")
    assert Phone.objects.get(service=service).number == "01691 123 456"
    assert sorted(Language.objects.filter(service=service).values_list("code", flat=True)) == [
        "cy",
        "en",
    ]
    assert list(
        Attribute.objects.filter(link_uuid=service.uuid, link_type="eligibility").values_list(
            "value", flat=True
        )
    ) == ["Lives in Oswestry", "Is 50 or over"]
    state = service_edit_state(service)
    assert state["accessibility"] == "Step-free entrance and a hearing loop"
    assert state["cost"] == "paid" and state["cost_amount"] == Decimal("3.50")
    assert service.accepts_referrals

    service_update(
        actor=personas.owner,
        service=service,
        data={"cost": "free", "cost_amount": Decimal("9"), "phone": "", "languages": ["Welsh"]},
        expected_version=2,
    )
    state = service_edit_state(service)
    assert (state["cost"], state["cost_amount"], state["phone"], state["languages"]) == (
        "free",
        None,
        "",
        ["Welsh"],
    )


def test_it_refuses_access_text_for_a_service_without_a_venue(personas):
    service = make_service("Phone befriending", owner=personas.provider_org)
    with pytest.raises(ValidationFailed) as exc:
        service_update(
            actor=personas.owner,
            service=service,
            data={"accessibility": "Ramp"},
            expected_version=1,
        )
    assert "no venue" in exc.value.errors["accessibility"][0]


def test_verifying_sets_who_and_when_without_counting_as_an_edit(personas, service):
    Service.objects.filter(pk=service.pk).update(last_verified_at=None)
    service.refresh_from_db()
    updated_at, version = service.updated_at, service.version
    verified = service_verify(actor=personas.teammate, service=service)
    assert verified.last_verified_at is not None
    assert verified.last_verified_by == personas.teammate
    assert (verified.updated_at, verified.version) == (updated_at, version)
    assert not verified.is_stale()
    [event] = events("directory.service_verified")
    assert event.actor_id == personas.teammate.pk
    assert event.changes["last_verified_at"][0] is None


def test_verifying_an_outdated_copy_is_refused(personas, service):
    service_set_status(
        actor=personas.owner, service=service, status=ServiceStatus.TEMPORARILY_CLOSED
    )
    with pytest.raises(ConcurrentEditError):
        service_verify(actor=personas.owner, service=service, expected_version=1)
    assert events("directory.service_verified") == []


def test_it_changes_status_as_a_named_audited_action(personas, service):
    closed = service_set_status(
        actor=personas.link_worker, service=service, status=ServiceStatus.TEMPORARILY_CLOSED
    )
    assert (closed.status, closed.version) == ("temporarily closed", 2)
    [event] = events("directory.service_status_changed")
    assert event.changes == {"status": ["active", "temporarily closed"]}
    with pytest.raises(ValidationFailed):
        service_set_status(actor=personas.owner, service=service, status="gone fishing")


def test_it_records_capacity_and_refuses_more_available_than_maximum(personas, service):
    updated = service_set_capacity(actor=personas.owner, service=service, available=3, maximum=12)
    assert (updated.capacity_available, updated.capacity_maximum) == (3, 12)
    assert updated.capacity_updated_at is not None
    [event] = events("directory.service_capacity_changed")
    assert event.changes == {"capacity_available": [None, 3], "capacity_maximum": [None, 12]}
    with pytest.raises(ValidationFailed) as exc:
        service_set_capacity(actor=personas.owner, service=service, available=13, maximum=12)
    assert "cannot be more than the maximum" in exc.value.errors["capacity_available"][0]
    service.refresh_from_db()
    assert service.capacity_available == 3
    with pytest.raises(ValidationFailed) as exc:
        service_set_capacity(
            actor=personas.owner, service=service, available=3, maximum=3_000_000_000
        )
    assert exc.value.errors["capacity_maximum"] == ["Places must be 100,000 or fewer"]


def test_it_records_quality_checks_and_the_provider_becomes_assured(personas):
    org = make_organization(owner=personas.provider_org)
    today = timezone.localdate()
    for kind in QualityCheckKind.values:
        quality_check_record(
            actor=personas.link_worker,
            organization=org,
            kind=kind,
            checked_on=today,
            expires_on=today + dt.timedelta(days=365),
            reference="POL-1",
        )
    assert quality_summary(org.quality_checks.all()).status == QAStatus.ASSURED
    assert QualityCheck.objects.filter(checked_by=personas.link_worker).count() == 3
    assert len(events("directory.quality_check_recorded")) == 3


def test_it_rejects_a_quality_check_that_expires_before_it_was_checked(personas):
    org = make_organization(owner=personas.provider_org)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as exc:
        quality_check_record(
            actor=personas.link_worker,
            organization=org,
            kind=QualityCheckKind.INSURANCE,
            checked_on=today,
            expires_on=today - dt.timedelta(days=1),
            reference="",
        )
    assert exc.value.errors["expires_on"] == [
        "The expiry date must be after the date it was checked"
    ]
    assert not QualityCheck.objects.exists()
