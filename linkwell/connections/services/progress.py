"""Connection writes: signposts, onward referrals and their FHIR Task lifecycle (see README.md).

Every function is keyword-only, runs in one transaction and writes its audit event (with the
person's id) in that transaction. A connection is changed by two parties (the link worker and the
provider), so state changes take the `version` the actor saw; a stale one raises
`ConcurrentEditError` and a change the current state does not allow raises `ValidationFailed`
naming the state. Either way nothing is written.

    draft -> requested -> accepted | rejected
    accepted -> in-progress <-> on-hold -> completed | failed
    any open state -> cancelled (by the link worker)

Signposts are recorded as completed at once: the information was given, nobody needs to answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.message_back import message_back_record
from linkwell.casework.models import Case, MessageBack
from linkwell.connections.models import (
    Attendance,
    Connection,
    ConnectionKind,
    ConnectionReason,
    ConnectionStatus,
    ProvisionGap,
)
from linkwell.connections.sharing import SharingRefused, build_shared
from linkwell.connections.workdays import add_working_days
from linkwell.core.concurrency import lock_versioned, update_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import Service, ServiceStatus, TaxonomyTerm
from linkwell.directory.taxonomies import NEEDS, taxonomy_uuid

S = ConnectionStatus
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.REQUESTED, S.CANCELLED},
    S.REQUESTED: {S.ACCEPTED, S.REJECTED, S.CANCELLED},
    S.ACCEPTED: {S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED},
    S.IN_PROGRESS: {S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED},
    S.ON_HOLD: {S.IN_PROGRESS, S.COMPLETED, S.FAILED, S.CANCELLED},
}
CLOSED_STATES = {S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELLED}
OPEN_STATES = set(TRANSITIONS) - {S.DRAFT}
MAX_MESSAGE = 2000
MAX_NOTE = 1000
_VERBS: dict[str, str] = {
    S.REQUESTED: "sent",
    S.ACCEPTED: "accepted",
    S.REJECTED: "declined",
    S.IN_PROGRESS: "marked as attending",
    S.ON_HOLD: "put on hold",
    S.COMPLETED: "marked as completed",
    S.FAILED: "stopped",
    S.CANCELLED: "cancelled",
}


def _person_id(connection: Connection) -> str:
    return str(connection.case.person.uuid)


def _audit(
    *,
    actor: User | None,
    action: AuditAction,
    connection: Connection,
    changes: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=connection,
        organisation=connection.case.link_worker_service,
        person_id=_person_id(connection),
        changes=changes,
        detail={"service": str(connection.service.uuid), **(detail or {})},
    )


def _reason(value: str) -> str:
    if value not in ConnectionReason.values:
        raise ValidationFailed({"reason": ["Choose a reason from the list."]})
    return value


def _text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationFailed({field: [f"Keep this to {limit} characters or fewer."]})
    return value


def _what(connection: Connection) -> str:
    return f"The referral to “{connection.service.name}”"


def _locked(
    connection: Connection, expected_version: int | None, *, check: bool = True
) -> Connection:
    """Lock the connection and, with `check`, the version the user saw; a request that did not
    say which version it saw is refused as stale (core.concurrency)."""
    return lock_versioned(
        Connection.objects.select_related(
            "case", "case__person", "case__link_worker_service", "service"
        ),
        connection.pk,
        expected_version=expected_version,
        what=_what,
        required=check,
    )


def _move(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    to: str,
    action: AuditAction,
    fields: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> Connection:
    """The one place a status changes: version check, transition guard, update, audit."""
    current = _locked(connection, expected_version)
    if to not in TRANSITIONS.get(current.status, set()):
        raise ValidationFailed(
            f"This referral is {current.get_status_display().lower()}, so it cannot be "
            f"{_VERBS.get(to, to)}."
        )
    now = timezone.now()
    values: dict[str, Any] = {"status": to, **(fields or {})}
    if to in CLOSED_STATES:
        values["closed_at"] = now
    update_versioned(current, expected_version=expected_version, what=_what, **values)
    before = {k: getattr(current, k) for k in values}
    current.refresh_from_db()
    _audit(
        actor=actor,
        action=action,
        connection=current,
        changes={k: [before[k], getattr(current, k)] for k in values if before[k] != values[k]},
        detail=detail,
    )
    return current


# --- Creating --------------------------------------------------------------------------------


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


# Over-referral protection: a full service gets no more referrals than it has places. "Open
# referrals" here are referrals sent and not yet answered (`requested`): they will take places the
# provider's published `capacity_available` does not show yet; accepted ones the provider counts
# itself. The same count the matching engine uses (matching/directory.py), so the "full" label on
# the suggestions and this refusal agree.
FULL_NOTE = (
    "Sent while your listing shows no places left: please add them to your waiting list, "
    "or decline if you cannot take them."
)


def places_left(service: Service) -> int | None:
    """Published places minus referrals awaiting the provider's answer (never below 0); None
    when the provider publishes no capacity."""
    if service.capacity_available is None:
        return None
    waiting = Connection.objects.filter(
        service=service, kind=ConnectionKind.REFERRAL, status=ConnectionStatus.REQUESTED
    ).count()
    return max(0, service.capacity_available - waiting)


def is_full(service: Service) -> bool:
    return places_left(service) == 0


def _refuse_if_full(service: Service, left: int | None) -> None:
    if left != 0:
        return
    waiting = ""
    if service.capacity_available:
        waiting = (
            f" ({service.capacity_available} published, all taken by referrals waiting "
            "for an answer)"
        )
    raise ValidationFailed(
        {
            "service": [
                f"“{service.name}” has no places at the moment{waiting}, so a referral would wait "
                "unanswered. Choose another service, signpost and check back later, or confirm "
                "“refer anyway” and the provider will be told it is full."
            ]
        }
    )


def connection_refer(
    *,
    actor: User | None,
    case: Case,
    service: Service,
    message: str = "",
    share_access_needs: bool = False,
    confirm_full: bool = False,
) -> Connection:
    """Send an onward referral: checks, freeze what is shared, start the response window.

    Refused (ValidationFailed, nothing written) when the service is not running, is signposting
    only, is full (over-referral protection, `places_left`: its published places minus referrals
    awaiting its answer, checked under a lock on the service) unless the link worker confirms
    `confirm_full` (the provider is then told, in the shared message, that it was sent while
    full), already has an open referral of this person, or the person did not agree to share
    their details."""
    message = _text(message, "message", MAX_MESSAGE)
    _check_service_running(service)
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
        )
        _audit(
            actor=actor,
            action=AuditAction.CONNECTIONS_REFERRAL_REQUESTED,
            connection=connection,
            detail={
                "shared_fields": sorted(k for k, v in shared.items() if v),
                **({"sent_while_full": True} if over_capacity else {}),
            },
        )
        connection_id = str(connection.uuid)
        transaction.on_commit(lambda: _enqueue_referral_email(connection_id))
    return connection


def _enqueue_referral_email(connection_id: str) -> None:
    from linkwell.connections.tasks import send_referral_email

    send_referral_email.enqueue(connection_id=connection_id)


# --- Provider actions ------------------------------------------------------------------------


def connection_accept(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    via_link: bool = False,
) -> Connection:
    with transaction.atomic():
        connection = _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.ACCEPTED,
            action=AuditAction.CONNECTIONS_REFERRAL_ACCEPTED,
            fields={"responded_at": timezone.now(), "attention_at": None},
            detail={"via_link": via_link},
        )
        message_back_record(
            actor=actor,
            case=connection.case,
            stage=MessageBack.Stage.CONNECTED,
            connection=connection,
            note=f"{connection.service.name} accepted the referral.",
        )
    return connection


def connection_reject(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    reason: str,
    detail: str = "",
    via_link: bool = False,
) -> Connection:
    reason = _reason(reason)
    detail = _text(detail, "reason_detail", MAX_NOTE)
    if reason == ConnectionReason.OTHER and not detail:
        raise ValidationFailed({"reason_detail": ["Say why, in a few words."]})
    now = timezone.now()
    with transaction.atomic():
        return _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.REJECTED,
            action=AuditAction.CONNECTIONS_REFERRAL_REJECTED,
            fields={
                "responded_at": now,
                "reason": reason,
                "reason_detail": detail,
                "attention_at": now,
            },
            detail={"reason": reason, "via_link": via_link},
        )


def attendance_record(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    session_on: dt.date,
    attended: bool = True,
) -> Attendance:
    """Record one session; the first one moves an accepted referral to "attending"."""
    today = timezone.localdate()
    if session_on > today:
        raise ValidationFailed({"session_on": ["The session date must be today or in the past."]})
    with transaction.atomic():
        current = _locked(connection, None, check=False)
        started = timezone.localdate(current.requested_at) if current.requested_at else None
        if started is not None and session_on < started:
            raise ValidationFailed(
                {"session_on": ["The session date must be after the referral was sent."]}
            )
        if current.status not in (S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD):
            raise ValidationFailed(
                f"This referral is {current.get_status_display().lower()}, so sessions cannot "
                "be recorded."
            )
        if Attendance.objects.filter(connection=current, session_on=session_on).exists():
            raise ValidationFailed({"session_on": ["A session on that date is already recorded."]})
        if current.status == S.ACCEPTED and attended:
            current = _move(
                actor=actor,
                connection=current,
                expected_version=expected_version,
                to=S.IN_PROGRESS,
                action=AuditAction.CONNECTIONS_REFERRAL_STARTED,
            )
        else:
            update_versioned(current, expected_version=expected_version, what=_what)
        row = Attendance.objects.create(
            connection=current,
            session_on=session_on,
            attended=attended,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _audit(
            actor=actor,
            action=AuditAction.CONNECTIONS_ATTENDANCE_RECORDED,
            connection=current,
            detail={"session_on": session_on.isoformat(), "attended": attended},
        )
    return row


def connection_hold(
    *, actor: User | None, connection: Connection, expected_version: int | None
) -> Connection:
    with transaction.atomic():
        return _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.ON_HOLD,
            action=AuditAction.CONNECTIONS_REFERRAL_ON_HOLD,
        )


def connection_resume(
    *, actor: User | None, connection: Connection, expected_version: int | None
) -> Connection:
    with transaction.atomic():
        if _locked(connection, None, check=False).status != S.ON_HOLD:
            raise ValidationFailed("Only a referral on hold can be resumed.")
        return _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.IN_PROGRESS,
            action=AuditAction.CONNECTIONS_REFERRAL_RESUMED,
        )


def connection_complete(
    *, actor: User | None, connection: Connection, expected_version: int | None
) -> Connection:
    with transaction.atomic():
        connection = _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.COMPLETED,
            action=AuditAction.CONNECTIONS_REFERRAL_COMPLETED,
        )
        attended = connection.attendances.filter(attended=True).count()
        message_back_record(
            actor=actor,
            case=connection.case,
            stage=MessageBack.Stage.CONNECTED,
            connection=connection,
            note=f"{connection.service.name}: completed ({attended} session(s) attended).",
        )
    return connection


def connection_fail(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    reason: str,
    detail: str = "",
) -> Connection:
    """The provider stopped working with the person (FHIR "failed"); back to the link worker."""
    reason = _reason(reason)
    detail = _text(detail, "reason_detail", MAX_NOTE)
    if reason == ConnectionReason.OTHER and not detail:
        raise ValidationFailed({"reason_detail": ["Say why, in a few words."]})
    with transaction.atomic():
        return _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.FAILED,
            action=AuditAction.CONNECTIONS_REFERRAL_FAILED,
            fields={"reason": reason, "reason_detail": detail, "attention_at": timezone.now()},
            detail={"reason": reason},
        )


def connection_add_note(
    *, actor: User | None, connection: Connection, expected_version: int | None, note: str
) -> Connection:
    """The provider's short note back to the link worker (replaces the previous one)."""
    note = _text(note, "note", MAX_NOTE)
    if not note:
        raise ValidationFailed({"note": ["Write the note."]})
    with transaction.atomic():
        current = _locked(connection, expected_version)
        before = current.provider_note
        update_versioned(current, expected_version=expected_version, what=_what, provider_note=note)
        current.refresh_from_db()
        _audit(
            actor=actor,
            action=AuditAction.CONNECTIONS_PROVIDER_NOTE_ADDED,
            connection=current,
            changes={"provider_note": [before, note]},
        )
    return current


