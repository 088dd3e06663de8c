"""The safeguarding lead's pages: /safeguarding/ (open and resolved concerns) and
/safeguarding/<uuid>/resolve/ (record the outcome), for every persona."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Role, User
from linkwell.audit.models import AuditEvent
from linkwell.casework import services
from linkwell.casework.access import get_concern_for_user
from linkwell.casework.models import Case, SafeguardingConcern
from linkwell.casework.selectors import (
    open_concern_count_for_lead,
    safeguarding_concern_list,
    safeguarding_concerns_for_lead,
)
from linkwell.casework.tests.factories import case_for, make_case, make_person
from linkwell.core.exceptions import ValidationFailed
from linkwell.outcomes.models import CompletedBy, Timepoint
from linkwell.outcomes.services import MeasureInput, measure_record
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

LIST = reverse("casework:safeguarding_list")
RESOLVED = LIST + "?show=resolved"


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)
    return client


def _case(personas: Personas, given_name: str = "Joan", **fields: Any) -> Case:
    return case_for(
        personas, person=make_person(given_name=given_name, family_name="Hughes"), **fields
    )


def _concern(personas: Personas, case: Case, *, days_ago: int = 0) -> SafeguardingConcern:
    concern = services.safeguarding_concern_raise(
        actor=personas.link_worker,
        case=case,
        description=f"Neighbour taking the pension of {case.person.given_name}.",
        lead=personas.team_manager,
    )
    if days_ago:
        SafeguardingConcern.objects.filter(pk=concern.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago)
        )
        concern.refresh_from_db()
    return concern


def _resolve_url(concern: SafeguardingConcern) -> str:
    return reverse("casework:safeguarding_resolve", kwargs={"concern_id": concern.uuid})


# --- The list ----------------------------------------------------------------------------------


def test_the_lead_sees_open_concerns_oldest_first_with_how_long_and_who_raised_them(
    personas: Personas,
) -> None:
    recent = _concern(personas, _case(personas, "Recent"), days_ago=2)
    old = _concern(personas, _case(personas, "Oldest"), days_ago=9)
    done = _concern(personas, _case(personas, "Finished"), days_ago=20)
    services.safeguarding_concern_resolve(
        actor=personas.team_manager, concern=done, outcome="No further action."
    )
    response = _client(personas.team_manager).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Oldest") < html.index("Recent")
    assert "Finished" not in html
    assert "9 days" in html and "2 days" in html
    assert str(personas.link_worker) in html  # who raised it
    assert f"/cases/{old.case.uuid}/" in html and f"/cases/{recent.case.uuid}/" in html
    assert _resolve_url(old) in html
    assert "Open (2)" in html


def test_reading_the_list_is_logged_for_each_person_listed(personas: Personas) -> None:
    first = _concern(personas, _case(personas, "Ann"))
    second = _concern(personas, _case(personas, "Bob"))
    _client(personas.team_manager).get(LIST)
    logged = set(
        AuditEvent.objects.filter(action="access", actor_id=personas.team_manager.pk).values_list(
            "person_id", flat=True
        )
    )
    assert logged == {str(first.case.person.uuid), str(second.case.person.uuid)}


def test_the_resolved_tab_shows_the_outcome_and_who_resolved_it(personas: Personas) -> None:
    _concern(personas, _case(personas, "Stillopen"))
    done = _concern(personas, _case(personas, "Finished"), days_ago=5)
    services.safeguarding_concern_resolve(
        actor=personas.admin, concern=done, outcome="Referred to adult social care, ref 1234."
    )
    html = _client(personas.team_manager).get(RESOLVED).content.decode()
    assert "Finished" in html and "Referred to adult social care, ref 1234." in html
    assert f"by {personas.admin}" in html
    assert "after 5 days open" in html
    assert "Stillopen" not in html


def test_a_lead_who_is_not_a_manager_sees_only_what_was_escalated_to_them(
    personas: Personas,
) -> None:
    # A named lead is a team manager when the concern is raised; if their role changes later,
    # they keep the concerns named to them and lose the rest of the team's.
    mine = _concern(personas, _case(personas, "Mine"))
    SafeguardingConcern.objects.create(case=_case(personas, "Another"), description="Unnamed.")
    membership = personas.team_manager.memberships.get()
    membership.role = Role.LINK_WORKER
    membership.save(update_fields=["role"])
    html = _client(personas.team_manager).get(LIST).content.decode()
    assert "Mine" in html and "Another" not in html
    assert _resolve_url(mine) in html


def test_the_phq9_risk_prompt_concern_appears_in_the_leads_list(personas: Personas) -> None:
    case = _case(personas, "Riskprompt")
    answers = {f"phq9_{n}": 0 for n in range(1, 10)} | {"phq9_9": 2}
    measure_record(
        actor=personas.link_worker,
        case=case,
        data=MeasureInput(
            instrument_id="phq9",
            timepoint=Timepoint.BASELINE,
            administered_on=timezone.localdate(),
            completed_by=CompletedBy.LINK_WORKER,
            answers=answers,
        ),
    )
    concern = SafeguardingConcern.objects.get(case=case)
    html = _client(personas.team_manager).get(LIST).content.decode()
    assert "Riskprompt" in html and "PHQ9 risk prompt" in html
    assert "Not escalated yet" in html
    assert _resolve_url(concern) in html
    # The team manager resolves it, though it was never escalated to anyone by name.
    response = _client(personas.team_manager).post(
        _resolve_url(concern), {"outcome": "Called her the same day; GP informed."}
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.resolved_at is not None


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("team_manager", 200),
        ("admin", 200),
        ("link_worker_teammate", 403),
        ("link_worker", 403),
        ("read_only_link_worker", 403),
        ("other_team_link_worker", 200),  # a team of their own, with nothing in it
        ("owner", 404),
        ("commissioner", 404),
    ],
)
def test_who_may_see_the_list(personas: Personas, persona: str, status: int) -> None:
    personas.other_team.memberships.filter(user=personas.other_team_link_worker).update(
        role=Role.TEAM_MANAGER
    )
    _concern(personas, _case(personas, "Joan"))
    response = _client(getattr(personas, persona)).get(LIST)
    assert response.status_code == status
    html = response.content.decode()
    if persona == "other_team_link_worker":
        assert "Joan" not in html and "No open safeguarding concerns." in html
    elif status == 200:
        assert "Joan" in html
    else:
        assert "Joan" not in html
        assert not AuditEvent.objects.filter(action="access").exists()


def test_anonymous_is_sent_to_sign_in_from_the_list(personas: Personas) -> None:
    response = Client().get(LIST)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("count", [2, 15])
def test_the_list_takes_a_fixed_number_of_queries(
    personas: Personas, count: int, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for n in range(count):
        concern = _concern(personas, _case(personas, f"P{n}"), days_ago=n)
        if n % 2:
            services.safeguarding_concern_resolve(
                actor=personas.team_manager, concern=concern, outcome="Done."
            )
    client = _client(personas.team_manager)
    client.get(LIST)
    # Session, user, memberships (4), the concerns, the access log, the page's navigation (3).
    with django_assert_max_num_queries(11):
        assert client.get(LIST).status_code == 200
    # Adds the pager's count, who resolved each (audit rows) and the open count.
    with django_assert_max_num_queries(14):
        assert client.get(RESOLVED).status_code == 200


# --- Resolving ---------------------------------------------------------------------------------


def test_the_lead_records_the_outcome_and_the_concern_is_resolved(personas: Personas) -> None:
    concern = _concern(personas, _case(personas))
    client = _client(personas.team_manager)
    page = client.get(_resolve_url(concern))
    assert page.status_code == 200
    assert "Neighbour taking the pension of Joan." in page.content.decode()
    access = AuditEvent.objects.get(action="access", object_id=str(concern.uuid))
    assert access.person_id == str(concern.case.person.uuid)
    response = client.post(_resolve_url(concern), {"outcome": "Referred to adult social care."})
    assert response.status_code == 302 and response["Location"] == LIST
    concern.refresh_from_db()
    assert concern.resolved_at is not None
    assert concern.outcome == "Referred to adult social care."
    event = AuditEvent.objects.get(action="casework.safeguarding_concern_resolved")
    assert event.actor_id == personas.team_manager.pk
    assert event.person_id == str(concern.case.person.uuid)
    assert "social care" not in str(event.detail) + str(event.changes)
    # Off the open list, onto the resolved tab; the case page shows the outcome.
    assert "Joan" not in client.get(LIST).content.decode()
    assert "Referred to adult social care." in client.get(RESOLVED).content.decode()
    case_page = client.get(reverse("casework:case_detail", kwargs={"case_id": concern.case.uuid}))
    html = case_page.content.decode()
    assert "Open safeguarding concern" not in html
    assert "Resolved" in html and "Referred to adult social care." in html


def test_an_empty_outcome_is_refused_with_a_specific_message(personas: Personas) -> None:
    concern = _concern(personas, _case(personas))
    response = _client(personas.team_manager).post(_resolve_url(concern), {"outcome": "   "})
    assert response.status_code == 400
    assert "Enter the outcome: what was done about the concern" in response.content.decode()
    concern.refresh_from_db()
    assert concern.resolved_at is None and concern.outcome == ""
    assert not AuditEvent.objects.filter(action="casework.safeguarding_concern_resolved").exists()


def test_resolving_twice_is_refused_and_the_first_outcome_stands(personas: Personas) -> None:
    concern = _concern(personas, _case(personas))
    lead, manager = _client(personas.team_manager), _client(personas.admin)
    # Both open the page while it is open...
    assert lead.get(_resolve_url(concern)).status_code == 200
    assert manager.get(_resolve_url(concern)).status_code == 200
    # ...and both submit: the first wins, the second is told and changes nothing.
    assert lead.post(_resolve_url(concern), {"outcome": "First outcome."}).status_code == 302
    response = manager.post(_resolve_url(concern), {"outcome": "Second outcome."})
    assert response.status_code == 409
    html = response.content.decode()
    assert "This concern has already been resolved" in html
    assert "your outcome was not saved" in html
    assert "First outcome." in html  # what was recorded
    concern.refresh_from_db()
    assert concern.outcome == "First outcome."
    assert AuditEvent.objects.filter(action="casework.safeguarding_concern_resolved").count() == 1


def test_a_stale_copy_cannot_resolve_a_concern_resolved_meanwhile(personas: Personas) -> None:
    concern = _concern(personas, _case(personas))
    stale = SafeguardingConcern.objects.get(pk=concern.pk)
    services.safeguarding_concern_resolve(
        actor=personas.team_manager, concern=concern, outcome="First outcome."
    )
    assert stale.resolved_at is None
    with pytest.raises(ValidationFailed, match="already been resolved"):
        services.safeguarding_concern_resolve(
            actor=personas.admin, concern=stale, outcome="Second outcome."
        )
    concern.refresh_from_db()
    assert concern.outcome == "First outcome."


def test_a_resolved_concern_shows_its_outcome_without_a_form(personas: Personas) -> None:
    concern = _concern(personas, _case(personas))
    services.safeguarding_concern_resolve(
        actor=personas.team_manager, concern=concern, outcome="No further action: explained why."
    )
    html = _client(personas.team_manager).get(_resolve_url(concern)).content.decode()
    assert "No further action: explained why." in html
    assert "Resolve the concern</button>" not in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("team_manager", 200),
        ("admin", 200),
        ("link_worker", 403),  # raised it and is assigned: sees it on the case page only
        ("link_worker_teammate", 403),
        ("read_only_link_worker", 403),
        ("other_team_link_worker", 404),
        ("owner", 404),
        ("commissioner", 404),
    ],
)
def test_who_may_open_and_resolve_a_concern(personas: Personas, persona: str, status: int) -> None:
    concern = _concern(personas, _case(personas))
    client = _client(getattr(personas, persona))
    assert client.get(_resolve_url(concern)).status_code == status
    if status != 200:
        assert not AuditEvent.objects.filter(action="access").exists()
        assert client.post(_resolve_url(concern), {"outcome": "x"}).status_code == status
        concern.refresh_from_db()
        assert concern.resolved_at is None


def test_anonymous_is_sent_to_sign_in_from_a_concern(personas: Personas) -> None:
    concern = _concern(personas, _case(personas))
    for response in (
        Client().get(_resolve_url(concern)),
        Client().post(_resolve_url(concern), {"outcome": "x"}),
    ):
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    concern.refresh_from_db()
    assert concern.resolved_at is None


def test_an_unknown_concern_is_404(personas: Personas) -> None:
    url = reverse(
        "casework:safeguarding_resolve",
        kwargs={"concern_id": "00000000-0000-0000-0000-000000000000"},
    )
    assert _client(personas.team_manager).get(url).status_code == 404


def test_the_named_lead_is_linked_to_the_outcome_page_from_the_case_page(
    personas: Personas,
) -> None:
    concern = _concern(personas, _case(personas))
    url = reverse("casework:case_detail", kwargs={"case_id": concern.case.uuid})
    assert _resolve_url(concern) in _client(personas.team_manager).get(url).content.decode()
    assert _resolve_url(concern) not in _client(personas.link_worker).get(url).content.decode()


def test_the_team_page_links_to_the_safeguarding_concerns(personas: Personas) -> None:
    html = _client(personas.team_manager).get(reverse("casework:team")).content.decode()
    assert LIST in html


@pytest.mark.parametrize(
    ("persona", "read", "resolve"),
    [
        ("team_manager", 200, 200),  # the named lead
        ("admin", 200, 200),
        ("link_worker", 200, 403),  # raised it and is assigned: may read, not resolve
        ("link_worker_teammate", 403, 403),
        ("read_only_link_worker", 403, 403),
        ("other_team_link_worker", 404, 404),
        ("owner", 404, 404),
    ],
)
def test_the_concern_access_helper_reads_and_resolves_for_the_right_people(
    personas: Personas, persona: str, read: int, resolve: int
) -> None:
    concern = _concern(personas, _case(personas))
    user = getattr(personas, persona)
    for flag, expected in ((False, read), (True, resolve)):
        if expected == 200:
            found = get_concern_for_user(user, concern.uuid, resolve=flag)
            assert found == concern and found.case.person == concern.case.person
        else:
            error = Http404 if expected == 404 else PermissionDenied
            with pytest.raises(error):
                get_concern_for_user(user, concern.uuid, resolve=flag)


# --- Who resolved it ---------------------------------------------------------------------------


def test_resolving_records_who_resolved_the_concern(personas: Personas) -> None:
    concern = _concern(personas, _case(personas))
    services.safeguarding_concern_resolve(
        actor=personas.admin, concern=concern, outcome="Discussed with the GP."
    )
    assert concern.resolved_by == personas.admin
    assert SafeguardingConcern.objects.get(pk=concern.pk).resolved_by == personas.admin


def test_the_resolved_tab_names_the_resolver_kept_on_the_concern(personas: Personas) -> None:
    # No audit row here: the page reads the concern, not the audit trail.
    SafeguardingConcern.objects.create(
        case=_case(personas, "Imported"),
        description="Carried over from the old system.",
        lead=personas.team_manager,
        resolved_at=timezone.now(),
        resolved_by=personas.admin,
        outcome="Closed before the move.",
    )
    assert not AuditEvent.objects.filter(action="casework.safeguarding_concern_resolved").exists()
    html = _client(personas.team_manager).get(RESOLVED).content.decode()
    assert "Imported" in html and f"by {personas.admin}" in html


def test_whoever_loses_a_race_to_resolve_is_told_who_won(personas: Personas) -> None:
    concern = _concern(personas, _case(personas))
    lead, manager = _client(personas.team_manager), _client(personas.admin)
    assert manager.get(_resolve_url(concern)).status_code == 200
    assert lead.post(_resolve_url(concern), {"outcome": "First outcome."}).status_code == 302
    response = manager.post(_resolve_url(concern), {"outcome": "Second outcome."})
    assert response.status_code == 409
    assert f"by {personas.team_manager}" in response.content.decode()
    concern.refresh_from_db()
    assert concern.resolved_by == personas.team_manager


def test_the_migration_fills_in_who_resolved_earlier_concerns_from_the_audit_trail(
    personas: Personas,
) -> None:
    migration = importlib.import_module(
        "linkwell.casework.migrations.0002_safeguarding_concern_resolved_by"
    )
    audited = _concern(personas, _case(personas, "Audited"))
    services.safeguarding_concern_resolve(
        actor=personas.admin, concern=audited, outcome="Referred on."
    )
    gone = _concern(personas, _case(personas, "Gone"))
    unaudited = _concern(personas, _case(personas, "Unaudited"))
    for concern in (gone, unaudited):
        SafeguardingConcern.objects.filter(pk=concern.pk).update(
            resolved_at=timezone.now(), outcome="Resolved before the field existed."
        )
    # Resolved by an account that no longer exists.
    AuditEvent.objects.create(
        at=timezone.now(),
        actor_id=10**9,
        actor_label="left@linkwell.example",
        action="casework.safeguarding_concern_resolved",
        object_type="casework.safeguardingconcern",
        object_id=str(gone.uuid),
    )
    _concern(personas, _case(personas, "Open"))
    kept = _concern(personas, _case(personas, "Kept"))
    services.safeguarding_concern_resolve(
        actor=personas.team_manager, concern=kept, outcome="Done."
    )
    # As before the field existed, except `kept`, which already names its resolver (not the
    # audit row's actor, so overwriting it would show).
    SafeguardingConcern.objects.exclude(pk=kept.pk).update(resolved_by=None)
    SafeguardingConcern.objects.filter(pk=kept.pk).update(resolved_by=personas.admin)

    migration.fill_resolved_by(apps, None)

    resolvers = dict(
        SafeguardingConcern.objects.values_list("case__person__given_name", "resolved_by")
    )
    assert resolvers == {
        "Audited": personas.admin.pk,
        "Gone": None,
        "Unaudited": None,
        "Open": None,
        "Kept": personas.admin.pk,
    }


# --- The count on the team page ----------------------------------------------------------------


def test_the_team_page_shows_how_many_open_concerns_the_manager_handles(
    personas: Personas,
) -> None:
    _concern(personas, _case(personas, "Ann"))
    _concern(personas, _case(personas, "Bob"))
    done = _concern(personas, _case(personas, "Cat"))
    services.safeguarding_concern_resolve(
        actor=personas.team_manager, concern=done, outcome="No further action."
    )
    # Another team's concern is not theirs to handle.
    SafeguardingConcern.objects.create(
        case=make_case(service=personas.other_team, person=make_person(given_name="Dan")),
        description="Elsewhere.",
    )
    html = _client(personas.team_manager).get(reverse("casework:team")).content.decode()
    assert "Safeguarding concerns (2 open)" in html
    assert "Open (2)" in _client(personas.team_manager).get(LIST).content.decode()


def test_the_team_page_count_is_zero_when_nothing_is_open(personas: Personas) -> None:
    html = _client(personas.team_manager).get(reverse("casework:team")).content.decode()
    assert "Safeguarding concerns (0 open)" in html


@pytest.mark.parametrize(
    "change",
    ["none", "lead_no_longer_manager", "read_only_manager", "other_team_manager"],
)
def test_the_count_agrees_with_the_lists_open_tab(
    personas: Personas, change: str, django_assert_num_queries: Callable[..., Any]
) -> None:
    user = personas.team_manager
    _concern(personas, _case(personas, "Named"))
    SafeguardingConcern.objects.create(case=_case(personas, "Unnamed"), description="Risk.")
    SafeguardingConcern.objects.create(
        case=make_case(service=personas.other_team, person=make_person(given_name="Far")),
        description="Elsewhere.",
    )
    membership = personas.team_manager.memberships.get()
    if change == "lead_no_longer_manager":
        membership.role = Role.LINK_WORKER
        membership.save(update_fields=["role"])
    elif change == "read_only_manager":
        membership.read_only = True
        membership.save(update_fields=["read_only"])
    elif change == "other_team_manager":
        user = personas.other_team_link_worker
        personas.other_team.memberships.filter(user=user).update(role=Role.TEAM_MANAGER)
    scoped = safeguarding_concerns_for_lead(user=user)
    expected = (
        0
        if scoped is None
        else safeguarding_concern_list(user=user, concerns=scoped, show_resolved=True).open_count
    )
    assert (
        expected
        == {
            "none": 2,
            "lead_no_longer_manager": 1,
            "read_only_manager": 0,
            "other_team_manager": 1,
        }[change]
    )
    with django_assert_num_queries(1):
        assert open_concern_count_for_lead(user=user) == expected
