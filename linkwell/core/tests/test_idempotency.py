"""Retry-safe writes: a form posted twice (a retry after a timeout) creates one row."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import CaseNote
from linkwell.casework.services import case_note_add
from linkwell.casework.tests.factories import case_for
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.idempotency import KEY_DAYS, prune_submission_keys
from linkwell.core.models import SubmissionKey
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_a_retried_note_is_added_once(client, personas: Personas) -> None:
    case = case_for(personas)
    client.force_login(personas.link_worker)
    page = client.get(reverse("casework:case_detail", kwargs={"case_id": case.uuid})).content
    assert b'name="submission_key"' in page
    key = str(uuid.uuid4())
    post = {"text": "Called Joan; she will try the walking group.", "submission_key": key}
    url = reverse("casework:note_add", kwargs={"case_id": case.uuid})
    first = client.post(url, post)
    again = client.post(url, post)  # the browser retries after a timeout
    assert first.status_code == again.status_code == 302
    assert CaseNote.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="casework.case_note_added").count() == 1
    # A new form (a new key) adds a second note.
    client.post(url, {**post, "submission_key": str(uuid.uuid4())})
    assert CaseNote.objects.filter(case=case).count() == 2


def test_a_key_is_not_a_way_into_someone_elses_row(personas: Personas) -> None:
    case = case_for(personas)
    key = uuid.uuid4()
    case_note_add(actor=personas.link_worker, case=case, text="First", submission_key=key)
    with pytest.raises(ValidationFailed, match="already used for something else"):
        case_note_add(
            actor=personas.link_worker_teammate, case=case, text="Other", submission_key=key
        )
    assert CaseNote.objects.count() == 1


def test_a_failed_first_attempt_leaves_the_key_free(personas: Personas) -> None:
    case = case_for(personas)
    key = uuid.uuid4()
    with pytest.raises(ValidationFailed):
        case_note_add(actor=personas.link_worker, case=case, text="  ", submission_key=key)
    note = case_note_add(actor=personas.link_worker, case=case, text="Now", submission_key=key)
    assert note.text == "Now"


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the SQLite test database is in memory with a shared cache, whose table locks fail at "
    "once instead of waiting; on a SQLite file, IMMEDIATE transactions make writers take turns "
    "(ops/tests/test_sqlite_busy_timeout.py)",
)
@pytest.mark.django_db(transaction=True)
def test_two_racing_submissions_of_one_form_add_one_note(personas: Personas) -> None:
    case = case_for(personas)
    key = uuid.uuid4()
    start = threading.Barrier(2)
    notes: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            start.wait()
            note = case_note_add(
                actor=personas.link_worker, case=case, text="Race", submission_key=key
            )
            notes.append(note.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(notes) == 2 and notes[0] == notes[1]
    assert CaseNote.objects.filter(case=case).count() == 1


def test_old_keys_are_pruned(personas: Personas) -> None:
    import datetime as dt

    from django.utils import timezone

    case = case_for(personas)
    case_note_add(actor=personas.link_worker, case=case, text="x", submission_key=uuid.uuid4())
    later = timezone.now() + dt.timedelta(days=KEY_DAYS + 1)
    assert prune_submission_keys(now=later) == 1
    assert not SubmissionKey.objects.exists()
