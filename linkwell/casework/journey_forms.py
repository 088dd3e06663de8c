"""Forms for the wellbeing review, the plan and follow-ups: input parsing only.

Business rules (dates in range, appointment of this case, stale plan) live in review.py,
plan.py and followup.py; views copy a service's `ValidationFailed` errors back with
`linkwell.core.forms.apply_errors`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from linkwell.casework.follow_up_review import (
    NEXT_CONTACT_KINDS,
    FollowUpReviewInput,
    GoalProgressInput,
)
from linkwell.casework.models import Appointment, FollowUp, Goal, GoalStatus, LifeArea, StrengthKind
from linkwell.casework.plan import ActionInput, GoalInput, PlanInput
from linkwell.casework.review import FIVE_WAYS, LifeAreaEntry, ReviewInput

_TEXTAREA = {"class": "nhsuk-textarea", "rows": "3"}
_INPUT = {"class": "nhsuk-input"}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y"]
SCORE_CHOICES = [("", "Not discussed"), *((str(n), str(n)) for n in range(11))]


def date_field(label: str, *, required: bool = True, hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=hint,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"{label} must be a real date, like 15/3/2025",
        },
        widget=forms.DateInput(
            format="%Y-%m-%d",
            attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"},
        ),
    )


class ReviewForm(forms.Form):
    held_on = date_field("Date of the review")
    appointment = forms.ChoiceField(
        label="Appointment (optional)", required=False, widget=forms.Select(attrs={})
    )
    what_matters = forms.CharField(
        label="What matters to me",
        help_text="In the person's own words.",
        max_length=10_000,
        error_messages={"required": "Enter what matters to the person, in their own words"},
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": "5"}),
    )
    interests = forms.CharField(
        label="Interests and passions",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )

    def __init__(self, *args: Any, appointments: list[Appointment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appointments = {str(a.uuid): a for a in appointments}
        field = self.fields["appointment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Not linked to an appointment")] + [
            (
                str(a.uuid),
                f"{timezone.localtime(a.starts_at):%d/%m/%Y %H:%M}, {a.get_kind_display()}",
            )
            for a in appointments
        ]
        field.widget.attrs["class"] = "nhsuk-select"
        for key, label in LifeArea.choices:
            self.fields[f"{key}-score"] = forms.ChoiceField(
                label=f"{label}: score (0 = not at all well, 10 = very well)",
                choices=SCORE_CHOICES,
                required=False,
                widget=forms.Select(attrs={"class": "nhsuk-select"}),
            )
            self.fields[f"{key}-priority"] = forms.BooleanField(
                label=f"{label} is a priority for the person", required=False
            )
            self.fields[f"{key}-notes"] = forms.CharField(
                label=f"{label}: the person's concern, in their words",
                required=False,
                max_length=2_000,
                widget=forms.Textarea(attrs={**_TEXTAREA, "rows": "2"}),
            )
        for key, label, hint in FIVE_WAYS:
            self.fields[f"way-{key}"] = forms.CharField(
                label=f"{label}: what they do or could do",
                help_text=hint,
                required=False,
                max_length=2_000,
                widget=forms.Textarea(attrs={**_TEXTAREA, "rows": "2"}),
            )

    def life_area_fields(self) -> list[tuple[str, Any, Any, Any]]:
        return [
            (str(label), self[f"{key}-score"], self[f"{key}-priority"], self[f"{key}-notes"])
            for key, label in LifeArea.choices
        ]

    def five_way_fields(self) -> list[Any]:
        return [self[f"way-{key}"] for key, _, _ in FIVE_WAYS]

    @staticmethod
    def initial_from(review: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "held_on": review.held_on,
            "appointment": str(review.appointment.uuid) if review.appointment else "",
            "what_matters": review.what_matters,
            "interests": review.interests,
        }
        for key, entry in review.life_areas.items():
            score = entry.get("score")
            initial[f"{key}-score"] = "" if score is None else str(score)
            initial[f"{key}-priority"] = bool(entry.get("priority"))
            initial[f"{key}-notes"] = entry.get("notes", "")
        for key, text in review.five_ways.items():
            initial[f"way-{key}"] = text
        return initial

    def to_input(self, strengths: list[tuple[str, str]]) -> ReviewInput:
        data = self.cleaned_data
        areas = {}
        for key in LifeArea.values:
            raw = data.get(f"{key}-score") or ""
            areas[key] = LifeAreaEntry(
                score=int(raw) if raw != "" else None,
                priority=bool(data.get(f"{key}-priority")),
                notes=data.get(f"{key}-notes") or "",
            )
        return ReviewInput(
            held_on=data["held_on"],
            what_matters=data["what_matters"],
            life_areas=areas,
            strengths=strengths,
            five_ways={key: data.get(f"way-{key}") or "" for key, _, _ in FIVE_WAYS},
            interests=data.get("interests") or "",
            appointment=self.appointments.get(data.get("appointment") or ""),
        )


class StrengthForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of strength",
        choices=[("", "Choose…"), *StrengthKind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    description = forms.CharField(
        label="Strength or asset",
        help_text="For example: plays the ukulele; daughter visits on Sundays.",
        required=False,
        max_length=300,
        error_messages={"max_length": "Use 300 characters or fewer"},
        widget=forms.TextInput(attrs=_INPUT),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("description") and not data.get("kind"):
            self.add_error("kind", "Choose what kind of strength this is")
        if data.get("kind") and not (data.get("description") or "").strip():
            self.add_error("description", "Describe the strength, or clear its kind")
        return data


StrengthFormSet = formset_factory(StrengthForm, extra=3, max_num=50, absolute_max=60)


def strengths_from(formset: Any) -> list[tuple[str, str]]:
    return [
        (f.cleaned_data["kind"], f.cleaned_data["description"])
        for f in formset.forms
        if f.cleaned_data.get("kind") and (f.cleaned_data.get("description") or "").strip()
    ]


# --- Plan --------------------------------------------------------------------------------------


class PlanForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    moving_forward = forms.CharField(
        label="Moving forward",
        help_text="The people and places that will help the person stay well.",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": "5"}),
    )


class GoalForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label="Goal, in the person's words",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs=_INPUT),
    )
    target_date = date_field("Target date", required=False)
    status = forms.ChoiceField(
        label="Status",
        choices=GoalStatus.choices,
        initial=GoalStatus.NOT_STARTED,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )


class ActionForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label="Action", required=False, max_length=500, widget=forms.TextInput(attrs=_INPUT)
    )
    owner = forms.CharField(
        label="Who will do it",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={**_INPUT, "class": "nhsuk-input nhsuk-input--width-20"}),
    )
    due_on = date_field("Due date", required=False)
    done = forms.BooleanField(label="Done", required=False)


GoalFormSet = formset_factory(GoalForm, extra=2, max_num=50, absolute_max=60)
ActionFormSet = formset_factory(ActionForm, extra=2, max_num=100, absolute_max=110)


def plan_input_from(form: PlanForm, goals: Any, actions: Any) -> PlanInput:
    """Rows with no words are dropped: clearing an existing goal's words removes it."""

    def row_id(data: dict[str, Any]) -> uuid.UUID | None:
        value = data.get("id")
        return value if isinstance(value, uuid.UUID) else None

    return PlanInput(
        moving_forward=form.cleaned_data.get("moving_forward") or "",
        goals=[
            GoalInput(
                id=row_id(g.cleaned_data),
                text=g.cleaned_data["text"],
                target_date=g.cleaned_data.get("target_date"),
                status=g.cleaned_data.get("status") or GoalStatus.NOT_STARTED,
            )
            for g in goals.forms
            if (g.cleaned_data.get("text") or "").strip()
        ],
        actions=[
            ActionInput(
                id=row_id(a.cleaned_data),
                text=a.cleaned_data["text"],
                owner=a.cleaned_data.get("owner") or "",
                due_on=a.cleaned_data.get("due_on"),
                done=bool(a.cleaned_data.get("done")),
            )
            for a in actions.forms
            if (a.cleaned_data.get("text") or "").strip()
        ],
    )


class AgreeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agreed_on = date_field("Date the person agreed the plan")


NEW_GOAL_ROWS = 2
NEW_ACTION_ROWS = 2


class FollowUpCompleteForm(forms.Form):
    """A follow-up as link workers run it (follow_up_review.py): each goal's progress, the
    outcome measures (offered beside the form by the outcomes app), what changes in the plan,
    the next contact. One form with a field per goal, so one error summary lists every problem.
    """

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    plan_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    completed_on = date_field("Date of the conversation")
    notes = forms.CharField(
        label="What you talked about and how things are going",
        max_length=10_000,
        error_messages={"required": "Enter what you talked about and how things are going"},
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": "6"}),
    )
    next_contact_kind = forms.ChoiceField(
        label="Next contact",
        required=False,
        choices=[("", "No further contact planned"), *NEXT_CONTACT_KINDS],
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    next_contact_on = date_field("Date of the next contact", required=False)

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"goal-{goal.uuid}-status"] = forms.ChoiceField(
                label="How it is going",
                choices=GoalStatus.choices,
                initial=goal.status,
                error_messages={"required": f"Choose how “{goal.text}” is going"},
                widget=forms.Select(attrs={"class": "nhsuk-select"}),
            )
            self.fields[f"goal-{goal.uuid}-words"] = forms.CharField(
                label="In their own words",
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs=_INPUT),
            )
        for n in range(1, NEW_GOAL_ROWS + 1):
            self.fields[f"new_goal-{n}-text"] = forms.CharField(
                label=f"New goal {n}, in the person's words",
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs=_INPUT),
            )
            self.fields[f"new_goal-{n}-target_date"] = date_field(
                f"New goal {n}: target date", required=False
            )
        for n in range(1, NEW_ACTION_ROWS + 1):
            self.fields[f"new_action-{n}-text"] = forms.CharField(
                label=f"New action {n}",
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs=_INPUT),
            )
            self.fields[f"new_action-{n}-owner"] = forms.CharField(
                label=f"New action {n}: who will do it",
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-20"}),
            )
            self.fields[f"new_action-{n}-due_on"] = date_field(
                f"New action {n}: due date", required=False
            )

    @staticmethod
    def initial_for(
        follow_up: FollowUp, plan_version: int | None, next_contact: tuple[str, Any]
    ) -> dict[str, Any]:
        return {
            "version": follow_up.version,
            "plan_version": plan_version,
            "completed_on": timezone.localdate(),
            "next_contact_kind": next_contact[0],
            "next_contact_on": next_contact[1],
        }

    def goal_rows(self) -> list[tuple[Goal, Any, Any]]:
        return [
            (goal, self[f"goal-{goal.uuid}-status"], self[f"goal-{goal.uuid}-words"])
            for goal in self.goals
        ]

    def new_goal_rows(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"new_goal-{n}-text"], self[f"new_goal-{n}-target_date"])
            for n in range(1, NEW_GOAL_ROWS + 1)
        ]

    def new_action_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (
                self[f"new_action-{n}-text"],
                self[f"new_action-{n}-owner"],
                self[f"new_action-{n}-due_on"],
            )
            for n in range(1, NEW_ACTION_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, NEW_GOAL_ROWS + 1):
            if data.get(f"new_goal-{n}-target_date") and not data.get(f"new_goal-{n}-text"):
                self.add_error(
                    f"new_goal-{n}-text", f"New goal {n}: enter the goal, or clear its date"
                )
        for n in range(1, NEW_ACTION_ROWS + 1):
            filled = data.get(f"new_action-{n}-owner") or data.get(f"new_action-{n}-due_on")
            if filled and not data.get(f"new_action-{n}-text"):
                self.add_error(f"new_action-{n}-text", f"New action {n}: say what will be done")
        return data

    def to_input(self) -> FollowUpReviewInput:
        data = self.cleaned_data
        return FollowUpReviewInput(
            completed_on=data["completed_on"],
            notes=data["notes"],
            progress=[
                GoalProgressInput(
                    goal_id=goal.uuid,
                    status=data.get(f"goal-{goal.uuid}-status") or "",
                    in_their_words=data.get(f"goal-{goal.uuid}-words") or "",
                )
                for goal in self.goals
            ],
            new_goals=[
                GoalInput(
                    text=data[f"new_goal-{n}-text"],
                    target_date=data.get(f"new_goal-{n}-target_date"),
                )
                for n in range(1, NEW_GOAL_ROWS + 1)
                if (data.get(f"new_goal-{n}-text") or "").strip()
            ],
            new_actions=[
                ActionInput(
                    text=data[f"new_action-{n}-text"],
                    owner=data.get(f"new_action-{n}-owner") or "",
                    due_on=data.get(f"new_action-{n}-due_on"),
                )
                for n in range(1, NEW_ACTION_ROWS + 1)
                if (data.get(f"new_action-{n}-text") or "").strip()
            ],
            next_contact_kind=data.get("next_contact_kind") or "",
            next_contact_on=data.get("next_contact_on"),
        )
