from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command

from linkwell.audit.models import AuditEvent
from linkwell.directory.models import Taxonomy, TaxonomyTerm
from linkwell.directory.taxonomies import (
    ACTIVITY_TYPES,
    CATEGORIES,
    FIVE_WAYS,
    NEEDS,
    shipped_taxonomies,
    shipped_terms,
    taxonomy_seed,
    taxonomy_uuid,
    term_uuid,
)

pytestmark = pytest.mark.django_db


def test_it_loads_every_shipped_taxonomy_with_enough_terms() -> None:
    result = taxonomy_seed()
    assert result.created == Taxonomy.objects.count() + TaxonomyTerm.objects.count()
    names = set(Taxonomy.objects.values_list("name", flat=True))
    assert {"Linkwell categories", "Needs", "Five Ways to Wellbeing", "Asset kind"} <= names
    categories = TaxonomyTerm.objects.filter(taxonomy__uuid=taxonomy_uuid(CATEGORIES))
    assert categories.filter(parent__isnull=False).count() >= 20
    five_ways = TaxonomyTerm.objects.filter(taxonomy__uuid=taxonomy_uuid(FIVE_WAYS))
    assert sorted(five_ways.values_list("name", flat=True)) == [
        "Be active",
        "Connect",
        "Give",
        "Keep learning",
        "Take notice",
    ]


def test_running_it_twice_changes_nothing_and_audits_once() -> None:
    taxonomy_seed()
    before = list(TaxonomyTerm.objects.order_by("uuid").values_list("id", "uuid", "name"))
    second = taxonomy_seed()
    assert not second.changed
    assert second.unchanged == len(before) + Taxonomy.objects.count()
    assert list(TaxonomyTerm.objects.order_by("uuid").values_list("id", "uuid", "name")) == before
    assert AuditEvent.objects.filter(action="directory.taxonomy_seed").count() == 1


def test_ids_are_the_same_on_every_install() -> None:
    # Fixed expectations: if this fails, a code or the namespace changed and every install's
    # category ids would move. Never do that.
    assert taxonomy_uuid(CATEGORIES) == uuid.uuid5(
        uuid.UUID("6f1c2b1e-8d0a-5b4e-9c53-6c1f8a7d2e40"), "taxonomy:categories"
    )
    assert term_uuid(NEEDS, "loneliness") == uuid.uuid5(
        uuid.UUID("6f1c2b1e-8d0a-5b4e-9c53-6c1f8a7d2e40"), "term:needs:loneliness"
    )
    taxonomy_seed()
    shed = TaxonomyTerm.objects.get(uuid=term_uuid(CATEGORIES, "mens-sheds"))
    assert shed.name == "Men's sheds"
    assert shed.parent is not None and shed.parent.code == "social-connection"


def test_openactive_terms_keep_their_published_ids_and_attribution() -> None:
    taxonomy_seed()
    walking = TaxonomyTerm.objects.get(uuid=term_uuid(ACTIVITY_TYPES, "walking"))
    assert walking.uuid == uuid.UUID("95092977-5a20-4d6e-b312-8fddabe71544")
    assert walking.term_uri.startswith("https://openactive.io/activity-list#")
    taxonomy = Taxonomy.objects.get(uuid=taxonomy_uuid(ACTIVITY_TYPES))
    assert "CC BY 4.0" in taxonomy.description


def test_it_restores_a_renamed_shipped_term_without_changing_its_id() -> None:
    taxonomy_seed()
    term = TaxonomyTerm.objects.get(uuid=term_uuid(CATEGORIES, "food-banks"))
    term.name = "Something else"
    term.save()
    result = taxonomy_seed()
    assert result.updated == 1
    term.refresh_from_db()
    assert term.name == "Food banks and food support"


def test_shipped_codes_are_unique_within_each_taxonomy() -> None:
    for taxonomy in shipped_taxonomies():
        codes = [code for _, code, _ in shipped_terms(taxonomy["code"])]
        assert len(codes) == len(set(codes)), taxonomy["code"]


def test_the_command_loads_them_through_the_command_channel() -> None:
    call_command("seed_taxonomies", stdout=io.StringIO())
    event = AuditEvent.objects.get(action="directory.taxonomy_seed")
    assert event.channel == "command"
