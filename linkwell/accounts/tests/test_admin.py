from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.audit.services import audit_record
from tests.personas import make_user

ADMIN = reverse("admin:index")


def test_provider_staff_with_is_staff_but_no_administrator_role_cannot_open_the_admin(
    client, personas
) -> None:
    User.objects.filter(pk=personas.owner.pk).update(is_staff=True)
    client.force_login(personas.owner)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 403
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 302


def test_an_administrator_without_is_staff_cannot_open_the_admin(client, personas) -> None:
    user = make_user("role-only@linkwell.example", personas.link_worker_service, Role.ADMINISTRATOR)
    client.force_login(user)
    assert client.get(ADMIN).status_code == 302


def test_an_anonymous_visitor_is_sent_to_linkwells_own_sign_in(client, db) -> None:
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert response.status_code == 200


def test_a_superuser_administrator_can_open_the_admin(client, personas) -> None:
    client.force_login(personas.admin)
    assert client.get(ADMIN).status_code == 200


def test_a_staff_administrator_who_is_not_a_superuser_can_manage_organisations(
    client, personas
) -> None:
    user = make_user(
        "ops@linkwell.example", personas.link_worker_service, Role.ADMINISTRATOR, is_staff=True
    )
    client.force_login(user)
    assert client.get(ADMIN).status_code == 200
    response = client.post(
        reverse("admin:accounts_organisation_add"),
        {
            "name": "Bolton Fire and Rescue",
            "kind": OrganisationKind.FIRE_AND_RESCUE,
            "ods_code": "",
            "postcode": "",
            "first_contact_target_days": "7",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    org = Organisation.objects.get(name="Bolton Fire and Rescue")
    event = AuditEvent.objects.get(action="organisation_created", object_id=str(org.uuid))
    assert event.actor_id == user.pk
    assert event.changes["name"] == [None, "Bolton Fire and Rescue"]
    # ...but cannot make anyone a superuser.
    page = client.get(reverse("admin:accounts_user_change", args=[personas.owner.pk]))
    assert 'name="is_superuser"' not in page.content.decode()


def test_an_admin_edit_is_audited_with_old_and_new_values(client, personas) -> None:
    client.force_login(personas.admin)
    org = personas.provider_org
    response = client.post(
        reverse("admin:accounts_organisation_change", args=[org.pk]),
        {
            "name": org.name,
            "kind": org.kind,
            "ods_code": "",
            "area": personas.area.pk,
            "postcode": "",
            "require_two_factor": "on",
            "first_contact_target_days": "7",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="organisation_updated")
    assert event.changes == {"require_two_factor": [False, True]}
    assert event.organisation_id == org.pk
    assert event.actor_id == personas.admin.pk
    assert event.channel == "web"


def test_a_membership_granted_in_the_admin_is_audited(client, personas) -> None:
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": personas.outsider.pk,
            "organisation": personas.provider_org.pk,
            "role": Role.PROVIDER_STAFF,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    m = Membership.objects.get(user=personas.outsider, organisation=personas.provider_org)
    event = AuditEvent.objects.get(action="membership_created")
    assert event.object_id == str(m.uuid)
    assert event.organisation_label == personas.provider_org.name


def test_a_user_deleted_in_the_admin_is_audited_without_their_password_hash(
    client, personas
) -> None:
    client.force_login(personas.admin)
    victim = personas.outsider
    response = client.post(reverse("admin:accounts_user_delete", args=[victim.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=victim.pk).exists()
    event = AuditEvent.objects.get(action="user_deleted")
    assert event.changes["email"] == [victim.email, None]
    assert event.changes["password"] == ["(redacted)", "(redacted)"]


def test_administrators_can_unlock_accounts_and_reset_two_factor(client, personas, clock) -> None:
    client.force_login(personas.admin)
    User.objects.filter(pk=personas.owner.pk).update(
        locked_until=clock.now, failed_login_count=2, totp_secret="JBSWY3DPEHPK3PXP"
    )
    changelist = reverse("admin:accounts_user_changelist")
    for action in ("unlock_accounts", "reset_two_factor"):
        response = client.post(
            changelist, {"action": action, "_selected_action": [personas.owner.pk]}
        )
        assert response.status_code == 302
    personas.owner.refresh_from_db()
    assert personas.owner.locked_until is None
    assert personas.owner.totp_secret == ""
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"account_unlocked", "two_factor_reset"} <= actions


def test_an_administrator_password_change_is_audited(client, personas) -> None:
    client.force_login(personas.admin)
    url = reverse("admin:auth_user_password_change", args=[personas.owner.pk])
    weak = client.post(url, {"password1": "password", "password2": "password"})
    assert weak.status_code == 200
    assert "This password is too common." in weak.content.decode()
    strong = "Brisk-Heron-Lantern-77"
    response = client.post(url, {"password1": strong, "password2": strong})
    assert response.status_code == 302
    personas.owner.refresh_from_db()
    assert personas.owner.check_password(strong)
    event = AuditEvent.objects.get(action="password_changed_by_administrator")
    assert event.actor_id == personas.admin.pk
    assert event.changes == {"password": ["(redacted)", "(redacted)"]}


def test_the_audit_admin_is_view_only_with_no_delete_action(client, personas) -> None:
    with transaction.atomic():
        event = audit_record(
            actor=personas.owner,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            obj=personas.provider_org,
        )
    client.force_login(personas.admin)
    changelist = client.get(reverse("admin:audit_auditevent_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    response = client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "tampered"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert AuditEvent.objects.filter(pk=event.pk, action="directory.service_updated").exists()


def test_signing_out_of_the_admin_is_audited(client, personas) -> None:
    client.force_login(personas.admin)
    client.post(reverse("admin:logout"))
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action="signed_out", detail__reason="admin_sign_out", actor_id=personas.admin.pk
    ).exists()


def test_an_administrator_changing_their_own_password_is_audited(client, personas) -> None:
    client.force_login(personas.admin)
    new = "Brisk-Heron-Lantern-77"
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": "Correct-Horse-42!", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="password_changed")
    assert event.actor_id == personas.admin.pk


def test_django_groups_are_not_offered_because_roles_come_from_memberships(
    client, personas
) -> None:
    client.force_login(personas.admin)
    assert "/admin/auth/group/" not in client.get(ADMIN).content.decode()


def _ops_administrator(personas) -> User:
    """An administrator by role who is not a superuser."""
    return make_user(
        "ops@linkwell.example", personas.link_worker_service, Role.ADMINISTRATOR, is_staff=True
    )


STRONG = "Brisk-Heron-Lantern-77"


def test_an_administrator_who_is_not_a_superuser_cannot_set_a_superusers_password(
    client, personas
) -> None:
    client.force_login(_ops_administrator(personas))
    url = reverse("admin:auth_user_password_change", args=[personas.admin.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 403
    personas.admin.refresh_from_db()
    assert not personas.admin.check_password(STRONG)
    assert not AuditEvent.objects.filter(action="password_changed_by_administrator").exists()
    # An ordinary user's password they can still set.
    url = reverse("admin:auth_user_password_change", args=[personas.owner.pk])
    assert client.post(url, {"password1": STRONG, "password2": STRONG}).status_code == 302
    personas.owner.refresh_from_db()
    assert personas.owner.check_password(STRONG)


def test_an_administrator_who_is_not_a_superuser_cannot_change_a_superusers_email(
    client, personas
) -> None:
    client.force_login(_ops_administrator(personas))
    url = reverse("admin:accounts_user_change", args=[personas.admin.pk])
    page = client.get(url)
    assert page.status_code == 200  # they may look...
    assert 'name="_save"' not in page.content.decode()  # ...but not change
    response = client.post(
        url,
        {
            "email": "attacker@evil.example",
            "full_name": "Admin",
            "is_active": "on",
            "is_staff": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 403
    personas.admin.refresh_from_db()
    assert personas.admin.email == "admin@linkwell.example"


def test_an_administrator_who_is_not_a_superuser_cannot_delete_a_superuser(
    client, personas
) -> None:
    client.force_login(_ops_administrator(personas))
    url = reverse("admin:accounts_user_delete", args=[personas.admin.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [personas.admin.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=personas.admin.pk).exists()
    assert not AuditEvent.objects.filter(action="user_deleted").exists()


def test_an_administrator_who_is_not_a_superuser_cannot_unlock_or_reset_a_superuser(
    client, personas, clock
) -> None:
    locked = {"locked_until": clock.now, "failed_login_count": 2, "totp_secret": "JBSWY3DPEHPK3PXP"}
    User.objects.filter(pk__in=[personas.admin.pk, personas.owner.pk]).update(**locked)
    client.force_login(_ops_administrator(personas))
    changelist = reverse("admin:accounts_user_changelist")
    for action in ("unlock_accounts", "reset_two_factor"):
        response = client.post(
            changelist,
            {"action": action, "_selected_action": [personas.admin.pk, personas.owner.pk]},
            follow=True,
        )
        assert "only a superuser can do that" in response.content.decode()
    personas.admin.refresh_from_db()
    assert personas.admin.locked_until is not None
    assert personas.admin.totp_secret == "JBSWY3DPEHPK3PXP"
    personas.owner.refresh_from_db()  # the ordinary account selected alongside was handled
    assert personas.owner.locked_until is None
    assert personas.owner.totp_secret == ""
    assert not AuditEvent.objects.filter(object_id=str(personas.admin.uuid)).exists()


def test_a_superuser_can_still_manage_another_superuser(client, personas) -> None:
    other = make_user("root@linkwell.example", None, None, is_staff=True, is_superuser=True)
    client.force_login(personas.admin)
    url = reverse("admin:auth_user_password_change", args=[other.pk])
    assert client.post(url, {"password1": STRONG, "password2": STRONG}).status_code == 302
    other.refresh_from_db()
    assert other.check_password(STRONG)


def test_an_organisation_with_members_cannot_be_deleted_and_the_admin_says_why(
    client, personas
) -> None:
    client.force_login(personas.admin)
    org = personas.provider_org
    url = reverse("admin:accounts_organisation_delete", args=[org.pk])
    page = client.get(url).content.decode()
    assert "cannot be deleted while it has 3 memberships" in page
    assert "Is active" in page
    client.post(url, {"post": "yes"})
    client.post(
        reverse("admin:accounts_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [org.pk], "post": "yes"},
    )
    assert Organisation.objects.filter(pk=org.pk).exists()
    assert Membership.objects.filter(organisation=org).count() == 3
    assert not AuditEvent.objects.filter(action="organisation_deleted").exists()


def test_an_organisation_nobody_belongs_to_can_be_deleted_and_it_is_audited(
    client, personas
) -> None:
    client.force_login(personas.admin)
    org = Organisation.objects.create(name="Closed group", kind=OrganisationKind.VCSE_PROVIDER)
    url = reverse("admin:accounts_organisation_delete", args=[org.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Organisation.objects.filter(pk=org.pk).exists()
    assert AuditEvent.objects.get(action="organisation_deleted").object_id == str(org.uuid)


def test_deleting_a_user_lists_the_memberships_that_went_with_them(client, personas) -> None:
    client.force_login(personas.admin)
    victim = personas.owner
    membership = Membership.objects.get(user=victim)
    client.post(reverse("admin:accounts_user_delete", args=[victim.pk]), {"post": "yes"})
    event = AuditEvent.objects.get(action="user_deleted")
    assert event.detail["memberships_removed"] == [
        {
            "organisation": "Oswestry Men's Shed",
            "role": "provider_staff",
            "id": str(membership.uuid),
        }
    ]
