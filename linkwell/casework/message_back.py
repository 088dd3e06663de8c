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

SEEN, PLAN_AGREED and DECLINED are written once per referral episode; calling again returns [].

One message per stage change, never a duplicate: each message back has a `change_key` (which
connection in which state, which follow-up; empty for the once-per-episode stages), and the
database allows one per case, stage, recipient, day and key (`get_or_create`-style: a repeated
call, a retry after a failed request or two requests at once leave one). Messages written on the
same day for the same case and recipient are gathered into one `MessageBackLetter`: a practice
reads one letter listing the day's stages, not one letter per stage.

Recipients (`message_back_recipients`): the referring organisation, and the person's registered
GP practice (the GP record) whatever the referral route (GP, self, VCS, adult social care,
fire and rescue, ...), if the person agreed to share information. Without that consent the
practice gets nothing (unless it is itself the referrer), and the referrer is told only that
the referral was acted on (stage, dates, codes); what the person said is left out. The case's
messages-back page says so, and says when the registered practice is not recorded.

Referrer access: members with the referrer role of the recipient organisation see its messages
(`messages_back_for_user`) and nothing else of the case. The case's own team sees them too.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
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
    GoalProgress,
    GoalStatus,
    MessageBack,
    MessageBackLetter,
    Plan,
    WellbeingReview,
)
from linkwell.casework.signals import message_back_written
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


def message_back_recipients(case: Case, referral: Referral | None) -> list[Organisation]:
    """The referring organisation, then the registered practice if the person agreed to share
    (and it is not the referrer already)."""
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
    if shared and follow_up is not None:
        for progress in GoalProgress.objects.filter(follow_up=follow_up).order_by("pk"):
            words = f" “{progress.in_their_words}”" if progress.in_their_words else ""
            sections["outcome"].append(
                f"{progress.goal_text}: {progress.get_status_display().lower()}.{words}"
            )
        if follow_up.notes:
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


def _change_key(stage: str, connection: Any, follow_up: FollowUp | None) -> str:
    """Which stage change this is (see the module docstring). A connection's accepting and its
    completing are two changes; the same one recorded twice is one."""
    if connection is not None:
        return f"connection:{getattr(connection, 'uuid', '')}:{getattr(connection, 'status', '')}"
    if follow_up is not None:
        return f"follow-up:{follow_up.uuid}"
    return ""


def message_back_record(
    *,
    actor: User | None,
    case: Case,
    stage: str,
    connection: Any = None,
    follow_up: FollowUp | None = None,
    note: str = "",
) -> list[MessageBack]:
    """Write the message back for `stage` to each recipient, into that recipient's letter of
    the day; audited. Returns the messages written: [] if already written (once-per-episode
    stages, or this very change today) or if there is nobody to send it to (a self-referral
    whose person did not agree to share with their GP). Runs in the caller's transaction when
    there is one."""
    stage = MessageBack.Stage(stage)
    referral = latest_referral(case)
    recipients = message_back_recipients(case, referral)
    if not recipients:
        return []
    today = timezone.localdate()
    key = _change_key(stage, connection, follow_up)
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
            same = MessageBack.objects.filter(
                case=case,
                stage=stage,
                recipient_organisation=organisation,
                written_on=today,
                change_key=key,
            )
            if same.exists():
                continue
            letter, _ = MessageBackLetter.objects.get_or_create(
                case=case, recipient_organisation=organisation, written_on=today
            )
            try:
                # A savepoint: if a concurrent call wrote this change first, the unique
                # constraint refuses this row and the caller's transaction carries on.
                with transaction.atomic():
                    message = MessageBack.objects.create(
                        case=case,
                        referral=referral,
                        recipient_organisation=organisation,
                        stage=stage,
                        summary=summary,
                        snomed_codes=_snomed(stage, referral),
                        letter=letter,
                        written_on=today,
                        change_key=key,
                    )
            except IntegrityError:
                continue
            message_back_written.send(sender=MessageBack, message=message, letter=letter)
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
                    "letter": str(letter.uuid),
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


