"""Which link-worker service receives a referral.

The rule (simple on purpose, documented in referrals/README.md):
1. services with a link worker covering the referrer's GP practice (LinkWorkerCoverage);
2. otherwise the active link-worker services in the referrer organisation's Area (or its parent
   organisation's Area, e.g. a practice filed under its PCN);
3. otherwise every active link-worker service.
One candidate is used as it is; several are offered to the referrer as a choice. A self-referral
offers every active service, named with its area ("Where do you live?").
"""

from __future__ import annotations

from django.db.models import QuerySet

from linkwell.accounts.models import Organisation, OrganisationKind


def active_link_worker_services() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=OrganisationKind.LINK_WORKER_SERVICE, is_active=True
    ).select_related("area")


def link_worker_services_for(referrer_organisation: Organisation | None) -> list[Organisation]:
    services = active_link_worker_services()
    if referrer_organisation is None:
        return list(services)
    covering = list(services.filter(coverage__practice=referrer_organisation).distinct())
    if covering:
        return covering
    area_id = referrer_organisation.area_id
    if area_id is None and referrer_organisation.parent_id is not None:
        parent = Organisation.objects.filter(pk=referrer_organisation.parent_id).first()
        area_id = parent.area_id if parent else None
    if area_id is not None:
        in_area = list(services.filter(area_id=area_id))
        if in_area:
            return in_area
    return list(services)
