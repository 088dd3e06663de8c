"""The exclusions file: everyone the next cohort run must leave out, exported with an audit
event written before the data leaves.
"""

from __future__ import annotations

import csv
from typing import IO

from django.db import transaction

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.population.selectors import Exclusions, exclusion_rows


def exclusions_export(
    *,
    out: IO[str],
    destination: str,
    service: Organisation | None = None,
    declined_months: int = 6,
    os_user: str = "",
) -> Exclusions:
    """Write `pseudo_id,reason` for everyone the next cohort run must leave out
    (selectors.exclusion_rows), recorded as an export in the audit trail before the data
    leaves."""
    if declined_months < 0:
        raise ValidationFailed({"declined_months": ["--declined-months must be 0 or more"]})
    if service is not None and service.kind != OrganisationKind.LINK_WORKER_SERVICE:
        raise ValidationFailed({"service": [f"{service.name} is not a link-worker service"]})
    found = exclusion_rows(service=service, declined_months=declined_months)
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.POPULATION_EXCLUSIONS_EXPORTED,
            object_type="population.exclusions",
            organisation=service,
            kind=Kind.ACCESS,
            detail={
                "service": str(service.uuid) if service else "all",
                "declined_months": declined_months,
                "rows": len(found.rows),
                "on_caseload": found.on_caseload,
                "referred": found.referred,
                "declined": found.declined,
                "invited": found.invited,
                "without_nhs_number": found.without_nhs_number,
                "out": destination,
                "os_user": os_user,
            },
        )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["pseudo_id", "reason"])
    writer.writerows(found.rows)
    return found
