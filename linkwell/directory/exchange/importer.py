"""Import ORUK 3.0 / HSDS 3 records into the directory: `directory_import(...)`.

* Records are matched on their HSDS `id` (our `uuid`). Every value is compared before writing:
  re-importing the same file changes nothing (no saves, no audit rows, no version bumps).
* One audit event per created or updated record (service, organization, taxonomy, taxonomy
  term), carrying the changed fields; child rows (schedules, locations, phones...) are listed
  under `children` in their service's / organization's event, never audited one by one.
* Scalars absent from a record are cleared (the feed is the source of truth for its records);
  child arrays absent from a record are left as they are (a `service_list` item has no
  `schedules`, which does not mean "no schedules"); an array present replaces the set.
* Unmodelled HSDS fields go to `extra` verbatim (export re-emits them). Array-valued extras
  absent from a later record are kept, by the same rule as child arrays.
* The same HSDS object may appear in several places of one service (HSDS 3 "full" examples put
  one phone under the service, its contact and its location): it is one row linked to each.
* Default: any rejected record -> the whole import is rolled back. `partial=True` keeps the valid
  records (each record is written in its own savepoint).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models, transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import LinkwellError
from linkwell.directory import postcodes
from linkwell.directory.exchange import hsds, rules
from linkwell.directory.exchange.sources import (
    ORGANIZATION,
    SERVICE,
    TAXONOMY,
    TAXONOMY_TERM,
    SourceRecord,
)
from linkwell.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.directory.services import service_create, service_rows

LINK_KEYS = frozenset(
    {
        "service_id",
        "location_id",
        "organization_id",
        "service_at_location_id",
        "contact_id",
        "phone_id",
        "link_id",
        "link_entity",
        "taxonomy_term_id",
    }
)
KIND_LABEL = {
    SERVICE: "services",
    ORGANIZATION: "organizations",
    TAXONOMY: "taxonomies",
    TAXONOMY_TERM: "taxonomy terms",
}
# The audit event for each (kind, outcome) an import writes; "unchanged" writes none.
IMPORT_ACTIONS = {
    (SERVICE, "created"): AuditAction.DIRECTORY_SERVICE_CREATED,
    (SERVICE, "updated"): AuditAction.DIRECTORY_SERVICE_UPDATED,
    (ORGANIZATION, "created"): AuditAction.DIRECTORY_ORGANIZATION_CREATED,
    (ORGANIZATION, "updated"): AuditAction.DIRECTORY_ORGANIZATION_UPDATED,
    (TAXONOMY, "created"): AuditAction.DIRECTORY_TAXONOMY_CREATED,
    (TAXONOMY, "updated"): AuditAction.DIRECTORY_TAXONOMY_UPDATED,
    (TAXONOMY_TERM, "created"): AuditAction.DIRECTORY_TAXONOMY_TERM_CREATED,
    (TAXONOMY_TERM, "updated"): AuditAction.DIRECTORY_TAXONOMY_TERM_UPDATED,
}


class RecordRejected(Exception):
    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class Rejection:
    number: int
    position: str
    record_id: str
    messages: list[str]

    def lines(self) -> list[str]:
        where = (
            self.position
            if self.position.startswith("line ")
            else f"record {self.number} ({self.position})"
        )
        if self.record_id:
            where += f" id={self.record_id}"
        return [f"{where}: {m}" for m in self.messages]


@dataclass
class ImportReport:
    records: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    committed: bool = True

    def count(self, kind: str, outcome: str) -> None:
        per_kind = self.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})
        per_kind[outcome] += 1

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def summary(self) -> str:
        parts = [
            f"{KIND_LABEL[k]}: {c['created']} created, {c['updated']} updated, "
            f"{c['unchanged']} unchanged"
            for k, c in self.counts.items()
        ]
        return "; ".join(parts) or "nothing to import"


def directory_import(
    *,
    actor: User | None,
    records: Sequence[SourceRecord],
    partial: bool = False,
    owner: Organisation | None = None,
) -> ImportReport:
    """Validate and write `records` (from `sources.parse_json` or `csv_import.parse_csv`).

    Call inside `audit_context(channel=Channel.IMPORT)`. Returns a report; when a record is
    rejected and `partial` is False, nothing is written (`report.committed` is False)."""
    report = ImportReport(records=len(records))
    with transaction.atomic():
        writer = _Writer(actor=actor, owner=owner)
        for number, record in enumerate(records, start=1):
            # Every problem at once: the reader's own (a CSV row's), the schemas' and the
            # business rules', so a publisher can fix a record in one go.
            errors = list(record.errors)
            if record.kind in KIND_LABEL:
                errors += [e for e in rules.schema_errors(record) if e not in errors]
                errors += [e for e in rules.business_errors(record) if e not in errors]
            if errors:
                report.rejected.append(Rejection(number, record.position, record.record_id, errors))
                continue
            writer.begin(
                record.position
                if record.position.startswith("line ")
                else f"record {number} ({record.position})"
            )
            try:
                with transaction.atomic():
                    writer.write(record)
            except RecordRejected as exc:
                writer.discard()
                report.rejected.append(
                    Rejection(number, record.position, record.record_id, exc.messages)
                )
                continue
            for kind, outcome in writer.commit():
                report.count(kind, outcome)
            report.warnings.extend(writer.take_warnings())
        if report.rejected and not partial:
            transaction.set_rollback(True)
            report.committed = False
            report.counts = {}
    return report


# --- value conversion ---------------------------------------------------------------------

_URL = URLValidator()
_EMAIL = EmailValidator()


def _convert(f: Any, raw: Any, path: str) -> Any:
    """A JSON value as the model field holds it; RecordRejected with a specific reason."""
    if raw is None:
        return (
            None
            if f.null
            else ("" if isinstance(f, models.CharField | models.TextField) else f.get_default())
        )
    try:
        if isinstance(f, models.DateTimeField):
            value = dt.datetime.fromisoformat(str(raw))
            return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)
        if isinstance(f, models.DateField):
            return dt.date.fromisoformat(str(raw))
        if isinstance(f, models.TimeField):
            return dt.time.fromisoformat(str(raw)).replace(tzinfo=None)
        if isinstance(f, models.UUIDField):
            return uuid.UUID(str(raw))
    except ValueError:
        kind = type(f).__name__.removesuffix("Field").lower() or "value"
        raise RecordRejected([f"{path} {raw!r} is not a valid {kind}"]) from None
    if isinstance(f, models.IntegerField):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw):
            raise RecordRejected([f"{path} {raw!r} is not a whole number"])
        if int(raw) < 0 and isinstance(
            f, models.PositiveIntegerField | models.PositiveSmallIntegerField
        ):
            raise RecordRejected([f"{path} {raw!r} must not be negative"])
        return int(raw)
    if isinstance(f, models.FloatField):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise RecordRejected([f"{path} {raw!r} is not a number"])
        return float(raw)
    if isinstance(f, models.DecimalField):
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise RecordRejected([f"{path} {raw!r} is not a number"])
        try:
            amount = decimal.Decimal(str(raw))
        except decimal.InvalidOperation:
            raise RecordRejected([f"{path} {raw!r} is not a number"]) from None
        limit = decimal.Decimal(10) ** ((f.max_digits or 10) - (f.decimal_places or 0))
        if not amount.is_finite() or abs(amount) >= limit:
            raise RecordRejected([f"{path} {raw!r} is too large"])
        return amount.quantize(decimal.Decimal(1).scaleb(-(f.decimal_places or 0)))
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise RecordRejected([f"{path} must be text, not {type(raw).__name__}"])
    text = str(raw) if not isinstance(raw, float) or raw != int(raw) else str(int(raw))
    if f.max_length and len(text) > f.max_length:
        raise RecordRejected([f"{path} is longer than {f.max_length} characters"])
    if text and isinstance(f, models.URLField):
        try:
            _URL(text)
        except DjangoValidationError:
            raise RecordRejected([f"{path} {text!r} is not a valid web address"]) from None
    if text and isinstance(f, models.EmailField):
        try:
            _EMAIL(text)
        except DjangoValidationError:
            raise RecordRejected([f"{path} {text!r} is not a valid email address"]) from None
    return text


def _to_ms(value: dt.datetime) -> dt.datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
        try:
            return a is not None and b is not None and decimal.Decimal(a) == decimal.Decimal(b)
        except (decimal.InvalidOperation, TypeError):
            return False
    return bool(a == b)


def _postcode(location: dict[str, Any]) -> str:
    """The first GB postal code among the location's addresses (a physical one first)."""
    addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
    addresses.sort(key=lambda a: a.get("address_type", "physical") != "physical")
    for address in addresses:
        country = str(address.get("country") or "GB").upper()
        code = address.get("postal_code")
        if country in ("GB", "UK") and isinstance(code, str) and code.strip():
            return code.strip()
    return ""


