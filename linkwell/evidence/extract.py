"""The pseudonymised extract for evaluators (`linkwell extract evaluation --out DIR`).

Record-level, so no disclosure control applies; instead nothing in it identifies a person
directly: ids are keyed hashes, ages are bands, geography is the LSOA and its IMD decile only.
No names, dates of birth, addresses, postcodes, phone numbers, emails, NHS numbers, free text
(notes, details, the person's own words) or staff names are written.

Ids: `HMAC-SHA256(key, "linkwell-evaluation:<kind>:<uuid>")` as 20 hex characters, with the
deployment's `LINKWELL_PSEUDONYM_KEY` (settings.PSEUDONYM_KEY, shared with population/pseudonym.py;
the domain prefix means an evaluation id never equals a population pseudo id). The same person
gets the same id in every extract made with the same key, so extracts can be linked over time
by the evaluator but not back to Linkwell without the key.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record
from linkwell.casework.models import Appointment, CaseReferral
from linkwell.connections.models import Attendance, Connection
from linkwell.evidence.dimensions import age_band
from linkwell.evidence.models import PostcodeImd
from linkwell.evidence.selectors.common import compact_postcode, scoped_referrals
from linkwell.outcomes.models import MeasureAdministration
from linkwell.population.pseudonym import pseudonym_key
from linkwell.referrals.models import Referral

ID_LENGTH = 20

# file -> [(column, description)]: written as data_dictionary.csv, and the writers use the
# column order from here, so the dictionary cannot drift from the files.
DICTIONARY: dict[str, list[tuple[str, str]]] = {
    "people.csv": [
        (
            "person_id",
            "Pseudonymous person id (keyed hash; the same in every extract with this key).",
        ),
        ("age_band", "Age band at the person's first referral in the extract (0-17 ... 85+)."),
        ("sex", "female, male, other or unknown."),
        ("ethnicity", "NHS ethnic category code (A-S; Z not stated; 99 not known)."),
        (
            "lsoa_code",
            "Lower layer super output area of the person's postcode (blank if not in the loaded lookup).",
        ),
        ("imd_decile", "Index of Multiple Deprivation decile of that LSOA (1 = most deprived)."),
        ("imd_quintile", "IMD quintile (1 = most deprived)."),
    ],
    "referrals.csv": [
        ("referral_id", "Pseudonymous referral id."),
        ("person_id", "The person (people.csv)."),
        ("case_id", "The case the referral joined (blank if none)."),
        ("link_worker_service", "The link-worker service that received it."),
        ("source", "Referral source (gp_practice, self, ...)."),
        ("reasons", "Needs taxonomy terms, separated by '; '."),
        ("urgency", "routine or urgent."),
        ("status", "received, accepted, returned or declined."),
        ("received_on", "Date received (UK)."),
        ("first_contact_on", "Date of the first contact with the person (blank if none)."),
    ],
    "contacts.csv": [
        ("contact_id", "Pseudonymous appointment id."),
        ("case_id", "The case."),
        ("person_id", "The person."),
        ("kind", "Appointment kind (first contact, review, ...)."),
        ("date", "Date of the appointment (UK)."),
        ("duration_minutes", "Planned length."),
        ("outcome", "Attended, did not attend, cancelled, ... (blank if not recorded)."),
    ],
    "connections.csv": [
        ("connection_id", "Pseudonymous connection id."),
        ("case_id", "The case."),
        ("person_id", "The person."),
        ("provider", "The directory organisation connected to."),
        ("service", "The directory service connected to."),
        ("kind", "signpost or referral."),
        ("status", "FHIR Task-like status (requested, accepted, completed, ...)."),
        ("reason", "Reason code when declined/stopped (no free text)."),
        ("requested_on", "Date the referral was sent to the provider."),
        ("responded_on", "Date the provider accepted or declined."),
        ("closed_on", "Date closed."),
        ("sessions_attended", "Sessions recorded as attended."),
        ("sessions_missed", "Sessions recorded as not attended."),
    ],
    "measures.csv": [
        ("measure_id", "Pseudonymous administration id."),
        ("case_id", "The case."),
        ("person_id", "The person."),
        ("instrument", "Instrument id (phq9, gad7, swemwbs, ...; see linkwell measures list)."),
        ("instrument_version", "Definition version it was scored with."),
        ("timepoint", "baseline, week_4, month_3, month_6, month_12 or other."),
        ("administered_on", "Date completed."),
        ("raw", "Raw score (blank for per-item measures)."),
        ("score", "Score (SWEMWBS: the metric score)."),
        ("band", "Band from the instrument's cut-offs."),
        ("item_scores", "Per-item scores for measures that report items, as item=score; ..."),
        ("completed_by", "link_worker, self, paper or staff."),
    ],
}


@dataclass(frozen=True)
class ExtractSummary:
    files: dict[str, int]  # file name -> data rows
    out: Path


def _hasher(key: bytes) -> Any:
    def pid(kind: str, value: Any) -> str:
        if value is None:
            return ""
        msg = f"linkwell-evaluation:{kind}:{value}".encode()
        return hmac.new(key, msg, hashlib.sha256).hexdigest()[:ID_LENGTH]

    return pid


def _write(path: Path, name: str, rows: Iterable[Sequence[Any]]) -> int:
    columns = [c for c, _ in DICTIONARY[name]]
    n = 0
    with (path / name).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            n += 1
    return n


def _day(value: Any) -> str:
    return "" if value is None else timezone.localdate(value).isoformat()


def evaluation_extract(
    *, actor: User | None, out: Path, filters: ReportFilter | None = None
) -> ExtractSummary:
    """Write the extract's CSVs and data dictionary to `out` (created if need be) and audit it.

    People in the extract: everyone with a referral received in the filter's period (and the
    user's scope; `actor=None` is the command line: all services), with all their cases'
    contacts, connections and measures.
    """
    filters = filters or ReportFilter()
    pid = _hasher(pseudonym_key())
    out.mkdir(parents=True, exist_ok=True)
    referrals = list(
        scoped_referrals(user=actor, filters=filters)
        .order_by("received_at")
        .values(
            "id",
            "uuid",
            "person_id",
            "person__uuid",
            "person__date_of_birth",
            "person__sex",
            "person__ethnicity",
            "person__postcode",
            "link_worker_service__name",
            "source",
            "urgency",
            "status",
            "received_at",
            "first_contact_at",
        )
    )
    referral_ids = [r["id"] for r in referrals]
    reasons: dict[int, list[str]] = defaultdict(list)
    case_of: dict[int, Any] = {}
    for ref_id, name in (
        Referral.objects.filter(id__in=referral_ids)
        .exclude(reasons=None)
        .values_list("id", "reasons__name")
    ):
        reasons[ref_id].append(name)
    case_ids: set[int] = set()
    case_uuid: dict[int, Any] = {}
    for ref_id, case_id, c_uuid in CaseReferral.objects.filter(
        referral_id__in=referral_ids
    ).values_list("referral_id", "case_id", "case__uuid"):
        case_of[ref_id] = c_uuid
        case_ids.add(case_id)
        case_uuid[case_id] = c_uuid
    postcodes = {compact_postcode(r["person__postcode"] or "") for r in referrals}
    lookup = {
        p: (lsoa, d)
        for p, lsoa, d in PostcodeImd.objects.filter(postcode__in=postcodes).values_list(
            "postcode", "lsoa_code", "imd_decile"
        )
    }
    people: dict[Any, list[Any]] = {}
    for r in referrals:
        if r["person__uuid"] in people:
            continue
        lsoa, decile = lookup.get(compact_postcode(r["person__postcode"] or ""), ("", None))
        people[r["person__uuid"]] = [
            pid("person", r["person__uuid"]),
            age_band(r["person__date_of_birth"], timezone.localdate(r["received_at"])),
            r["person__sex"],
            r["person__ethnicity"],
            lsoa,
            decile,
            "" if decile is None else (decile + 1) // 2,
        ]
    counts: dict[str, int] = {}
    counts["people.csv"] = _write(out, "people.csv", people.values())
    counts["referrals.csv"] = _write(
        out,
        "referrals.csv",
        (
            [
                pid("referral", r["uuid"]),
                pid("person", r["person__uuid"]),
                pid("case", case_of.get(r["id"])),
                r["link_worker_service__name"],
                r["source"],
                "; ".join(sorted(reasons.get(r["id"], []))),
                r["urgency"],
                r["status"],
                _day(r["received_at"]),
                _day(r["first_contact_at"]),
            ]
            for r in referrals
        ),
    )
    counts["contacts.csv"] = _write(
        out,
        "contacts.csv",
        (
            [
                pid("contact", a["uuid"]),
                pid("case", a["case__uuid"]),
                pid("person", a["case__person__uuid"]),
                a["kind"],
                _day(a["starts_at"]),
                a["duration_minutes"],
                a["outcome"],
            ]
            for a in Appointment.objects.filter(case_id__in=case_ids)
            .order_by("starts_at")
            .values(
                "uuid",
                "case__uuid",
                "case__person__uuid",
                "kind",
                "starts_at",
                "duration_minutes",
                "outcome",
            )
        ),
    )
    sessions: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for conn_id, attended in Attendance.objects.filter(
        connection__case_id__in=case_ids
    ).values_list("connection_id", "attended"):
        sessions[conn_id][0 if attended else 1] += 1
    counts["connections.csv"] = _write(
        out,
        "connections.csv",
        (
            [
                pid("connection", c["uuid"]),
                pid("case", c["case__uuid"]),
                pid("person", c["case__person__uuid"]),
                c["service__organization__name"],
                c["service__name"],
                c["kind"],
                c["status"],
                c["reason"],
                _day(c["requested_at"]),
                _day(c["responded_at"]),
                _day(c["closed_at"]),
                sessions[c["id"]][0],
                sessions[c["id"]][1],
            ]
            for c in Connection.objects.filter(case_id__in=case_ids)
            .order_by("created_at")
            .values(
                "id",
                "uuid",
                "case__uuid",
                "case__person__uuid",
                "service__organization__name",
                "service__name",
                "kind",
                "status",
                "reason",
                "requested_at",
                "responded_at",
                "closed_at",
            )
        ),
    )
    counts["measures.csv"] = _write(
        out,
        "measures.csv",
        (
            [
                pid("measure", m["uuid"]),
                pid("case", m["case__uuid"]),
                pid("person", m["case__person__uuid"]),
                m["instrument_id"],
                m["instrument_version"],
                m["timepoint"],
                m["administered_on"].isoformat(),
                m["raw"],
                m["score"],
                m["band"],
                _item_scores(m["item_scores"]),
                m["completed_by"],
            ]
            for m in MeasureAdministration.objects.filter(case_id__in=case_ids)
            .order_by("administered_on", "created_at")
            .values(
                "uuid",
                "case__uuid",
                "case__person__uuid",
                "instrument_id",
                "instrument_version",
                "timepoint",
                "administered_on",
                "raw",
                "score",
                "band",
                "item_scores",
                "completed_by",
            )
        ),
    )
    with (out / "data_dictionary.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "column", "description"])
        for name, columns in DICTIONARY.items():
            for column, text in columns:
                writer.writerow([name, column, text])
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EVALUATION_EXTRACT_EXPORTED,
            object_type="evidence.extract",
            object_repr=str(out)[:255],
            detail={"files": counts, "filter": filters.describe()},
            kind=Kind.ACCESS,
        )
    return ExtractSummary(counts, out)


def _item_scores(value: Any) -> str:
    """Only numeric per-item scores (never free text): "item=score; ...". Goal attainment items
    are the person's goals, so their labels are not written, only their ids."""
    if not isinstance(value, dict):
        return ""
    parts = []
    for n, (key, item) in enumerate(value.items(), start=1):
        score = item.get("score") if isinstance(item, dict) else item
        if isinstance(score, int | float) and not isinstance(score, bool):
            parts.append(f"{_item_key(key, n)}={score}")
    return "; ".join(parts)


def _item_key(key: str, n: int) -> str:
    """Goal attainment items are keyed by the goal's Linkwell id: write their position instead
    (a Linkwell id would let anyone with Linkwell access link the row back)."""
    try:
        uuid.UUID(str(key))
    except ValueError:
        return str(key)
    return f"goal_{n}"
