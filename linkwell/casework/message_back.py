"""Messages back to the referrer and the GP record: a structured summary at key points.

Headings follow the PRSB social prescribing standard's sections that a referrer needs (reason for
referral, what matters to the person, plan and goals, connections, outcome, next steps). The summary
is frozen in `MessageBack.summary` when it is written, so the letter says what was true then; the
FHIR/GP-system integration (a later issue) reads the same structure.

Who calls `message_back_record`:

- `review.review_create` -> SEEN (first wellbeing review of the episode);
- `plan.plan_agree` -> PLAN_AGREED;
- the connections app -> CONNECTED, with `connection=` (one message per connection);
- `followup.follow_up_complete` -> OUTCOME, with `follow_up=`;
- the referrals/casework decline service -> DECLINED (SNOMED 871711000000103).

SEEN, PLAN_AGREED and DECLINED are written once per referral episode; calling again returns
None. Recipients: the referring organisation, and the person's registered practice (the GP record)
if the person agreed to share information. Without that consent the referrer is told only that
the referral was acted on (stage, dates, codes); what the person said is left out.

Referrer access: members with the referrer role of the recipient organisation see its messages
(`messages_back_for_user`) and nothing else of the case. The case's own team sees them too.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateformat import format as date_format

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.access import case_team_ids
from linkwell.casework.models import (
    Case,
    CaseReferral,
    FollowUp,
    GoalStatus,
    MessageBack,
    Plan,
    WellbeingReview,
)
from linkwell.core.snomed import (
    SNOMED_DISPLAY,
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
    SNOMED_SYSTEM,
)

if TYPE_CHECKING:
    from linkwell.referrals.models import Referral

# Stages written once per referral episode (the others: once per connection / follow-up).
ONCE_PER_EPISODE = {
    MessageBack.Stage.SEEN,
    MessageBack.Stage.PLAN_AGREED,
    MessageBack.Stage.DECLINED,
}
NOT_SHARED = "Not shared: the person did not agree to share details of their support."

# (key in summary, heading) in letter order.
HEADINGS: list[tuple[str, str]] = [
    ("reason_for_referral", "Reason for referral"),
    ("what_matters", "What matters to the person"),
    ("plan", "Plan and goals"),
    ("connections", "Connections to community support"),
    ("outcome", "Outcome"),
    ("next_steps", "Next steps"),
]

_CLOSED_CONNECTION_STATES = {"draft", "cancelled"}


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


def latest_referral(case: Case) -> Referral | None:
    """The case's latest referral, read through casework's own link table (`CaseReferral`):
    the referrals app sits above casework."""
    link = (
        CaseReferral.objects.filter(case=case)
        .select_related("referral__referrer_organisation", "referral__referrer")
        .prefetch_related("referral__reasons")
        .order_by("-referral__received_at")
        .first()
    )
    return None if link is None else link.referral


def _snomed(stage: str, referral: Referral | None) -> list[dict[str, str]]:
    code = (
        SNOMED_SOCIAL_PRESCRIBING_DECLINED
        if stage == MessageBack.Stage.DECLINED
        else SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING
    )
    return [{"system": SNOMED_SYSTEM, "code": code, "display": SNOMED_DISPLAY[code]}]


def _recipients(case: Case, referral: Referral | None) -> list[Organisation]:
    out: list[Organisation] = []
    if referral is not None and referral.referrer_organisation is not None:
        out.append(referral.referrer_organisation)
    practice = case.person.registered_practice
    shares = referral is not None and referral.consent_to_share
    if practice is not None and shares and all(o.pk != practice.pk for o in out):
        out.append(practice)
    return out


def _connections(case: Case) -> list[str]:
    lines = []
    for connection in case.connections.select_related("service").order_by("created_at"):
        if connection.status in _CLOSED_CONNECTION_STATES:
            continue
        lines.append(
            f"{connection.service.name}: {connection.get_kind_display().split(' (')[0]}, "
            f"{connection.get_status_display().lower()}"
        )
    return lines


def build_summary(
    *,
    case: Case,
    stage: str,
    referral: Referral | None,
    connection: Any = None,
    follow_up: FollowUp | None = None,
    note: str = "",
) -> dict[str, Any]:
    """The structured letter content (JSON-safe). Pure read: no writes."""
    person = case.person
    shared = referral is not None and referral.consent_to_share
    review = WellbeingReview.objects.filter(case=case).order_by("-held_on", "-created_at").first()
    plan = Plan.objects.filter(case=case).first()
    goals = list(plan.goals.order_by("created_at")) if plan else []
    next_due = (
        FollowUp.objects.filter(case=case, completed_at__isnull=True).order_by("due_on").first()
    )
    sections: dict[str, list[str]] = {key: [] for key, _ in HEADINGS}
    if referral is not None:
        reasons = ", ".join(term.name for term in referral.reasons.all())
        sections["reason_for_referral"].append(reasons or "No reason was recorded.")
        if shared and referral.details:
            sections["reason_for_referral"].append(referral.details)
    if shared:
        if review is not None and review.what_matters:
            sections["what_matters"].append(review.what_matters)
        for goal in goals:
            target = f" (by {_day(goal.target_date)})" if goal.target_date else ""
            sections["plan"].append(f"{goal.text}{target}: {goal.get_status_display().lower()}")
        if plan is not None and plan.agreed_on:
            sections["plan"].append(f"Plan agreed on {_day(plan.agreed_on)}.")
        sections["connections"] = _connections(case)
    else:
        for key in ("what_matters", "plan", "connections"):
            sections[key].append(NOT_SHARED)
    outcome = {
        MessageBack.Stage.SEEN: "The person has been seen for a wellbeing review.",
        MessageBack.Stage.PLAN_AGREED: "The person has agreed a personalised plan.",
        MessageBack.Stage.CONNECTED: "The person has been connected to community support.",
        MessageBack.Stage.OUTCOME: "Follow-up completed.",
        MessageBack.Stage.DECLINED: "The person declined social prescribing.",
    }[MessageBack.Stage(stage)]
    sections["outcome"].append(outcome)
    if shared and goals and stage == MessageBack.Stage.OUTCOME:
        achieved = sum(1 for g in goals if g.status == GoalStatus.ACHIEVED)
        sections["outcome"].append(f"Goals achieved: {achieved} of {len(goals)}.")
    if shared and follow_up is not None and follow_up.notes:
        sections["outcome"].append(follow_up.notes)
    if connection is not None and stage == MessageBack.Stage.CONNECTED:
        sections["outcome"].append(f"Latest: {connection.service.name}.")
    if note:
        sections["outcome"].append(note)
    if stage == MessageBack.Stage.DECLINED:
        sections["next_steps"].append(
            "No further action. The person can be referred again, or refer themself, at any time."
        )
    elif next_due is not None:
        sections["next_steps"].append(
            f"Next: {next_due.get_kind_display()} due {_day(next_due.due_on)}."
        )
    else:
        sections["next_steps"].append("The link worker will stay in touch as agreed.")
    return {
        "stage": stage,
        "stage_label": str(MessageBack.Stage(stage).label),
        "written_on": timezone.localdate().isoformat(),
        "shared": shared,
        "person": {
            "name": f"{person.given_name} {person.family_name}",
            "date_of_birth": person.date_of_birth.isoformat(),
            "nhs_number": person.nhs_number,
            "postcode": person.postcode,
        },
        "link_worker_service": case.link_worker_service.name,
        "link_worker": str(case.assigned_to) if case.assigned_to else "",
        "referral": {
            "received_on": referral.received_at.date().isoformat() if referral else "",
            "source": referral.get_source_display() if referral else "",
            "referrer": (referral.referrer_name or str(referral.referrer or ""))
            if referral
            else "",
        },
        "sections": sections,
    }


def message_back_record(
    *,
    actor: User | None,
    case: Case,
    stage: str,
    connection: Any = None,
    follow_up: FollowUp | None = None,
    note: str = "",
) -> list[MessageBack]:
    """Write the message back for `stage` to each recipient; audited. [] if already written
    (once-per-episode stages) or if there is nobody to send it to (a self-referral whose person
    did not agree to share with their GP). Runs in the caller's transaction when there is one."""
    stage = MessageBack.Stage(stage)
    referral = latest_referral(case)
    recipients = _recipients(case, referral)
    if not recipients:
        return []
    with transaction.atomic():
        if stage in ONCE_PER_EPISODE:
            done = MessageBack.objects.filter(case=case, stage=stage, referral=referral)
            if done.exists():
                return []
        summary = build_summary(
            case=case,
            stage=stage,
            referral=referral,
            connection=connection,
            follow_up=follow_up,
            note=note,
        )
        written = []
        for organisation in recipients:
            message = MessageBack.objects.create(
                case=case,
                referral=referral,
                recipient_organisation=organisation,
                stage=stage,
                summary=summary,
                snomed_codes=_snomed(stage, referral),
            )
            audit_record(
                actor=actor,
                action=AuditAction.CASEWORK_MESSAGE_BACK_WRITTEN,
                obj=message,
                organisation=case.link_worker_service,
                person_id=str(case.person.uuid),
                detail={
                    "stage": stage,
                    "recipient": organisation.name,
                    "shared": summary["shared"],
                },
            )
            written.append(message)
    return written


