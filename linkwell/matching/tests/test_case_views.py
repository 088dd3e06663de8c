"""The suggestions page linked from the plan screen: reasons, one click to signpost or refer,
"not suitable", capacity protection, the recorded choices, and who may see it."""

import threading
from typing import Any

import numpy as np
import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from linkwell.connections.models import Connection, ConnectionKind, ConnectionStatus
from linkwell.connections.services import FULL_NOTE
from linkwell.directory.tests.factories import make_service
from linkwell.matching import cache as matcher_cache
from linkwell.matching.models import DecisionAction, DecisionVia, MatchDecision, MatchRun
from linkwell.people.models import Person

from .factories import HOME_POSTCODE, directory, login, reviewed_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return reviewed_case(personas)


@pytest.fixture
def services(personas):
    return directory(personas)


def page_url(case: Any) -> str:
    return reverse("matching:case_suggestions", kwargs={"case_id": case.uuid})


def action_url(case: Any, run: MatchRun, service: Any, action: str) -> str:
    return reverse(
        "matching:suggestion_action",
        kwargs={
            "case_id": case.uuid,
            "run_id": run.uuid,
            "service_id": service.uuid,
            "action": action,
        },
    )


def section_of(html: str, rank: int) -> str:
    """The markup of the suggestion at `rank` (up to the next suggestion or the list's end)."""
    return (
        html.split(f'id="suggestion-{rank}"')[1].split("app-result-list__item")[0].split("</ol>")[0]
    )


def show(client, personas, case) -> tuple[str, MatchRun]:
    response = login(client, personas.link_worker).get(page_url(case))
    assert response.status_code == 200
    return response.content.decode(), MatchRun.objects.filter(case=case).latest("created_at")


# --- What the link worker sees ------------------------------------------------------------------


def test_the_link_worker_sees_ranked_suggestions_with_reasons_places_and_times(
    client, personas, case, services
):
    html, run = show(client, personas, case)
    assert "Community garden club" in html
    assert "matches &#x27;Gardening&#x27;" in html
    assert "4 places left" in html
    assert "Tuesdays 10:00\u201312:00" in html
    # A session already quoted in "Why" is not repeated under "When".
    assert section_of(html, 1).count("Tuesdays 10:00\u201312:00") == 1
    # Nor are the distance and the places left, shown once in the line under the name, nor
    # that it takes referrals (its Refer button says so).
    assert "takes referrals" not in section_of(html, 1)
    assert section_of(html, 1).count("4 places left") == 1
    assert section_of(html, 1).count(" away") == 1
    assert "Closed gardening group" not in html  # inactive: a hard constraint
    ranks = {row["service"]: row["rank"] for row in run.shown}
    assert ranks[str(services["garden"].uuid)] == 1
    assert run.user == personas.link_worker and run.engine.startswith("linkwell-matching/")
    assert all(set(row) == {"service", "rank", "score", "at_capacity"} for row in run.shown)
    event = AuditEvent.objects.get(action="access", person_id=str(case.person.uuid))
    assert event.detail["purpose"] == "matching profile"
    assert AuditEvent.objects.filter(action="matching.suggestions_shown").count() == 1


def test_a_full_service_is_shown_below_open_ones_labelled_and_not_offered_a_plain_refer(
    client, personas, case, services
):
    html, run = show(client, personas, case)
    choir = str(services["choir"].uuid)
    row = next(r for r in run.shown if r["service"] == choir)
    assert row["at_capacity"] is True
    garden_rank = next(r["rank"] for r in run.shown if r["service"] == str(services["garden"].uuid))
    assert row["rank"] > garden_rank
    section = section_of(html, row["rank"])
    assert "Full" in section
    assert "Join waiting list / refer anyway" in section
    assert f"{action_url(case, run, services['choir'], 'refer')}" in section
    assert 'name="confirm_full"' in section
    assert ">Refer<" not in section


def test_a_signposting_only_service_offers_no_referral(client, personas, case, services):
    html, run = show(client, personas, case)
    row = next(r for r in run.shown if r["service"] == str(services["walk"].uuid))
    section = section_of(html, row["rank"])
    assert "Signposting only" in section and "/refer/" not in section
    # Said once, by the actions, not again under "Why".
    assert section.lower().count("signposting only") == 1


