"""The same service listed twice (a council feed and the provider's own listing, or two feeds):
flagged for a person to merge, never merged automatically.

Similarity uses the standard library's `difflib` on names folded by `linkwell.text.analysis`
(lower case, accents and apostrophes removed, "ltd"/"the" dropped): listings are short names,
where its ratio is a good measure, and Linkwell does not ship a fuzzy-matching dependency. A pair
scores from the service names (half), the organisations (a fifth) and the postcode (the rest:
the same postcode counts fully, the same district half). Pairs scoring `THRESHOLD` or more with
names at least `NAME_FLOOR` alike are stored once (`DuplicateCandidate`, lower pk first), so a
pair judged "not a duplicate" is never raised again. Two listings from the same feed are not
compared: a feed's own records are distinct by its ids.

`merge(keep=...)` keeps one listing and retires the other (inactive, never deleted). Nothing
is lost: the kept listing takes the more recent verification and the other's staff notes are
appended to its own; the retired listing keeps its referrals and connections (their history
names the listing they were made to), and the pair records which listing was kept. The other
listing's feed records now point at the kept listing, so harvests update it; if the kept
listing already follows a feed, those records are only noted as still published.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.directory.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Service,
    ServiceProvenance,
    ServiceStatus,
)
from linkwell.directory.services import service_set_status
from linkwell.text.analysis import words

THRESHOLD = 0.75
NAME_FLOOR = 0.7
_NOISE = {"the", "ltd", "limited", "cic", "cio", "charity", "and", "of", "a"}


@dataclass
class _Facts:
    pk: int
    name: str
    organisation: str
    postcodes: set[str]
    sources: set[int]


def _fold(text: str) -> str:
    return " ".join(w for w in words(text) if w not in _NOISE)


def _postcode(value: str) -> str:
    return "".join(value.split()).upper()


def _facts(services: QuerySet[Service]) -> list[_Facts]:
    rows = services.select_related("organization").prefetch_related(
        "service_at_locations__location__addresses", "provenance"
    )
    out = []
    for s in rows:
        postcodes = {
            _postcode(a.postal_code)
            for sal in s.service_at_locations.all()
            for a in sal.location.addresses.all()
            if a.postal_code
        }
        out.append(
            _Facts(
                s.pk,
                _fold(s.name),
                _fold(s.organization.name),
                postcodes,
                {p.source_id for p in s.provenance.all()},
            )
        )
    return out


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio() if a and b else 0.0


def score(a: _Facts, b: _Facts) -> tuple[float, list[str]]:
    """The pair's likeness from 0 to 1 and the reasons, in words a person reads."""
    name = _ratio(a.name, b.name)
    org = _ratio(a.organisation, b.organisation)
    place = 0.0
    reasons = [f"Names {round(name * 100)}% alike"]
    if a.postcodes & b.postcodes:
        place = 1.0
        reasons.append(f"Same postcode ({', '.join(sorted(a.postcodes & b.postcodes))})")
    elif {p[:-3] for p in a.postcodes} & {p[:-3] for p in b.postcodes}:
        place = 0.5
        reasons.append("Same postcode district")
    if org >= 0.6:
        reasons.append(f"Organisations {round(org * 100)}% alike")
    if not a.postcodes or not b.postcodes:
        # No address on one side: judge on the names and organisations alone.
        total = (0.5 * name + 0.2 * org) / 0.7
    else:
        total = 0.5 * name + 0.2 * org + 0.3 * place
    return total, reasons


