"""Creating organisations (audited through `records.account_record_save`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from linkwell.accounts.models import Area, Organisation, OrganisationKind, User
from linkwell.accounts.services.records import account_record_save
from linkwell.core.exceptions import ValidationFailed


def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    area: Area | None = None,
    parent: Organisation | None = None,
    ods_code: str = "",
    require_two_factor: bool = False,
) -> Organisation:
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": ["Enter the organisation's name."]})
    if kind not in OrganisationKind.values:
        raise ValidationFailed(
            {
                "kind": [
                    f"{kind!r} is not an organisation kind ({', '.join(OrganisationKind.values)})."
                ]
            }
        )
    org, _ = _organisation_get_or_create(
        actor=actor,
        name=name,
        kind=kind,
        defaults={
            "area": area,
            "parent": parent,
            "ods_code": ods_code,
            "require_two_factor": require_two_factor,
        },
        must_be_new=True,
    )
    return org


def _organisation_get_or_create(
    *, actor: User | None, name: str, kind: str, defaults: dict[str, Any], must_be_new: bool = False
) -> tuple[Organisation, bool]:
    with transaction.atomic():
        existing = Organisation.objects.filter(name=name, kind=kind).first()
        if existing is not None:
            if must_be_new:
                raise ValidationFailed(
                    {"name": [f"There is already a {OrganisationKind(kind).label} called {name}."]}
                )
            return existing, False
        org = Organisation(name=name, kind=kind, **defaults)
        account_record_save(actor=actor, obj=org)
        return org, True