def test_the_plan_screen_links_to_the_suggestions_for_writers_only(client, personas, case):
    plan_url = reverse("casework:plan_detail", kwargs={"case_id": case.uuid})
    assert page_url(case) in login(client, personas.link_worker).get(plan_url).content.decode()
    client.logout()
    html = login(client, personas.read_only_link_worker).get(plan_url).content.decode()
    assert page_url(case) not in html


def test_the_page_reads_a_constant_number_of_queries_whatever_the_directory_size(
    client, personas, case, services
):
    login(client, personas.link_worker)
    client.get(page_url(case))  # warm the Matcher
    with CaptureQueriesContext(db_connection) as small:
        assert client.get(page_url(case)).status_code == 200
    for i in range(6):
        make_service(
            f"Gardening club {i}", postcode=HOME_POSTCODE, description="Gardening", referrals=True
        )
    matcher_cache.clear_cache()
    client.get(page_url(case))
    with CaptureQueriesContext(db_connection) as big:
        assert client.get(page_url(case)).status_code == 200
    assert len(big) == len(small)
    assert len(small) <= 25


# --- Who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["link_worker_teammate", "team_manager", "admin"])
def test_the_case_team_sees_the_suggestions(client, personas, case, services, who):
    assert login(client, getattr(personas, who)).get(page_url(case)).status_code == 200


@pytest.mark.parametrize("who", ["other_team_link_worker", "owner", "outsider", "commissioner"])
def test_outsiders_get_404(client, personas, case, services, who):
    assert login(client, getattr(personas, who)).get(page_url(case)).status_code == 404
    assert not MatchRun.objects.exists()


def test_read_only_members_get_403(client, personas, case, services):
    response = login(client, personas.read_only_link_worker).get(page_url(case))
    assert response.status_code == 403
    assert not MatchRun.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, case):
    response = client.get(page_url(case))
    assert response.status_code == 302 and "login" in response["Location"]


def test_outsiders_and_read_only_members_cannot_act_on_a_run(client, personas, case, services):
    _, run = show(client, personas, case)
    client.logout()
    url = action_url(case, run, services["garden"], "signpost")
    assert login(client, personas.other_team_link_worker).post(url).status_code == 404
    client.logout()
    assert login(client, personas.read_only_link_worker).post(url).status_code == 403
    assert not Connection.objects.exists() and not MatchDecision.objects.exists()


def test_a_run_of_another_case_is_not_found(client, personas, case, services):
    other = reviewed_case(personas, given_name="Mike", email="mike@example.org")
    _, run = show(client, personas, other)
    response = client.post(action_url(case, run, services["garden"], "signpost"))
    assert response.status_code == 404
    assert not Connection.objects.exists()


# --- One click -----------------------------------------------------------------------------------


def test_one_click_signposts_and_records_the_decision_with_its_rank(
    client, personas, case, services
):
    _, run = show(client, personas, case)
    response = client.post(action_url(case, run, services["walk"], "signpost"))
    assert response.status_code == 302
    made = Connection.objects.get(case=case)
    assert made.kind == ConnectionKind.SIGNPOST and made.service == services["walk"]
    decision = MatchDecision.objects.get()
    assert decision.action == DecisionAction.SIGNPOSTED
    assert decision.via == DecisionVia.SUGGESTIONS
    assert decision.rank == run.rank_of(str(services["walk"].uuid))
    assert decision.connection == made and decision.decided_by == personas.link_worker
    audit = AuditEvent.objects.get(action="matching.decision_recorded")
    assert audit.person_id == str(case.person.uuid) and audit.detail["rank"] == decision.rank
    # The service is now "already tried": the next list leaves it out.
    html, again = show(client, personas, case)
    assert again.rank_of(str(services["walk"].uuid)) is None
    assert "Walking group</h2>" not in html


