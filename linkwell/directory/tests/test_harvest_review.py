"""The same service from two sources (flagged, merged or dismissed by a person) and the feeds
pages, with the personas."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Role
from linkwell.audit.models import AuditEvent
from linkwell.directory.harvest import duplicates
from linkwell.directory.harvest.feeds import feed_source_create
from linkwell.directory.harvest.fetch import FetchedFeed
from linkwell.directory.harvest.runs import harvest_feed
from linkwell.directory.models import (
    DuplicateCandidate,
    DuplicateStatus,
    FeedSource,
    HarvestRun,
    HarvestStatus,
    Service,
    ServiceProvenance,
    ServiceStatus,
)
from linkwell.directory.tests.factories import make_service
from tests.personas import make_user

pytestmark = pytest.mark.django_db

SHED_ID = str(uuid.UUID(int=101))
CAFE_ID = str(uuid.UUID(int=102))


def feed_service(
    sid: str, name: str, postcode: str, *, description: str = "Weekly group."
) -> dict[str, Any]:
    n = uuid.UUID(sid).int
    return {
        "id": sid,
        "name": name,
        "description": description,
        "status": "active",
        "organization": {
            "id": "5b6ec7a4-5a0f-4f5e-9d38-3c0b7a1e0001",
            "name": "Shropshire Council",
            "description": "The council's community directory.",
        },
        "service_at_locations": [
            {
                "id": str(uuid.UUID(int=n + 1000)),
                "location": {
                    "id": str(uuid.UUID(int=n + 2000)),
                    "location_type": "physical",
                    "addresses": [
                        {
                            "id": str(uuid.UUID(int=n + 3000)),
                            "address_1": "1 High Street",
                            "city": "Oswestry",
                            "state_province": "Shropshire",
                            "postal_code": postcode,
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
    }


class StaticFeed:
    """Stands in for the HTTP fetch (test_harvest.py covers HTTP): one page of `services`."""

    def __init__(self, services: list[dict[str, Any]]) -> None:
        self.services = services

    def __call__(self, url: str, **kwargs: Any) -> FetchedFeed:
        page = {"total_pages": 1, "page_number": 1, "contents": self.services}
        return FetchedFeed(pages=[page], urls=[url])


@pytest.fixture
def council() -> FeedSource:
    return feed_source_create(
        actor=None, name="Council", url="https://directory.example.gov.uk/services"
    )


@pytest.fixture
def pair(council: FeedSource) -> DuplicateCandidate:
    """A provider's own listing, then the council's feed listing the same shed."""
    make_service("Oswestry Men's Shed", postcode="SY11 1AA", staff_notes="Ring the bell twice.")
    feed = StaticFeed([feed_service(SHED_ID, "Oswestry Mens Shed", "SY11 1AA")])
    run = harvest_feed(source=council, fetcher=feed)
    assert run.status == HarvestStatus.SUCCEEDED, run.error
    assert run.changes["duplicates"] == 1
    return DuplicateCandidate.objects.get()


def test_the_same_service_from_a_feed_and_a_local_listing_is_flagged(pair):
    assert {pair.first.name, pair.second.name} == {"Oswestry Men's Shed", "Oswestry Mens Shed"}
    assert pair.status == DuplicateStatus.OPEN
    assert "Same postcode (SY111AA)" in pair.reasons
    assert pair.score >= duplicates.THRESHOLD


def test_different_services_are_not_flagged(council):
    make_service("Oswestry Men's Shed", postcode="SY11 1AA")
    feed = StaticFeed(
        [
            feed_service(SHED_ID, "Oswestry Walking Football", "SY11 1AA"),
            feed_service(CAFE_ID, "Men's Shed", "TF1 1AA"),
        ]
    )
    harvest_feed(source=council, fetcher=feed)
    assert not DuplicateCandidate.objects.exists()


def test_two_records_of_the_same_feed_are_not_compared(council):
    feed = StaticFeed(
        [
            feed_service(SHED_ID, "Oswestry Men's Shed", "SY11 1AA"),
            feed_service(CAFE_ID, "Oswestry Mens Shed", "SY11 1AA"),
        ]
    )
    harvest_feed(source=council, fetcher=feed)
    assert not DuplicateCandidate.objects.exists()


def test_an_editor_sees_the_pair_side_by_side(client, personas, pair):
    client.force_login(personas.link_worker)
    response = client.get(reverse("directory:duplicates"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Oswestry Men&#x27;s Shed" in page and "Oswestry Mens Shed" in page
    assert page.count("Merge into this one") == 2
    assert "Not a duplicate" in page


def test_merging_keeps_local_facts_retires_the_other_and_the_feed_then_updates_the_kept(
    client, personas, council, pair
):
    local = Service.objects.get(name="Oswestry Men's Shed")
    harvested = Service.objects.get(uuid=SHED_ID)
    Service.objects.filter(pk=harvested.pk).update(
        staff_notes="Council says: step-free entrance at the back.",
        last_verified_at=timezone.now() - dt.timedelta(days=400),
    )
    local_verified = local.last_verified_at
    action = "keep_first" if pair.first_id == local.pk else "keep_second"
    client.force_login(personas.link_worker)

    response = client.post(
        reverse("directory:duplicate_decide", kwargs={"pair_id": pair.uuid}), {"action": action}
    )

    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED and pair.kept == local
    local.refresh_from_db()
    harvested.refresh_from_db()
    assert harvested.status == ServiceStatus.INACTIVE  # retired, not deleted
    assert local.status == ServiceStatus.ACTIVE
    assert local.last_verified_at == local_verified  # the more recent verification stays
    assert "Ring the bell twice." in local.staff_notes
    assert "step-free entrance at the back" in local.staff_notes
    assert ServiceProvenance.objects.get(record_id=SHED_ID).service == local
    event = AuditEvent.objects.get(action="directory.duplicate_merged")
    assert event.actor_id == personas.link_worker.pk
    # The feed's record now keeps the kept listing up to date; the retired one stays retired.
    feed = StaticFeed(
        [feed_service(SHED_ID, "Oswestry Mens Shed", "SY11 1AA", description="Now on Fridays.")]
    )
    run = harvest_feed(source=council, fetcher=feed, full=True)
    assert run.status == HarvestStatus.SUCCEEDED, run.error
    local.refresh_from_db()
    harvested.refresh_from_db()
    assert local.description == "Now on Fridays."
    assert "Ring the bell twice." in local.staff_notes
    assert harvested.status == ServiceStatus.INACTIVE
    assert run.changes["withdrawn"] == []
    assert Service.objects.count() == 2
    page = client.get(reverse("directory:service_detail", kwargs={"service_id": harvested.uuid}))
    assert "This listing was merged into" in page.content.decode()
    page = client.get(reverse("directory:service_detail", kwargs={"service_id": local.uuid}))
    assert "From the feed Council, last seen" in page.content.decode()


def test_the_same_service_from_two_feeds_is_flagged_and_after_a_merge_one_feed_keeps_it(
    client, personas, council
):
    harvest_feed(
        source=council,
        fetcher=StaticFeed([feed_service(SHED_ID, "Oswestry Men's Shed", "SY11 1AA")]),
    )
    provider = feed_source_create(
        actor=None, name="The shed's own site", url="https://shed.example.org/services"
    )
    own = StaticFeed([feed_service(CAFE_ID, "Oswestry Mens Shed", "SY11 1AA")])
    run = harvest_feed(source=provider, fetcher=own)
    assert run.changes["duplicates"] == 1
    pair = DuplicateCandidate.objects.get()
    assert {pair.first.uuid, pair.second.uuid} == {uuid.UUID(SHED_ID), uuid.UUID(CAFE_ID)}
    council_listing = Service.objects.get(uuid=SHED_ID)
    action = "keep_first" if pair.first_id == council_listing.pk else "keep_second"
    client.force_login(personas.link_worker)
    client.post(
        reverse("directory:duplicate_decide", kwargs={"pair_id": pair.uuid}), {"action": action}
    )
    assert Service.objects.get(uuid=CAFE_ID).status == ServiceStatus.INACTIVE

    # The provider's feed changes its words: the council's feed keeps the listing, so they are
    # only noted, and the retired listing stays retired.
    own.services = [
        feed_service(CAFE_ID, "Oswestry Mens Shed", "SY11 1AA", description="Our own words.")
    ]
    again = harvest_feed(source=provider, fetcher=own, full=True)
    assert again.status == HarvestStatus.SUCCEEDED, again.error
    assert again.changes["updated"] == [] and again.changes["withdrawn"] == []
    council_listing.refresh_from_db()
    assert council_listing.description == "Weekly group."
    assert Service.objects.get(uuid=CAFE_ID).status == ServiceStatus.INACTIVE
    # The council's feed still writes it.
    changed = [
        feed_service(SHED_ID, "Oswestry Men's Shed", "SY11 1AA", description="Now on Fridays.")
    ]
    harvest_feed(source=council, fetcher=StaticFeed(changed), full=True)
    council_listing.refresh_from_db()
    assert council_listing.description == "Now on Fridays."
    # The provider's feed dropping the record withdraws nothing anyone still follows.
    own.services = []
    gone = harvest_feed(source=provider, fetcher=own, full=True)
    assert gone.changes["withdrawn"] == []
    assert Service.objects.get(uuid=SHED_ID).status == ServiceStatus.ACTIVE
    assert DuplicateCandidate.objects.count() == 1


def test_not_a_duplicate_is_remembered(client, personas, council, pair):
    client.force_login(personas.team_manager)
    client.post(
        reverse("directory:duplicate_decide", kwargs={"pair_id": pair.uuid}),
        {"action": "not_duplicate"},
    )
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.NOT_DUPLICATE
    assert duplicates.flag_duplicates(Service.objects.all()) == 0
    assert DuplicateCandidate.objects.count() == 1
    assert AuditEvent.objects.filter(action="directory.duplicate_dismissed").count() == 1
    response = client.get(reverse("directory:duplicates"))
    assert "No likely duplicates to review." in response.content.decode()


def test_a_decided_pair_cannot_be_decided_again(client, personas, pair):
    client.force_login(personas.link_worker)
    url = reverse("directory:duplicate_decide", kwargs={"pair_id": pair.uuid})
    client.post(url, {"action": "not_duplicate"})
    response = client.post(url, {"action": "keep_first"}, follow=True)
    assert "already been decided" in response.content.decode()
    assert Service.objects.filter(status=ServiceStatus.ACTIVE).count() == 2


def test_read_only_editors_may_look_but_not_merge(client, personas, pair):
    client.force_login(personas.read_only_link_worker)
    assert client.get(reverse("directory:duplicates")).status_code == 200
    url = reverse("directory:duplicate_decide", kwargs={"pair_id": pair.uuid})
    assert client.post(url, {"action": "keep_first"}).status_code == 403
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


@pytest.mark.parametrize("who", ["outsider", "owner", "read_only", "referrer"])
def test_people_who_do_not_edit_the_directory_get_404(client, personas, pair, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("directory:duplicates")).status_code == 404
    url = reverse("directory:duplicate_decide", kwargs={"pair_id": pair.uuid})
    assert client.post(url, {"action": "keep_first"}).status_code == 404
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_anonymous_visitors_are_sent_to_sign_in(client, pair):
    response = client.get(reverse("directory:duplicates"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- The feeds pages ---------------------------------------------------------------------------


FEED_FORM = {
    "name": "Telford Council",
    "url": "https://directory.telford.example/services",
    "format": "oruk3",
    "supports_modified_after": "on",
    "harvest_at": "04:30",
    "page_size": "200",
    "full_every_days": "7",
    "licence": "Open Government Licence v3.0",
    "attribution": "Contains data from Telford Council.",
    "enabled": "on",
}


def test_a_team_manager_registers_a_feed_and_it_is_audited(client, personas):
    client.force_login(personas.team_manager)
    response = client.post(reverse("directory:feeds"), FEED_FORM)
    source = FeedSource.objects.get(name="Telford Council")
    assert response.status_code == 302
    assert source.harvest_at == dt.time(4, 30) and source.supports_modified_after
    assert source.created_by == personas.team_manager
    assert AuditEvent.objects.filter(action="directory.feed_source_created").count() == 1
    page = client.get(reverse("directory:feeds")).content.decode()
    assert "Telford Council" in page and "Daily at 04:30" in page


def test_a_bad_feed_form_says_what_is_wrong_and_saves_nothing(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("directory:feeds"), {**FEED_FORM, "url": "not an address"})
    assert response.status_code == 400
    assert "Enter an address starting https://" in response.content.decode()
    assert not FeedSource.objects.exists()


def test_changing_a_feed_is_audited_with_what_changed(client, personas, council):
    client.force_login(personas.admin)
    url = reverse("directory:feed_detail", kwargs={"source_id": council.uuid})
    form = {**FEED_FORM, "name": "Council", "url": council.url, "enabled": ""}
    assert client.post(url, form).status_code == 302
    council.refresh_from_db()
    assert council.enabled is False
    event = AuditEvent.objects.get(action="directory.feed_source_updated")
    assert event.changes["enabled"] == [True, False]


def test_harvest_now_runs_the_harvest_task(client, personas):
    # Tests run tasks immediately; an address inside our network is refused before any fetch.
    source = feed_source_create(actor=None, name="Local", url="http://127.0.0.1:9/services")
    client.force_login(personas.team_manager)
    url = reverse("directory:feed_harvest", kwargs={"source_id": source.uuid})
    assert client.post(url).status_code == 302
    run = HarvestRun.objects.get(source=source)
    assert run.triggered_by == personas.team_manager and run.status == HarvestStatus.FAILED
    assert "not a public internet address" in run.error


def test_a_failing_feed_shows_on_the_feeds_page_and_its_run(client, personas, council):
    def broken(url: str, **kwargs: Any) -> FetchedFeed:
        from linkwell.directory.harvest.fetch import HarvestError

        raise HarvestError("Page 3: the server answered 500 Internal Server Error.")

    run = harvest_feed(source=council, fetcher=broken)
    client.force_login(personas.admin)
    page = client.get(reverse("directory:feeds")).content.decode()
    assert "Failing" in page and "Page 3: the server answered 500" in page
    page = client.get(reverse("directory:harvest_run", kwargs={"run_id": run.uuid})).content
    assert b"Nothing was changed" in page
    detail = client.get(reverse("directory:feed_detail", kwargs={"source_id": council.uuid}))
    assert detail.status_code == 200
    assert "The last harvest failed" in detail.content.decode()
    assert 'value="Council"' in detail.content.decode()  # the settings form, filled in


def test_a_run_page_lists_what_changed(client, personas, council):
    feed = StaticFeed([feed_service(SHED_ID, "Oswestry Mens Shed", "SY11 1AA")])
    run = harvest_feed(source=council, fetcher=feed)
    client.force_login(personas.team_manager)
    page = client.get(reverse("directory:harvest_run", kwargs={"run_id": run.uuid})).content
    assert b"New (1)" in page and b"Oswestry Mens Shed" in page
    assert HarvestRun.objects.count() == 1


def test_feeds_pages_are_for_team_managers_and_administrators(client, personas, council):
    read_only_manager = make_user(
        "observer@sp.example", personas.link_worker_service, Role.TEAM_MANAGER, read_only=True
    )
    detail = reverse("directory:feed_detail", kwargs={"source_id": council.uuid})
    harvest = reverse("directory:feed_harvest", kwargs={"source_id": council.uuid})
    client.force_login(read_only_manager)
    assert client.get(reverse("directory:feeds")).status_code == 200
    assert client.post(reverse("directory:feeds"), FEED_FORM).status_code == 403
    assert client.post(harvest).status_code == 403
    for who in ("link_worker", "outsider", "owner", "commissioner"):
        client.force_login(getattr(personas, who))
        assert client.get(reverse("directory:feeds")).status_code == 404, who
        assert client.get(detail).status_code == 404, who
        assert client.post(harvest).status_code == 404, who
    assert FeedSource.objects.count() == 1
    assert not HarvestRun.objects.exists()


def test_merging_takes_the_more_recent_verification_of_the_other_listing(personas, pair):
    local = Service.objects.get(name="Oswestry Men's Shed")
    harvested = Service.objects.get(uuid=SHED_ID)
    recent = timezone.now() - dt.timedelta(hours=2)
    Service.objects.filter(pk=harvested.pk).update(
        last_verified_at=recent, last_verified_by=personas.link_worker_teammate
    )
    Service.objects.filter(pk=local.pk).update(last_verified_at=recent - dt.timedelta(days=30))

    duplicates.merge(actor=personas.link_worker, candidate=pair, keep=local)

    local.refresh_from_db()
    assert local.last_verified_at == recent
    assert local.last_verified_by == personas.link_worker_teammate
    event = AuditEvent.objects.get(action="directory.duplicate_merged")
    assert "last_verified_at" in event.changes


def test_the_command_compares_the_whole_directory_once(council):
    from io import StringIO

    from django.core.management import call_command

    make_service("Oswestry Men's Shed", postcode="SY11 1AA")
    make_service("Oswestry Mens Shed", postcode="SY11 1AA")
    make_service("Walking Football", postcode="SY11 1AA")
    out = StringIO()
    call_command("harvest", "duplicates", stdout=out)
    assert out.getvalue().startswith("1 new likely duplicate pair(s)")
    call_command("harvest", "duplicates", stdout=StringIO())
    assert DuplicateCandidate.objects.count() == 1
