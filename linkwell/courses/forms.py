"""Input validation for the courses pages (the services check again and say why)."""

from __future__ import annotations

from typing import Any

from django import forms

from linkwell.accounts.models import Organisation, User
from linkwell.core.forms import LONG_TEXT_MAX, text_input
from linkwell.core.idempotency import SubmissionKeyField
from linkwell.courses.models import MAX_WEEKS, MIN_WEEKS, Mark
from linkwell.directory.models import Location, Service
from linkwell.volunteering.models import VolunteerRole

SELECT = {"class": "nhsuk-select"}
DATE = forms.DateInput(
    format="%Y-%m-%d", attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"}
)
TIME = forms.TimeInput(
    format="%H:%M", attrs={"class": "nhsuk-input nhsuk-input--width-5", "type": "time"}
)
TEXTAREA = {"class": "nhsuk-textarea", "rows": "4"}
WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class CourseForm(forms.Form):
    submission_key = SubmissionKeyField()
    title = forms.CharField(
        label="Course title", max_length=200, widget=forms.TextInput(attrs=text_input(30))
    )
    description = forms.CharField(
        label="What the course covers (optional)",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    organisation = forms.ModelChoiceField(
        label="Team running the course",
        queryset=Organisation.objects.none(),
        widget=forms.Select(attrs=SELECT),
    )
    venue_location = forms.ModelChoiceField(
        label="Venue from the directory (optional)",
        queryset=Location.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    venue_text = forms.CharField(
        label="Or where it is, in words",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=text_input(30)),
    )
    capacity = forms.IntegerField(
        label="Places", min_value=1, max_value=200, widget=forms.NumberInput(attrs=text_input(3))
    )
    start_date = forms.DateField(label="Starting from", widget=DATE)
    weekday = forms.TypedChoiceField(
        label="Day of the week", choices=WEEKDAYS, coerce=int, widget=forms.Select(attrs=SELECT)
    )
    session_time = forms.TimeField(label="Time", widget=TIME)
    weeks = forms.IntegerField(
        label="Number of weekly sessions",
        help_text=f"{MIN_WEEKS} to {MAX_WEEKS}",
        min_value=MIN_WEEKS,
        max_value=MAX_WEEKS,
        widget=forms.NumberInput(attrs=text_input(2)),
    )
    completion_threshold = forms.IntegerField(
        label="Sessions to attend to complete (optional)",
        help_text="Leave blank for half the sessions, rounded up. You can override it per person.",
        required=False,
        min_value=1,
        max_value=MAX_WEEKS,
        widget=forms.NumberInput(attrs=text_input(2)),
    )
    facilitators = forms.ModelMultipleChoiceField(
        label="Facilitators",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"}),
    )
    service = forms.ModelChoiceField(
        label="Directory entry for the course (optional)",
        queryset=Service.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, organisations: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, rows in (
            ("organisation", organisations),
            ("facilitators", staff),
            ("venue_location", Location.objects.exclude(name="").order_by("name")),
            ("service", Service.objects.order_by("name")),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = rows


class SessionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label="Date", widget=DATE)
    starts_at = forms.TimeField(label="Time", widget=TIME)


class RegisterForm(forms.Form):
    """One radio group per participant (`mark_<enrolment uuid>`)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    submission_key = SubmissionKeyField()

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[f"mark_{row.enrolment.uuid}"] = forms.ChoiceField(
                label=row.enrolment.case.person.display_name,
                choices=Mark.choices,
                widget=forms.RadioSelect,
                initial=row.mark or None,
                error_messages={
                    "required": f"Choose attended, absent or apologies for {row.enrolment.case.person.display_name}."
                },
            )

    def marks(self) -> dict[str, str]:
        return {
            name.removeprefix("mark_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("mark_")
        }


class CompleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    completed = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["completed"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices


class RoleChoiceField(forms.ModelChoiceField[VolunteerRole]):
    def label_from_instance(self, obj: VolunteerRole) -> str:
        return f"{obj.member.given_name} {obj.member.family_name} ({obj.get_kind_display()})"


class CoFacilitatorForm(forms.Form):
    role = RoleChoiceField(
        label="Former participant",
        queryset=VolunteerRole.objects.none(),
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, roles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = roles


class EnrolForm(forms.Form):
    submission_key = SubmissionKeyField()
    course = forms.UUIDField(widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=text_input(30)),
    )


class MovingForwardForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    keep_doing = forms.CharField(
        label="What they will keep doing",
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    next_steps = forms.CharField(
        label="Next steps",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    groups = forms.CharField(
        label="Groups and places to join",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    people = forms.CharField(
        label="People who will help them keep going",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
