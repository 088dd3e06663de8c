"""The closed loop: each API referral's Task.

- `GET /fhir/r4/Task?focus=ServiceRequest/{id}`, `GET /fhir/r4/Task?_lastUpdated=gt2026-...`
  (the SDOH Clinical Care IG's polling: a referrer asks for Tasks changed since its last poll);
- `GET /fhir/r4/Task/{id}`;
- `PUT` or `PATCH /fhir/r4/Task/{id}` with status `cancelled`: the requester withdraws the
  referral (services.referrals.api_referral_cancel). No other change is accepted.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from linkwell.fhir import scopes
from linkwell.fhir.audit import audit_api_read
from linkwell.fhir.auth import require_client
from linkwell.fhir.http import (
    FhirError,
    absolute,
    check_search_params,
    fhir_response,
    fhir_view,
    read_json_body,
    searchset,
)
from linkwell.fhir.models import ApiReferral
from linkwell.fhir.resources.referral import task_resource
from linkwell.fhir.selectors import api_referral_for_task, api_referrals_for_client, task_facts
from linkwell.fhir.services import api_referral_cancel
from linkwell.fhir.views.params import id_list, reference_param


def task_json(row: ApiReferral) -> dict[str, Any]:
    return task_resource(row, task_facts(row))


_PREFIXES = ("eq", "gt", "ge", "lt", "le")


def _date_range(raw: str) -> tuple[str, dt.datetime, dt.datetime]:
    """`gt2026-01-02T10:00:00Z` -> ("gt", start, end) of the value's precision (a day for a
    date, a second for a date-time); 400 for anything else."""
    prefix, value = ("eq", raw)
    if raw[:2] in _PREFIXES and not raw[:2].isdigit():
        prefix, value = raw[:2], raw[2:]
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
            return prefix, start, start + dt.timedelta(days=1)
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if when.tzinfo is None:
            raise FhirError(
                400,
                "value",
                "_lastUpdated needs a time zone when it has a time (e.g. Z or +01:00)",
            )
        return prefix, when, when + dt.timedelta(seconds=1)
    except (ValueError, OverflowError) as exc:  # OverflowError: the very end of year 9999
        raise FhirError(
            400,
            "value",
            f"_lastUpdated={raw[:60]} is not a date or date-time with a prefix "
            f"({', '.join(_PREFIXES)}), e.g. gt2026-01-02T10:00:00Z",
        ) from exc


def last_updated_filter(rows: QuerySet[ApiReferral], values: list[str]) -> QuerySet[ApiReferral]:
    """`rows` must carry the `last_updated` annotation (selectors.api_referrals_for_client)."""
    for raw in values:
        prefix, start, end = _date_range(raw.strip())
        lookups: dict[str, dt.datetime] = {
            "gt": {"last_updated__gte": end},
            "ge": {"last_updated__gte": start},
            "lt": {"last_updated__lt": start},
            "le": {"last_updated__lt": end},
        }.get(prefix, {"last_updated__gte": start, "last_updated__lt": end})
        rows = rows.filter(**lookups)
    return rows


@fhir_view(["GET"])
def task_search(request: HttpRequest) -> HttpResponse:
    client = require_client(request, scope=scopes.REFERRALS_READ)
    check_search_params(request, ["focus", "based-on", "patient", "_lastUpdated", "_id"])
    # Oldest change first, so a poller paging through `next` links misses nothing.
    order = ("last_updated", "pk")
    rows = api_referrals_for_client(client).order_by(*order)
    for name in ("focus", "based-on"):
        if name in request.GET:
            rows = rows.filter(
                uuid__in=id_list(reference_param(request.GET[name], "ServiceRequest", name))
            )
    if "patient" in request.GET:
        rows = rows.filter(
            referral__person__uuid__in=id_list(
                reference_param(request.GET["patient"], "Patient", "patient")
            )
        )
    if "_lastUpdated" in request.GET:
        rows = last_updated_filter(rows, request.GET.getlist("_lastUpdated"))
    if "_id" in request.GET:
        rows = rows.filter(task_id__in=id_list(request.GET["_id"]))
    bundle = searchset(request, rows, task_json, base_url=absolute(request, "Task"))
    matched = [e["resource"] for e in bundle.get("entry", [])]
    with transaction.atomic():
        audit_api_read(
            client=client,
            resource_type="Task",
            ids=[r["id"] for r in matched],
            person_ids=[r["for"]["reference"].removeprefix("Patient/") for r in matched],
            query=request.GET.urlencode(),
        )
    return fhir_response(bundle)


@fhir_view(["GET", "PUT", "PATCH"])
def task_instance(request: HttpRequest, resource_id: str) -> HttpResponse:
    if request.method == "GET":
        client = require_client(request, scope=scopes.REFERRALS_READ)
        row = api_referral_for_task(client, resource_id)
        resource = task_json(row)
        with transaction.atomic():
            audit_api_read(
                client=client,
                resource_type="Task",
                ids=[resource["id"]],
                person_ids=[str(row.referral.person.uuid)],
            )
        return fhir_response(resource)
    client = require_client(request, scope=scopes.REFERRALS_WRITE)
    row = api_referral_for_task(client, resource_id)
    current = task_json(row)
    status, reason = (
        _put_change(request, resource_id) if request.method == "PUT" else _patch_change(request)
    )
    if status == current["status"]:
        return fhir_response(current)  # nothing to change: PUT is idempotent
    if status != "cancelled":
        raise FhirError(
            422,
            "business-rule",
            f"The requester may only cancel the Task (status cancelled), not set it to {status}: "
            "the link-worker service moves it on",
            expression=["Task.status"],
        )
    api_referral_cancel(client=client, api_referral=row, reason=reason)
    row = api_referral_for_task(client, resource_id)
    return fhir_response(task_json(row))


def _reason_text(value: Any) -> str:
    if isinstance(value, dict):
        text = value.get("text") or next(
            (c.get("display") for c in value.get("coding") or [] if isinstance(c, dict)), ""
        )
        return str(text or "")
    return ""


def _put_change(request: HttpRequest, resource_id: str) -> tuple[str, str]:
    body = read_json_body(request, resource_type="Task")
    if body.get("id") != resource_id:
        raise FhirError(
            400, "invalid", "The Task's id must match the id in the URL", expression=["Task.id"]
        )
    status = body.get("status")
    if not isinstance(status, str):
        raise FhirError(400, "required", "The Task needs a status", expression=["Task.status"])
    return status, _reason_text(body.get("statusReason"))


def _patch_change(request: HttpRequest) -> tuple[str, str]:
    """JSON Patch (RFC 6902) replacing /status, and optionally /statusReason."""
    try:
        ops = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FhirError(400, "structure", f"The body is not valid JSON: {exc}") from exc
    if not isinstance(ops, list) or not ops:
        raise FhirError(400, "structure", "Send a JSON Patch: a list of operations")
    status: str | None = None
    reason = ""
    for k, op in enumerate(ops):
        if not isinstance(op, dict) or op.get("op") not in ("replace", "add"):
            raise FhirError(
                422, "not-supported", f"Operation {k}: only replace (or add) is supported"
            )
        if op.get("path") == "/status" and isinstance(op.get("value"), str):
            status = op["value"]
        elif op.get("path") == "/statusReason":
            reason = _reason_text(op.get("value"))
        else:
            raise FhirError(
                422,
                "not-supported",
                f"Operation {k}: only /status and /statusReason may be changed",
            )
    if status is None:
        raise FhirError(422, "required", "Replace /status (with cancelled) to cancel the Task")
    return status, reason
