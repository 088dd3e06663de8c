"""Invite-list pages per persona: the link-worker team's lists and the practice's confirmations.

Team side: owner = the link worker, teammate = a colleague, read-only = the student, outsider =
another team's link worker. Practice side: owner = the receptionist, teammate = a colleague at
the practice, read-only = a read-only practice member, outsider = another practice's staff.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.accounts.models import Role
from linkwell.audit.models import AuditEvent
from linkwell.population.models import InviteEntry, InviteList, InviteStatus
from linkwell.population.tests.factories import (
    TEST_KEY,
    csv_file,
    csv_row,
    make_entry,
    make_list,
    make_practice,
    nhs_numbers,
)
from linkwell.referrals.models import Referral
from tests.personas import make_user

pytestmark = pytest.mark.django_db

LISTS = reverse("population:invite_lists")
UPLOAD = reverse("population:invite_upload")
PRACTICE = reverse("population:practice_invites")


@pytest.fixture(autouse=True)
def _key(settings):
    settings.PSEUDONYM_KEY = TEST_KEY


@pytest.fixture
def invite_list(personas):
    return make_list(personas.link_worker_service)


@pytest.fixture
def entry(personas, invite_list):
    return make_entry(invite_list, personas.practice, 1, nhs=nhs_numbers(1)[0])


@pytest.fixture
def requested_entry(personas, entry):
    InviteEntry.objects.filter(pk=entry.pk).update(
        status=InviteStatus.REQUESTED, requested_at=dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    )
    entry.refresh_from_db()
    return entry


def detail(invite_list) -> str:
    return reverse("population:invite_list", kwargs={"list_id": invite_list.uuid})


def choose(invite_list) -> str:
    return reverse("population:invite_list_select", kwargs={"list_id": invite_list.uuid})


def invite(entry) -> str:
    return reverse("population:practice_invite", kwargs={"entry_id": entry.uuid})


def outcome(entry) -> str:
    return reverse("population:practice_invite_outcome", kwargs={"entry_id": entry.uuid})


# --- the team's pages --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, invite_list, requested_entry):
    for url in (LISTS, UPLOAD, detail(invite_list), PRACTICE, invite(requested_entry)):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_the_team_sees_its_lists_and_others_do_not(client, personas, invite_list):
    for user in (
        personas.link_worker,
        personas.link_worker_teammate,
        personas.read_only_link_worker,
    ):
        client.force_login(user)
        response = client.get(LISTS)
        assert response.status_code == 200 and invite_list.cohort.encode() in response.content
        assert client.get(detail(invite_list)).status_code == 200
    client.force_login(personas.other_team_link_worker)
    assert invite_list.cohort.encode() not in client.get(LISTS).content
    assert client.get(detail(invite_list)).status_code == 404
    assert client.get(f"{LISTS}?team={personas.link_worker_service.uuid}").status_code == 404
    client.force_login(personas.outsider)
    assert client.get(LISTS).status_code == 403
    assert client.get(detail(invite_list)).status_code == 404


def test_practice_staff_are_sent_from_the_team_page_to_their_invites(client, personas):
    client.force_login(personas.referrer)
    response = client.get(LISTS)
    assert response.status_code == 302 and response["Location"] == PRACTICE


def test_the_list_shows_ranked_entries_per_practice_with_reasons(client, personas, invite_list):
    other = make_practice()
    make_entry(invite_list, personas.practice, 2, reasons=["Recently bereaved"])
    make_entry(invite_list, personas.practice, 1, reasons=["Lives alone"])
    make_entry(invite_list, other, 3, reasons=["Housebound"])
    client.force_login(personas.link_worker)
    body = client.get(detail(invite_list)).content.decode()
    assert body.index("Lives alone") < body.index("Recently bereaved")
    assert "Housebound" not in body  # another practice's tab
    body = client.get(f"{detail(invite_list)}?practice={other.uuid}").content.decode()
    assert "Housebound" in body and "Lives alone" not in body
    assert (
        client.get(f"{detail(invite_list)}?practice={personas.other_team.uuid}").status_code == 404
    )
    assert AuditEvent.objects.filter(action="access", object_id=str(invite_list.uuid)).exists()


def test_the_list_page_is_paginated_with_constant_queries(client, personas, invite_list):
    client.force_login(personas.link_worker)
    make_entry(invite_list, personas.practice, 1)
    client.get(detail(invite_list))  # warm up the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(detail(invite_list)).status_code == 200
    for rank in range(2, 61):
        make_entry(invite_list, personas.practice, rank)
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail(invite_list))
    assert len(many) == len(one)
    assert response.content.count(b'name="entries"') == 50
    assert b"Page 2 of 2" in response.content
    second = client.get(f"{detail(invite_list)}?practice={personas.practice.uuid}&page=2")
    assert second.content.count(b'name="entries"') == 10


def test_the_lists_page_has_constant_queries(client, personas):
    client.force_login(personas.link_worker)
    make_list(personas.link_worker_service, cohort="a")
    client.get(LISTS)
    with CaptureQueriesContext(connection) as one:
        client.get(LISTS)
    for n in range(5):
        make_list(personas.link_worker_service, cohort=f"b{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LISTS)
    assert len(many) == len(one) and response.content.count(b"version 1") == 6


def test_a_teammate_asks_the_practice_to_confirm_and_read_only_cannot(
    client, personas, invite_list, entry
):
    data = {
        "action": "request",
        "entries": [str(entry.uuid)],
        "practice": str(personas.practice.uuid),
    }
    client.force_login(personas.read_only_link_worker)
    assert client.post(choose(invite_list), data).status_code == 403
    client.force_login(personas.other_team_link_worker)
    assert client.post(choose(invite_list), data).status_code == 404
    client.force_login(personas.link_worker_teammate)
    response = client.post(choose(invite_list), data)
    assert response.status_code == 302
    assert response["Location"] == f"{detail(invite_list)}?practice={personas.practice.uuid}"
    entry.refresh_from_db()
    assert entry.status == InviteStatus.REQUESTED


def test_choosing_nobody_or_no_reason_shows_an_error_summary(client, personas, invite_list, entry):
    client.force_login(personas.link_worker)
    response = client.post(choose(invite_list), {"action": "request"})
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b"Choose at least one person on the list" in response.content
    response = client.post(
        choose(invite_list), {"action": "not_suitable", "entries": [str(entry.uuid)]}
    )
    assert (
        response.status_code == 400 and b"Say why these people are not suitable" in response.content
    )
    entry.refresh_from_db()
    assert entry.status == InviteStatus.NEW


def test_upload_page_per_persona(client, personas):
    client.force_login(personas.link_worker)
    assert client.get(UPLOAD).status_code == 200
    client.force_login(personas.read_only_link_worker)
    assert client.get(UPLOAD).status_code == 403
    client.force_login(personas.outsider)
    assert client.get(UPLOAD).status_code == 403
    client.force_login(personas.referrer)
    assert client.get(UPLOAD).status_code == 403


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_an_upload_reports_every_rejected_row(client, personas):
    client.force_login(personas.link_worker)
    data = csv_file(csv_row(1, "a"), csv_row(2, "b", "Z11111"), csv_row(3, "c", score="x"))
    response = client.post(UPLOAD, {"file": _file("c.csv", data), "run_date": "2026-11-20"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was uploaded: 2 rows rejected" in body
    assert "Line 3: unknown practice code Z11111" in body
    assert "Line 4: score &#x27;x&#x27; is not a number" in body
    assert "Unknown practice codes: Z11111 (1 row)" in body
    assert not InviteList.objects.exists()


def test_a_good_upload_goes_to_the_list(client, personas):
    client.force_login(personas.link_worker)
    data = csv_file(csv_row(1, "a"), csv_row(2, "b"))
    response = client.post(UPLOAD, {"file": _file("c.csv", data), "run_date": "2026-11-20"})
    invite_list = InviteList.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(invite_list)
    assert invite_list.entry_count == 2
    response = client.post(UPLOAD, {"run_date": "20 Nov"})
    assert response.status_code == 400
    assert b"Choose the cohort file to upload" in response.content
    assert b"Enter the run date like 2026-11-20" in response.content


# --- the practice's pages ----------------------------------------------------------------------


@pytest.fixture
def practice_team(personas):
    return {
        "teammate": make_user("gp@caxton.example", personas.practice, Role.REFERRER),
        "read_only": make_user(
            "locum@caxton.example", personas.practice, Role.REFERRER, read_only=True
        ),
        "outsider": make_user("reception@other.example", make_practice(), Role.REFERRER),
    }


def test_the_practice_sees_requests_sent_to_it_only(
    client, personas, practice_team, invite_list, requested_entry
):
    waiting = make_entry(invite_list, personas.practice, 2)  # not sent: never shown
    for user in (personas.referrer, practice_team["teammate"], practice_team["read_only"]):
        client.force_login(user)
        body = client.get(PRACTICE).content.decode()
        assert requested_entry.pseudo_id[:10] in body and waiting.pseudo_id[:10] not in body
        response = client.get(invite(requested_entry))
        assert response.status_code == 200
        assert b"outside Linkwell" in response.content
    client.force_login(practice_team["outsider"])
    assert requested_entry.pseudo_id[:10] not in client.get(PRACTICE).content.decode()
    assert client.get(invite(requested_entry)).status_code == 404
    client.force_login(personas.referrer)
    assert client.get(invite(waiting)).status_code == 404
    client.force_login(personas.link_worker)
    assert client.get(PRACTICE).status_code == 403
    assert client.get(invite(requested_entry)).status_code == 404


def test_the_practice_list_has_constant_queries(client, personas, invite_list):
    client.force_login(personas.referrer)
    when = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    make_entry(invite_list, personas.practice, 1, status=InviteStatus.REQUESTED, requested_at=when)
    client.get(PRACTICE)
    with CaptureQueriesContext(connection) as one:
        client.get(PRACTICE)
    for rank in range(2, 12):
        make_entry(
            invite_list, personas.practice, rank, status=InviteStatus.REQUESTED, requested_at=when
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(PRACTICE)
    assert len(many) == len(one) and response.content.count(b"synthetic-") == 11


def _confirm(entry, nhs: str, **overrides):
    data = {
        "version": entry.version,
        "nhs_number": nhs,
        "given_name": "Edith",
        "family_name": "Morgan",
        "dob_day": "2",
        "dob_month": "5",
        "dob_year": "1940",
        "postcode": "SY11 2SP",
        "phone": "01691 222222",
        "consent_to_contact": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_read_only_and_outsiders_cannot_confirm_or_close(
    client, personas, practice_team, requested_entry
):
    nhs = nhs_numbers(1)[0]
    client.force_login(practice_team["read_only"])
    assert client.post(invite(requested_entry), _confirm(requested_entry, nhs)).status_code == 403
    assert (
        client.post(outcome(requested_entry), {"outcome": "declined", "version": 1}).status_code
        == 403
    )
    client.force_login(practice_team["outsider"])
    assert client.post(invite(requested_entry), _confirm(requested_entry, nhs)).status_code == 404
    client.force_login(personas.link_worker)
    assert (
        client.post(outcome(requested_entry), {"outcome": "declined", "version": 1}).status_code
        == 404
    )
    requested_entry.refresh_from_db()
    assert requested_entry.status == InviteStatus.REQUESTED and not Referral.objects.exists()


def test_a_wrong_nhs_number_is_caught_with_a_clear_message(client, personas, requested_entry):
    client.force_login(personas.referrer)
    wrong = nhs_numbers(2)[1]
    response = client.post(invite(requested_entry), _confirm(requested_entry, wrong))
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b"is not the one behind this invite" in response.content
    response = client.post(
        invite(requested_entry), _confirm(requested_entry, "", consent_to_contact=None)
    )
    assert b"Enter the person&#x27;s NHS number" in response.content
    assert b"must agree to be contacted" in response.content
    assert not Referral.objects.exists()


def test_a_teammate_records_that_the_person_declined(
    client, personas, practice_team, requested_entry
):
    client.force_login(practice_team["teammate"])
    response = client.post(outcome(requested_entry), {"outcome": "not_suitable", "version": 1})
    assert response.status_code == 400 and b"Say why the person is not suitable" in response.content
    response = client.post(outcome(requested_entry), {"outcome": "declined", "version": 1})
    assert response.status_code == 302 and response["Location"] == PRACTICE
    requested_entry.refresh_from_db()
    assert requested_entry.status == InviteStatus.DECLINED


def test_a_stale_outcome_is_refused_on_the_invite_page_with_a_reload_message(
    client, personas, practice_team, requested_entry
):
    client.force_login(practice_team["teammate"])
    InviteEntry.objects.filter(pk=requested_entry.pk).update(version=7)
    response = client.post(outcome(requested_entry), {"outcome": "declined", "version": 1})
    assert response.status_code == 409
    assert b"changed by someone else" in response.content
    requested_entry.refresh_from_db()
    assert requested_entry.status == InviteStatus.REQUESTED


def test_a_file_over_the_size_limit_is_refused_unread(client, personas, monkeypatch):
    from linkwell.population import views

    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 2 * 2**20)
    client.force_login(personas.link_worker)
    big = csv_file(*[csv_row(n, f"id{n}") for n in range(1, 40_000)])
    response = client.post(UPLOAD, {"file": _file("big.csv", big), "run_date": "2026-11-20"})
    assert response.status_code == 400 and b"The file is larger than 2 MB" in response.content
    assert not InviteList.objects.exists()
