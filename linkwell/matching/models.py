"""What the plan screen suggested and what the link worker chose, kept so that the
ranking can be evaluated against real decisions (`linkwell match_decisions report`).

A `MatchRun` is one suggestions list as a link worker saw it: who, when, for which case, the
engine's version and components, and the ranked list (service ids, scores, ranks). It holds no
personal data beyond the case link: the profile it was ranked for is rebuilt from the record
(`case_profile.py`) and never stored. A `MatchDecision` is one choice made against a run, written
in the same transaction as the connection it records (`suggestions.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.core.models import PublicIdModel


class MatchRun(PublicIdModel):
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="match_runs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    engine = models.CharField(max_length=100, help_text="Engine version and encoder.")
    components = models.JSONField(default=list, help_text="Score components switched on.")
    # [{"service": uuid, "rank": 1.., "score": float, "at_capacity": bool}], best first.
    shown = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Suggestions for {self.case_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def rank_of(self, service_uuid: str) -> int | None:
        for row in self.shown:
            if row.get("service") == service_uuid:
                return int(row["rank"])
        return None


class DecisionAction(models.TextChoices):
    SIGNPOSTED = "signposted", "Signposted"
    REFERRED = "referred", "Referred"
    DISMISSED = "dismissed", "Not suitable"
    CHOSE_UNSUGGESTED = "chose_unsuggested", "Chose a service that was not suggested"


class DecisionVia(models.TextChoices):
    SUGGESTIONS = "suggestions", "From the suggestions"
    SEARCH = "search", "From the ordinary directory search"


class MatchDecision(PublicIdModel):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="decisions")
    service = models.ForeignKey(
        "directory.Service", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    service_uuid = models.CharField(max_length=64)
    rank = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Rank shown in the run; empty when it was not shown."
    )
    action = models.CharField(max_length=20, choices=DecisionAction.choices)
    via = models.CharField(
        max_length=12, choices=DecisionVia.choices, default=DecisionVia.SUGGESTIONS
    )
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was not suitable.")
    connection = models.ForeignKey(
        "connections.Connection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="match_decisions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.service_uuid} (rank {self.rank})"


class ServiceVector(models.Model):
    """A listing's sentence-embedding vector, keyed by the encoder (`model`) and the SHA-256 of
    the exact text it was computed from (`linkwell.matching.vectors`). Derived from published
    listings only: no personal data. A row is never updated: an edited listing has a new text,
    so a new key."""

    model = models.CharField(max_length=100)
    text_sha256 = models.CharField(max_length=64)
    vector = models.BinaryField(help_text="Little-endian float32, L2-normalised.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model", "text_sha256"], name="matching_servicevector_model_text_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.text_sha256[:12]}"
