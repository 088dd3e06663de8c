""" "What could help me?": suggestions with reasons, without writing anything anywhere."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from linkwell.directory import postcodes
from linkwell.directory.models import Service, ServiceStatus
from linkwell.directory.tests.factories import make_organization, make_service
from linkwell.matching import cache as matcher_cache
from linkwell.matching import engine
from linkwell.matching.engine import Matcher

pytestmark = pytest.mark.django_db

HELP = reverse("public:help")
HOME = "SY11 1AA"


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The rate-limit counters and the per-process Matcher outlive a test's transaction.
    # Embedding the directory takes seconds: only tests asking for `real_encoder` pay for it.
    monkeypatch.setattr(matcher_cache, "MATCHER_ENCODER", None)
    cache.clear()
    matcher_cache.clear_cache()
    yield
    cache.clear()
    matcher_cache.clear_cache()


@pytest.fixture
def real_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matcher_cache, "MATCHER_ENCODER", "default")


def near(km_north: float) -> tuple[float, float]:
    lat, lon = postcodes.lookup(HOME)
    return lat + km_north / 111.2, lon


@pytest.fixture
def directory() -> dict[str, Service]:
    lat, lon = near(0.8)
    far_lat, far_lon = near(30)
    return {
        "walk": make_service(
            "Walk and talk",
            lat=lat,
            lon=lon,
            byday="TU",
            opens="10:00",
            closes="12:00",
            free=True,
            description="A gentle walk with others and a chat along the way.",
            terms=["Walking"],
            staff_notes="Leader away in March",
        ),
        "paid_walk": make_service(
            "Nordic walking class",
            lat=lat,
            lon=lon,
            byday="TU",
            opens="10:00",
            closes="11:00",
            price="8.00",
            description="Walking with poles, led by a coach.",
            terms=["Walking"],
        ),
        "far_walk": make_service(
            "Hill walkers",
            lat=far_lat,
            lon=far_lon,
            byday="TU",
            opens="10:00",
            closes="15:00",
            free=True,
            description="Long walks in the hills.",
            terms=["Walking"],
        ),
        "closed_walk": make_service(
            "Riverside walks",
            lat=lat,
            lon=lon,
            byday="TU",
            opens="10:00",
            closes="12:00",
            free=True,
            description="Walks by the river.",
            status=ServiceStatus.INACTIVE,
        ),
        "choir": make_service(
            "Community choir",
            # Lapsed quality checks are for staff only; the public never hears of them.
            organization=make_organization("Choir provider", assured=False),
            lat=lat,
            lon=lon,
            byday="WE",
            opens="18:00",
            closes="20:00",
            free=True,
            description="Sing together; no experience needed.",
            terms=["Music"],
        ),
    }


ANSWERS = {
    "interests": "walking",
    "matters": "I feel lonely since I retired",
    "postcode": HOME,
    "travel": "walk",
    "distance": "3",
    "days": ["TU"],
    "times": ["morning"],
    "free_only": "on",
}


def row_counts() -> dict[str, int]:
    tables = set(connection.introspection.table_names())
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.db_table in tables
    }


def test_anyone_can_open_the_questions_and_is_told_they_stay_private() -> None:
    response = Client().get(HELP)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'method="post"' in page
    assert "we do not keep them" in page
    assert reverse("referrals:self_referral") in page


def test_answers_give_suggestions_with_reasons(
    directory: dict[str, Service], real_encoder: None
) -> None:
    response = Client().post(HELP, ANSWERS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Walk and talk" in page
    assert "Why we suggest it" in page
    assert "walking" in page.lower()
    assert reverse("public:service_detail", args=[directory["walk"].uuid]) in page
    # Hard constraints: not free, beyond reach, or not running never appear.
    assert "Nordic walking class" not in page
    assert "Hill walkers" not in page
    assert "Riverside walks" not in page
    assert "Leader away in March" not in page
    # And the person can ask a link worker for help from here.
    assert reverse("referrals:self_referral") in page


def test_without_free_only_paid_services_may_be_suggested(directory: dict[str, Service]) -> None:
    answers = {k: v for k, v in ANSWERS.items() if k != "free_only"}
    page = Client().post(HELP, answers).content.decode()
    assert "Nordic walking class" in page


def test_the_questionnaire_writes_nothing(directory: dict[str, Service]) -> None:
    before = row_counts()
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.post(HELP, ANSWERS).status_code == 200
        assert client.post(HELP, {"interests": ""}).status_code == 400
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert row_counts() == before
    assert AuditEvent.objects.count() == before["audit.AuditEvent"]
    assert "sessionid" not in client.cookies


def test_answers_never_go_in_the_url(directory: dict[str, Service]) -> None:
    # A GET with answers in its query string shows the empty questions, not suggestions.
    response = Client().get(HELP, {"interests": "walking", "postcode": HOME})
    assert response.status_code == 200
    assert "Walk and talk" not in response.content.decode()
    assert re.search(r'id="id_interests">\s*</textarea>', response.content.decode())


def test_nothing_to_go_on_is_explained() -> None:
    response = Client().post(HELP, {"postcode": HOME})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Tell us something you enjoy, or what matters to you" in page


def test_a_bad_postcode_is_explained() -> None:
    response = Client().post(HELP, {"interests": "singing", "postcode": "SY99 ZZZ"})
    assert response.status_code == 400
    assert "postcode" in response.content.decode().lower()


def test_a_distance_without_a_postcode_is_explained() -> None:
    response = Client().post(HELP, {"interests": "singing", "distance": "3"})
    assert response.status_code == 400
    assert "Enter your postcode so we can work out how far" in response.content.decode()


def test_too_many_questionnaires_from_one_address_are_refused(
    settings: Any, directory: dict[str, Service]
) -> None:
    settings.LINKWELL_HELP_QUESTIONS_PER_HOUR = 2
    client = Client()
    assert client.post(HELP, ANSWERS).status_code == 200
    assert client.post(HELP, ANSWERS).status_code == 200
    refused = client.post(HELP, ANSWERS)
    assert refused.status_code == 429
    assert "too many" in refused.content.decode().lower() or "lot of requests" in (
        refused.content.decode()
    )
    # Another address is not affected, and the self-referral's allowance is separate.
    assert Client(REMOTE_ADDR="192.0.2.7").post(HELP, ANSWERS).status_code == 200


def test_the_matcher_is_reused_until_the_directory_changes(
    directory: dict[str, Service], monkeypatch: pytest.MonkeyPatch
) -> None:
    built = []
    real = Matcher

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(matcher_cache, "Matcher", counting)
    client = Client()
    client.post(HELP, ANSWERS)
    client.post(HELP, ANSWERS)
    assert len(built) == 1
    # Any edit raises the version (directory services); a new ranking sees the change.
    walk = directory["walk"]
    Service.objects.filter(pk=walk.pk).update(
        name="Tuesday walk and talk", version=walk.version + 1
    )
    page = client.post(HELP, ANSWERS).content.decode()
    assert len(built) == 2
    assert "Tuesday walk and talk" in page


def test_a_full_service_is_shown_but_not_pushed(directory: dict[str, Service]) -> None:
    answers = {k: v for k, v in ANSWERS.items() if k != "free_only"}
    page = Client().post(HELP, answers).content.decode()
    assert "Full at the moment" not in page
    # Whichever of the two walks comes first goes below the other once it is full.
    first, second = sorted(
        (directory["walk"], directory["paid_walk"]), key=lambda s: page.index(s.name)
    )
    Service.objects.filter(pk=first.pk).update(
        capacity_available=0, capacity_maximum=10, version=first.version + 1
    )
    page = Client().post(HELP, answers).content.decode()
    assert page.index(second.name) < page.index(first.name)
    assert "Full at the moment" in page


def test_link_worker_wording_is_left_out_of_the_reasons(directory: dict[str, Service]) -> None:
    # Free on Wednesday evenings too, when the choir meets.
    answers = {**ANSWERS, "days": ["TU", "WE"], "times": ["morning", "evening"]}
    page = Client().post(HELP, answers).content.decode()
    assert "signposting only" not in page.lower()
    assert "the person contacts them" not in page
    assert "Community choir" in page
    assert "quality" not in page.lower()


def test_the_distance_is_said_once_under_the_name(directory: dict[str, Service]) -> None:
    page = Client().post(HELP, ANSWERS).content.decode()
    item = page[page.index("Walk and talk") :]
    assert "0.8 km (0.5 miles)</strong> away" in item[: item.index("</p>")]  # under the name
    why = item[item.index("Why we suggest it") :]
    why = why[: why.index("</ul>")]
    assert "matches" in why
    assert "km away" not in why


def test_the_questionnaire_runs_a_bounded_number_of_queries(
    directory: dict[str, Service], django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.post(HELP, ANSWERS)  # builds the Matcher
    with django_assert_max_num_queries(8):
        assert client.post(HELP, ANSWERS).status_code == 200


class FakeEncoder:
    """Records what it is asked to embed; vectors are arbitrary but fixed per text."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Any) -> Any:
        self.calls.append(list(texts))
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).random(384) for t in texts]
        return np.array([r / np.linalg.norm(r) for r in rows], dtype=np.float32)


