import re
import time
import uuid
from typing import Any

import pytest
from django.core import signing
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.models import AuditEvent
from linkwell.connections.mail import referral_link_token
from linkwell.connections.models import Connection, ConnectionStatus, ProvisionGap
from linkwell.connections.services import connection_accept
from linkwell.directory.taxonomies import taxonomy_seed
from linkwell.people.models import ContactMethod
from tests.personas import PASSWORD

from .factories import (
    SAFEGUARDING,
    SECRET_NOTE,
    journey_case,
    refer,
    shed_service,
    walking_service,
)

S = ConnectionStatus
# What must never reach a provider's page (the person record beyond the shared fields).
SECRETS = ("9434765919", "Hughes", "17 May 1948", "Church Street", SECRET_NOTE, SAFEGUARDING)


@pytest.fixture
def case(personas):
    return journey_case(personas, phone="07700 900123", preferred=ContactMethod.PHONE)


@pytest.fixture
def shed(personas):
    return shed_service(personas)


@pytest.fixture
def referral(personas, case, shed):
    return refer(personas, case, shed, message="Keen on woodwork")


def login(client: Client, user: User) -> Client:
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _url(name: str, **kwargs: Any) -> str:
    return reverse(f"connections:{name}", kwargs=kwargs)


# --- The case team's pages --------------------------------------------------------------------


def test_the_link_worker_sees_the_case_connections_and_the_read_is_logged(
    client, personas, case, referral
):
    response = login(client, personas.link_worker).get(_url("case_connections", case_id=case.uuid))
    assert response.status_code == 200
    assert "Men&#x27;s Shed woodwork" in response.content.decode()
    assert AuditEvent.objects.filter(action="access", person_id=str(case.person.uuid)).exists()


@pytest.mark.parametrize("who", ["other_team_link_worker", "owner", "outsider", "commissioner"])
def test_outsiders_get_404_on_the_case_connections(client, personas, case, who):
    response = login(client, getattr(personas, who)).get(
        _url("case_connections", case_id=case.uuid)
    )
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, case):
    response = client.get(_url("case_connections", case_id=case.uuid))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_read_only_team_member_sees_connections_but_cannot_search_or_connect(
    client, personas, case, shed
):
    login(client, personas.read_only_link_worker)
    page = client.get(_url("case_connections", case_id=case.uuid))
    assert page.status_code == 200 and "Find a service" not in page.content.decode()
    assert client.get(_url("connect_search", case_id=case.uuid)).status_code == 403
    response = client.post(
        _url("connect_service", case_id=case.uuid, service_id=shed.uuid), {"kind": "referral"}
    )
    assert response.status_code == 403
    assert not Connection.objects.exists()


