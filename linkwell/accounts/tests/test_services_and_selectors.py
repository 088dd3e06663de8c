from __future__ import annotations

import pytest

from linkwell.accounts import selectors, services
from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ValidationFailed
from tests.personas import make_user


def test_organisation_create_audits_it_and_refuses_a_duplicate(personas) -> None:
    org = services.organisation_create(
        actor=personas.admin,
        name="Halton Community Wellbeing Practice",
        kind=OrganisationKind.GP_PRACTICE,
        area=personas.area,
        require_two_factor=True,
    )
    assert org.require_two_factor
    event = AuditEvent.objects.get(action="organisation_created")
    assert event.changes["kind"] == [None, "gp_practice"]
    assert event.organisation_id == org.pk
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_create(
            actor=personas.admin,
            name="Halton Community Wellbeing Practice",
            kind=OrganisationKind.GP_PRACTICE,
        )
    assert exc.value.errors["name"] == [
        "There is already a GP practice called Halton Community Wellbeing Practice."
    ]


def test_organisation_create_rejects_an_unknown_kind(personas) -> None:
    with pytest.raises(ValidationFailed, match="'surgery' is not an organisation kind"):
        services.organisation_create(actor=personas.admin, name="X", kind="surgery")
    assert not Organisation.objects.filter(name="X").exists()


def test_a_user_may_hold_several_memberships_and_granting_twice_changes_nothing(
    personas,
) -> None:
    lw = personas.link_worker
    services.membership_grant(
        actor=personas.admin, user=lw, organisation=personas.practice, role=Role.REFERRER
    )
    services.membership_grant(
        actor=personas.admin, user=lw, organisation=personas.practice, role=Role.REFERRER
    )
    assert Membership.objects.filter(user=lw).count() == 2
    assert AuditEvent.objects.filter(action="membership_created").count() == 1
    assert AuditEvent.objects.filter(action="membership_updated").count() == 0
    assert set(selectors.organisation_ids_for_user(user=lw)) == {
        personas.link_worker_service.pk,
        personas.practice.pk,
    }


def test_saving_a_user_never_copies_the_password_hash_or_totp_secret_into_the_trail(
    personas,
) -> None:
    user = User.objects.get(pk=personas.owner.pk)
    user.set_password("Another-Strong-Pass-9")
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    user.full_name = "Owen Owner"
    services.account_record_save(actor=personas.admin, obj=user)
    event = AuditEvent.objects.get(action="user_updated")
    assert event.changes["password"] == ["(redacted)", "(redacted)"]
    assert event.changes["totp_secret"] == ["(redacted)", "(redacted)"]
    assert event.changes["full_name"] == ["Owner", "Owen Owner"]
    assert "JBSWY3DPEHPK3PXP" not in str(event.changes)


def test_a_save_that_changes_nothing_writes_no_event(personas) -> None:
    services.account_record_save(actor=personas.admin, obj=personas.area)
    assert not AuditEvent.objects.exists()


def test_administrators_are_superusers_or_hold_a_writable_administrator_role(personas) -> None:
    assert selectors.user_is_administrator(user=personas.admin)
    assert not selectors.user_is_administrator(user=personas.team_manager)
    ro = make_user(
        "ro-admin@linkwell.example",
        personas.link_worker_service,
        Role.ADMINISTRATOR,
        read_only=True,
    )
    assert not selectors.user_is_administrator(user=ro)
    role_admin = make_user("ops@linkwell.example", personas.practice, Role.ADMINISTRATOR)
    assert selectors.user_is_administrator(user=role_admin)
    Organisation.objects.filter(pk=personas.practice.pk).update(is_active=False)
    assert not selectors.user_is_administrator(user=role_admin)


def test_two_factor_is_required_only_through_an_active_membership(personas) -> None:
    Organisation.objects.filter(pk=personas.provider_org.pk).update(require_two_factor=True)
    assert selectors.user_requires_two_factor(user=personas.owner)
    assert not selectors.user_requires_two_factor(user=personas.outsider)
    Membership.objects.filter(user=personas.owner).update(is_active=False)
    assert not selectors.user_requires_two_factor(user=personas.owner)


def test_users_can_be_found_by_email_id_or_uuid(personas) -> None:
    owner = personas.owner
    for value in ("OWNER@shed.example", str(owner.pk), str(owner.uuid)):
        assert selectors.user_by_email_or_id(value=value) == owner
    assert selectors.user_by_email_or_id(value="not-an-id") is None
