"""The search index behind directory text search (`search_index`, migration 0005): every way a
listing's words change keeps it findable by its new words and not by its old ones, and the
index finds exactly the services the scan it replaced found."""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.directory.exchange import sources
from linkwell.directory.exchange.importer import directory_import
from linkwell.directory.models import DirectoryOrganization, Service
from linkwell.directory.search_index import TABLE, document_matches_any, essential
from linkwell.directory.selectors import ServiceFilters, filter_services, search_services
from linkwell.directory.services import service_update
from linkwell.directory.tests.factories import make_organization, make_service
from linkwell.directory.tests.search_reference import services_matching_by_scan
from linkwell.directory.text_search import query_terms

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def found(text: str) -> list[str]:
    """Names of the services a search for `text` shows (its own words only: related terms
    would find "woodwork" in a listing called "shed")."""
    page = search_services(filters=ServiceFilters(text=text), per_page=100)
    return [s.name for s in page.items]


def indexed_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608 (a constant)
        return int(cursor.fetchone()[0])


@pytest.fixture
def shed(personas):
    org = make_organization("Oswestry Community Action", owner=personas.provider_org)
    return make_service(
        "Riverside Shed", organization=org, description="Woodwork and repairs on Tuesdays."
    )


def test_a_new_listing_is_found_by_its_name_description_and_provider(shed):
    assert found("woodwork") == ["Riverside Shed"]
    assert found("riverside") == ["Riverside Shed"]
    assert found("community action") == ["Riverside Shed"]


def test_an_edit_by_a_link_worker_is_found_by_its_new_words_not_its_old(personas, shed):
    service_update(
        actor=personas.link_worker,
        service=shed,
        data={"description": "Pottery and a brew on Thursdays."},
        expected_version=shed.version,
    )
    assert found("pottery") == ["Riverside Shed"]
    assert found("woodwork") == []


def test_an_edit_by_the_provider_on_the_edit_page_is_found_by_its_new_words(client, personas, shed):
    client.force_login(personas.owner)
    response = client.post(
        reverse("directory:service_edit", kwargs={"service_id": shed.uuid}),
        {
            "version": str(shed.version),
            "name": "Riverside Repair Cafe",
            "description": "Bring broken toasters.",
            "status": "active",
            "referral_mode": "signpost",
            "cost": "free",
            "session-TOTAL_FORMS": "0",
            "session-INITIAL_FORMS": "0",
            "session-MIN_NUM_FORMS": "0",
            "session-MAX_NUM_FORMS": "21",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert found("toasters") == ["Riverside Repair Cafe"]
    assert found("repair cafe") == ["Riverside Repair Cafe"]
    assert found("woodwork") == []
    assert found("shed") == []


def _record(description: str, organization: str = "Shropshire Council") -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=7)),
        "name": "Knit and Natter",
        "description": description,
        "status": "active",
        "organization": {
            "id": str(uuid.UUID(int=70)),
            "name": organization,
            "description": "The council.",
        },
    }


def _import(record: dict[str, Any]) -> None:
    with audit_context(channel=Channel.IMPORT):
        report = directory_import(actor=None, records=sources.records_from_value(record))
    assert not report.rejected, report.rejected


def test_an_import_that_changes_a_description_is_found_by_its_new_words():
    _import(_record("Knitting and crochet in the library."))
    assert found("crochet") == ["Knit and Natter"]
    _import(_record("Sewing and quilting in the library."))
    assert found("quilting") == ["Knit and Natter"]
    assert found("crochet") == []


def test_renaming_the_provider_moves_its_listings_to_the_new_name():
    _import(_record("Knitting.", organization="Shropshire Council"))
    _import(_record("Knitting.", organization="Shropshire Libraries"))
    assert found("libraries") == ["Knit and Natter"]
    assert found("council") == []
    org = DirectoryOrganization.objects.get()
    org.name = "Oswestry Reading Rooms"
    org.save(update_fields=["name"])
    assert found("reading rooms") == ["Knit and Natter"]
    assert found("libraries") == []


