"""Messages back to the referrer and the GP record: content, coding and who can read them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind, Role
from linkwell.audit.models import AuditEvent
from linkwell.casework.message_back import NOT_SHARED, message_back_record
from linkwell.casework.models import Case, CaseReferral, MessageBack, MessageBackLetter
from linkwell.casework.tests.factories import referred_case
from linkwell.people.models import Person
from linkwell.referrals.models import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
    Referral,
    ReferralSource,
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


# --- One letter a day, one message per change, never twice ----------------------------------


class _Service:
    name = "Oswestry Men's Shed"


class _Connection:
    """What message_back_record reads of a connection (the connections app is above casework)."""

    service = _Service()

    def __init__(self, status: str = "accepted") -> None:
        self.uuid = uuid.uuid4()
        self.status = status


def _three_changes(personas: Personas, case: Case) -> None:
    for stage, connection in (
        (MessageBack.Stage.SEEN, None),
        (MessageBack.Stage.PLAN_AGREED, None),
        (MessageBack.Stage.CONNECTED, _Connection()),
    ):
        message_back_record(
            actor=personas.link_worker, case=case, stage=stage, connection=connection
        )


def test_three_stage_changes_on_one_day_make_one_letter_listing_the_three(
    personas: Personas,
) -> None:
    case = referred_case(personas)
    _three_changes(personas, case)
    [letter] = MessageBackLetter.objects.filter(case=case)
    assert letter.recipient_organisation == personas.practice
    assert [m.stage for m in letter.entries.order_by("created_at", "pk")] == [
        MessageBack.Stage.SEEN,
        MessageBack.Stage.PLAN_AGREED,
        MessageBack.Stage.CONNECTED,
    ]
    client = _client(personas.referrer)
    inbox = client.get(reverse("casework:messages_back")).content.decode()
    assert inbox.count("Joan Hughes") == 1
    assert "Seen, Plan agreed, Connected" in inbox
    page = client.get(reverse("casework:message_back_detail", kwargs={"message_id": letter.uuid}))
    text = page.content.decode()
    assert "Social prescribing: seen, plan agreed and connected" in text
    for stage in ("Seen", "Plan agreed", "Connected"):
        assert f'<h3 class="nhsuk-heading-s">{stage}</h3>' in text
    # Every stage's entry opens the same letter (links written before letters existed).
    first = letter.entries.order_by("pk").first()
    assert first is not None
    again = client.get(reverse("casework:message_back_detail", kwargs={"message_id": first.uuid}))
    assert again.content.decode().count('<h3 class="nhsuk-heading-s">') == 3


def test_the_next_day_starts_a_new_letter(personas: Personas) -> None:
    case = referred_case(personas)
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    MessageBackLetter.objects.filter(case=case).update(written_on=yesterday)
    MessageBack.objects.filter(case=case).update(written_on=yesterday)
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.PLAN_AGREED)
    assert MessageBackLetter.objects.filter(case=case).count() == 2


def test_the_same_stage_change_recorded_twice_gives_one_message(personas: Personas) -> None:
    case = referred_case(personas)
    connection = _Connection()
    first = message_back_record(
        actor=personas.link_worker,
        case=case,
        stage=MessageBack.Stage.CONNECTED,
        connection=connection,
    )
    # A double submit, or a retry of a request whose answer was lost.
    again = message_back_record(
        actor=personas.link_worker,
        case=case,
        stage=MessageBack.Stage.CONNECTED,
        connection=connection,
    )
    assert len(first) == 1 and again == []
    assert MessageBack.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="casework.message_back_written").count() == 1
    # The same connection completing later is a new change: a second message, same letter.
    connection.status = "completed"
    message_back_record(
        actor=personas.link_worker,
        case=case,
        stage=MessageBack.Stage.CONNECTED,
        connection=connection,
    )
    assert MessageBack.objects.filter(case=case).count() == 2
    assert MessageBackLetter.objects.filter(case=case).count() == 1


def test_a_retry_after_a_failed_transaction_writes_the_message_once(personas: Personas) -> None:
    case = referred_case(personas)

    class _Failed(Exception):
        pass

    with pytest.raises(_Failed), transaction.atomic():
        message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
        raise _Failed  # the caller's work failed after the message was written: rolled back
    assert not MessageBack.objects.filter(case=case).exists()
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    assert MessageBack.objects.filter(case=case).count() == 1


def test_the_database_refuses_a_duplicate_message_for_the_same_change(
    personas: Personas,
) -> None:
    case = referred_case(personas)
    [message] = message_back_record(
        actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageBack.objects.create(
            case=case,
            referral=message.referral,
            recipient_organisation=message.recipient_organisation,
            stage=message.stage,
            letter=message.letter,
            written_on=message.written_on,
            change_key=message.change_key,
        )


# --- The registered practice, whatever the referral route -------------------------------------


def _referred_by(
    personas: Personas,
    source: str,
    *,
    consent_to_share: bool = True,
    referrer_organisation: Organisation | None = None,
    practice: Organisation | None = None,
) -> Case:
    person = Person.objects.create(
        given_name="Rhian",
        family_name="Morgan",
        date_of_birth=dt.date(1960, 3, 1),
        postcode="SY11 2SP",
        registered_practice=practice,
    )
    referral = Referral.objects.create(
        person=person,
        link_worker_service=personas.link_worker_service,
        source=source,
        referrer_organisation=referrer_organisation,
        details="Struggling since the move.",
        consent_to_contact=True,
        consent_to_share=consent_to_share,
        received_at=timezone.now(),
    )
    case = Case.objects.create(
        person=person,
        link_worker_service=personas.link_worker_service,
        assigned_to=personas.link_worker,
        opened_at=timezone.now(),
    )
    CaseReferral.objects.create(case=case, referral=referral)
    return case


def test_a_self_referred_person_who_consented_gets_a_message_at_their_practice(
    personas: Personas,
) -> None:
    case = _referred_by(personas, ReferralSource.SELF, practice=personas.practice)
    [message] = message_back_record(
        actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN
    )
    assert message.recipient_organisation == personas.practice
    assert message.summary["shared"] is True
    inbox = _client(personas.referrer).get(reverse("casework:messages_back"))
    assert "Rhian Morgan" in inbox.content.decode()


def test_a_self_referred_person_who_did_not_consent_gets_none(personas: Personas) -> None:
    case = _referred_by(
        personas, ReferralSource.SELF, practice=personas.practice, consent_to_share=False
    )
    assert (
        message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
        == []
    )
    assert not MessageBack.objects.filter(case=case).exists()
    page = _client(personas.link_worker).get(
        reverse("casework:case_messages_back", kwargs={"case_id": case.uuid})
    )
    assert "did not agree to share information, so no message goes to their GP practice" in (
        page.content.decode()
    )


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        (ReferralSource.VCS, OrganisationKind.VCSE_PROVIDER),
        (ReferralSource.ADULT_SOCIAL_CARE, OrganisationKind.LOCAL_AUTHORITY),
        (ReferralSource.FIRE_SAFE_AND_WELL, OrganisationKind.FIRE_AND_RESCUE),
    ],
)
def test_other_referrers_and_the_registered_practice_both_hear_when_the_person_consented(
    personas: Personas, source: str, kind: str
) -> None:
    referrer = Organisation.objects.create(name="Referrer", kind=kind, area=personas.area)
    case = _referred_by(
        personas, source, referrer_organisation=referrer, practice=personas.practice
    )
    written = message_back_record(
        actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN
    )
    assert {m.recipient_organisation for m in written} == {referrer, personas.practice}
    # Without consent the practice gets nothing; the referrer learns only what happened.
    other = _referred_by(
        personas,
        source,
        referrer_organisation=referrer,
        practice=personas.practice,
        consent_to_share=False,
    )
    [only] = message_back_record(
        actor=personas.link_worker, case=other, stage=MessageBack.Stage.SEEN
    )
    assert only.recipient_organisation == referrer
    assert only.summary["sections"]["what_matters"] == [NOT_SHARED]


def test_an_unknown_practice_is_shown_with_a_link_to_record_it(personas: Personas) -> None:
    case = _referred_by(personas, ReferralSource.SELF, practice=None)
    assert (
        message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
        == []
    )
    page = _client(personas.link_worker).get(
        reverse("casework:case_messages_back", kwargs={"case_id": case.uuid})
    )
    text = page.content.decode()
    assert "No registered practice:" in text
    edit = reverse("people:edit", kwargs={"person_id": case.person.uuid})
    assert f'<a class="nhsuk-link" href="{edit}">record it on the person\'s details</a>' in text
