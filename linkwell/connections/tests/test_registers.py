"""Attendance in bulk: the session register and the attendance file (CSV)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.models import AuditEvent
from linkwell.casework.tests.factories import referred_case
from linkwell.connections.models import (
    Attendance,
    AttendanceBatch,
    Connection,
    ConnectionStatus,
)
from linkwell.connections.services import (
    attendance_record,
    connection_accept,
    connection_complete,
    reference_of,
)
from linkwell.directory.models import Schedule
from tests.personas import PASSWORD

from .factories import refer, shed_service, walking_service

S = ConnectionStatus
NAMES = ("Ann", "Bob", "Cath", "Dev", "Eve")


@pytest.fixture
def shed(personas):
    return shed_service(personas)


def _referred(personas, service, name: str, *, accept: bool = True) -> Connection:
    case = referred_case(personas, given_name=name, email=f"{name.lower()}@example.org")
    connection = refer(personas, case, service)
    Connection.objects.filter(pk=connection.pk).update(
        requested_at=timezone.now() - dt.timedelta(days=30)
    )
    connection.refresh_from_db()
    if accept:
        connection = connection_accept(
            actor=personas.owner, connection=connection, expected_version=connection.version
        )
    return connection


@pytest.fixture
def five(personas, shed) -> list[Connection]:
    return [_referred(personas, shed, name) for name in NAMES]


def login(client: Client, user: User) -> Client:
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _register_url(service: Any) -> str:
    return reverse("connections:provider_register", kwargs={"service_id": service.uuid})


UPLOAD = reverse("connections:provider_attendance_upload")


def _marks(connections: list[Connection], marks: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for c, mark in zip(connections, marks, strict=True):
        c.refresh_from_db()
        data[f"mark-{c.uuid}"] = mark
        data[f"version-{c.uuid}"] = c.version
    return data


def _day(days_ago: int = 1) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


# --- The session register ----------------------------------------------------------------------


def test_a_provider_records_a_register_for_five_referred_people_in_one_step(
    client, personas, shed, five
):
    day = _day()
    login(client, personas.owner)
    page = client.get(_register_url(shed), {"on": day.isoformat()})
    body = page.content.decode()
    assert page.status_code == 200
    assert all(name in body for name in NAMES)
    assert "Hughes" not in body and "9434765919" not in body  # only what was shared

    marks = ["attended", "attended", "attended", "attended", "absent"]
    response = client.post(
        _register_url(shed), {"on": day.isoformat(), **_marks(five, marks)}, follow=True
    )
    assert response.status_code == 200
    assert "Register saved" in response.content.decode()
    rows = {a.connection_id: a.attended for a in Attendance.objects.filter(session_on=day)}
    assert rows == {c.pk: m == "attended" for c, m in zip(five, marks, strict=True)}
    # Each tick went through the one-at-a-time path: the first session starts the referral.
    statuses = [Connection.objects.get(pk=c.pk).status for c in five]
    assert statuses == [S.IN_PROGRESS] * 4 + [S.ACCEPTED]
    assert AuditEvent.objects.filter(action="connections.attendance_recorded").count() == 5
    batch = AttendanceBatch.objects.get()
    assert (batch.recorded, batch.service, batch.session_on) == (5, shed, day)
    assert AuditEvent.objects.filter(action="connections.register_saved").count() == 1


def test_reopening_the_register_shows_what_was_saved_and_takes_corrections(
    client, personas, shed, five
):
    day = _day(2)
    login(client, personas.owner)
    client.post(
        _register_url(shed),
        {"on": day.isoformat(), **_marks(five, ["attended"] * 4 + ["absent"])},
    )
    page = client.get(_register_url(shed), {"on": day.isoformat()}).content.decode()
    assert page.count("checked") == 5
    assert f'name="mark-{five[4].uuid}" value="absent" checked' in page

    # Eve did come after all; Ann was ticked by mistake.
    marks = ["", "attended", "attended", "attended", "attended"]
    client.post(_register_url(shed), {"on": day.isoformat(), **_marks(five, marks)})
    rows = {a.connection_id: a.attended for a in Attendance.objects.filter(session_on=day)}
    assert rows == {c.pk: True for c in five[1:]}
    assert Connection.objects.get(pk=five[4].pk).status == S.IN_PROGRESS
    assert AuditEvent.objects.filter(action="connections.attendance_corrected").count() == 1
    assert AuditEvent.objects.filter(action="connections.attendance_removed").count() == 1


def test_a_retried_register_save_saves_once(client, personas, shed, five):
    day = _day()
    login(client, personas.owner)
    data = {"on": day.isoformat(), "submission_key": "0c1f3c2e-8a57-4d9b-9d7e-2f1b5f6c0a11"}
    data.update(_marks(five, ["attended"] * 5))
    first = client.post(_register_url(shed), data)
    again = client.post(_register_url(shed), data)
    assert first.status_code == again.status_code == 302
    assert Attendance.objects.count() == 5 and AttendanceBatch.objects.count() == 1


def test_the_register_lists_only_people_whose_sessions_can_be_recorded(client, personas, shed):
    attending = _referred(personas, shed, "Ann")
    waiting = _referred(personas, shed, "Bob", accept=False)
    other = _referred(personas, walking_service(personas), "Cath")
    body = (
        login(client, personas.owner)
        .get(_register_url(shed), {"on": _day().isoformat()})
        .content.decode()
    )
    assert str(attending.uuid) in body
    assert str(waiting.uuid) not in body and str(other.uuid) not in body
    assert "1 referral to this service is waiting for your answer" in body


def test_a_closed_referral_keeps_its_session_on_the_register_but_cannot_change(
    client, personas, shed
):
    day = _day()
    done = _referred(personas, shed, "Ann")
    attendance_record(
        actor=personas.owner, connection=done, expected_version=done.version, session_on=day
    )
    done.refresh_from_db()
    connection_complete(actor=personas.owner, connection=done, expected_version=done.version)
    login(client, personas.owner)
    body = client.get(_register_url(shed), {"on": day.isoformat()}).content.decode()
    assert "Ann" in body and f"mark-{done.uuid}" not in body and "Came" in body
    response = client.post(
        _register_url(shed), {"on": day.isoformat(), f"mark-{done.uuid}": "absent"}
    )
    assert response.status_code == 400
    assert Attendance.objects.get().attended is True


def test_a_stale_register_changes_nothing(client, personas, shed, five):
    day = _day()
    login(client, personas.owner)
    data = {"on": day.isoformat(), **_marks(five, ["attended"] * 5)}
    # Someone records Cath's session on another page after the register was opened.
    attendance_record(
        actor=personas.teammate,
        connection=five[2],
        expected_version=five[2].version,
        session_on=_day(3),
    )
    response = client.post(_register_url(shed), data)
    assert response.status_code == 409
    assert not Attendance.objects.filter(session_on=day).exists()


def test_a_future_session_date_is_refused(client, personas, shed, five):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    login(client, personas.owner)
    response = client.post(
        _register_url(shed), {"on": tomorrow.isoformat(), **_marks(five, ["attended"] * 5)}
    )
    assert response.status_code == 400
    assert "today or in the past" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_register_offers_the_timetables_session_days(client, personas, shed):
    Schedule.objects.create(service=shed, freq="WEEKLY", byday="TU")
    body = login(client, personas.owner).get(_register_url(shed)).content.decode()
    last_tuesday = timezone.localdate() - dt.timedelta(
        days=(timezone.localdate().weekday() - 1) % 7
    )
    assert f"?on={last_tuesday.isoformat()}" in body


def test_a_teammate_may_save_the_register(client, personas, shed, five):
    login(client, personas.teammate)
    response = client.post(
        _register_url(shed), {"on": _day().isoformat(), **_marks(five, ["attended"] * 5)}
    )
    assert response.status_code == 302 and Attendance.objects.count() == 5


def test_a_read_only_member_sees_the_register_but_cannot_save(client, personas, shed, five):
    login(client, personas.read_only)
    page = client.get(_register_url(shed), {"on": _day().isoformat()})
    assert page.status_code == 200 and "Save the register" not in page.content.decode()
    response = client.post(
        _register_url(shed), {"on": _day().isoformat(), **_marks(five, ["attended"] * 5)}
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "link_worker", "commissioner"])
def test_others_get_404_on_the_register(client, personas, shed, five, who):
    login(client, getattr(personas, who))
    assert client.get(_register_url(shed)).status_code == 404
    response = client.post(
        _register_url(shed), {"on": _day().isoformat(), **_marks(five, ["attended"] * 5)}
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, shed):
    for url in (_register_url(shed), UPLOAD, reverse("connections:provider_register_start")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_registers_page_lists_the_providers_services_only(client, personas, shed, five):
    walks = walking_service(personas)
    body = (
        login(client, personas.owner)
        .get(reverse("connections:provider_register_start"))
        .content.decode()
    )
    assert shed.name.replace("'", "&#x27;") in body and walks.name not in body


# --- Attendance files ---------------------------------------------------------------------------


def _csv(*rows: tuple[str, ...], header: str = "reference,session_date,attended") -> bytes:
    return ("\n".join([header, *(",".join(r) for r in rows)]) + "\n").encode()


def _upload(client: Client, data: bytes) -> Any:
    return client.post(UPLOAD, {"file": SimpleUploadedFile("attendance.csv", data)})


def _confirm(client: Client, data: bytes, **extra: Any) -> Any:
    return client.post(UPLOAD, {"file_data": base64.b64encode(data).decode(), **extra})


def test_an_attendance_file_is_previewed_then_imported(client, personas, shed, five):
    day, uk_day = _day(1), _day(8)
    data = _csv(
        *((reference_of(c), day.isoformat(), "yes") for c in five[:3]),
        (reference_of(five[3]), uk_day.strftime("%d/%m/%Y"), "no"),
    )
    login(client, personas.owner)
    preview = _upload(client, data)
    body = preview.content.decode()
    assert preview.status_code == 200 and "4 row(s) can be imported" in body
    assert not Attendance.objects.exists()  # nothing until the provider imports

    response = _confirm(client, data)
    assert response.status_code == 302
    got = {(a.connection_id, a.session_on, a.attended) for a in Attendance.objects.all()}
    assert got == {(c.pk, day, True) for c in five[:3]} | {(five[3].pk, uk_day, False)}
    assert [Connection.objects.get(pk=c.pk).status for c in five[:4]] == [S.IN_PROGRESS] * 3 + [
        S.ACCEPTED
    ]
    event = AuditEvent.objects.get(action="connections.attendance_file_imported")
    assert event.detail["recorded"] == 4


def test_an_attendance_file_over_1_mb_is_refused_and_nothing_is_written(
    client, personas, shed, five
):
    row = (reference_of(five[0]), _day(1).isoformat(), "yes")
    data = _csv(*([row] * 60_000))
    assert len(data) > 1_000_000
    login(client, personas.owner)
    response = _upload(client, data)
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
    assert not Attendance.objects.exists()


def _rejections(client: Client, personas: Any, data: bytes) -> str:
    login(client, personas.owner)
    response = _upload(client, data)
    assert response.status_code == 200
    return response.content.decode()


def test_an_unknown_reference_is_refused_with_its_row(client, personas, shed, five):
    body = _rejections(client, personas, _csv(("NOT-A-REF", _day().isoformat(), "yes")))
    assert '<td class="nhsuk-table__cell">2</td>' in body and "Unknown reference" in body


def test_a_referral_to_another_provider_is_refused(client, personas, shed):
    theirs = _referred(personas, walking_service(personas), "Ann")
    body = _rejections(client, personas, _csv((reference_of(theirs), _day().isoformat(), "yes")))
    assert "Not referred to your organisation" in body


def test_a_bad_date_is_refused(client, personas, shed, five):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    body = _rejections(
        client,
        personas,
        _csv(
            (reference_of(five[0]), "31/02/2026", "yes"),
            (reference_of(five[1]), tomorrow, "yes"),
        ),
    )
    assert "Bad date “31/02/2026”" in body and "in the future" in body


def test_a_duplicate_row_is_refused(client, personas, shed, five):
    day = _day().isoformat()
    body = _rejections(
        client,
        personas,
        _csv((reference_of(five[0]), day, "yes"), (reference_of(five[0]), day, "no")),
    )
    assert "Duplicate: row 2 already gives this referral and date." in body


def test_an_attended_value_that_is_not_yes_or_no_is_refused(client, personas, shed, five):
    body = _rejections(client, personas, _csv((reference_of(five[0]), _day().isoformat(), "?")))
    assert "Attended must be yes or no" in body


def test_a_file_with_a_bad_row_writes_nothing_unless_the_good_rows_are_chosen(
    client, personas, shed, five
):
    day = _day().isoformat()
    data = _csv((reference_of(five[0]), day, "yes"), ("ZZZZZZZZ", day, "yes"))
    login(client, personas.owner)
    refused = _confirm(client, data)
    assert refused.status_code == 400 and "1 row(s) cannot be imported" in refused.content.decode()
    assert not Attendance.objects.exists()

    done = _confirm(client, data, good_rows_only="on")
    assert done.status_code == 302
    assert list(Attendance.objects.values_list("connection_id", flat=True)) == [five[0].pk]
    assert AttendanceBatch.objects.get().rejected == 1


def test_a_file_without_the_columns_is_refused(client, personas, shed, five):
    login(client, personas.owner)
    response = _upload(client, _csv(("x", "y"), header="name,when"))
    assert response.status_code == 400
    assert "needs the columns reference, session_date and attended" in response.content.decode()


def test_another_provider_cannot_import_into_our_referrals(client, personas, shed, five):
    data = _csv((reference_of(five[0]), _day().isoformat(), "yes"))
    login(client, personas.outsider)
    response = _confirm(client, data)
    assert response.status_code == 400
    assert "Not referred to your organisation" in response.content.decode()
    assert not Attendance.objects.exists()


def test_read_only_members_and_link_workers_cannot_upload(client, personas, shed, five):
    data = _csv((reference_of(five[0]), _day().isoformat(), "yes"))
    for who in (personas.read_only, personas.link_worker):
        login(client, who)
        assert client.get(UPLOAD).status_code == 403
        assert _confirm(client, data).status_code == 403
    assert not Attendance.objects.exists()


def test_the_register_downloads_as_a_file_the_upload_reads_back(client, personas, shed, five):
    day = _day()
    login(client, personas.owner)
    response = client.get(_register_url(shed), {"on": day.isoformat(), "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "reference,session_date,attended,first_name"
    assert sorted(lines[1:]) == sorted(
        f"{reference_of(c)},{day},,{c.shared['first_name']}" for c in five
    )
    # Filled in offline: everyone came.
    filled = "\n".join([lines[0], *(line.replace(",,", ",yes,") for line in lines[1:])]).encode()
    assert _confirm(client, filled).status_code == 302
    assert Attendance.objects.filter(session_on=day, attended=True).count() == 5
