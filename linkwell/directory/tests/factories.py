"""Test data for the directory: one call builds a service with its provider, location, schedule,
cost and taxonomy terms. Shared by other apps' tests; keep the signatures stable.

    make_service(name="Men's Shed", postcode="SY11 1AA", terms=["Crafts"], byday="TU",
                 opens="10:00", closes="12:00", free=True)

`postcode` without `lat`/`lon` looks the coordinates up offline (directory.postcodes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from linkwell.accounts.models import Organisation
from linkwell.directory import postcodes
from linkwell.directory.models import (
    Accessibility,
    Address,
    Attribute,
    AttributeLinkEntity,
    CostOption,
    DirectoryOrganization,
    Location,
    QualityCheck,
    QualityCheckKind,
    ReferralMode,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)

CATEGORIES = "Linkwell categories"


def make_organization(
    name: str = "Oswestry Community Action",
    *,
    owner: Organisation | None = None,
    assured: bool | None = None,
    **fields: Any,
) -> DirectoryOrganization:
    """`assured=True` adds all required QA checks in date; False adds them expired."""
    org = DirectoryOrganization.objects.create(name=name, owner=owner, **fields)
    if assured is not None:
        today = timezone.localdate()
        expires = today + dt.timedelta(days=365 if assured else -1)
        for kind in QualityCheckKind.values:
            QualityCheck.objects.create(
                organization=org,
                kind=kind,
                checked_on=today - dt.timedelta(days=400),
                expires_on=expires,
            )
    return org


def make_term(name: str, *, taxonomy: str = CATEGORIES) -> TaxonomyTerm:
    tax, _ = Taxonomy.objects.get_or_create(name=taxonomy)
    term, _ = TaxonomyTerm.objects.get_or_create(taxonomy=tax, name=name)
    return term


def tag(service: Service, term: TaxonomyTerm) -> Attribute:
    return Attribute.objects.create(
        link_entity=AttributeLinkEntity.SERVICE,
        link_uuid=service.uuid,
        link_type="category",
        taxonomy_term=term,
    )


def _time(value: str | dt.time | None) -> dt.time | None:
    if value is None or isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(value)


def make_service(
    name: str = "Oswestry Men's Shed",
    *,
    organization: DirectoryOrganization | None = None,
    owner: Organisation | None = None,
    postcode: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    address: str = "1 High Street",
    city: str = "Oswestry",
    terms: Iterable[str | TaxonomyTerm] = (),
    byday: str | None = None,
    opens: str | dt.time | None = None,
    closes: str | dt.time | None = None,
    free: bool | None = None,
    price: Decimal | str | None = None,
    accessible: str | None = None,
    referrals: bool = False,
    status: str = ServiceStatus.ACTIVE,
    verified_days_ago: int | None = 1,
    **fields: Any,
) -> Service:
    """A service with (optionally) one physical location, a weekly schedule and a cost option.

    free=True adds a "Free" cost option of £0; price adds a paid option; accessible adds an
    accessibility record to the location. verified_days_ago=None leaves it never verified."""
    organization = organization or make_organization(f"{name} provider", owner=owner)
    verified = (
        None if verified_days_ago is None else timezone.now() - dt.timedelta(days=verified_days_ago)
    )
    service = Service.objects.create(
        organization=organization,
        name=name,
        status=status,
        referral_mode=ReferralMode.ACCEPTS_REFERRALS if referrals else ReferralMode.SIGNPOST_ONLY,
        last_verified_at=verified,
        **fields,
    )
    if postcode and (lat is None or lon is None):
        lat, lon = postcodes.lookup(postcode)
    location = None
    if lat is not None and lon is not None:
        location = Location.objects.create(
            organization=organization, name=f"{name} venue", latitude=lat, longitude=lon
        )
        Address.objects.create(
            location=location,
            address_1=address,
            city=city,
            postal_code=postcodes.normalise(postcode) if postcode else "",
        )
        ServiceAtLocation.objects.create(service=service, location=location)
        if accessible:
            Accessibility.objects.create(location=location, description=accessible)
    if byday:
        Schedule.objects.create(
            service=service,
            freq="WEEKLY",
            byday=byday,
            opens_at=_time(opens),
            closes_at=_time(closes),
        )
    if free:
        CostOption.objects.create(service=service, option="Free", amount=Decimal("0"))
    if price is not None:
        CostOption.objects.create(
            service=service, option="Per session", amount=Decimal(str(price)), currency="GBP"
        )
    for term in terms:
        tag(service, term if isinstance(term, TaxonomyTerm) else make_term(term))
    return service