# --- Link-worker actions ---------------------------------------------------------------------


def connection_cancel(
    *, actor: User | None, connection: Connection, expected_version: int | None, detail: str = ""
) -> Connection:
    detail = _text(detail, "reason_detail", MAX_NOTE)
    with transaction.atomic():
        return _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.CANCELLED,
            action=AuditAction.CONNECTIONS_REFERRAL_CANCELLED,
            fields={"reason_detail": detail, "attention_at": None},
        )


def connection_acknowledge(
    *, actor: User | None, connection: Connection, expected_version: int | None
) -> Connection:
    """The link worker has seen a lapsed, declined or stopped referral: unflag it."""
    with transaction.atomic():
        current = _locked(connection, expected_version)
        if current.attention_at is None:
            raise ValidationFailed("This referral does not need your attention.")
        update_versioned(current, expected_version=expected_version, what=_what, attention_at=None)
        before = current.attention_at
        current.refresh_from_db()
        _audit(
            actor=actor,
            action=AuditAction.CONNECTIONS_ATTENTION_ACKNOWLEDGED,
            connection=current,
            changes={"attention_at": [before, None]},
        )
    return current


# --- Response window -------------------------------------------------------------------------


def connection_mark_lapsed(*, connection: Connection, now: dt.datetime | None = None) -> bool:
    """A requested referral past `respond_by` returns to the link worker (audited, actor none).
    False if it was answered, already lapsed or is not yet due."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        claimed = Connection.objects.filter(
            pk=connection.pk,
            status=S.REQUESTED,
            lapsed_at__isnull=True,
            respond_by__lt=today,
        ).update(lapsed_at=now, attention_at=now, updated_at=now)
        if not claimed:
            return False
        current = Connection.objects.select_related(
            "case", "case__person", "case__link_worker_service", "service"
        ).get(pk=connection.pk)
        _audit(
            actor=None,
            action=AuditAction.CONNECTIONS_REFERRAL_LAPSED,
            connection=current,
            changes={"lapsed_at": [None, now]},
            detail={"respond_by": current.respond_by.isoformat() if current.respond_by else ""},
        )
    return True


# --- Gaps in provision -----------------------------------------------------------------------


def provision_gap_record(
    *,
    actor: User | None,
    case: Case,
    need: TaxonomyTerm | None,
    description: str,
    place: str = "",
    who: str = "",
) -> ProvisionGap:
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = ["Describe what the person needed and could not find."]
    elif len(description) > MAX_MESSAGE:
        errors["description"] = [f"Keep this to {MAX_MESSAGE} characters or fewer."]
    if need is None:
        errors["need"] = ["Choose the need that could not be met."]
    elif need.taxonomy is None or need.taxonomy.uuid != taxonomy_uuid(NEEDS):
        errors["need"] = ["Choose a need from the Needs list."]
    for field, value in (("place", place), ("who", who)):
        if len((value or "").strip()) > 200:
            errors[field] = ["Keep this to 200 characters or fewer."]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        gap = ProvisionGap.objects.create(
            case=case,
            need=need,
            description=description,
            place=(place or "").strip(),
            who=(who or "").strip(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            link_worker_service=case.link_worker_service,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CONNECTIONS_GAP_RECORDED,
            obj=gap,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"need": need.name if need else "", "place": gap.place, "who": gap.who},
        )
    return gap


def need_choices() -> list[TaxonomyTerm]:
    """The unmet needs on offer: the shipped "Needs" taxonomy (as referral reasons use)."""
    return list(
        TaxonomyTerm.objects.filter(taxonomy__uuid=taxonomy_uuid(NEEDS)).order_by("name", "pk")
    )
