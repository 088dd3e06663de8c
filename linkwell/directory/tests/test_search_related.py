"""Search understands the words matching understands: "lonely" finds befriending and social
groups, on the public directory and the staff one, with the person's own words first."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.directory.selectors import ServiceFilters, search_services
from linkwell.directory.tests.factories import make_service
from linkwell.directory.text_search import query_terms
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def services() -> dict[str, object]:
    return {
        "befriending": make_service("Age UK Befriending", description="A volunteer visits weekly."),
        "social": make_service("Tuesday Social Group", description="Tea, cake and a chat."),
        "lunch": make_service("Community lunch club", description="A hot meal together."),
        "lonely": make_service("Lonely no more walk", description="A walk for anyone."),
        "yoga": make_service("Chair yoga", description="Gentle movement."),
    }


def names(text: str) -> list[str]:
    page = search_services(filters=ServiceFilters(text=text, related_terms=True), per_page=50)
    return [s.name for s in page.items]


def test_lonely_finds_befriending_social_groups_and_lunch_clubs_after_its_own_word(services):
    found = names("lonely")
    assert found[0] == "Lonely no more walk"  # the person's own word first
    assert set(found[1:]) == {"Age UK Befriending", "Tuesday Social Group", "Community lunch club"}
    assert "Chair yoga" not in found


def test_isolated_and_loneliness_find_the_same_services(services):
    assert set(names("isolated")) >= {"Age UK Befriending", "Tuesday Social Group"}
    assert set(names("loneliness")) >= {"Age UK Befriending", "Tuesday Social Group"}


def test_each_thing_asked_for_must_still_be_found(services):
    # Two concepts: something for loneliness that is also a walk.
    assert names("lonely walk") == ["Lonely no more walk"]


def test_a_word_with_no_related_terms_is_searched_as_before(services):
    query = query_terms("xylophone", related=True)
    assert not query.widened
    assert names("xylophone") == []


def test_the_public_directory_finds_befriending_for_lonely(client: Client, services) -> None:
    page = client.get(reverse("public:search"), {"q": "lonely"}).content.decode()
    assert "Age UK Befriending" in page and "Tuesday Social Group" in page


def test_the_staff_directory_finds_befriending_for_lonely(
    client: Client, personas: Personas, services
) -> None:
    client.force_login(personas.link_worker)
    page = client.get(reverse("directory:search"), {"q": "lonely"}).content.decode()
    assert "Age UK Befriending" in page and "Tuesday Social Group" in page


def test_result_counts_read_as_sentences(client: Client, services) -> None:
    def heading(q: str) -> str:
        page = client.get(reverse("public:search"), {"q": q}).content.decode()
        h2 = page.split('id="results-heading"', 1)[1].split("</h2>", 1)[0]
        return " ".join(h2.split("<span", 1)[0].replace('aria-live="polite">', "").split())

    assert heading("xylophone") == "Nothing found for your search"
    assert heading("yoga") == "1 group or service matches your search"
    assert heading("lonely") == "4 groups and services match your search"


def test_the_oruk_api_search_stays_literal(client: Client, services) -> None:
    """Machines calling the Open Referral UK API get what they asked for, word for word."""
    response = client.get("/api/oruk/services", {"search": "lonely"})
    assert [s["name"] for s in response.json()["contents"]] == ["Lonely no more walk"]
