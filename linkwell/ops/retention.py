"""The retention policy: pseudonymise people whose records are past their retention period, and
delete public submissions nobody approved.

A person (with every record merged into theirs) is due when none of their cases is open (all
dormant), no referral of theirs waits for triage, and the latest thing recorded about them (the
newest timestamp on any row `person_data.person_models()` ties to them) is older than:

- `LINKWELL_RETENTION_CLOSED_CASE_YEARS` (default 8) when they had a case, or
- `LINKWELL_RETENTION_DECLINED_REFERRAL_YEARS` (default 8) when their referrals were declined
  or returned and no case was opened,

and, for someone under 18 at that last activity, not before their 25th birthday (26th if they
were 17): the NHS Records Management Code of Practice's schedule for adult health records
(8 years after the end of care) and children's records. See docs/runbooks/
subject-access-and-retention.md.

Pseudonymising keeps the rows (outcome measures, goal statuses, connections and their counts
feed the commissioners' statistics) and removes what identifies the person: names, contact
details, NHS number, the day and month of birth (the year stays, as 1 July, for age bands), the
postcode's inward half (the district stays, for area statistics), every free-text field
(`FREE_TEXT`) and the case notes themselves. The audit trail is never touched: its events keep
the person's record id, which now leads to the pseudonymised record.

Public submissions: community suggestions rejected, and volunteer registrations never confirmed
by email, more than `LINKWELL_RETENTION_PUBLIC_SUBMISSION_DAYS` (default 90) ago are deleted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Channel
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case, CaseNote, CaseStatus
from linkwell.community.models import Suggestion, SuggestionStatus
from linkwell.ops.person_data import PersonModel, person_models
from linkwell.people.models import Person
from linkwell.referrals.models import Referral, ReferralStatus
from linkwell.volunteering.models import CommunityMember, MemberSource

REMOVED = "[removed]"  # for required text fields; optional ones become empty
PSEUDONYM_GIVEN, PSEUDONYM_FAMILY = "Pseudonymised", "record"

# Text (char, text, email, JSON) fields retention clears, by model. Names, contact details,
# anything typed in free text, and JSON that holds typed text.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "people.Person": (
        "given_name",
        "family_name",
        "preferred_name",
        "nhs_number",
        "address_line_1",
        "address_line_2",
        "town",
        "phone",
        "email",
        "gender_identity",
        "accessibility_needs",
        "sms_unreachable_number",
    ),
    "notifications.NotifyMessage": ("recipient", "failure_reason"),
    # The referral Bundle a GP system sent holds the person's details as it sent them.
    "fhir.ApiReferral": ("received_bundle", "cancelled_reason"),
    "casework.MessageBackDelivery": ("last_error",),
    # Which part of a service's eligibility rule the person failed, and why they were referred
    # anyway, describe the person.
    "referrals.Referral": (
        "referrer_name",
        "referrer_contact",
        "details",
        "share_with",
        "safeguarding_details",
        "accessibility_needs",
        "language_needs",
        "returned_reason",
        "declined_reason",
        # Which part of the service's eligibility rule the person failed, and why they were
        # referred anyway: both describe the person.
        "eligibility_failed",
        "eligibility_override_reason",
    ),
    "casework.CaseNote": ("text",),  # and the rows are deleted (DELETED_ROWS)
    "casework.Appointment": ("venue", "notes"),
    "casework.SafeguardingConcern": ("description", "outcome"),
    "casework.WellbeingReview": ("what_matters", "interests"),
    "casework.Strength": ("description",),
    "casework.Plan": ("moving_forward",),
    "casework.Goal": ("text",),
    "casework.Action": ("text", "owner"),
    "casework.FollowUp": ("notes", "plan_changes"),
    "casework.GoalProgress": ("goal_text", "in_their_words"),
    "casework.MessageBack": ("summary",),
    "connections.Connection": (
        "reason_detail",
        "shared",
        "provider_note",
        "eligibility_failed",
        "eligibility_override_reason",
    ),
    "matching.MatchDecision": ("reason",),
    "outcomes.MeasureAdministration": ("notes",),
    "population.InviteEntry": ("outcome_reason",),
    "reports.PatientStory": ("title", "text"),
    "volunteering.CommunityMember": (
        "given_name",
        "family_name",
        "email",
        "phone",
        "offer",
        "preferences",
        "lived_experience",
        "person_link_reason",
    ),
    "volunteering.SupportRequest": ("about", "safety_notes", "referrer_name", "closed_reason"),
    "volunteering.Match": ("goals", "decline_reason", "end_reason"),
    "volunteering.MatchDecision": ("reason",),
    "volunteering.MatchReview": ("how_it_is_going", "now_does"),
    "volunteering.Activity": ("how_it_went", "concern", "concern_outcome"),
    "volunteering.VolunteerRole": ("left_reason",),
    "volunteering.RoleStatusChange": ("reason",),
    "volunteering.CheckRecord": ("note",),
    "volunteering.Supervision": ("notes",),
    "courses.Enrolment": ("withdrawn_reason",),
    "courses.MovingForwardPlan": ("keep_doing", "next_steps", "groups", "people"),
    "timebank.TimebankMember": ("name",),
    "timebank.Listing": ("text",),
    "timebank.ListingMatch": ("reasons",),
    "timebank.SupportPackage": ("description",),
    "grants.Application": (
        "applicant_name",
        "applicant_email",
        "applicant_phone",
        "summary",
        "who_it_reaches",
        "decision_reason",
    ),
    "grants.ConflictOfInterest": ("reason",),
    "grants.MonitoringReport": ("what_happened",),
    "grants.Score": ("comment",),
    # Why they were on an MDT list (explained in words, with scores and dates) and what the
    # meeting agreed.
    "practice.MdtEntry": ("reasons", "added_reason", "agreed_actions", "action_owner", "next_step"),
}
# Text fields kept, and why: codes, scores and categories that statistics count, none of which
# identify the person.
KEPT_TEXT: dict[str, tuple[str, ...]] = {
    "people.Person": ("language",),  # interpreter and language statistics
    "referrals.Referral": ("preferred_contact_method", "snomed_code"),  # codes
    "casework.MessageBack": ("snomed_codes", "change_key"),  # codes; a technical key
    # MESH: the practice's mailbox and the transport's message ids, none about the person.
    "casework.MessageBackDelivery": ("mailbox", "letter_message_id", "document_message_id"),
    # The sending system's referral identifier: kept so a resent referral is still recognised.
    "fhir.ApiReferral": ("identifier_system", "identifier_value"),
    "casework.WellbeingReview": ("life_areas", "five_ways"),  # scores per life area
    # The time bank's ledger is append-only (hours are never edited: a mistake is reversed), so
    # an exchange's short note and decline reason stay with it; the member's name is cleared.
    # How it was recorded is a channel code.
    "timebank.Exchange": ("recorded_via", "note", "decline_reason"),
    # A partner organisation's published offer (a gym session, a course place): not about anyone.
    "timebank.PartnerOffer": ("title", "description"),
    # A funded project's public identity (its reference, title, group and place are published
    # with the listing it created) and the payment's finance reference.
    "grants.Application": ("reference", "title", "group_name", "place"),
    "grants.Payment": ("reference",),
    # The gap form asks for the gap, not the person ("no names or health details"); grants
    # answer recorded gaps (linkwell/grants).
    "connections.ProvisionGap": ("description", "place", "who"),
    "matching.MatchRun": ("engine", "components", "shown"),  # which services were suggested
    "matching.MatchDecision": ("service_uuid",),
    # What kind of message went, by which channel and template, Notify's id and what it was
    # about (a public id): codes and technical keys, no words sent to or about the person.
    "notifications.NotifyMessage": ("kind", "channel", "about", "template_id", "notify_id"),
    "outcomes.MeasureAdministration": (
        "instrument_id",
        "instrument_version",
        "answers",
        "band",
        "item_scores",
        "missing_items",
        "alerts",
    ),  # the outcome data itself
    "outcomes.SelfCompletionLink": ("instrument_id", "instrument_version"),
    "population.InviteEntry": ("pseudo_id", "reasons"),  # already pseudonymous; cohort rules
    "volunteering.CommunityMember": (
        "gender",
        "pref_person_gender",
        "interests",
        "skills",
        "languages",
        "availability",
    ),  # categories for volunteering statistics
    "volunteering.SupportRequest": ("volunteer_gender", "referrer_organisation"),
    "volunteering.Match": ("reasons",),  # why the engine suggested the volunteer
    "volunteering.MatchDecision": ("shown",),
}
# Fields reduced rather than cleared.
POSTCODE_FIELDS = {"people.Person": "postcode", "volunteering.CommunityMember": "postcode"}
# Rows deleted outright: free-text notes are nothing but text.
DELETED_ROWS = {"casework.CaseNote"}


def _is_text(f: models.Field) -> bool:  # type: ignore[type-arg]
    if isinstance(f, models.JSONField | models.TextField):
        return True
    return isinstance(f, models.CharField) and not f.choices


def unclassified_text_fields(found: Sequence[PersonModel] | None = None) -> list[str]:
    """`model.field` of text fields on person data that retention neither clears nor keeps
    (kept empty by linkwell/ops/tests/test_person_data.py)."""
    found = person_models() if found is None else found
    out = []
    for pm in found:
        decided = {
            *FREE_TEXT.get(pm.label, ()),
            *KEPT_TEXT.get(pm.label, ()),
            POSTCODE_FIELDS.get(pm.label, ""),
        }
        out += [
            f"{pm.label}.{f.name}"
            for f in pm.model._meta.concrete_fields
            if _is_text(f) and f.name not in decided
        ]
    return sorted(out)


def _cleared(f: models.Field) -> Any:  # type: ignore[type-arg]
    if f.has_default():
        value = f.get_default()
        if value not in (None, ""):
            return value  # an empty list or dict
    if f.null:
        return None
    return "" if f.blank else REMOVED


def outward_code(postcode: str) -> str:
    """`"SY11 2SP"` -> `"SY11"` (the postcode district); the inward half is dropped."""
    compact = postcode.replace(" ", "").upper()
    return compact[:-3] if len(compact) > 3 else ""


def _add_years(when: dt.datetime, years: int) -> dt.datetime:
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February
        return when.replace(year=when.year + years, day=28)


@dataclass(frozen=True)
class Policy:
    closed_case_years: int
    declined_referral_years: int
    public_submission_days: int

    @classmethod
    def from_settings(cls) -> Policy:
        return cls(
            settings.LINKWELL_RETENTION_CLOSED_CASE_YEARS,
            settings.LINKWELL_RETENTION_DECLINED_REFERRAL_YEARS,
            settings.LINKWELL_RETENTION_PUBLIC_SUBMISSION_DAYS,
        )


@dataclass
class Due:
    """A person's record, with the records merged into it, past retention."""

    people: list[int]  # pks, the surviving record first
    last_activity: dt.datetime
    rule: str  # "closed_case" or "declined_referral"