# --- Reading -----------------------------------------------------------------------------------


def referrer_organisation_ids(user: User) -> list[int]:
    if not user.is_authenticated:
        return []
    return sorted(
        Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True, role=Role.REFERRER
        ).values_list("organisation_id", flat=True)
    )


def messages_back_for_user(user: User) -> QuerySet[MessageBack]:
    """Messages back addressed to the user's practices (referrer role only), newest first."""
    return (
        MessageBack.objects.filter(recipient_organisation_id__in=referrer_organisation_ids(user))
        .select_related("recipient_organisation", "case__person")
        .order_by("-created_at")
    )


def messages_back_for_case(case: Case) -> QuerySet[MessageBack]:
    return (
        MessageBack.objects.filter(case=case)
        .select_related("recipient_organisation")
        .order_by("-created_at")
    )


def get_message_back_for_user(user: User, message_id: uuid.UUID) -> MessageBack:
    """Readable by referrers of the recipient organisation and by the case's team; else 404."""
    scope = Q(recipient_organisation_id__in=referrer_organisation_ids(user)) | Q(
        case__link_worker_service_id__in=case_team_ids(user)
    )
    message = (
        MessageBack.objects.filter(scope, uuid=message_id)
        .select_related("recipient_organisation", "case__person")
        .first()
    )
    if message is None:
        raise Http404("No such message")
    return message


@dataclass(frozen=True)
class LetterSection:
    heading: str
    lines: list[str]


def letter_sections(message: MessageBack) -> list[LetterSection]:
    sections = message.summary.get("sections", {})
    return [
        LetterSection(heading=heading, lines=list(sections.get(key) or ["Nothing recorded yet."]))
        for key, heading in HEADINGS
    ]
