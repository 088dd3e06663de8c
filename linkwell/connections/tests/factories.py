"""Test data for the connections tests: a referred case whose person agreed to share, with a
private note and a safeguarding concern (`journey_case`); services owned by the personas'
providers (`shed_service`, `walking_service`); and `refer`."""

from __future__ import annotations

from typing import Any

from linkwell.casework.models import Case, CaseNote
from linkwell.casework.tests.factories import referred_case
from linkwell.connections.models import Connection
from linkwell.connections.services import connection_refer
from linkwell.directory.models import Service
from linkwell.directory.tests.factories import make_service
from linkwell.referrals.models import Referral
from tests.personas import Personas

SECRET_NOTE = "Sensitive: history of domestic abuse"
SAFEGUARDING = "Neighbour reports financial exploitation"


def journey_case(personas: Personas, **kwargs: Any) -> Case:
    case = referred_case(personas, **kwargs)
    CaseNote.objects.create(case=case, author=personas.link_worker, text=SECRET_NOTE)
    Referral.objects.filter(case_link__case=case).update(
        safeguarding_concern=True, safeguarding_details=SAFEGUARDING
    )
    return case


def shed_service(personas: Personas, **fields: Any) -> Service:
    fields.setdefault("referrals", True)
    fields.setdefault("email", "hello@shed.example")
    fields.setdefault("name", "Men's Shed woodwork")
    return make_service(owner=personas.provider_org, **fields)


def walking_service(personas: Personas, **fields: Any) -> Service:
    fields.setdefault("referrals", True)
    fields.setdefault("name", "Whitchurch walks")
    return make_service(owner=personas.other_provider_org, **fields)


def refer(personas: Personas, case: Case, service: Service, **kwargs: Any) -> Connection:
    return connection_refer(actor=personas.link_worker, case=case, service=service, **kwargs)