@dataclass
class RetentionResult:
    dry_run: bool
    counts: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        verb = "Would" if self.dry_run else "Did"
        c = self.counts
        lines = [
            f"{verb} pseudonymise {c['people']} person record(s) past retention "
            f"({c['closed_case']} after a closed case, {c['declined_referral']} after a declined "
            f"or returned referral; {c['person_records']} record(s) counting merged ones).",
            f"{verb} delete {c['case_notes']} case note(s) and clear free text on "
            f"{c['rows_cleared']} other row(s).",
            f"{verb} delete {c['rejected_suggestions']} rejected community suggestion(s) and "
            f"{c['unconfirmed_registrations']} unconfirmed volunteer registration(s).",
        ]
        if self.kept:
            kept = ", ".join(f"{n} {why}" for why, n in sorted(self.kept.items()))
            lines.append(f"Kept: {kept}.")
        if self.dry_run:
            lines.append("Dry run: nothing was changed.")
        return "\n".join(lines)


def _families() -> dict[int, list[int]]:
    """Surviving person pk -> [it, and every pk merged into it, at any depth]."""
    parent = dict(Person.objects.values_list("pk", "merged_into_id"))

    def root(pk: int) -> int:
        seen = set()
        while parent.get(pk) is not None and pk not in seen:
            seen.add(pk)
            pk = parent[pk]
        return pk

    families: dict[int, list[int]] = defaultdict(list)
    for pk in sorted(parent, key=lambda p: parent[p] is not None):
        families[root(pk)].append(pk)
    return families


