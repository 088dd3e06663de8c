"""Logging reads of person-identifiable records, for web views and DRF API views.

DESIGN: "every read and write of a person's record audited". Writes are audited by services;
reads are logged here, by the entry point that shows the record:

    from linkwell.audit.access_log import log_access

    def person_detail(request, person_id):
        person = get_person_for_user(request.user, person_id)
        log_access(request, person, person_id=str(person.uuid))
        ...

For DRF detail views, mix in `AccessLoggedMixin` and set `access_log_person_id`:

    class PersonDetail(AccessLoggedMixin, RetrieveAPIView):
        def access_log_person_id(self, obj): return str(obj.uuid)

For a list page, `log_list_access` writes one event per record listed, in one INSERT.

Log after the access check passed (a refused read is not an access) and before the response is
built. The channel (web/api), request id and IP come from linkwell.audit.middleware.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.context import current
from linkwell.audit.models import AuditEvent, Kind
from linkwell.audit.services import audit_access

_Listed = TypeVar("_Listed", bound=models.Model)


def log_access(
    request: Any,
    obj: models.Model | None = None,
    *,
    person_id: str,
    object_type: str = "",
    object_id: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record that `request.user` read `obj`, which holds personal data of `person_id`.

    Works with a Django HttpRequest and a DRF Request (which proxies `.user`, `.path`, `.method`).
    """
    if not person_id:
        raise ValueError("log_access needs the person_id whose record was read")
    return audit_access(
        actor=request.user,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        person_id=str(person_id),
        detail={"path": request.path, "method": request.method, **(detail or {})},
    )


def log_list_access(
    request: Any,
    records: Sequence[_Listed],
    *,
    list_name: str,
    person_id: Callable[[_Listed], str],
    object_repr: Callable[[_Listed], str] = str,
) -> None:
    """Record that `request.user` read each of `records` on the list page `list_name`: one access
    event per record, written in one INSERT so a page's query count does not grow with its
    length. The fields are those `audit_access` writes."""
    if not records:
        return
    user = request.user
    ctx = current()
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            at=now,
            kind=Kind.ACCESS,
            actor_id=user.pk,
            actor_label=user.email[:255],
            action=AuditAction.ACCESS,
            channel=ctx.channel,
            object_type=record._meta.label_lower,
            object_id=str(record.uuid),  # type: ignore[attr-defined]
            object_repr=object_repr(record)[:255],
            person_id=person_id(record),
            changes={},
            detail={"path": request.path, "method": request.method, "list": list_name},
            request_id=ctx.request_id,
            ip_address=ctx.ip_address,
        )
        for record in records
    )


class AccessLoggedMixin:
    """For DRF views built on GenericAPIView: logs every object fetched with get_object()."""

    request: Any

    def access_log_person_id(self, obj: Any) -> str:
        raise NotImplementedError("Say whose record this is: return the person's id.")

    def get_object(self) -> Any:
        obj = super().get_object()  # type: ignore[misc]
        log_access(self.request, obj, person_id=self.access_log_person_id(obj))
        return obj
