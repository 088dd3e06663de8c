"""Community members who give their time, their roles over time, checks and training, and the
befriending and connector matches they hold (README.md: the states and who may see what)."""

from __future__ import annotations

from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel


class RoleKind(models.TextChoices):
    """What a community member does; the values are the volunteer profile contract's `roles`."""

    BEFRIENDER = "befriender", "Befriender"
    TELEPHONE_BEFRIENDER = "telephone_befriender", "Telephone befriender"
    CONNECTOR = "connector", "Connector"
    WELLBEING_AMBASSADOR = "wellbeing_ambassador", "Wellbeing Ambassador / health champion"
    PEER_SUPPORTER = "peer_supporter", "Peer supporter"
    DRIVER = "driver", "Driver"
    CO_FACILITATOR = "co_facilitator", "Course co-facilitator"


class RoleStatus(models.TextChoices):
    ENQUIRY = "enquiry", "Enquiry"
    APPLICATION = "application", "Application"
    CHECKS = "checks", "Checks"
    TRAINING = "training", "Training"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    LEFT = "left", "Left"


# The pipeline: forward one step at a time, active <-> paused, and "left" from anywhere but left.
ROLE_TRANSITIONS: dict[str, frozenset[str]] = {
    RoleStatus.ENQUIRY: frozenset({RoleStatus.APPLICATION, RoleStatus.LEFT}),
    RoleStatus.APPLICATION: frozenset({RoleStatus.CHECKS, RoleStatus.LEFT}),
    RoleStatus.CHECKS: frozenset({RoleStatus.TRAINING, RoleStatus.LEFT}),
    RoleStatus.TRAINING: frozenset({RoleStatus.ACTIVE, RoleStatus.LEFT}),
    RoleStatus.ACTIVE: frozenset({RoleStatus.PAUSED, RoleStatus.LEFT}),
    RoleStatus.PAUSED: frozenset({RoleStatus.ACTIVE, RoleStatus.LEFT}),
    RoleStatus.LEFT: frozenset(),
}


class Travel(models.TextChoices):
    WALK = "walk", "Walks"
    PUBLIC_TRANSPORT = "public_transport", "Uses public transport"
    CAR = "car", "Drives"


class MemberSource(models.TextChoices):
    SELF_REGISTERED = "self_registered", "Registered on the public site"
    COORDINATOR = "coordinator", "Added by a coordinator"


class CommunityMember(PublicIdModel, TimestampedModel, VersionedModel):
    """Someone from the community who offers their time to an organisation (usually a VCSE one).

    A member may also be, or have been, a person supported (`person`). The link is made only with
    the member's consent and a recorded reason, and it opens nothing: the volunteer pages never
    show the person record, and case pages never show the member record (README.md)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="community_members"
    )
    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_memberships",
        help_text="Their sign-in, for the volunteer's own pages.",
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=50, blank=True)
    # What they offer (the volunteer profile contract's fields, in their own words).
    offer = models.TextField(blank=True, help_text="“I'd like to volunteer / I can offer …”")
    interests = models.JSONField(default=list, blank=True)
    skills = models.JSONField(default=list, blank=True)
    lived_experience = models.JSONField(
        default=list, blank=True, help_text="Experiences they are willing to share as a peer."
    )
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes.")
    availability = models.JSONField(
        default=list, blank=True, help_text='[{"day": "TU", "from": "14:00", "to": "17:00"}]'
    )
    travel = models.CharField(max_length=20, choices=Travel.choices, blank=True)
    travel_radius_km = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    home_visits = models.BooleanField(null=True, blank=True)
    max_matches = models.PositiveSmallIntegerField(default=2)
    pref_person_gender = models.CharField(max_length=50, blank=True)
    pref_person_min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    pref_person_max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    preferences = models.TextField(blank=True, help_text="Anything else they prefer, in words.")
    source = models.CharField(
        max_length=20, choices=MemberSource.choices, default=MemberSource.COORDINATOR
    )
    consent_at = models.DateTimeField(
        null=True, blank=True, help_text="When they agreed to the organisation holding this."
    )
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The same human as a person supported, linked with consent (never shown across roles).
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_member_records",
    )
    person_link_consent_at = models.DateTimeField(null=True, blank=True)
    person_link_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["given_name", "family_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="volunteering_one_member_per_user_and_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class VolunteerRole(PublicIdModel, TimestampedModel, VersionedModel):
    """One role a member holds or held, with its own pipeline and dates. A member may hold
    several roles at once and over time; a role that was left stays as history."""

    member = models.ForeignKey(CommunityMember, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="volunteer_roles"
    )
    kind = models.CharField(max_length=30, choices=RoleKind.choices)
    status = models.CharField(max_length=20, choices=RoleStatus.choices, default=RoleStatus.ENQUIRY)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind"],
                condition=~models.Q(status="left"),
                name="volunteering_one_open_role_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class RoleStatusChange(models.Model):
    """The role's history: every move through the pipeline, who made it and why."""

    role = models.ForeignKey(VolunteerRole, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=20, choices=RoleStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RoleStatus.choices)
    changed_on = models.DateField()
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status} on {self.changed_on}"


