"""Creating a connection: a signpost (complete at once) or an onward referral (checks, freeze
what is shared, start the response window, queue the provider's email).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.casework.models import Case
from linkwell.connections.models import Connection, ConnectionKind, ConnectionStatus
from linkwell.connections.services._common import MAX_MESSAGE, OPEN_STATES, _audit, _text
from linkwell.connections.services.capacity import FULL_NOTE, _refuse_if_full, places_left
from linkwell.connections.sharing import SharingRefused, build_shared
from linkwell.connections.workdays import add_working_days
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.eligibility import LongTermCondition, eligibility_failures
from linkwell.directory.models import Service, ServiceStatus


def _check_service_running(service: Service) -> None:
    if service.status != ServiceStatus.ACTIVE:
        raise ValidationFailed(
            {
                "service": [
                    f"“{service.name}” is {service.get_status_display().lower()}, so it cannot "
                    "take people at the moment. Choose another service or record a gap."
                ]
            }
        )


def connection_signpost(*, actor: User | None, case: Case, service: Service) -> Connection:
    """Record that the person was given the service's details (complete at once)."""
    if service.status in (ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT):
        _check_service_running(service)
    now = timezone.now()
    with transaction.atomic():
        connection = Connection.objects.create(
            case=case,
            service=service,
            kind=ConnectionKind.SIGNPOST,
            status=ConnectionStatus.COMPLETED,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            closed_at=now,
        )
        _audit(actor=actor, action=AuditAction.CONNECTIONS_SIGNPOSTED, connection=connection)
    return connection


def connection_refer(
    *,
    actor: User | None,
    case: Case,
    service: Service,
    message: str = "",
    share_access_needs: bool = False,
    confirm_full: bool = False,
    conditions: Sequence[str] = (),
    override_eligibility: bool = False,
    override_reason: str = "",
) -> Connection:
    """Send an onward referral: checks, freeze what is shared, start the response window.

    Refused (ValidationFailed, nothing written) when the service is not running, is signposting
    only, is full (over-referral protection, `places_left`: its published places minus referrals
    awaiting its answer, checked under a lock on the service) unless the link worker confirms
    `confirm_full` (the provider is then told, in the shared message, that it was sent while
    full), already has an open referral of this person, or the person did not agree to share
    their details.

    The service's eligibility rule (directory/eligibility.py) is checked against the person's
    age and the long-term `conditions` the link worker confirmed: a person who fails it is
    refused with a message naming each part failed, unless `override_eligibility` with an
    `override_reason` (then what failed and the reason are kept on the connection and in the
    audit event)."""
    message = _text(message, "message", MAX_MESSAGE)
    _check_service_running(service)
    failed, override_reason = _check_eligibility(
        case, service, conditions, override_eligibility, override_reason
    )
    if not service.accepts_referrals:
        raise ValidationFailed(
            {
                "service": [
                    f"“{service.name}” does not take referrals: it is signposting only. "
                    "Give the person its details instead."
                ]
            }
        )
    left = places_left(service)
    if not confirm_full:
        _refuse_if_full(service, left)
    elif left == 0:
        message = f"{FULL_NOTE}\n\n{message}".strip()
    try:
        shared = build_shared(
            case=case, actor=actor, message=message, share_access_needs=share_access_needs
        )
    except SharingRefused as exc:
        raise ValidationFailed({"__all__": [str(exc)]}) from exc
    now = timezone.now()
    with transaction.atomic():
        # Lock the case so two clicks cannot both create an open referral, and the service so
        # two link workers cannot both take its last place.
        Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).first()
        locked = Service.objects.select_for_update(of=("self",)).filter(pk=service.pk).first()
        over_capacity = locked is not None and places_left(locked) == 0
        if over_capacity and not confirm_full and locked is not None:
            _refuse_if_full(locked, 0)
        if Connection.objects.filter(
            case=case, service=service, kind=ConnectionKind.REFERRAL, status__in=OPEN_STATES
        ).exists():
            raise ValidationFailed(
                {
                    "service": [
                        f"{shared['first_name']} already has an open referral to this service."
                    ]
                }
            )
        connection = Connection.objects.create(
            case=case,
            service=service,
            kind=ConnectionKind.REFERRAL,
            status=ConnectionStatus.REQUESTED,
            shared=shared,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            requested_at=now,
            respond_by=add_working_days(
                timezone.localdate(now), settings.REFERRAL_RESPONSE_WORKING_DAYS
            ),
            eligibility_failed=failed,
            eligibility_override_reason=override_reason,
        )
        _audit(
            actor=actor,
            action=AuditAction.CONNECTIONS_REFERRAL_REQUESTED,
            connection=connection,
            detail={
                "shared_fields": sorted(k for k, v in shared.items() if v),
                **({"sent_while_full": True} if over_capacity else {}),
                **(
                    {"eligibility_overridden": {"failed": failed, "reason": override_reason}}
                    if failed
                    else {}
                ),
            },
        )
        connection_id = str(connection.uuid)
        transaction.on_commit(lambda: _enqueue_referral_email(connection_id))
    return connection


def _check_eligibility(
    case: Case,
    service: Service,
    conditions: Sequence[str],
    override: bool,
    reason: str,
) -> tuple[list[str], str]:
    """(what failed, the override reason) — or ValidationFailed naming the rule."""
    unknown = sorted(set(conditions) - set(LongTermCondition.values))
    if unknown:
        raise ValidationFailed(
            {"conditions": [f"“{', '.join(unknown)}” is not a long-term condition on the list."]}
        )
    failed = eligibility_failures(
        service,
        date_of_birth=case.person.date_of_birth,
        conditions=conditions,
        on=timezone.localdate(),
    )
    if not failed:
        return [], ""
    reason = _text(reason, "override_reason", MAX_MESSAGE)
    if not override:
        raise ValidationFailed(
            {
                "eligibility": [
                    *failed,
                    "To refer anyway, choose to override the rule and say why.",
                ]
            }
        )
    if not reason:
        raise ValidationFailed(
            {
                "override_reason": [
                    "Say why you are referring although the person does not meet "
                    f"{service.name}'s rule."
                ]
            }
        )
    return failed, reason


def _enqueue_referral_email(connection_id: str) -> None:
    from linkwell.connections.tasks import send_referral_email

    send_referral_email.enqueue(connection_id=connection_id)