def _referral_mode(item: Any) -> str | None:
    """The ReferralMode an attribute stands for, if it is Linkwell's referral-mode attribute."""
    if not isinstance(item, dict):
        return None
    term = item.get("taxonomy_term")
    term_id = term.get("id") if isinstance(term, dict) else item.get("taxonomy_term_id")
    return hsds.REFERRAL_MODE_BY_TERM_ID.get(str(term_id))


# --- the writer ---------------------------------------------------------------------------

Fields = Sequence[tuple[str, str]]


class _Writer:
    """Writes one record (and the rows it contains) and collects what changed."""

    def __init__(self, *, actor: User | None, owner: Organisation | None) -> None:
        self.actor = actor
        self.owner = owner
        self.outcomes: dict[tuple[str, uuid.UUID], str] = {}
        self._pending: list[tuple[str, uuid.UUID, str]] = []
        self._warnings: list[str] = []
        self._children: list[str] = []
        self._errors: list[str] = []
        self.where = ""

    # bookkeeping
    def begin(self, where: str) -> None:
        self.where = where
        self._pending, self._warnings, self._children = [], [], []

    def discard(self) -> None:
        self._pending, self._warnings, self._children = [], [], []

    def commit(self) -> list[tuple[str, str]]:
        out = []
        for kind, key, outcome in self._pending:
            previous = self.outcomes.get((kind, key))
            if previous is None:
                self.outcomes[(kind, key)] = outcome
                out.append((kind, outcome))
        self._pending = []
        return out

    def take_warnings(self) -> list[str]:
        out, self._warnings = self._warnings, []
        return out

    # generic upsert
    def _values(
        self, model: type[models.Model], fields: Fields, data: dict[str, Any], path: str
    ) -> dict[str, Any]:
        errors: list[str] = []
        values: dict[str, Any] = {}
        for key, attr in fields:
            f = model._meta.get_field(attr)
            try:
                values[attr] = _convert(f, data.get(key), f"{path}{key}")
            except RecordRejected as exc:
                errors.extend(exc.messages)
        if errors:
            raise RecordRejected(errors)
        return values

    @staticmethod
    def _extra(
        data: dict[str, Any], consumed: Iterable[str], old: dict[str, Any] | None
    ) -> dict[str, Any]:
        consumed = set(consumed) | {"id"} | LINK_KEYS
        extra = {k: v for k, v in data.items() if k not in consumed}
        for key, value in (old or {}).items():
            if isinstance(value, list) and key not in data:
                extra[key] = value
        return extra

    def _upsert(
        self, model: type[Any], key: uuid.UUID, values: dict[str, Any]
    ) -> tuple[Any, str, dict[str, list[Any]]]:
        obj = model.objects.filter(uuid=key).first()
        if obj is None:
            obj = model(uuid=key, **values)
            obj.save()
            return obj, "created", {}
        changes: dict[str, list[Any]] = {}
        for attr, value in values.items():
            current = getattr(obj, attr)
            if not _same(current, value):
                changes[attr] = [current, value]
                setattr(obj, attr, value)
        if changes:
            update = list(changes)
            if hasattr(obj, "updated_at"):
                update.append("updated_at")
            obj.save(update_fields=update)
        return obj, ("updated" if changes else "unchanged"), changes

    @staticmethod
    def _uuid(data: dict[str, Any]) -> uuid.UUID:
        return uuid.UUID(str(data["id"]))

    def _child(
        self,
        model: type[Any],
        data: dict[str, Any],
        path: str,
        fields: Fields,
        links: dict[str, Any],
        consumed: Iterable[str] = (),
    ) -> Any:
        values = self._values(model, fields, data, path)
        values.update(links)
        values["extra"] = self._extra(data, [k for k, _ in fields] + list(consumed), None)
        obj, outcome, _ = self._upsert(model, self._uuid(data), values)
        if outcome != "unchanged":
            self._children.append(f"{model._meta.model_name} {obj.uuid} {outcome}")
        return obj

    def _sync(
        self,
        model: type[Any],
        fk: str,
        parent: models.Model,
        items: Any,
        path: str,
        build: Callable[[dict[str, Any], str], Any],
    ) -> None:
        if not isinstance(items, list):
            return
        keep = []
        for i, item in enumerate(items):
            try:
                keep.append(build(item, f"{path}[{i}].").pk)
            except RecordRejected as exc:
                # Keep going so every problem in the record is reported at once; the record's
                # savepoint is rolled back by write().
                self._errors.extend(exc.messages)
        if self._errors:
            return
        stale = model.objects.filter(**{fk: parent}).exclude(pk__in=keep)
        nullable = model._meta.get_field(fk).null
        for row in stale:
            self._children.append(f"{model._meta.model_name} {row.uuid} removed")
            if nullable:
                setattr(row, fk, None)
                if model is Location:  # may still be used by service_at_locations: unlink only
                    row.save(update_fields=[fk])
                    continue
                parents = [
                    f.name
                    for f in model._meta.get_fields()
                    if isinstance(f, models.ForeignKey) and f.null
                ]
                if any(getattr(row, f"{p}_id") for p in parents):
                    row.save(update_fields=[fk])
                    continue
            row.delete()

    # top-level records
    def write(self, record: SourceRecord) -> None:
        self._errors = []
        try:
            self._write(record)
        except RecordRejected as exc:
            self._errors.extend(exc.messages)
        if self._errors:
            raise RecordRejected(list(dict.fromkeys(self._errors)))

    def _write(self, record: SourceRecord) -> None:
        data = record.data
        if record.kind == SERVICE:
            self.service(data, "", record)
        elif record.kind == ORGANIZATION:
            self.organization(data, "")
        elif record.kind == TAXONOMY:
            self.taxonomy(data, "")
        else:
            self.term(data, "")

    def _finish(
        self,
        kind: str,
        obj: Any,
        outcome: str,
        changes: dict[str, Any],
        children: list[str],
        organisation: Any = None,
        *,
        audited: bool = False,
    ) -> None:
        """Count the record's outcome and audit it (unless its creator already did)."""
        if outcome == "unchanged" and children:
            outcome = "updated"
        if outcome == "updated" and hasattr(obj, "version"):
            type(obj).objects.filter(pk=obj.pk).update(
                version=models.F("version") + 1, updated_at=timezone.now()
            )
        if outcome != "unchanged" and not audited:
            detail = {"source": self.where}
            if children:
                changes = {**changes, "children": children}
            audit_record(
                actor=self.actor,
                action=IMPORT_ACTIONS[kind, outcome],
                obj=obj,
                organisation=organisation,
                changes=changes if outcome == "updated" else {},
                detail=detail,
            )
        self._pending.append((kind, obj.uuid, outcome))

    def taxonomy(self, data: dict[str, Any], path: str) -> Taxonomy:
        values = self._values(Taxonomy, hsds.TAXONOMY_FIELDS, data, path)
        values["extra"] = self._extra(
            data, [k for k, _ in hsds.TAXONOMY_FIELDS] + ["taxonomy_terms"], None
        )
        obj, outcome, changes = self._upsert(Taxonomy, self._uuid(data), values)
        self._finish(TAXONOMY, obj, outcome, changes, [])
        return obj

    def term(self, data: dict[str, Any], path: str) -> TaxonomyTerm:
        values = self._values(TaxonomyTerm, hsds.TAXONOMY_TERM_FIELDS, data, path)
        consumed = [k for k, _ in hsds.TAXONOMY_TERM_FIELDS] + [
            "parent_id",
            "taxonomy",
            "taxonomy_id",
            "taxonomy_detail",
        ]
        taxonomy: Taxonomy | None = None
        if isinstance(data.get("taxonomy_detail"), dict):
            taxonomy = self.taxonomy(data["taxonomy_detail"], f"{path}taxonomy_detail.")
        elif data.get("taxonomy_id"):
            taxonomy = Taxonomy.objects.filter(uuid=data["taxonomy_id"]).first()
        extra = self._extra(data, consumed, None)
        if data.get("taxonomy_id") and taxonomy is None:
            extra["taxonomy_id"] = data["taxonomy_id"]  # a taxonomy we do not hold: keep the link
        parent_uuid = uuid.UUID(str(data["parent_id"])) if data.get("parent_id") else None
        parent = TaxonomyTerm.objects.filter(uuid=parent_uuid).first() if parent_uuid else None
        values.update(
            extra=extra,
            taxonomy=taxonomy,
            taxonomy_name=_convert(
                TaxonomyTerm._meta.get_field("taxonomy_name"),
                data.get("taxonomy"),
                f"{path}taxonomy",
            ),
            parent=parent,
            parent_uuid=parent_uuid,
        )
        obj, outcome, changes = self._upsert(TaxonomyTerm, self._uuid(data), values)
        self._finish(TAXONOMY_TERM, obj, outcome, changes, [])
        return obj

    def organization(self, data: dict[str, Any], path: str) -> DirectoryOrganization:
        saved_children, self._children = self._children, []
        values = self._values(DirectoryOrganization, hsds.ORGANIZATION_FIELDS, data, path)
        key = self._uuid(data)
        current = DirectoryOrganization.objects.filter(uuid=key).first()
        arrays = ["contacts", "phones", "locations", "attributes", "services"]
        values["extra"] = self._extra(
            data,
            [k for k, _ in hsds.ORGANIZATION_FIELDS] + arrays,
            current.extra if current else None,
        )
        if self.owner is not None:
            values["owner"] = self.owner
        obj, outcome, changes = self._upsert(DirectoryOrganization, key, values)
        self._sync(
            Contact,
            "organization",
            obj,
            data.get("contacts"),
            f"{path}contacts",
            lambda d, p: self.contact(d, p, organization=obj),
        )
        self._sync(
            Phone,
            "organization",
            obj,
            data.get("phones"),
            f"{path}phones",
            lambda d, p: self.phone(d, p, organization=obj),
        )
        self._sync(
            Location,
            "organization",
            obj,
            data.get("locations"),
            f"{path}locations",
            lambda d, p: self.location(d, p, obj, link=True),
        )
        self.attributes("organization", obj, data.get("attributes"), f"{path}attributes")
        children, self._children = self._children, saved_children
        self._finish(ORGANIZATION, obj, outcome, changes, children, obj.owner)
        return obj

    def service(
        self, data: dict[str, Any], path: str, record: SourceRecord | None = None
    ) -> Service:
        errors: list[str] = []
        org: DirectoryOrganization | None = None
        if isinstance(data.get("organization"), dict):
            org = self.organization(data["organization"], "organization.")
        else:
            org_id = data.get("organization_id") or (record.organization_id if record else None)
            org = DirectoryOrganization.objects.filter(uuid=org_id).first() if org_id else None
            if org is None and not org_id:
                # ORUK list items may leave the organization out: keep the one we hold.
                held = Service.objects.filter(uuid=str(data.get("id"))).select_related(
                    "organization"
                )
                org = next((s.organization for s in held), None)
            if org is None:
                errors.append(
                    f"organization_id {org_id} is not in the directory or this file"
                    if org_id
                    else "the service has no organization (give `organization` or `organization_id`)"
                )
        try:
            values = self._values(Service, hsds.SERVICE_FIELDS, data, path)
        except RecordRejected as exc:
            errors.extend(exc.messages)
        if errors:
            raise RecordRejected(errors)
        assert org is not None
        key = self._uuid(data)
        current = Service.objects.filter(uuid=key).first()
        consumed = [k for k, _ in hsds.SERVICE_FIELDS] + [
            "fees",
            "assured_date",
            "assurer_email",
            "last_modified",
            "organization",
            "phones",
            "schedules",
            "service_areas",
            "service_at_locations",
            "languages",
            "cost_options",
            "contacts",
            "attributes",
            "capacities",
        ]
        extra = self._extra(data, consumed, current.extra if current else None)
        fees = data.get("fees")
        if fees is not None and not data.get("fees_description"):
            values["fees_description"] = _convert(
                Service._meta.get_field("fees_description"), fees, "fees"
            )
        elif fees is not None and fees != data.get("fees_description"):
            extra["fees"] = fees
        assured_date = _convert(
            Service._meta.get_field("assured_date"), data.get("assured_date"), "assured_date"
        )
        assurer_email = _convert(
            Service._meta.get_field("assurer_email"), data.get("assurer_email"), "assurer_email"
        )
        if current is not None:
            computed_date, computed_email = hsds.exported_assurance(current)
            if (assured_date, assurer_email) == (computed_date, computed_email or ""):
                # What our exporter computes from the provider's quality checks (our own export
                # read back): keep the stored values, else they would be overwritten by it.
                assured_date, assurer_email = current.assured_date, current.assurer_email
        values.update(self._capacity(data.get("capacities"), current))
        # Linkwell's referral mode travels as an attribute (hsds.referral_attribute): read it
        # into the field; attributes() stores no row for it. Absent: left as it is.
        for item in data.get("attributes") or []:
            mode = _referral_mode(item)
            if mode is not None:
                values["referral_mode"] = mode
        values.update(
            organization=org,
            extra=extra,
            assured_date=assured_date,
            assurer_email=assurer_email,
            source_last_modified=_convert(
                Service._meta.get_field("source_last_modified"),
                data.get("last_modified"),
                "last_modified",
            ),
        )
        if (
            current is not None
            and current.source_last_modified is None
            and values["source_last_modified"] == _to_ms(current.updated_at)
        ):
            # Our own export read back: its last_modified is our updated_at, not a feed's stamp.
            values["source_last_modified"] = None
        if record is not None and "referral_mode" in record.linkwell:
            values["referral_mode"] = record.linkwell["referral_mode"]
        saved_children, self._children = self._children, []
        changes: dict[str, list[Any]] = {}
        if current is None:
            # A new listing is made (and audited) by the directory's one creator; its child rows
            # are then synced below exactly as on an update.
            fields = {k: v for k, v in values.items() if k not in ("name", "organization")}
            obj = service_create(
                actor=self.actor,
                listing=service_rows(
                    organization=org, name=values["name"], uuid=key, fields=fields
                ),
                detail={"source": self.where},
            )
            outcome = "created"
        else:
            obj, outcome, changes = self._upsert(Service, key, values)
        s = obj
        self._sync(
            Phone,
            "service",
            s,
            data.get("phones"),
            "phones",
            lambda d, p: self.phone(d, p, service=s),
        )
        self._sync(
            Schedule,
            "service",
            s,
            data.get("schedules"),
            "schedules",
            lambda d, p: self._child(Schedule, d, p, hsds.SCHEDULE_FIELDS, {"service": s}),
        )
        self._sync(
            ServiceArea,
            "service",
            s,
            data.get("service_areas"),
            "service_areas",
            lambda d, p: self._child(ServiceArea, d, p, hsds.SERVICE_AREA_FIELDS, {"service": s}),
        )
        self._sync(
            ServiceAtLocation,
            "service",
            s,
            data.get("service_at_locations"),
            "service_at_locations",
            lambda d, p: self.service_at_location(d, p, s),
        )
        self._sync(
            Language,
            "service",
            s,
            data.get("languages"),
            "languages",
            lambda d, p: self._child(Language, d, p, hsds.LANGUAGE_FIELDS, {"service": s}),
        )
        self._sync(
            CostOption,
            "service",
            s,
            data.get("cost_options"),
            "cost_options",
            lambda d, p: self._child(CostOption, d, p, hsds.COST_OPTION_FIELDS, {"service": s}),
        )
        self._sync(
            Contact,
            "service",
            s,
            data.get("contacts"),
            "contacts",
            lambda d, p: self.contact(d, p, service=s),
        )
        self.attributes("service", s, data.get("attributes"), "attributes")
        children, self._children = self._children, saved_children
        self._finish(
            SERVICE, obj, outcome, changes, children, org.owner, audited=outcome == "created"
        )
        return obj

    def _capacity(self, items: Any, current: Service | None) -> dict[str, Any]:
        """HSDS 3.1 `capacities` -> the capacity fields. Absent: left as they are (as for any
        array); `[]`: cleared; else the first item (Linkwell holds one capacity per service)."""
        if not isinstance(items, list):
            return {}
        if not items:
            return {
                "capacity_available": None,
                "capacity_maximum": None,
                "capacity_updated_at": None,
            }
        item = items[0]
        if len(items) > 1:
            self._warnings.append(
                f"{self.where}: {len(items)} capacities given; only the first is kept"
            )
        if not isinstance(item, dict):
            raise RecordRejected(["capacities[0] must be an object"])
        if current is not None and hsds.exported_capacities(current) == [item]:
            # Our own export read back: its `updated` falls back to updated_at and its unit to
            # "places"; keep what is stored.
            return {}
        unit = item.get("unit")
        name = unit.get("name") if isinstance(unit, dict) else None
        out: dict[str, Any] = {}
        errors: list[str] = []
        for key, attr, raw in (
            ("available", "capacity_available", item.get("available")),
            ("maximum", "capacity_maximum", item.get("maximum")),
            ("unit.name", "capacity_unit", name or "places"),
            ("updated", "capacity_updated_at", item.get("updated")),
        ):
            try:
                out[attr] = _convert(Service._meta.get_field(attr), raw, f"capacities[0].{key}")
            except RecordRejected as exc:
                errors.extend(exc.messages)
        if errors:
            raise RecordRejected(errors)
        return out

    # children
    def phone(self, data: dict[str, Any], path: str, **links: Any) -> Phone:
        obj: Phone = self._child(
            Phone, data, path, hsds.PHONE_FIELDS, links, ["languages", "attributes"]
        )
        self._sync(
            Language,
            "phone",
            obj,
            data.get("languages"),
            f"{path}languages",
            lambda d, p: self._child(Language, d, p, hsds.LANGUAGE_FIELDS, {"phone": obj}),
        )
        return obj

    def contact(self, data: dict[str, Any], path: str, **links: Any) -> Contact:
        obj: Contact = self._child(
            Contact, data, path, hsds.CONTACT_FIELDS, links, ["phones", "attributes"]
        )
        self._sync(
            Phone,
            "contact",
            obj,
            data.get("phones"),
            f"{path}phones",
            lambda d, p: self.phone(d, p, contact=obj),
        )
        return obj

    def service_at_location(
        self, data: dict[str, Any], path: str, service: Service
    ) -> ServiceAtLocation:
        if isinstance(data.get("location"), dict):
            location = self.location(data["location"], f"{path}location.", service.organization)
        else:
            location_id = data.get("location_id")
            found = Location.objects.filter(uuid=location_id).first() if location_id else None
            if found is None:
                raise RecordRejected(
                    [
                        f"{path}location: missing, or location_id {location_id} is not in the directory"
                    ]
                )
            location = found
        fields = [("description", "description")]
        arrays = ["location", "contacts", "phones", "schedules", "service_areas", "attributes"]
        sal: ServiceAtLocation = self._child(
            ServiceAtLocation,
            data,
            path,
            fields,
            {"service": service, "location": location},
            arrays,
        )
        self._sync(
            Contact,
            "service_at_location",
            sal,
            data.get("contacts"),
            f"{path}contacts",
            lambda d, p: self.contact(d, p, service_at_location=sal),
        )
        self._sync(
            Phone,
            "service_at_location",
            sal,
            data.get("phones"),
            f"{path}phones",
            lambda d, p: self.phone(d, p, service_at_location=sal),
        )
        self._sync(
            Schedule,
            "service_at_location",
            sal,
            data.get("schedules"),
            f"{path}schedules",
            lambda d, p: self._child(
                Schedule, d, p, hsds.SCHEDULE_FIELDS, {"service_at_location": sal}
            ),
        )
        self._sync(
            ServiceArea,
            "service_at_location",
            sal,
            data.get("service_areas"),
            f"{path}service_areas",
            lambda d, p: self._child(
                ServiceArea, d, p, hsds.SERVICE_AREA_FIELDS, {"service_at_location": sal}
            ),
        )
        self.attributes("service_at_location", sal, data.get("attributes"), f"{path}attributes")
        return sal

    def location(
        self,
        data: dict[str, Any],
        path: str,
        organization: DirectoryOrganization,
        *,
        link: bool = False,
    ) -> Location:
        source = self._coordinates(data, path)
        key = self._uuid(data)
        existing = Location.objects.filter(uuid=key).first()
        links: dict[str, Any] = {}
        if link or existing is None or existing.organization_id is None:
            links["organization"] = organization
        arrays = [
            "languages",
            "addresses",
            "contacts",
            "accessibility",
            "phones",
            "schedules",
            "attributes",
        ]
        loc: Location = self._child(Location, source, path, hsds.LOCATION_FIELDS, links, arrays)
        self._sync(
            Language,
            "location",
            loc,
            data.get("languages"),
            f"{path}languages",
            lambda d, p: self._child(Language, d, p, hsds.LANGUAGE_FIELDS, {"location": loc}),
        )
        self._sync(
            Address,
            "location",
            loc,
            data.get("addresses"),
            f"{path}addresses",
            lambda d, p: self._child(Address, d, p, hsds.ADDRESS_FIELDS, {"location": loc}),
        )
        self._sync(
            Contact,
            "location",
            loc,
            data.get("contacts"),
            f"{path}contacts",
            lambda d, p: self.contact(d, p, location=loc),
        )
        self._sync(
            Accessibility,
            "location",
            loc,
            data.get("accessibility"),
            f"{path}accessibility",
            lambda d, p: self._child(
                Accessibility, d, p, hsds.ACCESSIBILITY_FIELDS, {"location": loc}
            ),
        )
        self._sync(
            Phone,
            "location",
            loc,
            data.get("phones"),
            f"{path}phones",
            lambda d, p: self.phone(d, p, location=loc),
        )
        self._sync(
            Schedule,
            "location",
            loc,
            data.get("schedules"),
            f"{path}schedules",
            lambda d, p: self._child(Schedule, d, p, hsds.SCHEDULE_FIELDS, {"location": loc}),
        )
        self.attributes("location", loc, data.get("attributes"), f"{path}attributes")
        return loc

    def _coordinates(self, data: dict[str, Any], path: str) -> dict[str, Any]:
        """The location as it will be stored: out-of-range coordinates dropped and, when it has
        none, the coordinates of its GB postcode (so distance search finds it). Problems are
        warnings naming the record (a CSV line); the location is imported either way."""
        where = self.where if self.where.startswith("line ") else f"{self.where} {path[:-1]}"
        problems = rules.coordinate_problems(data)
        source = data
        if problems:
            source = {k: v for k, v in data.items() if k not in ("latitude", "longitude")}
        if rules.has_coordinates(source):
            return source
        postcode = _postcode(data)
        if postcode:
            try:
                lat, lon = postcodes.lookup(postcode)
            except LinkwellError as exc:
                problems.append(
                    f"no coordinates for postcode {postcode!r} ({str(exc).rstrip('.')})"
                )
            else:
                if problems:
                    self._warnings.append(
                        f"{where}: {' and '.join(problems)}; used the coordinates of postcode "
                        f"{postcode} instead"
                    )
                return {**source, "latitude": lat, "longitude": lon}
        if problems:
            self._warnings.append(
                f"{where}: {'; '.join(problems)}; location stored without coordinates"
            )
        return source

    def attributes(self, entity: str, obj: Any, items: Any, path: str) -> None:
        if not isinstance(items, list):
            return
        keep = []
        for i, item in enumerate(items):
            where = f"{path}[{i}]."
            if _referral_mode(item) is not None:
                continue  # read into Service.referral_mode by service()
            if isinstance(item.get("taxonomy_term"), dict):
                term = self.term(item["taxonomy_term"], f"{where}taxonomy_term.")
            else:
                term_id = item.get("taxonomy_term_id")
                found = TaxonomyTerm.objects.filter(uuid=term_id).first() if term_id else None
                if found is None:
                    raise RecordRejected(
                        [
                            f"{where}taxonomy_term: missing, or taxonomy_term_id {term_id} is not in the directory or this file"
                        ]
                    )
                term = found
            attr = self._child(
                Attribute,
                item,
                where,
                hsds.ATTRIBUTE_FIELDS,
                {"link_entity": entity, "link_uuid": obj.uuid, "taxonomy_term": term},
                ["taxonomy_term"],
            )
            keep.append(attr.pk)
        for row in Attribute.objects.filter(link_entity=entity, link_uuid=obj.uuid).exclude(
            pk__in=keep
        ):
            self._children.append(f"attribute {row.uuid} removed")
            row.delete()