def test_a_deleted_listing_leaves_the_index(shed):
    assert indexed_rows() == 1
    Service.objects.filter(pk=shed.pk).delete()
    assert indexed_rows() == 0
    assert found("woodwork") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mens shed", ["Men's Shed: 50% off_cuts"]),  # apostrophes ignored
        ("men\u2019s sheds", ["Men's Shed: 50% off_cuts"]),
        ("50%", ["Men's Shed: 50% off_cuts"]),  # LIKE wildcards are plain text
        ("off_cuts", ["Men's Shed: 50% off_cuts"]),
        ("f%c", []),
        ('"shed"', []),  # quotes are text to find, not FTS5 syntax
        ("tv", ["TV Club"]),  # shorter than a trigram
        ("ub", ["TV Club"]),
    ],
)
def test_odd_text_is_matched_as_plain_text_like_the_scan(query, expected):
    make_service("Men's Shed: 50% off_cuts", description="Woodwork.")
    make_service("TV Club", description="Films on Fridays.")
    assert found(query) == expected
    scanned = services_matching_by_scan(query, related=False)
    assert sorted(s.name for s in scanned) == expected


def _benchmark() -> Any:
    spec = importlib.util.spec_from_file_location(
        "directory_search", ROOT / "benchmarks" / "directory_search.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The benchmark's text queries, what people type that the related terms widen, and spellings the
# tolerant matching is for (plurals, apostrophes, joined and split words, hyphens).
QUERIES = [
    "walking",
    "debt advice",
    "singing memory",
    "shed",
    "lonely",
    "mens sheds",
    "men's shed",
    "feeling down",
    "money worries",
    "food bank",
    "foodbank",
    "drop-in",
    "classes",
    "activities",
    "carers",
    "isolated",
    "art",
    "gardening",
    "exercise",
    "coffee morning",
    "dementia",
    "bereavement",
    "young people",
    "well-being",
]


@pytest.mark.slow
def test_the_index_finds_exactly_what_the_scan_found_over_a_generated_directory():
    services = _benchmark().populate(1200, chunk=20)["services"]
    assert services > 500
    for text in QUERIES:
        for related in (True, False):
            filters = ServiceFilters(text=text, related_terms=related, statuses=())
            by_index = set(filter_services(filters).values_list("pk", flat=True))
            by_scan = set(
                services_matching_by_scan(text, related=related).values_list("pk", flat=True)
            )
            assert by_index == by_scan, (text, related, len(by_index), len(by_scan))
    assert any(
        filter_services(ServiceFilters(text=text, related_terms=True)).exists() for text in QUERIES
    )


def test_a_related_form_another_one_contains_is_looked_for_once():
    """ "befriend" already finds every listing "befriending" or "befriender" would: the index is
    asked for the shorter one only (fewer tests per document, the same services)."""
    lonely = query_terms("lonely", related=True).clauses[0].alternatives
    assert {("befriending",), ("befriender",), ("isolation",)} <= set(lonely)
    kept = essential(lonely)
    assert ("befriend",) in kept and ("isol",) in kept
    assert not {("befriending",), ("befriender",), ("isolation",), ("isolated",)} & set(kept)
    assert kept[0] == ("lonely",)  # the person's own word stays first
    # Both orders of the same words are one test; a short piece implies nothing (on SQLite it
    # is matched by LIKE, which folds only ASCII case, the index all letters).
    assert essential((("men", "shed"), ("shed", "men"), ("mens shed",))) == (("men", "shed"),)
    assert essential((("é",), ("école",))) == (("é",), ("école",))


@pytest.mark.parametrize(
    "alternatives",
    [
        query_terms("lonely", related=True).clauses[0].alternatives,
        query_terms("mens sheds", related=True).clauses[0].alternatives,
        query_terms("walking", related=True).clauses[0].alternatives,
        (("é",), ("école",)),
        (("tv",), ("tv club",), ("club", "tv")),
    ],
)
def test_dropping_the_forms_another_implies_finds_the_same_listings(alternatives):
    for name, description in [
        ("Befriending scheme", "Weekly visits."),
        ("Befriender training", "For volunteers."),
        ("Rural isolation project", "Lifts to the shops."),
        ("Women's shed", "Woodwork for women."),
        ("Female tools library", "Borrow a drill."),
        ("Men's Shed", "Repairs and a brew."),
        ("ÉCOLE DE DANSE", "Ballroom."),
        ("TV Club", "Films."),
        ("Nordic walking group", "Poles provided."),
        ("Strollers", "Gentle walks."),
    ]:
        make_service(name, description=description)

    def found_by_index(alternatives: tuple[tuple[str, ...], ...]) -> set[str]:
        return set(
            Service.objects.filter(document_matches_any(alternatives)).values_list(
                "name", flat=True
            )
        )

    each = set().union(*(found_by_index((alternative,)) for alternative in alternatives))
    assert each  # something to compare
    assert found_by_index(alternatives) == each