def flag_duplicates(services: QuerySet[Service]) -> int:
    """Compare `services` with every other current listing; store each new likely pair.
    Returns how many pairs were added."""
    new = _facts(services)
    if not new:
        return 0
    others = _facts(Service.objects.exclude(status=ServiceStatus.DEFUNCT))
    # Only pairs sharing a name word are scored (keeps a big first harvest quick).
    by_word: dict[str, list[_Facts]] = defaultdict(list)
    for other in others:
        for word in set(other.name.split()):
            by_word[word].append(other)
    known = set(DuplicateCandidate.objects.values_list("first_id", "second_id"))
    added = 0
    for item in new:
        seen: set[int] = set()
        for word in set(item.name.split()):
            for other in by_word.get(word, []):
                if other.pk == item.pk or other.pk in seen:
                    continue
                seen.add(other.pk)
                if item.sources & other.sources:
                    continue
                pair = (min(item.pk, other.pk), max(item.pk, other.pk))
                if pair in known:
                    continue
                matcher = difflib.SequenceMatcher(None, item.name, other.name)
                if matcher.real_quick_ratio() < NAME_FLOOR or matcher.quick_ratio() < NAME_FLOOR:
                    continue  # cheap upper bounds: the names cannot be alike enough
                total, reasons = score(item, other)
                if total >= THRESHOLD and matcher.ratio() >= NAME_FLOOR:
                    DuplicateCandidate.objects.create(
                        first_id=pair[0], second_id=pair[1], score=round(total, 3), reasons=reasons
                    )
                    known.add(pair)
                    added += 1
    return added


def open_candidates() -> QuerySet[DuplicateCandidate]:
    return DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).select_related(
        "first__organization", "second__organization"
    )


def _decide(candidate: DuplicateCandidate) -> DuplicateCandidate:
    current = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if current.status != DuplicateStatus.OPEN:
        raise ValidationError(
            f"This pair has already been decided ({current.get_status_display().lower()})."
        )
    return current


def not_duplicate(*, actor: User, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Remember that the two listings are different services."""
    with transaction.atomic():
        current = _decide(candidate)
        current.status = DuplicateStatus.NOT_DUPLICATE
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.save()
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_DUPLICATE_DISMISSED,
            obj=current,
            detail={"first": str(current.first.uuid), "second": str(current.second.uuid)},
        )
    return current


def merge(*, actor: User, candidate: DuplicateCandidate, keep: Service) -> DuplicateCandidate:
    """Keep `keep` (one of the pair) and retire the other; see the module docstring."""
    with transaction.atomic():
        current = _decide(candidate)
        if keep.pk not in (current.first_id, current.second_id):
            raise ValidationError("Choose one of the two listings to keep.")
        drop_pk = current.second_id if keep.pk == current.first_id else current.first_id
        locked = {
            s.pk: s for s in Service.objects.select_for_update().filter(pk__in=[keep.pk, drop_pk])
        }
        kept, dropped = locked[keep.pk], locked[drop_pk]
        changes: dict[str, list[object]] = {}
        local: dict[str, object] = {}
        if dropped.last_verified_at and (
            kept.last_verified_at is None or dropped.last_verified_at > kept.last_verified_at
        ):
            local.update(
                last_verified_at=dropped.last_verified_at,
                last_verified_by=dropped.last_verified_by,
            )
            changes["last_verified_at"] = [kept.last_verified_at, dropped.last_verified_at]
        notes = dropped.staff_notes.strip()
        if notes and notes not in kept.staff_notes:
            joined = "\n\n".join(
                p for p in (kept.staff_notes.strip(), f"From “{dropped.name}”: {notes}") if p
            )
            local["staff_notes"] = joined
            changes["staff_notes"] = [kept.staff_notes, joined]
        if local:
            # Local facts, not content: like verifying, this does not make a new version.
            Service.objects.filter(pk=kept.pk).update(**local)
        kept_follows_a_feed = ServiceProvenance.objects.filter(service=kept, writes=True).exists()
        moved = list(ServiceProvenance.objects.filter(service=dropped))
        for prov in moved:
            prov.service = kept
            prov.writes = prov.writes and not kept_follows_a_feed
            prov.save(update_fields=["service", "writes"])
        if dropped.status not in (ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT):
            service_set_status(actor=actor, service=dropped, status=ServiceStatus.INACTIVE)
        current.status = DuplicateStatus.MERGED
        current.kept = kept
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.save()
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_DUPLICATE_MERGED,
            obj=kept,
            organisation=kept.organization.owner,
            changes=changes,
            detail={
                "pair": str(current.uuid),
                "kept": str(kept.uuid),
                "retired": str(dropped.uuid),
                "feed_records_moved": [p.record_id for p in moved],
            },
        )
    return current
