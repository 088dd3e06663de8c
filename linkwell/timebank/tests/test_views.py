"""The member's page, the broker's page and the report, for each persona: a member, the other
member, a broker (coordinator), a read-only broker, an outsider, anonymous."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.accounts.models import Role
from linkwell.timebank.models import (
    AccountKind,
    Exchange,
    ExchangeStatus,
    Listing,
    ListingMatch,
    PartnerOffer,
    SupportPackage,
    TimebankMember,
)
from linkwell.timebank.services.ledger import exchange_record, transfer
from linkwell.timebank.services.listings import listing_add
from linkwell.timebank.tests.factories import make_account, make_org
from tests.personas import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    org = make_org()
    users = {
        "member": make_user("ann@example.org", None, None),
        "other": make_user("bob@example.org", None, None),
        "broker": make_user("broker@example.org", org, Role.COORDINATOR),
        "read_only": make_user("ro@example.org", org, Role.COORDINATOR, read_only=True),
        "outsider": make_user("out@example.org", make_org("Elsewhere"), Role.LINK_WORKER),
        "other_broker": make_user("ob@example.org", make_org("Other bank"), Role.COORDINATOR),
    }
    centre = make_account(org, "Centre", kind=AccountKind.ISSUING)
    ann = make_account(org, "Ann Lee", user=users["member"])
    bob = make_account(org, "Bob Shah", user=users["other"])
    transfer(actor=None, from_account=centre, to_account=ann, hours=Decimal(5), category="other")
    return org, users, centre, ann, bob


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        assert c.login(email=user.email, password=PASSWORD)
    return c


def test_a_member_sees_their_balance_and_records_an_exchange_left_pending(cast) -> None:
    _, users, _, ann, bob = cast
    c = client_for(users["member"])
    page = c.get(reverse("timebank:home"))
    assert page.status_code == 200
    assert b"5 hours" in page.content and ann.reference.encode() in page.content
    response = c.post(
        reverse("timebank:record"),
        {
            "direction": "received",
            "other": bob.reference,
            "hours": "1.5",
            "category": "gardening",
            "happened_on": "2025-01-10",
            "note": "Weeding",
        },
    )
    assert response.status_code == 302
    exchange = Exchange.objects.get(note="Weeding")
    assert exchange.status == ExchangeStatus.PENDING
    # Bob gave Ann his time: Ann pays, Bob earns.
    assert (exchange.from_account, exchange.to_account) == (ann, bob)


def test_a_retried_exchange_is_recorded_once(cast) -> None:
    _, users, _, _, bob = cast
    c = client_for(users["member"])
    assert b'name="submission_key"' in c.get(reverse("timebank:home")).content
    post = {
        "direction": "received",
        "other": bob.reference,
        "hours": "2",
        "category": "gardening",
        "happened_on": "2025-01-10",
        "note": "Hedge",
        "submission_key": str(uuid.uuid4()),
    }
    assert c.post(reverse("timebank:record"), post).status_code == 302
    assert c.post(reverse("timebank:record"), post).status_code == 302
    assert Exchange.objects.filter(note="Hedge").count() == 1


def test_a_bad_exchange_is_shown_again_with_a_specific_message_and_nothing_saved(cast) -> None:
    _, users, _, _, bob = cast
    response = client_for(users["member"]).post(
        reverse("timebank:record"),
        {
            "direction": "gave",
            "other": bob.reference,
            "hours": "1.1",
            "category": "gardening",
            "happened_on": "2025-01-10",
        },
    )
    assert response.status_code == 400
    assert b"quarter-hour" in response.content
    assert Exchange.objects.count() == 1


def test_the_other_side_confirms_but_the_recorder_cannot(cast) -> None:
    _, users, _, ann, bob = cast
    pending = exchange_record(
        actor=users["member"],
        from_account=ann,
        to_account=bob,
        hours=Decimal(1),
        category="lifts",
        recorded_by_account=ann,
    )
    url = reverse("timebank:confirm", args=[pending.uuid])
    assert client_for(users["member"]).post(url).status_code == 403
    assert client_for(users["outsider"]).post(url).status_code == 404
    assert client_for(users["read_only"]).post(url).status_code == 403
    assert client_for(None).post(url).status_code == 302
    assert client_for(users["other"]).post(url).status_code == 302
    bob.refresh_from_db()
    assert bob.balance == Decimal(1)


@pytest.mark.parametrize(
    ("who", "status"),
    [("broker", 200), ("read_only", 200), ("outsider", 404), ("member", 404), ("anonymous", 302)],
)
def test_who_sees_the_broker_page(cast, who, status) -> None:
    _, users, *_ = cast
    response = client_for(users.get(who)).get(reverse("timebank:broker"))
    assert response.status_code == status


def test_a_read_only_broker_sees_no_buttons_and_cannot_reverse(cast) -> None:
    _, users, centre, ann, _ = cast
    exchange = Exchange.objects.get(from_account=centre)
    page = client_for(users["read_only"]).get(reverse("timebank:broker"))
    assert b">Reverse</button>" not in page.content
    url = reverse("timebank:reverse", args=[exchange.uuid])
    assert client_for(users["read_only"]).post(url, {"reason": "x"}).status_code == 403
    assert client_for(users["outsider"]).post(url, {"reason": "x"}).status_code == 404
    assert client_for(users["broker"]).post(url, {"reason": "Wrong member"}).status_code == 302
    ann.refresh_from_db()
    assert ann.balance == 0


def test_a_broker_matches_an_offer_to_a_request_with_reasons_then_records_it(cast) -> None:
    _, users, _, ann, bob = cast
    offer = listing_add(
        actor=None, member=bob.member, kind="offer", text="Lifts to hospital and gardening"
    )
    wanted = listing_add(
        actor=None,
        member=ann.member,
        kind="request",
        text="A lift to the hospital",
        category="lifts",
    )
    broker = client_for(users["broker"])
    page = broker.get(reverse("timebank:broker"))
    assert b"Both mention" in page.content
    assert (
        client_for(users["read_only"])
        .post(reverse("timebank:match", args=[wanted.uuid]), {"offer": str(offer.uuid)})
        .status_code
        == 403
    )
    broker.post(reverse("timebank:match", args=[wanted.uuid]), {"offer": str(offer.uuid)})
    match = ListingMatch.objects.get()
    assert any("hospit" in r or "lift" in r for r in match.reasons)
    broker.post(reverse("timebank:match_exchange", args=[match.uuid]), {"hours": "2"})
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert (ann.balance, bob.balance) == (Decimal(3), Decimal(2))  # Ann paid Bob for his time
    assert not Listing.objects.get(pk=wanted.pk).is_open


@pytest.mark.parametrize(("who", "status"), [("broker", 200), ("outsider", 404), ("member", 404)])
def test_the_report_is_for_brokers_and_suppresses_small_numbers(cast, who, status) -> None:
    _, users, *_ = cast
    response = client_for(users[who]).get(reverse("timebank:report"))
    assert response.status_code == status
    if status == 200:
        assert b"*" in response.content  # one member gave: withheld


def test_the_member_page_is_404_for_an_outsider(cast) -> None:
    _, users, *_ = cast
    assert client_for(users["outsider"]).get(reverse("timebank:home")).status_code == 404


def test_a_broker_of_another_organisation_sees_none_of_this_time_bank(cast) -> None:
    _, users, centre, _ann, _ = cast
    c = client_for(users["other_broker"])
    page = c.get(reverse("timebank:broker"))
    assert page.status_code == 200 and b"Ann Lee" not in page.content
    exchange = Exchange.objects.get(from_account=centre)
    assert (
        c.post(reverse("timebank:reverse", args=[exchange.uuid]), {"reason": "x"}).status_code
        == 404
    )
    assert c.post(reverse("timebank:confirm", args=[exchange.uuid])).status_code == 404


# --- Query counts -------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(org, centre, ann, bob, n: int) -> None:
    """`n` more members, each with an open request, an offer that matches another's request, a
    pending exchange with Ann and an introduction made by the broker."""
    for i in range(n):
        other = make_account(org, f"Member {i} {Listing.objects.count()}")
        transfer(
            actor=None, from_account=centre, to_account=other, hours=Decimal(2), category="other"
        )
        listing_add(actor=None, member=other.member, kind="offer", text="Lifts to the hospital")
        wanted = listing_add(
            actor=None, member=other.member, kind="request", text="Help with gardening"
        )
        offer = listing_add(actor=None, member=bob.member, kind="offer", text=f"Gardening {i}")
        ListingMatch.objects.create(request=wanted, offer=offer, reasons=["Both mention garden"])
        exchange_record(
            actor=None,
            from_account=ann,
            to_account=other,
            hours=Decimal(1),
            category="other",
            happened_on=dt.date.today(),
            note="",
            recorded_by_account=other,
        )
        PartnerOffer.objects.create(account=other, title=f"Swim {i}", hours=Decimal(1))


def test_the_broker_page_makes_the_same_number_of_queries_however_many_rows(cast) -> None:
    org, users, centre, ann, bob = cast
    listing_add(actor=None, member=ann.member, kind="request", text="A lift to the hospital")
    client = client_for(users["broker"])
    url = reverse("timebank:broker")
    _queries(client, url)  # the first request also touches the session
    few = _queries(client, url)
    _grow(org, centre, ann, bob, 6)
    page = client.get(url).content.decode()
    assert page.count('data-testid="request"') == 7
    assert page.count('data-testid="suggestion"') > 7  # suggestions were ranked for every row
    assert _queries(client, url) == few


def test_the_member_page_makes_the_same_number_of_queries_however_many_rows(cast) -> None:
    org, users, centre, ann, bob = cast
    client = client_for(users["member"])
    url = reverse("timebank:home")
    _queries(client, url)
    few = _queries(client, url)
    _grow(org, centre, ann, bob, 5)
    listing_add(actor=None, member=ann.member, kind="offer", text="Dog walking")
    page = client.get(url).content.decode()
    assert all(f"Swim {i}" in page for i in range(5)) and "Dog walking" in page
    assert _queries(client, url) == few


# --- Refused broker actions: the page again, with an error summary and the field's error ----------


def _refused(response, *messages: str) -> str:
    assert response.status_code == 400
    content = response.content.decode()
    assert "<title>Error: " in content
    assert 'class="nhsuk-error-summary"' in content
    for message in messages:
        assert content.count(message) >= 2, message  # in the summary and beside the field
    return content


def test_a_reversal_without_a_reason_is_refused_on_the_page(cast) -> None:
    _, users, centre, ann, _ = cast
    exchange = Exchange.objects.get(from_account=centre)
    response = client_for(users["broker"]).post(
        reverse("timebank:reverse", args=[exchange.uuid]), {"reason": " "}
    )
    content = _refused(response, "Say why the exchange is reversed")
    assert f'href="#r-{exchange.uuid}-reason"' in content
    assert f'id="r-{exchange.uuid}-reason"' in content
    ann.refresh_from_db()
    assert ann.balance == Decimal(5)
    assert not Exchange.objects.filter(reverses=exchange).exists()


def test_a_match_with_no_offer_or_a_refused_one_is_shown_on_the_request(cast) -> None:
    _, users, _, ann, _ = cast
    wanted = listing_add(actor=None, member=ann.member, kind="request", text="A lift")
    own = listing_add(actor=None, member=ann.member, kind="offer", text="A lift")
    url = reverse("timebank:match", args=[wanted.uuid])
    broker = client_for(users["broker"])
    content = _refused(broker.post(url, {"offer": "not-an-id"}), "Choose an offer")
    assert f'href="#match-{wanted.uuid}-offer"' in content
    assert f'id="match-{wanted.uuid}-offer"' in content
    content = _refused(
        broker.post(url, {"offer": str(own.uuid)}),
        "A member cannot be matched with their own offer",
    )
    assert not ListingMatch.objects.exists()


def test_hours_for_a_match_that_are_not_a_number_are_refused_beside_the_match(cast) -> None:
    _, users, _, ann, bob = cast
    wanted = listing_add(actor=None, member=ann.member, kind="request", text="A lift")
    offer = listing_add(actor=None, member=bob.member, kind="offer", text="Lifts")
    match = ListingMatch.objects.create(request=wanted, offer=offer, reasons=[])
    response = client_for(users["broker"]).post(
        reverse("timebank:match_exchange", args=[match.uuid]), {"hours": "lots"}
    )
    content = _refused(response, "Enter the hours as a number")
    assert f'href="#h-{match.uuid}-hours"' in content
    match.refresh_from_db()
    assert match.exchange_id is None


def test_adding_a_member_without_a_name_is_refused_with_the_form_shown_again(cast) -> None:
    _, users, *_ = cast
    before = TimebankMember.objects.count()
    response = client_for(users["broker"]).post(reverse("timebank:member_add"), {"name": ""})
    content = _refused(response, "Enter the member&#x27;s name")
    assert 'href="#id_name"' in content
    assert TimebankMember.objects.count() == before
    assert (
        client_for(users["read_only"])
        .post(reverse("timebank:member_add"), {"name": "Cy"})
        .status_code
        == 403
    )


def test_a_package_for_someone_not_supported_is_refused_and_the_form_kept_open(cast) -> None:
    _, users, *_ = cast
    data = {
        "nhs_number": "943 476 5919",
        "description": "Shopping trips",
        "budget_hours": "0",
        "budget_amount": "0",
        "credit_hours": "2",
        "payer": "",
        "provider": "",
        "own_funds_amount": "0",
    }
    response = client_for(users["broker"]).post(reverse("timebank:package_new"), data)
    _refused(response, "No one your organisation supports has these details")
    content = response.content.decode()
    assert '<details class="nhsuk-details" open>' in content
    assert 'value="Shopping trips"' in content  # what the broker typed is kept
    data["budget_hours"] = "-1"
    response = client_for(users["broker"]).post(reverse("timebank:package_new"), data)
    assert 'href="#id_budget_hours"' in _refused(response)
    assert not SupportPackage.objects.exists()


def test_a_one_hour_offer_says_one_hour_on_the_page_and_when_redeemed(cast) -> None:
    _, users, _, _, bob = cast
    offer = PartnerOffer.objects.create(account=bob, title="Swim session", hours=Decimal(1))
    c = client_for(users["member"])
    page = c.get(reverse("timebank:home")).content.decode()
    assert "Swim session</strong> from Bob Shah: 1 hour." in page
    assert "1 hours" not in page
    response = c.post(reverse("timebank:redeem", args=[offer.uuid]), follow=True)
    assert "You redeemed 1 hour for Swim session." in response.content.decode()


@pytest.mark.django_db
def test_an_administrator_before_any_time_bank_opens_the_report_it_links() -> None:
    """The platform administrator brokers from their own organisation and may report on every
    time bank; before any has members the report says so instead of answering "not found"."""
    admin = make_user("admin@example.org", make_org("Platform"), Role.ADMINISTRATOR)
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client = client_for(admin)
    page = client.get(reverse("timebank:broker")).content.decode()
    assert reverse("timebank:report") in page
    report = client.get(reverse("timebank:report"))
    assert report.status_code == 200
    assert b"No time bank has members yet" in report.content
    assert b"No exchanges in this period" in report.content