def test_one_click_refers_and_records_the_decision(client, personas, case, services):
    _, run = show(client, personas, case)
    client.post(action_url(case, run, services["garden"], "refer"))
    made = Connection.objects.get(case=case)
    assert made.kind == ConnectionKind.REFERRAL and made.status == ConnectionStatus.REQUESTED
    decision = MatchDecision.objects.get()
    assert (decision.action, decision.rank, decision.connection) == (
        DecisionAction.REFERRED,
        1,
        made,
    )


def test_a_refused_referral_writes_neither_the_connection_nor_the_decision(
    client, personas, case, services
):
    _, run = show(client, personas, case)
    response = client.post(action_url(case, run, services["choir"], "refer"), follow=True)
    assert "has no places at the moment" in response.content.decode()
    assert not Connection.objects.exists() and not MatchDecision.objects.exists()


def test_a_full_service_is_referred_only_with_an_explicit_confirmation(
    client, personas, case, services
):
    _, run = show(client, personas, case)
    client.post(action_url(case, run, services["choir"], "refer"), {"confirm_full": "1"})
    made = Connection.objects.get(case=case)
    assert made.service == services["choir"]
    assert FULL_NOTE in made.shared["message"]
    assert AuditEvent.objects.get(action="connections.referral_requested").detail["sent_while_full"]
    assert MatchDecision.objects.get().action == DecisionAction.REFERRED


def test_not_suitable_is_recorded_with_its_reason_and_not_suggested_again(
    client, personas, case, services
):
    _, run = show(client, personas, case)
    client.post(action_url(case, run, services["lunch"], "dismiss"), {"reason": " Hates  crowds "})
    decision = MatchDecision.objects.get()
    assert (decision.action, decision.reason) == (DecisionAction.DISMISSED, "Hates crowds")
    assert decision.connection is None and not Connection.objects.exists()
    html, run2 = show(client, personas, case)
    assert run2.rank_of(str(services["lunch"].uuid)) is None
    assert "Lunch club</h2>" not in html


def test_a_too_long_reason_is_refused_and_nothing_is_recorded(client, personas, case, services):
    _, run = show(client, personas, case)
    response = client.post(
        action_url(case, run, services["lunch"], "dismiss"), {"reason": "x" * 301}, follow=True
    )
    assert "300 characters or fewer" in response.content.decode()
    assert not MatchDecision.objects.exists()


def test_a_service_that_was_not_suggested_cannot_be_acted_on_from_the_run(
    client, personas, case, services
):
    _, run = show(client, personas, case)
    response = client.post(action_url(case, run, services["closed"], "signpost"), follow=True)
    assert "was not among these suggestions" in response.content.decode()
    assert not Connection.objects.exists() and not MatchDecision.objects.exists()


def test_an_unknown_action_is_not_found(client, personas, case, services):
    _, run = show(client, personas, case)
    assert client.post(action_url(case, run, services["garden"], "delete")).status_code == 404


# --- Choices made on the ordinary connect page -------------------------------------------------


def connect(client, case, service, **data: str) -> Any:
    url = reverse(
        "connections:connect_service", kwargs={"case_id": case.uuid, "service_id": service.uuid}
    )
    return client.post(url, {"kind": "signpost", **data})


def test_a_service_chosen_from_the_search_that_was_not_suggested_is_recorded(
    client, personas, case, services
):
    _, run = show(client, personas, case)
    elsewhere = make_service("Bowls club", postcode="SY1 1AA", referrals=True)
    assert connect(client, case, elsewhere).status_code == 302
    decision = MatchDecision.objects.get()
    assert decision.action == DecisionAction.CHOSE_UNSUGGESTED
    assert (decision.rank, decision.via, decision.run) == (None, DecisionVia.SEARCH, run)


def test_a_suggested_service_connected_from_the_search_keeps_its_rank(
    client, personas, case, services
):
    _, run = show(client, personas, case)
    connect(client, case, services["walk"])
    decision = MatchDecision.objects.get()
    assert decision.action == DecisionAction.SIGNPOSTED and decision.via == DecisionVia.SEARCH
    assert decision.rank == run.rank_of(str(services["walk"].uuid))