def _last_activity(found: Sequence[PersonModel]) -> dict[int, dt.datetime]:
    """Person pk -> the newest created/updated time on any row tied to them (set-based: one
    query per model and path)."""
    latest: dict[int, dt.datetime] = {}
    for pm in found:
        names = {f.name for f in pm.model._meta.concrete_fields}
        stamp = "updated_at" if "updated_at" in names else "created_at"
        if stamp not in names:
            continue  # link rows without times; their parents carry them
        for path in pm.paths:
            key = "pk" if path == "pk" else path
            rows = (
                pm.model._default_manager.exclude(**{f"{key}__isnull": True})
                .values(key)
                .annotate(last=Max(stamp))
                .values_list(key, "last")
            )
            for pk, last in rows:
                if last is not None and (pk not in latest or last > latest[pk]):
                    latest[pk] = last
    return latest


def people_due(*, policy: Policy, now: dt.datetime, result: RetentionResult) -> list[Due]:
    families = _families()
    found = person_models()
    latest = _last_activity(found)
    open_cases = set(
        Case.objects.exclude(status=CaseStatus.DORMANT).values_list("person_id", flat=True)
    )
    with_cases = set(Case.objects.values_list("person_id", flat=True))
    waiting = set(
        Referral.objects.filter(status=ReferralStatus.RECEIVED).values_list("person_id", flat=True)
    )
    done = set(Person.objects.exclude(pseudonymised_at=None).values_list("pk", flat=True))
    births = dict(Person.objects.values_list("pk", "date_of_birth"))
    due: list[Due] = []
    for root, pks in families.items():
        if root in done:
            continue
        members = set(pks)
        if members & open_cases:
            result.kept["with an open case"] += 1
            continue
        if members & waiting:
            result.kept["with a referral waiting for triage"] += 1
            continue
        last = max(latest[pk] for pk in pks if pk in latest)
        rule = "closed_case" if members & with_cases else "declined_referral"
        years = (
            policy.closed_case_years if rule == "closed_case" else policy.declined_referral_years
        )
        until = _add_years(last, years)
        born = births[root]
        age_then = last.date().year - born.year - ((last.month, last.day) < (born.month, born.day))
        if age_then < 18:
            # Children's records: to the 25th birthday, or the 26th if 17 at the end of care.
            birthday = dt.datetime.combine(born, dt.time(), tzinfo=dt.UTC)
            until = max(until, _add_years(birthday, 26 if age_then == 17 else 25))
        if until > now:
            result.kept["still within their retention period"] += 1
            continue
        due.append(Due(people=pks, last_activity=last, rule=rule))
    return due


