"""Messages back to the referrer and the GP record: content, coding and who can read them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import Organisation, OrganisationKind, Role
from linkwell.audit.models import AuditEvent
from linkwell.casework.message_back import NOT_SHARED, message_back_record
from linkwell.casework.models import Case, MessageBack
from linkwell.casework.tests.factories import referred_case
from linkwell.referrals.models import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
)
from tests.personas import PASSWORD, Personas, make_user

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _seen(personas: Personas, **case_kwargs: object) -> tuple[Case, MessageBack]:
    case = referred_case(personas, **case_kwargs)  # type: ignore[arg-type]
    [message] = message_back_record(
        actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN
    )
    return case, message


# --- Content -----------------------------------------------------------------------------------


def test_the_summary_has_the_prsb_headings_and_the_referral_code(personas: Personas) -> None:
    _, message = _seen(personas)
    sections = message.summary["sections"]
    assert list(sections) == [
        "reason_for_referral",
        "what_matters",
        "plan",
        "connections",
        "outcome",
        "next_steps",
    ]
    assert "Lonely since her husband died" in " ".join(sections["reason_for_referral"])
    assert message.summary["person"]["nhs_number"] == "9434765919"
    assert message.snomed_codes == [
        {
            "system": "http://snomed.info/sct",
            "code": SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
            "display": "Referral to social prescribing service",
        }
    ]


def test_a_decline_is_coded_as_social_prescribing_declined(personas: Personas) -> None:
    case = referred_case(personas)
    [message] = message_back_record(
        actor=personas.link_worker, case=case, stage=MessageBack.Stage.DECLINED
    )
    assert message.snomed_codes[0]["code"] == SNOMED_SOCIAL_PRESCRIBING_DECLINED
    again = message_back_record(
        actor=personas.link_worker, case=case, stage=MessageBack.Stage.DECLINED
    )
    assert again == []


def test_without_consent_to_share_the_referrer_learns_only_what_happened(
    personas: Personas,
) -> None:
    _, message = _seen(personas, consent_to_share=False)
    sections = message.summary["sections"]
    assert sections["what_matters"] == [NOT_SHARED]
    assert "Lonely" not in str(message.summary)
    assert message.recipient_organisation == personas.practice


def test_a_connection_message_names_the_service(personas: Personas) -> None:
    case = referred_case(personas)

    class _Service:
        name = "Oswestry Men's Shed"

    class _Connection:
        service = _Service()

    [message] = message_back_record(
        actor=personas.link_worker,
        case=case,
        stage=MessageBack.Stage.CONNECTED,
        connection=_Connection(),
    )
    assert "Latest: Oswestry Men's Shed." in message.summary["sections"]["outcome"]
    assert AuditEvent.objects.filter(
        action="casework.message_back_written", person_id=str(case.person.uuid)
    ).exists()


# --- Who reads them ----------------------------------------------------------------------------


def test_the_referring_practice_sees_its_messages_and_prints_the_letter(
    personas: Personas,
) -> None:
    _, message = _seen(personas)
    client = _client(personas.referrer)
    inbox = client.get(reverse("casework:messages_back"))
    assert inbox.status_code == 200
    assert "Joan Hughes" in inbox.content.decode()
    letter = client.get(
        reverse("casework:message_back_detail", kwargs={"message_id": message.uuid})
    )
    text = letter.content.decode()
    assert letter.status_code == 200
    assert "Reason for referral" in text and SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING in text
    assert "@media print" in text
    assert AuditEvent.objects.filter(
        action="access", actor_id=personas.referrer.pk, person_id=str(message.case.person.uuid)
    ).exists()


def test_the_referrer_sees_nothing_else_of_the_case(personas: Personas) -> None:
    case, _ = _seen(personas)
    client = _client(personas.referrer)
    assert (
        client.get(reverse("casework:plan_detail", kwargs={"case_id": case.uuid})).status_code
        == 404
    )
    assert (
        client.get(
            reverse("casework:case_messages_back", kwargs={"case_id": case.uuid})
        ).status_code
        == 404
    )


def test_another_practice_sees_none_of_them(personas: Personas) -> None:
    _, message = _seen(personas)
    other = Organisation.objects.create(
        name="Other Surgery", kind=OrganisationKind.GP_PRACTICE, area=personas.area
    )
    stranger = make_user("reception@other.example", other, Role.REFERRER)
    client = _client(stranger)
    inbox = client.get(reverse("casework:messages_back"))
    assert inbox.status_code == 200
    assert "Joan" not in inbox.content.decode()
    url = reverse("casework:message_back_detail", kwargs={"message_id": message.uuid})
    assert client.get(url).status_code == 404


def test_the_case_team_reads_the_letters_of_its_cases(personas: Personas) -> None:
    case, message = _seen(personas)
    url = reverse("casework:message_back_detail", kwargs={"message_id": message.uuid})
    for user in (personas.link_worker_teammate, personas.read_only_link_worker):
        client = _client(user)
        assert client.get(url).status_code == 200
        listing = client.get(reverse("casework:case_messages_back", kwargs={"case_id": case.uuid}))
        assert listing.status_code == 200
    # Not a referrer: the practice inbox is not theirs.
    assert _client(personas.link_worker).get(reverse("casework:messages_back")).status_code == 403


@pytest.mark.parametrize("persona", ["other_team_link_worker", "commissioner", "owner"])
def test_everyone_else_is_refused(personas: Personas, persona: str) -> None:
    _, message = _seen(personas)
    client = _client(getattr(personas, persona))
    assert client.get(reverse("casework:messages_back")).status_code == 403
    url = reverse("casework:message_back_detail", kwargs={"message_id": message.uuid})
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(personas: Personas) -> None:
    _, message = _seen(personas)
    for url in (
        reverse("casework:messages_back"),
        reverse("casework:message_back_detail", kwargs={"message_id": message.uuid}),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_inbox_costs_the_same_queries_however_many_rows_bar_the_access_log(
    personas: Personas,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(personas.referrer)
    url = reverse("casework:messages_back")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first request of a session does sign-in bookkeeping
    _seen(personas, given_name="Ann")
    _seen(personas, given_name="Bea")
    two = count()
    _seen(personas, given_name="Cat")
    _seen(personas, given_name="Dot")
    # Two more rows add exactly their two access-log inserts: no per-row lookups.
    assert count() == two + 2
