"""`service_create`: the one creator of directory listings (suggestions, imports, the demo)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import transaction

from linkwell.audit.models import AuditEvent
from linkwell.directory.models import (
    Address,
    Attribute,
    AttributeLinkEntity,
    CostOption,
    DirectoryOrganization,
    Location,
    Schedule,
    Service,
    TaxonomyTerm,
)
from linkwell.directory.services import AtLocation, service_create, service_rows
from linkwell.directory.taxonomies import taxonomy_seed
from linkwell.directory.tests.factories import make_organization
from tests.personas import Personas


def test_it_saves_the_listing_with_its_venue_and_sessions_and_audits_it_once(
    personas: Personas,
) -> None:
    org = make_organization("Gobowen Knit and Natter", owner=personas.provider_org)
    taxonomy_seed(actor=None)
    term = TaxonomyTerm.objects.order_by("id").first()
    assert term is not None
    venue = Location(organization=org, name="Village Hall")
    listing = service_rows(
        organization=org,
        name="Knit and natter",
        uuid=uuid.UUID("6a0e7c9e-7b4f-4f55-8a3c-1b2d3e4f5a6b"),
        fields={"description": "Knitting and tea.", "capacity_maximum": 12},
        at_locations=[
            AtLocation(
                location=venue,
                new=True,
                addresses=[Address(address_1="Station Road", city="Gobowen", postal_code="SY11")],
                schedules=[Schedule(freq="WEEKLY", byday="TH", opens_at=dt.time(14))],
            )
        ],
        cost_options=[CostOption(option="Free")],
        attributes=[Attribute(taxonomy_term=term, link_type="category")],
    )
    service = service_create(actor=personas.link_worker, listing=listing, detail={"source": "x"})

    service = Service.objects.get(uuid="6a0e7c9e-7b4f-4f55-8a3c-1b2d3e4f5a6b")
    assert service.capacity_maximum == 12 and service.capacity_updated_at is not None
    sal = service.service_at_locations.get()
    assert sal.location.addresses.get().city == "Gobowen"
    assert sal.schedules.get().byday == "TH" and not service.schedules.exists()
    assert service.cost_options.get().option == "Free"
    attribute = Attribute.objects.get(link_uuid=service.uuid)
    assert attribute.link_entity == AttributeLinkEntity.SERVICE
    event = AuditEvent.objects.get(action="directory.service_created")
    assert event.object_id == str(service.uuid)
    assert event.organisation_id == personas.provider_org.pk
    assert event.detail == {"source": "x", "locations": [str(venue.uuid)]}


def test_it_refuses_a_field_a_listing_cannot_be_created_with() -> None:
    with pytest.raises(ValueError, match="version"):
        service_rows(
            organization=DirectoryOrganization(name="Shed"), name="Shed", fields={"version": 3}
        )


@pytest.mark.django_db
def test_nothing_is_saved_when_the_audit_row_cannot_be_written() -> None:
    org = make_organization()
    listing = service_rows(organization=org, name="Shed")
    with pytest.raises(RuntimeError), transaction.atomic():
        service_create(actor=None, listing=listing)
        raise RuntimeError("the caller's transaction fails after the create")
    assert not Service.objects.exists()
    assert not AuditEvent.objects.filter(action="directory.service_created").exists()