def _letters() -> QuerySet[MessageBackLetter]:
    entries = MessageBack.objects.order_by("created_at", "pk")
    return MessageBackLetter.objects.select_related(
        "recipient_organisation", "case__person", "delivery"
    ).prefetch_related(Prefetch("entries", queryset=entries))


def messages_back_for_user(user: User) -> QuerySet[MessageBackLetter]:
    """Letters addressed to the user's practices (referrer role only), newest first; each with
    its messages (`entries`, one per stage change) prefetched: two queries whatever the page."""
    return (
        _letters()
        .filter(recipient_organisation_id__in=referrer_organisation_ids(user))
        .order_by("-written_on", "-created_at", "-pk")
    )


def messages_back_for_case(case: Case) -> QuerySet[MessageBackLetter]:
    """The case's letters, newest first, with their messages (the case is access-checked)."""
    return _letters().filter(case=case).order_by("-written_on", "-created_at", "-pk")


def get_message_back_for_user(user: User, message_id: uuid.UUID) -> MessageBackLetter:
    """The letter with this id, or the letter holding the message back with this id (links
    written before letters existed name a message). Readable by referrers of the recipient
    organisation and by the case's team; else 404."""
    scope = Q(recipient_organisation_id__in=referrer_organisation_ids(user)) | Q(
        case__link_worker_service_id__in=case_team_ids(user)
    )
    letter = (
        _letters()
        .filter(scope)
        .filter(Q(uuid=message_id) | Q(entries__uuid=message_id))
        .distinct()
        .first()
    )
    if letter is None:
        raise Http404("No such message")
    return letter


@dataclass(frozen=True)
class LetterSection:
    heading: str
    lines: list[str]


@dataclass(frozen=True)
class LetterStage:
    """One stage change in a letter: its label and what it says under "Outcome"."""

    label: str
    lines: list[str]


@dataclass(frozen=True)
class Letter:
    """What the letter page shows: the day's stages, each with its outcome, and the other
    sections as they stood at the last of them (each message's summary is frozen when written).
    """

    letter: MessageBackLetter
    summary: dict[str, Any]
    before_outcome: list[LetterSection]
    stages: list[LetterStage]
    after_outcome: list[LetterSection]
    snomed_codes: list[dict[str, str]]

    @property
    def title(self) -> str:
        labels = [stage.label.lower() for stage in self.stages]
        if len(labels) > 1:
            return ", ".join(labels[:-1]) + " and " + labels[-1]
        return labels[0] if labels else "message back"


def letter_view(letter: MessageBackLetter) -> Letter:
    entries = list(letter.entries.all())
    last = entries[-1].summary if entries else {}
    sections = last.get("sections", {})
    codes: list[dict[str, str]] = []
    for entry in entries:
        for code in entry.snomed_codes:
            if code not in codes:
                codes.append(code)
    keys = [key for key, _ in HEADINGS]
    outcome_at = keys.index("outcome")

    def section(key: str, heading: str) -> LetterSection:
        return LetterSection(
            heading=heading, lines=list(sections.get(key) or ["Nothing recorded yet."])
        )

    return Letter(
        letter=letter,
        summary=last,
        before_outcome=[section(key, heading) for key, heading in HEADINGS[:outcome_at]],
        stages=[
            LetterStage(
                label=entry.get_stage_display(),
                lines=list(entry.summary.get("sections", {}).get("outcome") or []),
            )
            for entry in entries
        ],
        after_outcome=[section(key, heading) for key, heading in HEADINGS[outcome_at + 1 :]],
        snomed_codes=codes,
    )


@dataclass(frozen=True)
class SharingNote:
    """What the case's messages-back page tells the link worker about who gets them."""

    consented: bool
    practice: Organisation | None
    referrer: Organisation | None


def sharing_note_for_case(case: Case) -> SharingNote:
    referral = latest_referral(case)
    return SharingNote(
        consented=referral is not None and referral.consent_to_share,
        practice=case.person.registered_practice,
        referrer=referral.referrer_organisation if referral is not None else None,
    )