def test_an_edit_re_embeds_only_the_changed_service_and_answers_are_not_remembered(
    directory: dict[str, Service], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeEncoder()
    monkeypatch.setattr(matcher_cache, "MATCHER_ENCODER", "default")
    monkeypatch.setattr(matcher_cache, "get_encoder", lambda: fake)
    client = Client()
    client.post(HELP, ANSWERS)
    running = Service.objects.filter(status=ServiceStatus.ACTIVE).count()
    assert len(fake.calls[0]) == running  # the whole directory, once
    fake.calls.clear()
    walk = directory["walk"]
    Service.objects.filter(pk=walk.pk).update(
        description="A gentle walk, now with tea afterwards.", version=walk.version + 1
    )
    client.post(HELP, ANSWERS)
    indexed = [texts for texts in fake.calls if any("tea afterwards" in t for t in texts)]
    assert len(indexed) == 1 and len(indexed[0]) == 1  # the edited service alone
    # What the person said was embedded for their ranking, and is kept nowhere afterwards.
    assert any("lonely" in t for texts in fake.calls for t in texts)
    shared = matcher_cache.matcher()
    assert shared._said_vectors == {}
    assert not any("lonely" in t for t in engine._SERVICE_VECTORS)


class GatedEncoder(FakeEncoder):
    """Encodes only once the test opens the gate (a slow model on a busy machine)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def encode(self, texts: Any) -> Any:
        assert self.gate.wait(timeout=30), "the test never let the encoder finish"
        return super().encode(texts)


def test_a_whole_directory_is_embedded_in_the_background_and_nobody_waits_for_it(
    directory: dict[str, Service], monkeypatch: pytest.MonkeyPatch
) -> None:
    gated = GatedEncoder()
    monkeypatch.setattr(matcher_cache, "MATCHER_ENCODER", "default")
    monkeypatch.setattr(matcher_cache, "get_encoder", lambda: gated)
    monkeypatch.setattr(matcher_cache, "BLOCKING_ENCODE_MAX", 1)  # the fixture has a few
    # The encoder is stuck, yet the person gets suggestions (lexical) straight away.
    response = Client().post(HELP, ANSWERS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Walk and talk" in page
    assert matcher_cache.warming()
    assert matcher_cache.matcher().embeddings is None
    # The person is told the list is on words alone for now, and can look again with the
    # same answers (sent back in the form's body, never the address).
    notice = page[page.index('id="words-only"') : page.index("</form>")]
    assert "match your words only for now" in notice
    again = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', notice)
    sent = [(k, v) for k, vs in ANSWERS.items() for v in ([vs] if isinstance(vs, str) else vs)]
    assert sorted(p for p in again if p[0] != "csrfmiddlewaretoken") == sorted(sent)
    gated.gate.set()
    matcher_cache._warming["thread"].join(timeout=30)
    assert not matcher_cache.warming()
    looked_again = Client().post(HELP, ANSWERS).content.decode()
    assert "Walk and talk" in looked_again
    assert 'id="words-only"' not in looked_again
    # Once the vectors are in, the next request ranks with the semantic part, encoding no
    # listing again (only what the person said).
    gated.calls.clear()
    full = matcher_cache.matcher()
    assert full.embeddings is not None and full.encoder is gated
    assert gated.calls == []


def test_services_for_other_ages_are_not_suggested(directory: dict[str, Service]) -> None:
    lat, lon = near(0.5)
    make_service(
        "Over-65s walking club",
        lat=lat,
        lon=lon,
        byday="TU",
        opens="10:00",
        closes="12:00",
        free=True,
        minimum_age=65,
        description="Walking for older people.",
    )
    assert "Over-65s walking club" in Client().post(HELP, {**ANSWERS, "age": "70"}).content.decode()
    assert (
        "Over-65s walking club"
        not in Client().post(HELP, {**ANSWERS, "age": "30"}).content.decode()
    )