def test_refer_with_a_message_from_a_suggestion_counts_as_from_the_suggestions(
    client, personas, case, services
):
    _, run = show(client, personas, case)
    url = reverse(
        "connections:connect_service",
        kwargs={"case_id": case.uuid, "service_id": services["garden"].uuid},
    )
    form = client.get(f"{url}?run={run.uuid}").content.decode()
    assert f'name="run" value="{run.uuid}"' in form
    client.post(url, {"kind": "referral", "message": "Loves roses", "run": str(run.uuid)})
    decision = MatchDecision.objects.get()
    assert (decision.action, decision.via, decision.rank) == (
        DecisionAction.REFERRED,
        DecisionVia.SUGGESTIONS,
        1,
    )


def test_without_suggestions_a_search_connection_records_no_decision(client, personas, case):
    login(client, personas.link_worker)
    connect(client, case, make_service("Bowls club", postcode="SY1 1AA"))
    assert Connection.objects.count() == 1 and not MatchDecision.objects.exists()


def test_the_connect_page_asks_for_confirmation_before_referring_to_a_full_service(
    client, personas, case, services
):
    login(client, personas.link_worker)
    url = reverse(
        "connections:connect_service",
        kwargs={"case_id": case.uuid, "service_id": services["choir"].uuid},
    )
    assert 'name="confirm_full"' in client.get(url).content.decode()
    refused = client.post(url, {"kind": "referral"})
    assert refused.status_code == 400 and "no places" in refused.content.decode()
    assert not Connection.objects.exists()
    assert client.post(url, {"kind": "referral", "confirm_full": "1"}).status_code == 302
    assert Connection.objects.get().kind == ConnectionKind.REFERRAL


@pytest.mark.parametrize(
    ("postcode", "said"),
    [("", "Distance unknown: no postcode"), ("SY11 9ZZ", "the postcode SY11 9ZZ was not found")],
)
def test_suggestions_say_when_distance_is_unknown_and_link_to_the_record(
    client, personas, case, services, postcode, said
):
    client.force_login(personas.link_worker)
    assert "distance-unknown" not in client.get(page_url(case)).content.decode()
    Person.objects.filter(pk=case.person_id).update(postcode=postcode)
    page = client.get(page_url(case)).content.decode()
    assert said in page
    assert reverse("people:edit", kwargs={"person_id": case.person.uuid}) in page


def test_why_keeps_how_to_get_there_but_not_what_the_page_says_elsewhere():
    from linkwell.matching.wording import reasons_below_header

    reasons = [
        "matches 'Gardening'",
        "1.2 km away, bus 64 stops outside",
        "2 places left",
        "free",
        "signposting only: the person contacts them",
    ]
    assert reasons_below_header(reasons, distance="1.2 km away", places="2 places left") == [
        "matches 'Gardening'",
        "getting there: bus 64 stops outside",
        "free",
    ]


class _StuckEncoder:
    """An encoder that answers only once the test lets it (a slow model on a busy machine)."""

    name = "stuck"

    def __init__(self) -> None:
        self.gate = threading.Event()

    def encode(self, texts: Any) -> Any:
        assert self.gate.wait(timeout=30), "the test never let the encoder finish"
        return np.ones((len(list(texts)), 384), dtype=np.float32) / np.sqrt(384)


def test_suggestions_ranked_on_words_alone_while_the_directory_is_read_say_so(
    client, personas, case, services, monkeypatch
):
    stuck = _StuckEncoder()
    monkeypatch.setattr(matcher_cache, "MATCHER_ENCODER", "default")
    monkeypatch.setattr(matcher_cache, "get_encoder", lambda: stuck)
    monkeypatch.setattr(matcher_cache, "BLOCKING_ENCODE_MAX", 1)  # the fixture has a few
    matcher_cache.clear_cache()
    try:
        html, run = show(client, personas, case)
        assert "Community garden club" in html  # suggestions straight away...
        assert 'id="words-only"' in html  # ...said to be on words alone for now
        assert "semantic" not in run.components
    finally:
        stuck.gate.set()
        matcher_cache._warming["thread"].join(timeout=30)
        matcher_cache.clear_cache()
    html, _ = show(client, personas, case)
    assert 'id="words-only"' not in html
