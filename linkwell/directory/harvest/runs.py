"""A harvest run: fetch every page, then import them all or nothing.

`harvest_feed(source=...)` is the one writer:

1. A `HarvestRun` row is saved first (so a run that crashes is still visible as "running").
2. Every page is fetched (`fetch.fetch_feed`) and read (`exchange.sources`) before anything is
   written. A failure there, or any record the importer rejects, fails the run: nothing changes,
   the run and the feed show the reason, and administrators are emailed.
3. The importer (`directory_import`) writes every record or none, in one transaction of its own
   (it is not called inside one of ours, so the checking and planning hold no write lock), so a
   run stopped part-way (a crash, edits that kept conflicting) leaves nothing half-applied. A
   council-sized feed's write is short (5,000 services: about 4 s on SQLite, BENCHMARKS.md
   "Directory import"). The one exception is the importer's own (`write_batch_size`): a feed of
   more than 10,000 records on SQLite is written in batches so the site stays usable, and the
   run's warnings say so; a run stopped between two batches says how many were written, and the
   next harvest completes it.
4. Then, in one short transaction: provenance (`ServiceProvenance`) for each service; on a full
   harvest, services this feed published before and no longer does are marked inactive (never
   deleted); new listings are compared with the rest of the directory for likely duplicates;
   the run's outcome. Should this step fail, the run says so and the next harvest repeats it.

Local facts are never overwritten: the importer writes only HSDS fields
(`exchange.hsds.SERVICE_FIELDS`), never the fields a link worker keeps on a listing
(`LOCAL_SERVICE_FIELDS`: verification, reminder, staff notes; a test holds this). A record merged
into another listing (duplicates.merge) is imported into the kept listing, or, when that listing
is kept up to date by another source, only noted as still published.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Membership, Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import LinkwellError
from linkwell.core.notify import EMAIL, NotifyError, notify
from linkwell.directory.exchange import sources
from linkwell.directory.exchange.importer import ImportProgress, ImportReport, directory_import
from linkwell.directory.harvest import duplicates
from linkwell.directory.harvest.fetch import HarvestError, fetch_feed
from linkwell.directory.models import (
    FeedSource,
    HarvestRun,
    HarvestStatus,
    Service,
    ServiceProvenance,
    ServiceStatus,
)
from linkwell.directory.services import service_set_status

logger = logging.getLogger(__name__)

# The fields of a listing that belong to the people keeping it, not to any feed.
LOCAL_SERVICE_FIELDS = (
    "last_verified_at",
    "last_verified_by_id",
    "verification_reminder_sent_at",
    "staff_notes",
)
# A withdrawn service in one of these states is left as it is.
RETIRED = {ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT}


@dataclass
class _Planned:
    records: list[sources.SourceRecord]
    # feed record id -> the HSDS id the importer will write it under
    written_as: dict[str, str]
    # feed record ids seen but not written (merged into a listing another source keeps)
    noted: set[str]


def is_full_harvest(source: FeedSource, now: dt.datetime) -> bool:
    """Incremental only when the feed filters by `modified_after`, a harvest has succeeded, and
    a full harvest (which alone can tell what was withdrawn) ran within `full_every_days`."""
    if not source.supports_modified_after or source.last_success_at is None:
        return True
    last_full = source.last_full_success_at
    return last_full is None or now - last_full >= dt.timedelta(days=source.full_every_days)


def harvest_feed(
    *,
    source: FeedSource,
    actor: User | None = None,
    full: bool | None = None,
    fetcher: Callable[..., Any] = fetch_feed,
    on_progress: Callable[[str], None] | None = None,
) -> HarvestRun:
    """Harvest `source` now. `full=None` decides by `is_full_harvest`. Returns the run (its
    `status` says whether it succeeded); never raises for a feed's own faults. `on_progress`
    hears one line at each step (pages fetched, records read, rows written)."""

    def say(message: str) -> None:
        if on_progress is not None:
            on_progress(message)

    # Batches written so far, when the importer writes in batches (a very large feed on SQLite).
    batches_written = [0]

    def import_progress(p: ImportProgress) -> None:
        if p.phase != "writing":
            return
        if p.batches > 1 and p.batch:
            batches_written[0] = p.batch
            say(f"Wrote batch {p.batch:,} of {p.batches:,}: {p.written:,} rows so far.")
        else:
            say(f"Wrote {p.written:,} rows." if p.written else f"Writing {p.total:,} rows…")

    started = timezone.now()
    full = is_full_harvest(source, started) if full is None else full
    modified_after = None if full else source.last_success_at
    run = HarvestRun.objects.create(
        source=source,
        started_at=started,
        full=full,
        modified_after=modified_after,
        triggered_by=actor,
    )
    try:
        fetched = fetcher(
            source.url,
            fmt=source.format,
            per_page=source.page_size,
            modified_after=modified_after,
            on_page=lambda n: say(f"Fetched page {n:,}."),
        )
        run.pages = len(fetched.pages)
        records = _read(source, fetched.pages)
    except (HarvestError, sources.ImportFileError) as exc:
        return _fail(run, str(exc), actor=actor)
    run.records = len(records)
    say(f"Read {run.records:,} records from {run.pages:,} page(s); checking and importing…")
    try:
        plan = _plan(source, records)
        before = {
            str(u): (v, t)
            for u, v, t in Service.objects.filter(uuid__in=plan.written_as.values()).values_list(
                "uuid", "version", "updated_at"
            )
        }
        # The importer checks every record before writing any, then writes them all in one
        # transaction, so a run is never half-applied; its one exception (a very large feed on
        # SQLite, `write_batch_size`) is written in batches and said in the run's warnings.
        with audit_context(channel=Channel.IMPORT):
            report = directory_import(
                actor=actor, records=plan.records, owner=source.owner, on_progress=import_progress
            )
    except LinkwellError as exc:
        return _fail(run, str(exc), actor=actor, partly=batches_written[0])
    except Exception as exc:
        logger.exception("Harvest of %s crashed", source.uuid)
        return _fail(
            run,
            f"The harvest stopped unexpectedly ({exc.__class__.__name__}).",
            actor=actor,
            partly=batches_written[0],
        )
    if not report.committed:
        lines = [line for r in report.rejected for line in r.lines()]
        run.warnings = lines + report.warnings
        reason = (
            f"{len(report.rejected)} record(s) were rejected, so nothing was imported: "
            + "; ".join(lines[:5])
            + (" …" if len(lines) > 5 else "")
        )
        return _fail(run, reason, actor=actor)
    try:
        with transaction.atomic(), audit_context(channel=Channel.IMPORT):
            _record(run, plan, before, report, actor=actor)
    except Exception as exc:
        logger.exception("Recording the harvest of %s failed", source.uuid)
        return _fail(
            run,
            "The feed's records were imported, but recording the harvest (provenance and "
            f"withdrawn services) failed ({exc.__class__.__name__}); the next harvest repeats it.",
            actor=actor,
            imported=True,
        )
    return run


def _read(source: FeedSource, pages: list[Any]) -> list[sources.SourceRecord]:
    """The feed's records. A reader that turns ORUK 1.0's whole-number ids into UUIDs names the
    feed they come from (`source`), so two feeds' "service 1" stay apart; the feed's uuid keeps
    them stable if it is renamed or moves."""
    return sources.records_from_value(
        pages, name=f"the feed {source.name}", source=f"linkwell-feed:{source.uuid}"
    )


def _plan(source: FeedSource, records: list[sources.SourceRecord]) -> _Planned:
    ids = [r.record_id for r in records if r.kind == sources.SERVICE and r.record_id]
    held = {
        p.record_id: p
        for p in ServiceProvenance.objects.filter(source=source, record_id__in=ids).select_related(
            "service"
        )
    }
    out: list[sources.SourceRecord] = []
    written_as: dict[str, str] = {}
    noted: set[str] = set()
    for record in records:
        prov = held.get(record.record_id) if record.kind == sources.SERVICE else None
        if prov is not None and not prov.writes:
            noted.add(record.record_id)
            continue
        if prov is not None and str(prov.service.uuid) != record.record_id:
            # Merged into another listing: the feed's record now keeps that listing up to date.
            record = sources.SourceRecord(
                kind=record.kind,
                position=record.position,
                data={**record.data, "id": str(prov.service.uuid)},
                linkwell=record.linkwell,
                organization_id=record.organization_id,
                errors=record.errors,
            )
        if record.kind == sources.SERVICE and record.record_id:
            original = prov.record_id if prov is not None else record.record_id
            written_as[original] = record.record_id
        out.append(record)
    return _Planned(out, written_as, noted)


def _record(
    run: HarvestRun,
    plan: _Planned,
    before: dict[str, tuple[int, dt.datetime]],
    report: ImportReport,
    *,
    actor: User | None,
) -> None:
    """After the import: provenance, withdrawals, likely duplicates and the run's outcome."""
    source = run.source
    now = timezone.now()
    targets = list(plan.written_as.values())
    services = {str(s.uuid): s for s in Service.objects.filter(uuid__in=targets)}
    created: list[dict[str, str]] = []
    updated: list[dict[str, str]] = []
    held = {p.record_id: p for p in ServiceProvenance.objects.filter(source=source)}
    seen_rows: list[ServiceProvenance] = []
    new_rows: list[ServiceProvenance] = []
    for record_id, uuid in plan.written_as.items():
        service = services.get(uuid)
        if service is None:
            continue
        if uuid not in before:
            created.append(_brief(service))
        elif before[uuid] != (service.version, service.updated_at):
            updated.append(_brief(service))
        row = held.get(record_id)
        if row is None:
            row = ServiceProvenance(source=source, record_id=record_id, first_seen_at=now)
            new_rows.append(row)
        else:
            seen_rows.append(row)
        row.service = service
        row.last_seen_at = now
        row.source_last_modified = service.source_last_modified
        row.withdrawn_at = None
    ServiceProvenance.objects.bulk_create(new_rows, batch_size=500)
    ServiceProvenance.objects.bulk_update(
        seen_rows,
        ["service", "last_seen_at", "source_last_modified", "withdrawn_at"],
        batch_size=500,
    )
    ServiceProvenance.objects.filter(source=source, record_id__in=plan.noted).update(
        last_seen_at=now, withdrawn_at=None
    )
    withdrawn: list[dict[str, str]] = []
    if run.full:
        seen = set(plan.written_as) | plan.noted
        gone = (
            ServiceProvenance.objects.filter(source=source, withdrawn_at__isnull=True)
            .exclude(record_id__in=seen)
            .select_related("service", "service__organization__owner")
        )
        for prov in gone:
            if prov.writes and prov.service.status not in RETIRED:
                service_set_status(actor=actor, service=prov.service, status=ServiceStatus.INACTIVE)
                withdrawn.append(_brief(prov.service))
            prov.withdrawn_at = now
            prov.save(update_fields=["withdrawn_at"])
    new_pairs = duplicates.flag_duplicates(
        Service.objects.filter(uuid__in=[c["id"] for c in created])
    )
    run.status = HarvestStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.changes = {
        "created": created,
        "updated": updated,
        "withdrawn": withdrawn,
        "unchanged": max(0, len(plan.written_as) - len(created) - len(updated)),
        "summary": report.summary(),
        "duplicates": new_pairs,
    }
    run.warnings = list(report.warnings)
    run.save()
    source.last_attempt_at = run.started_at
    # The next incremental harvest asks for what changed since this one started.
    source.last_success_at = run.started_at
    if run.full:
        source.last_full_success_at = run.started_at
    source.last_error = ""
    source.save(
        update_fields=[
            "last_attempt_at",
            "last_success_at",
            "last_full_success_at",
            "last_error",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.DIRECTORY_HARVEST_SUCCEEDED,
        obj=source,
        detail={
            "run": str(run.uuid),
            "full": run.full,
            "created": len(created),
            "updated": len(updated),
            "withdrawn": [w["id"] for w in withdrawn],
            "warnings": len(run.warnings),
        },
    )


def _brief(service: Service) -> dict[str, str]:
    return {"id": str(service.uuid), "name": service.name}


def _fail(
    run: HarvestRun,
    reason: str,
    *,
    actor: User | None,
    imported: bool = False,
    partly: int = 0,
) -> HarvestRun:
    """Record the failure on the run and the feed, audit it, and tell administrators when the
    reason is new (a feed down for a week sends one email, not seven). `imported`: the feed's
    records were written before the failure (only provenance and withdrawals are missing);
    `partly`: the import was written in batches and stopped after this many."""
    now = timezone.now()
    with transaction.atomic():
        source = FeedSource.objects.select_for_update().get(pk=run.source_id)
        is_new = source.last_error != reason
        run.status = HarvestStatus.FAILED
        run.error = reason
        run.finished_at = now
        run.save()
        source.last_error = reason
        source.last_attempt_at = run.started_at
        source.save(update_fields=["last_error", "last_attempt_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_HARVEST_FAILED,
            obj=source,
            detail={"run": str(run.uuid), "reason": reason},
        )
    run.source = source
    if is_new:
        _tell_administrators(source, run, imported=imported, partly=partly)
    return run


def administrator_emails(source: FeedSource) -> list[str]:
    """Active administrators (not read-only), and whoever registered the feed."""
    emails = set(
        Membership.objects.filter(
            role=Role.ADMINISTRATOR,
            read_only=False,
            is_active=True,
            user__is_active=True,
            organisation__is_active=True,
        ).values_list("user__email", flat=True)
    )
    if source.created_by is not None and source.created_by.is_active:
        emails.add(source.created_by.email)
    return sorted(e for e in emails if e)


def _tell_administrators(
    source: FeedSource, run: HarvestRun, *, imported: bool, partly: int = 0
) -> None:
    page = settings.SITE_URL + reverse("directory:harvest_run", kwargs={"run_id": run.uuid})
    if partly:
        outcome = (
            f"This feed is large enough to be written in batches, and {partly:,} batch(es) of its "
            "listings were written before the run stopped: those listings are updated, the rest "
            "are as they were. The next harvest writes the rest."
        )
    elif imported:
        outcome = (
            "The feed's listings were written, but its provenance, withdrawn listings and likely "
            "duplicates were not recorded; the next harvest records them."
        )
    else:
        outcome = (
            "Nothing in the directory was changed by this run: the listings from this feed are "
            "as they were after its last good harvest."
        )
    body = (
        f"The harvest of the directory feed “{source.name}” failed.\n\n"
        f"Reason: {run.error}\n\n{outcome} Details:\n{page}\n"
    )
    for to in administrator_emails(source):
        try:
            notify(
                channel=EMAIL, to=to, subject=f"Directory harvest failed: {source.name}", body=body
            )
        except NotifyError:
            logger.exception("Could not email %s about feed %s", to, source.uuid)


def due_sources(now: dt.datetime | None = None) -> list[FeedSource]:
    """Enabled feeds whose daily time has passed today and which have not been tried since."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    due = []
    for source in FeedSource.objects.filter(enabled=True).order_by("name"):
        today_at = timezone.make_aware(dt.datetime.combine(local.date(), source.harvest_at))
        if local < today_at:
            continue
        if source.last_attempt_at is not None and source.last_attempt_at >= today_at:
            continue
        due.append(source)
    return due
