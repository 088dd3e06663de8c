"""Intelligence back to services: the gaps in provision link workers record, sent as a periodic
digest to the services and community champions named for a theme (a need) and an area, not only
to commissioners.

A digest holds counts only — gaps recorded in the period by need, each through
`disclosure.suppress_count` — never the free text, place, who, or anything about a person.
The gap's area is its link-worker service's area. A recipient named for a need gets that need
and its sub-needs (one level down). `gap_digests_send` sends one digest per active recipient and
period (a second run for the same period sends nothing new), emails it through
`linkwell.core.notify`, and keeps what was sent (`GapDigest`) for the page that shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet

from linkwell.accounts.models import Area, User
from linkwell.analysis.disclosure import suppress_count
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.connections.models import ProvisionGap
from linkwell.core import notify
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import TaxonomyTerm
from linkwell.evidence.models import GapDigest, GapRecipient, GapRecipientKind
from linkwell.evidence.selectors.common import local_midnight

NO_NEED = "Need not recorded"


def gaps_for_recipient(
    recipient: GapRecipient, *, start: dt.date, end: dt.date
) -> QuerySet[ProvisionGap]:
    qs = ProvisionGap.objects.filter(
        created_at__gte=local_midnight(start),
        created_at__lt=local_midnight(end + dt.timedelta(days=1)),
    )
    if recipient.need_id is not None:
        qs = qs.filter(Q(need_id=recipient.need_id) | Q(need__parent_id=recipient.need_id))
    if recipient.area_id is not None:
        qs = qs.filter(link_worker_service__area_id=recipient.area_id)
    return qs


def digest_rows(
    recipient: GapRecipient, *, start: dt.date, end: dt.date
) -> list[dict[str, object]]:
    """[{"need": name, "gaps": published count}], most recorded first. 1 query."""
    counts = (
        gaps_for_recipient(recipient, start=start, end=end)
        .values("need__name")
        .annotate(n=Count("id"))
        .order_by("-n", "need__name")
    )
    return [
        {"need": row["need__name"] or NO_NEED, "gaps": suppress_count(row["n"])} for row in counts
    ]


def _body(
    recipient: GapRecipient, rows: list[dict[str, object]], start: dt.date, end: dt.date
) -> str:
    scope = []
    if recipient.need is not None:
        scope.append(f"needs under “{recipient.need.name}”")
    if recipient.area is not None:
        scope.append(f"in {recipient.area.name}")
    lines = [
        f"Dear {recipient.name},",
        "",
        f"Gaps in provision link workers recorded from {start:%-d %B %Y} to {end:%-d %B %Y}"
        + (f" ({', '.join(scope)})" if scope else "")
        + ": each time a link worker could find no suitable service for someone's need.",
        "",
    ]
    if rows:
        lines += [f"- {row['need']}: {row['gaps']}" for row in rows]
    else:
        lines.append("None were recorded in this period.")
    lines += [
        "",
        "To protect people's privacy, counts of 1 to 7 are shown as * and others are rounded "
        "to the nearest 5. No one's details are included.",
        "",
        "You receive this because you are named as a service or community champion for these "
        "needs. Reply to the commissioning team to stop.",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class DigestRun:
    sent: list[GapDigest]
    skipped: int  # already sent for this period
    failed: list[tuple[GapRecipient, str]]


def gap_digests_send(
    *, actor: User | AnonymousUser | None, start: dt.date, end: dt.date
) -> DigestRun:
    """Send the digest for `start`..`end` (inclusive) to every active recipient not yet sent it."""
    if end < start:
        raise ValidationFailed({"end": ["The end date must be on or after the start date"]})
    sent: list[GapDigest] = []
    failed: list[tuple[GapRecipient, str]] = []
    skipped = 0
    for recipient in GapRecipient.objects.filter(active=True).select_related("need", "area"):
        if GapDigest.objects.filter(
            recipient=recipient, period_start=start, period_end=end
        ).exists():
            skipped += 1
            continue
        rows = digest_rows(recipient, start=start, end=end)
        try:
            result = notify.notify(
                channel=notify.EMAIL,
                to=recipient.email,
                subject=f"Gaps in provision, {start:%-d %b} to {end:%-d %b %Y}",
                body=_body(recipient, rows, start, end),
                about=f"gap digest {start}..{end}",
            )
        except notify.NotifyError as exc:
            failed.append((recipient, str(exc)))
            continue
        try:
            with transaction.atomic():
                digest = GapDigest.objects.create(
                    recipient=recipient,
                    period_start=start,
                    period_end=end,
                    rows=rows,
                    outcome=result.outcome[:100],
                    sent=result.sent,
                )
                audit_record(
                    actor=actor,
                    action=AuditAction.GAP_DIGEST_SENT,
                    obj=digest,
                    detail={
                        "recipient": str(recipient.uuid),
                        "period": [str(start), str(end)],
                        "outcome": result.outcome,
                    },
                )
        except IntegrityError:  # a parallel run recorded it first
            skipped += 1
            continue
        sent.append(digest)
    return DigestRun(sent=sent, skipped=skipped, failed=failed)


def gap_recipient_add(
    *,
    actor: User | AnonymousUser | None,
    name: str,
    email: str,
    kind: str,
    need: TaxonomyTerm | None = None,
    area: Area | None = None,
) -> GapRecipient:
    """Name a service or champion to receive the digest (every problem named at once)."""
    errors: dict[str, list[str]] = {}
    name, email = (name or "").strip(), (email or "").strip()
    if not name:
        errors["name"] = ["Enter the service's or champion's name"]
    elif len(name) > 200:
        errors["name"] = ["Use 200 characters or fewer"]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter an email address, like name@example.org"]
    if kind not in GapRecipientKind.values:
        errors["kind"] = ["Choose a service or a community champion"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        recipient = GapRecipient.objects.create(
            name=name,
            email=email,
            kind=kind,
            need=need,
            area=area,
            added_by=actor if isinstance(actor, User) else None,
        )
        audit_record(
            actor=actor,
            action=AuditAction.GAP_RECIPIENT_SET,
            obj=recipient,
            changes={
                "name": [None, name],
                "email": [None, email],
                "kind": [None, kind],
                "need": [None, need.name if need else None],
                "area": [None, area.name if area else None],
            },
        )
    return recipient
