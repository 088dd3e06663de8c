"""The one optimistic-concurrency mechanism (core/concurrency.py) and how a form reports it
(core/forms.py). Exercised on the person record, the lowest versioned model."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.db import transaction

from linkwell.core.concurrency import (
    bump_versions,
    check_version,
    lock_versioned,
    save_versioned,
    update_versioned,
)
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import run_form
from linkwell.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> Person:
    return Person.objects.create(
        given_name="Ada", family_name="Example", date_of_birth=dt.date(1950, 1, 1)
    )


def test_an_update_on_the_version_read_moves_it_on_and_a_stale_one_writes_nothing(
    person: Person,
) -> None:
    with transaction.atomic():
        update_versioned(person, expected_version=1, what="The record", given_name="Ava")
    person.refresh_from_db()
    assert (person.version, person.given_name) == (2, "Ava")
    with pytest.raises(ConcurrentEditError, match="The record was changed by someone else"):
        update_versioned(person, expected_version=1, what="The record", given_name="Eve")
    person.refresh_from_db()
    assert (person.version, person.given_name) == (2, "Ava")


def test_the_record_is_named_only_when_the_edit_is_refused(person: Person) -> None:
    named: list[Person] = []

    def what(row: Person) -> str:
        named.append(row)
        return f"The record for {row.given_name}"

    update_versioned(person, expected_version=1, what=what)
    assert named == []
    with pytest.raises(ConcurrentEditError, match="The record for Ada"):
        update_versioned(person, expected_version=1, what=what)


def test_a_locked_row_is_checked_then_saved_with_the_version_moved_on(person: Person) -> None:
    with transaction.atomic():
        current = lock_versioned(Person, person.pk, expected_version=1, what="The record")
        current.given_name = "Ava"
        current.family_name = "Not saved"
        save_versioned(current, update_fields=["given_name"])
    person.refresh_from_db()
    assert (person.version, person.given_name, person.family_name) == (2, "Ava", "Example")
    with transaction.atomic(), pytest.raises(ConcurrentEditError):
        lock_versioned(Person.objects.all(), person.pk, expected_version=1, what="The record")


def test_no_expected_version_is_accepted_unless_it_is_required(person: Person) -> None:
    assert check_version(person, None, what="The record") is person
    with pytest.raises(ConcurrentEditError):
        check_version(person, None, what="The record", required=True)


def test_a_system_change_moves_the_version_on_without_a_check(person: Person) -> None:
    assert bump_versions(Person.objects.filter(pk=person.pk), postcode="SY11 1AA") == 1
    person.refresh_from_db()
    assert (person.version, person.postcode) == (2, "SY11 1AA")


class _Form(forms.Form):
    name = forms.CharField()
    version = forms.IntegerField()


def test_a_form_run_puts_service_errors_on_fields_and_a_stale_edit_gets_409() -> None:
    def refuse(data: dict[str, Any]) -> None:
        raise ValidationFailed({"name": ["Too short"], "other": ["Not allowed"]})

    form = _Form({"name": "A", "version": "1"})
    done = run_form(form, refuse)
    assert (done.ok, done.status) == (False, 400)
    assert form.errors["name"] == ["Too short"]
    assert form.non_field_errors() == ["Not allowed"]

    def stale(data: dict[str, Any]) -> None:
        raise ConcurrentEditError("This record")

    form = _Form({"name": "A", "version": "1"})
    done = run_form(form, stale)
    assert (done.ok, done.status, done.stale) == (False, 409, True)
    assert "changed by someone else" in form.non_field_errors()[0]
    assert "Reload" in form.non_field_errors()[0]

    assert run_form(_Form({"name": ""}), stale).status == 400  # invalid: service not run

    def accept(data: dict[str, Any]) -> str:
        return str(data["name"])

    accepted = run_form(_Form({"name": "A", "version": "1"}), accept)
    assert (accepted.ok, accepted.status, accepted.result) == (True, 200, "A")