def test_the_link_worker_searches_the_directory_from_the_case(client, personas, case, shed):
    response = login(client, personas.link_worker).get(
        _url("connect_search", case_id=case.uuid), {"q": "woodwork"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 service found" in body
    assert _url("connect_service", case_id=case.uuid, service_id=shed.uuid) in body


def test_a_bad_postcode_in_the_search_is_a_message_not_an_error_page(client, personas, case):
    response = login(client, personas.link_worker).get(
        _url("connect_search", case_id=case.uuid), {"postcode": "XX99 9ZZ"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_the_connect_page_previews_exactly_what_the_provider_will_see(client, personas, case, shed):
    response = login(client, personas.link_worker).get(
        _url("connect_service", case_id=case.uuid, service_id=shed.uuid)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Joan" in body and "07700 900123" in body
    assert "9434765919" not in body.split("What the provider will see")[1]


def test_the_link_worker_refers_from_the_case(client, personas, case, shed):
    response = login(client, personas.link_worker).post(
        _url("connect_service", case_id=case.uuid, service_id=shed.uuid),
        {"kind": "referral", "message": "Likes woodwork"},
    )
    assert response.status_code == 302
    connection = Connection.objects.get()
    assert connection.status == S.REQUESTED and connection.shared["message"] == "Likes woodwork"


def test_a_retried_referral_or_signpost_connects_once(client, personas, case, shed):
    """The browser resends the same form after a timeout: one referral, one signpost, and the
    retry lands on the same success page instead of "already has an open referral"."""
    login(client, personas.link_worker)
    url = _url("connect_service", case_id=case.uuid, service_id=shed.uuid)
    assert 'name="submission_key"' in client.get(url).content.decode()
    post = {"kind": "referral", "message": "Likes woodwork", "submission_key": str(uuid.uuid4())}
    assert client.post(url, post).status_code == 302
    assert client.post(url, post).status_code == 302
    assert Connection.objects.filter(kind="referral").count() == 1
    signpost = {"kind": "signpost", "submission_key": str(uuid.uuid4())}
    assert client.post(url, signpost).status_code == 302
    assert client.post(url, signpost).status_code == 302
    assert Connection.objects.filter(kind="signpost").count() == 1
    assert AuditEvent.objects.filter(action="connections.signposted").count() == 1


def test_the_confirmation_after_referring_and_accepting_is_shown_once(client, personas, case, shed):
    # base.html shows the flash messages; a page that loops over them again shows them twice.
    response = login(client, personas.link_worker).post(
        _url("connect_service", case_id=case.uuid, service_id=shed.uuid),
        {"kind": "referral"},
        follow=True,
    )
    assert response.content.decode().count("Referral sent to") == 1
    connection = Connection.objects.get()
    response = login(client, personas.owner).post(
        _url("provider_action", connection_id=connection.uuid, action="accept"),
        {"version": connection.version},
        follow=True,
    )
    assert response.content.decode().count("You have accepted the referral.") == 1


def test_referring_to_a_signposting_only_service_is_refused_with_a_message(client, personas, case):
    service = shed_service(personas, referrals=False, name="Community cafe")
    response = login(client, personas.link_worker).post(
        _url("connect_service", case_id=case.uuid, service_id=service.uuid), {"kind": "referral"}
    )
    assert response.status_code == 400
    assert "signposting only" in response.content.decode()
    assert not Connection.objects.exists()


def test_referring_without_consent_to_share_is_refused_with_a_message(client, personas, shed):
    case = journey_case(personas, consent_to_share=False)
    response = login(client, personas.link_worker).post(
        _url("connect_service", case_id=case.uuid, service_id=shed.uuid), {"kind": "referral"}
    )
    assert response.status_code == 400
    assert "has not agreed to share their details" in response.content.decode()
    assert not Connection.objects.exists()


def test_signposting_is_recorded_from_the_case(client, personas, case):
    service = shed_service(personas, referrals=False, name="Community cafe")
    response = login(client, personas.link_worker).post(
        _url("connect_service", case_id=case.uuid, service_id=service.uuid), {"kind": "signpost"}
    )
    assert response.status_code == 302
    assert Connection.objects.get().status == S.COMPLETED


def test_an_unknown_service_is_not_found(client, personas, case):
    response = login(client, personas.link_worker).post(
        _url("connect_service", case_id=case.uuid, service_id=uuid.uuid4()), {"kind": "referral"}
    )
    assert response.status_code == 404
    assert not Connection.objects.exists()


def test_a_link_worker_of_another_team_cannot_refer_someone_elses_person(
    client, personas, case, shed
):
    response = login(client, personas.other_team_link_worker).post(
        _url("connect_service", case_id=case.uuid, service_id=shed.uuid), {"kind": "referral"}
    )
    assert response.status_code == 404
    assert not Connection.objects.exists()


def test_the_link_worker_cancels_a_referral_and_a_stale_cancel_is_refused(
    client, personas, case, referral
):
    login(client, personas.link_worker)
    url = _url("connection_cancel", case_id=case.uuid, connection_id=referral.uuid)
    response = client.post(url, {"version": "0"}, follow=True)
    assert "changed by someone else" in response.content.decode()
    client.post(url, {"version": str(referral.version)})
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED


def test_a_declined_referral_is_flagged_on_the_case_until_seen(client, personas, case, referral):
    login(client, personas.owner).post(
        _url("provider_action", connection_id=referral.uuid, action="decline"),
        {"decline-version": "1", "decline-reason": "no_capacity"},
    )
    login(client, personas.link_worker)
    page = client.get(_url("case_connections", case_id=case.uuid)).content.decode()
    assert "Needs your attention" in page and "No capacity" in page
    referral.refresh_from_db()
    client.post(
        _url("connection_acknowledge", case_id=case.uuid, connection_id=referral.uuid),
        {"version": str(referral.version)},
    )
    page = client.get(_url("case_connections", case_id=case.uuid)).content.decode()
    assert "Needs your attention" not in page


# --- Gaps in provision ------------------------------------------------------------------------


def test_the_link_worker_records_a_gap_and_the_team_sees_it(client, personas, case):
    taxonomy_seed()
    login(client, personas.link_worker)
    form = client.get(_url("gap_new", case_id=case.uuid))
    need = form.context["form"].fields["need"].choices[1][0]
    response = client.post(
        _url("gap_new", case_id=case.uuid),
        {"need": need, "description": "No men's group nearby", "place": "SY11", "who": "men 70+"},
    )
    assert response.status_code == 302
    assert ProvisionGap.objects.count() == 1
    login(client, personas.team_manager)
    assert "No men&#x27;s group nearby" in client.get(_url("gap_list")).content.decode()
    login(client, personas.other_team_link_worker)
    assert "No men" not in client.get(_url("gap_list")).content.decode()


def test_a_gap_without_a_need_or_description_is_refused(client, personas, case):
    taxonomy_seed()
    response = login(client, personas.link_worker).post(
        _url("gap_new", case_id=case.uuid), {"need": "", "description": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose the need that could not be met" in body
    assert not ProvisionGap.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("read_only_link_worker", 403), ("owner", 404)])
def test_gaps_are_recorded_only_by_the_case_team(client, personas, case, who, status):
    response = login(client, getattr(personas, who)).get(_url("gap_new", case_id=case.uuid))
    assert response.status_code == status


@pytest.mark.parametrize("who", ["owner", "commissioner", "referrer"])
def test_people_outside_link_worker_teams_cannot_see_the_gap_list(client, personas, who):
    assert login(client, getattr(personas, who)).get(_url("gap_list")).status_code == 403


# --- The provider portal ----------------------------------------------------------------------


def test_provider_staff_see_only_the_shared_fields_in_their_inbox_and_the_referral(
    client, personas, referral
):
    login(client, personas.owner)
    inbox = client.get(_url("provider_inbox")).content.decode()
    assert "Joan" in inbox
    page = client.get(_url("provider_referral", connection_id=referral.uuid))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Joan" in body and "07700 900123" in body and "Keen on woodwork" in body
    for secret in SECRETS:
        assert secret not in body
    assert "Lonely since" not in body
    assert "Referrals in" in body  # the menu item


@pytest.mark.parametrize("who", ["outsider", "other_team_link_worker", "commissioner"])
def test_other_providers_get_404_on_a_referral(client, personas, referral, who):
    response = login(client, getattr(personas, who)).get(
        _url("provider_referral", connection_id=referral.uuid)
    )
    assert response.status_code == 404


def test_another_providers_inbox_does_not_list_the_referral(client, personas, case, referral):
    theirs = refer(personas, case, walking_service(personas))
    body = login(client, personas.outsider).get(_url("provider_inbox")).content.decode()
    assert _url("provider_referral", connection_id=theirs.uuid) in body
    assert _url("provider_referral", connection_id=referral.uuid) not in body


def test_users_who_are_not_provider_staff_cannot_open_the_inbox(client, personas):
    login(client, personas.link_worker)
    assert client.get(_url("provider_inbox")).status_code == 403
    assert "Referrals in" not in client.get(reverse("web:home")).content.decode()


def test_the_inbox_needs_sign_in(client):
    response = client.get(_url("provider_inbox"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_read_only_member_sees_the_referral_but_cannot_act(client, personas, referral):
    login(client, personas.read_only)
    page = client.get(_url("provider_referral", connection_id=referral.uuid)).content.decode()
    assert "read-only access" in page and ">Accept<" not in page
    response = client.post(
        _url("provider_action", connection_id=referral.uuid, action="accept"), {"version": "1"}
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_an_outsider_acting_on_someone_elses_referral_is_refused(client, personas, referral):
    response = login(client, personas.outsider).post(
        _url("provider_action", connection_id=referral.uuid, action="accept"), {"version": "1"}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_the_owner_accepts_records_sessions_and_completes(client, personas, referral):
    login(client, personas.owner)

    def act(action: str, data: dict[str, Any]) -> HttpResponse:
        url = _url("provider_action", connection_id=referral.uuid, action=action)
        return client.post(url, data)

    assert act("accept", {"version": "1"}).status_code == 302
    referral.refresh_from_db()
    today = timezone.localdate().isoformat()
    response = act("attendance", {"version": referral.version, "session_on": today})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.IN_PROGRESS and referral.attendances.count() == 1
    assert act("note", {"version": referral.version, "note": "Settled in well"}).status_code == 302
    referral.refresh_from_db()
    assert act("complete", {"version": referral.version}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED and referral.provider_note == "Settled in well"


def test_a_teammate_declines_with_a_reason(client, personas, referral):
    response = login(client, personas.teammate).post(
        _url("provider_action", connection_id=referral.uuid, action="decline"),
        {"decline-version": "1", "decline-reason": "not_eligible"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.REJECTED and referral.reason == "not_eligible"


def test_declining_without_a_reason_changes_nothing(client, personas, referral):
    response = login(client, personas.owner).post(
        _url("provider_action", connection_id=referral.uuid, action="decline"),
        {"decline-version": "1", "decline-reason": ""},
    )
    assert response.status_code == 400
    assert "Choose a reason" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_a_stale_provider_action_is_detected(client, personas, referral):
    connection_accept(actor=personas.teammate, connection=referral, expected_version=1)
    response = login(client, personas.owner).post(
        _url("provider_action", connection_id=referral.uuid, action="decline"),
        {"decline-version": "1", "decline-reason": "no_capacity"},
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED


def test_a_bad_transition_from_the_portal_gets_a_message(client, personas, referral):
    response = login(client, personas.owner).post(
        _url("provider_action", connection_id=referral.uuid, action="complete"), {"version": "1"}
    )
    assert response.status_code == 400
    assert "cannot be marked as completed" in response.content.decode()


def test_an_unknown_action_is_not_found(client, personas, referral):
    response = login(client, personas.owner).post(
        _url("provider_action", connection_id=referral.uuid, action="explode"), {"version": "1"}
    )
    assert response.status_code == 404


# --- The emailed link -------------------------------------------------------------------------


def test_the_emailed_link_shows_the_shared_fields_and_does_not_act_on_get(
    client, personas, referral
):
    response = client.get(_url("referral_link", token=referral_link_token(referral)))
    body = response.content.decode()
    assert response.status_code == 200 and "Joan" in body
    for secret in SECRETS:
        assert secret not in body
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_the_emailed_link_accepts_once(client, personas, referral):
    url = _url("referral_link", token=referral_link_token(referral))
    assert client.post(url, {"answer": "accept"}).status_code == 200
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    again = client.post(url, {"answer": "accept"})
    assert again.status_code == 410
    assert "already been answered" in again.content.decode()
    assert AuditEvent.objects.filter(action="connections.referral_accepted").count() == 1


def test_the_emailed_link_declines_with_a_reason(client, personas, referral):
    url = _url("referral_link", token=referral_link_token(referral))
    missing = client.post(url, {"answer": "decline", "decline-reason": ""})
    assert missing.status_code == 400
    client.post(url, {"answer": "decline", "decline-reason": "no_capacity"})
    referral.refresh_from_db()
    assert referral.status == S.REJECTED and referral.reason == "no_capacity"


def test_a_tampered_link_is_refused(client, referral):
    token = referral_link_token(referral)
    response = client.post(_url("referral_link", token=token[:-2] + "xx"), {"answer": "accept"})
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_an_expired_link_is_refused(client, referral, monkeypatch, settings):
    settings.REFERRAL_LINK_MAX_AGE_DAYS = 28
    old = int(time.time()) - 29 * 86400
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(old))
    token = referral_link_token(referral)
    monkeypatch.undo()
    response = client.post(_url("referral_link", token=token), {"answer": "accept"})
    assert response.status_code == 410 and "expired" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_a_declined_referral_comes_back_onto_the_link_workers_caseload(
    client, personas, case, referral
):
    from linkwell.connections.models import ConnectionReason
    from linkwell.connections.services import connection_reject

    case.assigned_to = personas.link_worker
    case.save(update_fields=["assigned_to"])
    login(client, personas.link_worker)
    assert "Referrals needing your attention" not in client.get("/caseload/").content.decode()
    connection_reject(
        actor=personas.owner,
        connection=referral,
        expected_version=referral.version,
        reason=ConnectionReason.NO_CAPACITY,
    )
    html = client.get("/caseload/").content.decode()
    assert "Referrals needing your attention" in html
    assert "no capacity" in html


@pytest.mark.parametrize("count", [1, 12])
def test_the_provider_inbox_takes_a_fixed_number_of_queries(
    client, personas, shed, count, django_assert_max_num_queries
):
    for _ in range(count):
        refer(personas, journey_case(personas), shed, message="Keen on woodwork")
    login(client, personas.owner)
    client.get(_url("provider_inbox"))
    # Session, user, the two-factor check, the menu, then the inbox and its counts: not per row.
    with django_assert_max_num_queries(9):
        response = client.get(_url("provider_inbox"))
    assert response.status_code == 200
    rows = re.findall(r'href="/provider/referrals/[0-9a-f-]{36}/"', response.content.decode())
    assert len(rows) == count