def _pseudonymise(item: Due, *, found: Sequence[PersonModel], now: dt.datetime) -> Counter[str]:
    """Strip one family's identifying data, in the caller's transaction; audit each record."""
    counts: Counter[str] = Counter()
    pks = item.people
    for pm in found:
        where = Q(pk__in=pks) if pm.paths == ("pk",) else Q()
        for path in pm.paths:
            if path != "pk":
                where |= Q(**{f"{path}__in": pks})
        rows = pm.model._default_manager.filter(where)
        if pm.label in DELETED_ROWS:
            counts["case_notes"] += rows.count()
            # Bulk delete of notes: CaseNote has no dependants (on_delete would say otherwise).
            CaseNote.objects.filter(pk__in=list(rows.values_list("pk", flat=True))).delete()
            continue
        changes: dict[str, Any] = {
            f.name: _cleared(f)
            for f in pm.model._meta.concrete_fields
            if f.name in FREE_TEXT.get(pm.label, ())
        }
        if not changes:
            continue
        ids = list(rows.values_list("pk", flat=True).distinct())
        targets = pm.model._default_manager.filter(pk__in=ids)
        if pm.label in POSTCODE_FIELDS:
            name = POSTCODE_FIELDS[pm.label]
            for pk, postcode in targets.values_list("pk", name):
                pm.model._default_manager.filter(pk=pk).update(**{name: outward_code(postcode)})
        if pm.label == "people.Person":
            continue  # below, with the name and date of birth
        counts["rows_cleared"] += targets.update(**changes)
    for person in Person.objects.filter(pk__in=pks):
        update: dict[str, Any] = {
            f.name: _cleared(f)
            for f in Person._meta.concrete_fields
            if f.name in FREE_TEXT["people.Person"]
        }
        update.update(
            given_name=PSEUDONYM_GIVEN,
            family_name=PSEUDONYM_FAMILY,
            date_of_birth=person.date_of_birth.replace(month=7, day=1),
            pseudonymised_at=now,
            version=F("version") + 1,
        )
        Person.objects.filter(pk=person.pk).update(**update)
        audit_record(
            actor=None,
            action=AuditAction.OPS_PERSON_PSEUDONYMISED,
            object_type="people.person",
            object_id=str(person.uuid),
            object_repr="Pseudonymised record",  # the name is what is being removed
            person_id=str(person.uuid),
            channel=Channel.COMMAND,
            detail={
                "rule": item.rule,
                "last_activity": item.last_activity,
                "merged_into": pks[0] != person.pk,
            },
        )
        counts["person_records"] += 1
    counts["people"] += 1
    counts[item.rule] += 1
    return counts


