"""The taxonomies Linkwell ships with, and the idempotent loader that puts them in the database.

The data lives in `linkwell/directory/data/taxonomies.json`: Linkwell categories, Needs, Five Ways
to Wellbeing, Asset kind, and a selection of the OpenActive Activity List (CC BY 4.0, attributed
in the taxonomy's description).

Invariant: ids are STABLE across installs. A taxonomy's uuid is
`uuid5(TAXONOMY_NAMESPACE, "taxonomy:<code>")` and a term's is
`uuid5(TAXONOMY_NAMESPACE, "term:<taxonomy code>:<term code>")`, unless the data gives the term
its own published uuid (OpenActive concepts, and the "Linkwell" taxonomy whose two referral-mode
terms the HSDS export has always cited: `directory.exchange.hsds.referral_term_id`). So a category id in an ORUK feed, an API call or a
report means the same thing on every Linkwell, and re-running the loader updates in place.
Never change a code in the data file; names and descriptions may change freely.

Why not a data migration: migrations must not import app code (CONVENTIONS pitfall) and this
data changes between releases. `linkwell seed_taxonomies` and `linkwell demo` call
`taxonomy_seed()`; it is cheap to run on every deploy.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.directory.models import Taxonomy, TaxonomyTerm

TAXONOMY_NAMESPACE = uuid.UUID("6f1c2b1e-8d0a-5b4e-9c53-6c1f8a7d2e40")

# Taxonomy codes (the keys other code uses to find the shipped taxonomies).
CATEGORIES = "categories"
NEEDS = "needs"
FIVE_WAYS = "five-ways"
ASSET_KIND = "asset-kind"
ACTIVITY_TYPES = "activity-types"

# `Attribute.link_type` values the demo data (and, by convention, Linkwell) uses when it links a
# service to a term of each shipped taxonomy. HSDS leaves link_type free text.
LINK_TYPE_BY_TAXONOMY = {
    CATEGORIES: "category",
    NEEDS: "need",
    FIVE_WAYS: "five_ways",
    ASSET_KIND: "asset_kind",
    ACTIVITY_TYPES: "activity",
}

_TAXONOMY_FIELDS = ("name", "description", "uri", "version")
_TERM_FIELDS = (
    "taxonomy_id",
    "taxonomy_name",
    "parent_id",
    "parent_uuid",
    "code",
    "name",
    "description",
    "term",
    "language",
    "term_uri",
)


def taxonomy_uuid(code: str) -> uuid.UUID:
    for t in shipped_taxonomies():
        if t["code"] == code and t.get("uuid"):
            return uuid.UUID(t["uuid"])
    return uuid.uuid5(TAXONOMY_NAMESPACE, f"taxonomy:{code}")


def term_uuid(taxonomy_code: str, term_code: str) -> uuid.UUID:
    """The stable id of a shipped term (also for OpenActive terms: read from the data file)."""
    for term in _taxonomy_data(taxonomy_code)["terms"]:
        if term["code"] == term_code:
            return _term_uuid(taxonomy_code, term)
    raise KeyError(f"No term {term_code!r} in the shipped taxonomy {taxonomy_code!r}")


def _term_uuid(taxonomy_code: str, term: dict[str, Any]) -> uuid.UUID:
    if term.get("uuid"):
        return uuid.UUID(term["uuid"])
    return uuid.uuid5(TAXONOMY_NAMESPACE, f"term:{taxonomy_code}:{term['code']}")


@cache
def shipped_taxonomies() -> tuple[dict[str, Any], ...]:
    """The parsed data file (cached: it ships with the code and does not change at run time)."""
    text = resources.files("linkwell.directory").joinpath("data/taxonomies.json").read_text("utf-8")
    return tuple(json.loads(text)["taxonomies"])


def _taxonomy_data(code: str) -> dict[str, Any]:
    for taxonomy in shipped_taxonomies():
        if taxonomy["code"] == code:
            return taxonomy
    raise KeyError(f"No shipped taxonomy {code!r}")


def shipped_terms(taxonomy_code: str) -> list[tuple[uuid.UUID, str, str]]:
    """`(uuid, code, name)` of every term of a shipped taxonomy, in file order."""
    return [
        (_term_uuid(taxonomy_code, t), t["code"], t["name"])
        for t in _taxonomy_data(taxonomy_code)["terms"]
    ]


@dataclass(frozen=True)
class SeedResult:
    created: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _values(obj: Any, fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(obj, f) for f in fields)


def taxonomy_seed(*, actor: User | None = None) -> SeedResult:
    """Create or update the shipped taxonomies and terms in place, matched on their stable uuids.

    Idempotent: a second run changes nothing and writes no audit event. Terms an install added
    itself, and shipped terms later dropped from the data file, are left alone (attributes may
    point at them; TaxonomyTerm is PROTECTed by Attribute).
    """
    data = shipped_taxonomies()
    created = updated = unchanged = 0
    with transaction.atomic():
        tax_ids = [taxonomy_uuid(t["code"]) for t in data]
        existing_tax = {t.uuid: t for t in Taxonomy.objects.filter(uuid__in=tax_ids)}
        taxonomies: dict[str, Taxonomy] = {}
        for t in data:
            wanted = {
                "name": t["name"],
                "description": t.get("description", ""),
                "uri": t.get("uri", ""),
                "version": t.get("version", ""),
            }
            obj = existing_tax.get(taxonomy_uuid(t["code"]))
            if obj is None:
                obj = Taxonomy.objects.create(uuid=taxonomy_uuid(t["code"]), **wanted)
                created += 1
            elif _values(obj, _TAXONOMY_FIELDS) != tuple(wanted.values()):
                for k, v in wanted.items():
                    setattr(obj, k, v)
                obj.save(update_fields=list(wanted))
                updated += 1
            else:
                unchanged += 1
            taxonomies[t["code"]] = obj

        term_ids = [_term_uuid(t["code"], term) for t in data for term in t["terms"]]
        existing = {x.uuid: x for x in TaxonomyTerm.objects.filter(uuid__in=term_ids)}
        to_create: list[TaxonomyTerm] = []
        to_update: list[TaxonomyTerm] = []
        # Two passes: create every term first, then set parents (a child may precede its parent).
        objs: dict[uuid.UUID, TaxonomyTerm] = {}
        for t in data:
            for term in t["terms"]:
                tid = _term_uuid(t["code"], term)
                term_obj = existing.get(tid) or TaxonomyTerm(uuid=tid)
                objs[tid] = term_obj
                if term_obj.pk is None:
                    to_create.append(term_obj)
        TaxonomyTerm.objects.bulk_create(to_create)
        if to_create and to_create[0].pk is None:  # pragma: no cover - backends without RETURNING
            fresh = {x.uuid: x for x in TaxonomyTerm.objects.filter(uuid__in=objs)}
            objs = {k: fresh[k] for k in objs}
        created_ids = {x.uuid for x in to_create}
        created += len(created_ids)
        for t in data:
            codes = {term["code"]: _term_uuid(t["code"], term) for term in t["terms"]}
            for term in t["terms"]:
                tid = codes[term["code"]]
                term_obj = objs[tid]
                parent = objs[codes[term["parent"]]] if term.get("parent") else None
                wanted_values = (
                    taxonomies[t["code"]].pk,
                    t["name"],
                    parent.pk if parent else None,
                    parent.uuid if parent else None,
                    term["code"],
                    term["name"],
                    term.get("description", ""),
                    term["name"],
                    "en",
                    term.get("term_uri", ""),
                )
                if _values(term_obj, _TERM_FIELDS) == wanted_values:
                    if tid not in created_ids:
                        unchanged += 1
                    continue
                for field, value in zip(_TERM_FIELDS, wanted_values, strict=True):
                    setattr(term_obj, field, value)
                to_update.append(term_obj)
                if tid not in created_ids:
                    updated += 1
        if to_update:
            TaxonomyTerm.objects.bulk_update(to_update, list(_TERM_FIELDS))
        result = SeedResult(created=created, updated=updated, unchanged=unchanged)
        if result.changed:
            audit_record(
                actor=actor,
                action=AuditAction.DIRECTORY_TAXONOMY_SEED,
                object_type="directory.taxonomy",
                object_repr="Shipped taxonomies",
                detail={
                    "created": created,
                    "updated": updated,
                    "unchanged": unchanged,
                    "taxonomies": [t["name"] for t in data],
                },
            )
    return result