class CheckKind(models.TextChoices):
    DBS = "dbs", "DBS check"
    REFERENCE = "reference", "Reference"
    TRAINING = "training", "Training"


class DbsLevel(models.TextChoices):
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    ENHANCED = "enhanced", "Enhanced"
    ENHANCED_WITH_BARRED_LIST = "enhanced_with_barred_list", "Enhanced with barred list"


class Course(models.TextChoices):
    """Training courses; the values are the volunteer profile contract's `training`."""

    INDUCTION = "induction", "Induction"
    SAFEGUARDING_ADULTS = "safeguarding_adults", "Safeguarding adults"
    BEFRIENDING = "befriending", "Befriending"
    DEMENTIA_AWARENESS = "dementia_awareness", "Dementia awareness"
    MENTAL_HEALTH_FIRST_AID = "mental_health_first_aid", "Mental health first aid"
    CONNECTOR_COACHING = "connector_coaching", "Connector coaching"
    LONE_WORKING = "lone_working", "Lone working"


class CheckRecord(PublicIdModel, TimestampedModel):
    """A DBS check, a reference or a training course, with the date it was done. Expiry is worked
    out when read (DBS: the configured renewal period), so changing the setting takes effect."""

    member = models.ForeignKey(CommunityMember, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=20, choices=CheckKind.choices)
    dbs_level = models.CharField(max_length=30, choices=DbsLevel.choices, blank=True)
    course = models.CharField(max_length=30, choices=Course.choices, blank=True)
    done_on = models.DateField(help_text="Checked, received or completed on.")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-done_on", "-pk"]


class Supervision(PublicIdModel, TimestampedModel):
    member = models.ForeignKey(
        CommunityMember, on_delete=models.CASCADE, related_name="supervisions"
    )
    held_on = models.DateField()
    held_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]


class SupportRole(models.TextChoices):
    """What kind of volunteer support a person is referred for (the contract's `role`)."""

    BEFRIENDER = "befriender", "Befriending"
    CONNECTOR = "connector", "A connector (12 weeks)"
    PEER_SUPPORTER = "peer_supporter", "Peer support"


class ContactMode(models.TextChoices):
    HOME_VISIT = "home_visit", "Visits at home"
    MEET_OUT = "meet_out", "Meeting out"
    PHONE = "phone", "Telephone calls"


class RequestSource(models.TextChoices):
    PLAN = "plan", "From a link worker's plan"
    REFERRAL = "referral", "Referred by a GP or agency"
    SELF = "self", "Self-referral"


class RequestStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a volunteer"
    MATCHED = "matched", "Matched"
    CLOSED = "closed", "Closed"


