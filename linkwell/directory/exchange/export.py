"""The full dump `linkwell directory export` writes (and `directory import` reads back):

    {"taxonomies": [taxonomy...], "taxonomy_terms": [taxonomy_term...],
     "organizations": [organization...], "services": [full service...]}

Organizations carry their own contacts, phones and locations (also locations no service uses),
not their services (`hsds.organization_to_hsds(full=True, services=False)`).

Each service validates against the ORUK 3.0 and HSDS 3.0 `service_with_definitions.json`;
organizations, taxonomies and terms against those schemas' definitions. `--profile oruk` writes
the UK profile's form instead (see `directory_dump`); `--format tabular` writes the same objects
as an HSDS tabular data package (`tabular.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from linkwell.directory.exchange import hsds
from linkwell.directory.exchange.profile import to_oruk
from linkwell.directory.models import DirectoryOrganization, Service, Taxonomy, TaxonomyTerm


def directory_dump(
    *,
    track: Callable[[Iterable[Service], int], Iterable[Service]] | None = None,
    profile: str = "hsds",
) -> dict[str, list[dict[str, Any]]]:
    """The whole directory as one HSDS 3 dump; `track(services, count)` wraps the services as
    they are written out (a command's progress bar). `profile="oruk"` gives the UK profile's
    form (`profile.to_oruk`: no deleted field, `organization_id` on services); the default
    HSDS-native form is the one that round-trips through `directory import` unchanged."""
    services: Iterable[Service] = hsds.services_prefetch(Service.objects.order_by("pk"))
    if track is not None:
        services = track(services, Service.objects.count())
    dump = _hsds_dump(services)
    if profile == "hsds":
        return dump
    if profile != "oruk":
        raise ValueError("profile must be hsds or oruk")
    kinds = {
        "taxonomies": "taxonomy",
        "taxonomy_terms": "taxonomy_term",
        "organizations": "organization",
        "services": "service",
    }
    return {key: [to_oruk(obj, kinds[key]) for obj in objs] for key, objs in dump.items()}


def _hsds_dump(services: Iterable[Service]) -> dict[str, list[dict[str, Any]]]:
    return {
        "taxonomies": [hsds.taxonomy_to_hsds(t) for t in Taxonomy.objects.order_by("pk")],
        "taxonomy_terms": [
            hsds.taxonomy_term_to_hsds(t)
            for t in TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by("pk")
        ],
        "organizations": [
            hsds.organization_to_hsds(o, full=True, services=False)
            for o in hsds.organizations_prefetch(DirectoryOrganization.objects.order_by("pk"))
        ],
        "services": [hsds.service_to_hsds(s) for s in services],
    }