def _public_submissions(*, policy: Policy, now: dt.datetime) -> tuple[list[Any], list[Any]]:
    cutoff = now - dt.timedelta(days=policy.public_submission_days)
    suggestions = list(
        Suggestion.objects.filter(status=SuggestionStatus.REJECTED).filter(
            Q(decided_at__lt=cutoff) | Q(decided_at=None, updated_at__lt=cutoff)
        )
    )
    registrations = list(
        CommunityMember.objects.filter(
            source=MemberSource.SELF_REGISTERED,
            email_confirmed_at=None,
            created_at__lt=cutoff,
            person=None,
            matches=None,
            activities=None,
        )
    )
    return suggestions, registrations


def retention_apply(*, dry_run: bool, now: dt.datetime | None = None) -> RetentionResult:
    """Apply the policy, or with `dry_run` do exactly the same inside one transaction that is
    then rolled back: the counts are what a real run would do, and nothing changes.

    Each person (with their merged records) is done in its own transaction with its audit
    events; each deleted submission likewise; the summary event (`ops.retention_applied`) comes
    last. Running it again does nothing more: pseudonymised people carry `pseudonymised_at`,
    deleted submissions are gone.
    """
    now = now or timezone.now()
    result = RetentionResult(dry_run=dry_run)
    if not dry_run:
        _apply(result, now=now)
        return result
    with transaction.atomic():
        _apply(result, now=now)
        transaction.set_rollback(True)
    return result


def _apply(result: RetentionResult, *, now: dt.datetime) -> None:
    policy = Policy.from_settings()
    found = person_models()
    for item in people_due(policy=policy, now=now, result=result):
        with transaction.atomic():
            result.counts.update(_pseudonymise(item, found=found, now=now))
    suggestions, registrations = _public_submissions(policy=policy, now=now)
    result.counts["rejected_suggestions"] = len(suggestions)
    result.counts["unconfirmed_registrations"] = len(registrations)
    deletions = [(s, "rejected suggestion") for s in suggestions]
    deletions += [(r, "unconfirmed volunteer registration") for r in registrations]
    for obj, kind in deletions:
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditAction.OPS_PUBLIC_SUBMISSION_DELETED,
                object_type=obj._meta.label_lower,
                object_id=str(obj.uuid),
                object_repr=kind,  # not the name: that is what is being removed
                channel=Channel.COMMAND,
                detail={"kind": kind, "submitted_at": obj.created_at},
            )
            obj.delete()
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.OPS_RETENTION_APPLIED,
            object_type="ops.retention",
            channel=Channel.COMMAND,
            detail={
                "counts": dict(result.counts),
                "kept": dict(result.kept),
                "policy": {
                    "closed_case_years": policy.closed_case_years,
                    "declined_referral_years": policy.declined_referral_years,
                    "public_submission_days": policy.public_submission_days,
                },
            },
        )