class SupportRequest(PublicIdModel, TimestampedModel, VersionedModel):
    """A person referred for befriending, a connector or peer support, to the organisation whose
    coordinators match them with volunteers."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="support_requests"
    )
    case = models.ForeignKey(
        "casework.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_requests",
        help_text="The link worker's case it came from, when it came from a plan.",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="support_requests"
    )
    role = models.CharField(
        max_length=20, choices=SupportRole.choices, default=SupportRole.BEFRIENDER
    )
    contact = models.CharField(max_length=20, choices=ContactMode.choices, blank=True)
    volunteer_gender = models.CharField(max_length=50, blank=True)
    about = models.TextField(
        blank=True, help_text="What they enjoy and what they would like, for the volunteer."
    )
    safety_notes = models.TextField(
        blank=True, help_text="Anything a volunteer must know to be safe (shared with them)."
    )
    source = models.CharField(max_length=20, choices=RequestSource.choices)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    excluded_members = models.ManyToManyField(
        CommunityMember, blank=True, related_name="+", help_text="Asked not to see again."
    )
    first_contact_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"])]


class MatchStatus(models.TextChoices):
    INTRODUCED = "introduced", "Introduced, waiting for the volunteer"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined by the volunteer"
    ENDED = "ended", "Ended"


LIVE_MATCH_STATUSES = (MatchStatus.INTRODUCED, MatchStatus.ACTIVE)


class Match(PublicIdModel, TimestampedModel, VersionedModel):
    """A volunteer introduced to a person. The volunteer accepts or declines; a coordinator
    reviews it (default every 6 weeks) and can end it with a reason. For a connector it is the
    12-week programme: the person's goals, weekly contacts, and a closing review."""

    request = models.ForeignKey(SupportRequest, on_delete=models.PROTECT, related_name="matches")
    member = models.ForeignKey(CommunityMember, on_delete=models.PROTECT, related_name="matches")
    status = models.CharField(
        max_length=20, choices=MatchStatus.choices, default=MatchStatus.INTRODUCED
    )
    introduced_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    introduced_at = models.DateTimeField()
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    review_on = models.DateField(null=True, blank=True, db_index=True)
    goals = models.JSONField(default=list, blank=True, help_text="A connector's: their goals.")
    programme_ends_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-introduced_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "member"],
                condition=models.Q(status__in=["introduced", "active"]),
                name="volunteering_one_live_match_per_pair",
            )
        ]


class MatchReview(PublicIdModel, TimestampedModel):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    how_it_is_going = models.TextField()
    continues = models.BooleanField(default=True)
    next_review_on = models.DateField(null=True, blank=True)
    closing = models.BooleanField(
        default=False, help_text="A connector's closing review at the end of the programme."
    )
    now_does = models.TextField(
        blank=True, help_text="Closing review: what they now do on their own."
    )

    class Meta:
        ordering = ["-held_on", "-pk"]


class MatchDecisionKind(models.TextChoices):
    INTRODUCED = "introduced", "Introduced"
    ACCEPTED = "accepted", "Accepted by the volunteer"
    DECLINED = "declined", "Declined by the volunteer"
    ENDED = "ended", "Ended"


class MatchDecision(models.Model):
    """Every decision on a match with what the ranking showed at that moment, so the ranking can
    be evaluated against coordinators' real choices later."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="decisions")
    member = models.ForeignKey(CommunityMember, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=20, choices=MatchDecisionKind.choices)
    rank_shown = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    shown = models.JSONField(
        default=list, blank=True, help_text="The ranking shown: member uuids best first."
    )
    reason = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.decision} at {self.decided_at}"


class ActivityKind(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    MEET_OUT = "meet_out", "Met out"
    PHONE = "phone", "Phone call"
    COURSE = "course", "Co-facilitated a course"
    DRIVING = "driving", "Driving"
    TRAINING = "training", "Training"
    OTHER = "other", "Other volunteering"


CONTACT_KINDS = (ActivityKind.HOME_VISIT, ActivityKind.MEET_OUT, ActivityKind.PHONE)


class Activity(PublicIdModel, TimestampedModel):
    """Time a volunteer gave: a visit or call on a match, or other volunteering. These are the
    hours the time bank and the social return model count."""

    member = models.ForeignKey(CommunityMember, on_delete=models.PROTECT, related_name="activities")
    match = models.ForeignKey(
        Match, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    happened_on = models.DateField(db_index=True)
    minutes = models.PositiveSmallIntegerField()
    how_it_went = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A worry the volunteer raised with this visit: escalated to a named safeguarding lead.
    concern = models.TextField(blank=True)
    safeguarding_concern = models.ForeignKey(
        "casework.SafeguardingConcern",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    concern_lead = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concern_resolved_at = models.DateTimeField(null=True, blank=True)
    concern_outcome = models.TextField(blank=True)
    # The form's one-time key: a retried submission (after a timeout) finds the first row
    # instead of logging the visit twice.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-happened_on", "-pk"]
