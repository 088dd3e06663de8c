"""Directory text search as it was before the search index: a LIKE scan of every service's
name, description and provider name (apostrophe-free), kept to check the index gives the same
services (test_search_index.py) and to time the difference (benchmarks/directory_search.py)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from linkwell.directory import text_search
from linkwell.directory.models import Attribute, AttributeLinkEntity, Service, TaxonomyTerm

TEXT_COLUMNS = ("name", "description", "organization__name")


def _clause_matches(alternatives: tuple[tuple[str, ...], ...]) -> Q:
    matches = text_search.matches_any(TEXT_COLUMNS, alternatives)
    term_ids = list(
        TaxonomyTerm.objects.filter(text_search.matches_any(("name",), alternatives)).values_list(
            "pk", flat=True
        )
    )
    if term_ids:
        matches |= Q(
            uuid__in=Attribute.objects.filter(
                link_entity=AttributeLinkEntity.SERVICE, taxonomy_term_id__in=term_ids
            ).values("link_uuid")
        )
    return matches


def services_matching_by_scan(text: str, *, related: bool) -> QuerySet[Service]:
    """Every service (any status) whose text matches `text`, found by scanning."""
    qs = Service.objects.all()
    for clause in text_search.query_terms(text, related=related).clauses:
        qs = qs.filter(_clause_matches(clause.alternatives))
    return qs
