"""Input validation for connection pages; the rules live in services/."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from linkwell.connections.models import ConnectionKind, ConnectionReason
from linkwell.connections.services import MAX_MESSAGE, MAX_NOTE, need_choices
from linkwell.core.idempotency import SubmissionKeyField
from linkwell.directory.eligibility import LongTermCondition

_TEXTAREA = {"class": "nhsuk-textarea", "rows": 4}
_DATE_ERRORS = {"invalid": "Enter a real date, like 2026-03-14"}


class ConnectForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you doing?",
        choices=ConnectionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose signpost or referral."},
    )
    message = forms.CharField(
        label="Message to the provider (optional)",
        help_text="What they need to know to welcome the person. The provider will see this.",
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    share_access_needs = forms.BooleanField(
        label="Share the person's access and language needs", required=False
    )
    # The service's eligibility rule (directory/eligibility.py), when it has one.
    conditions = forms.MultipleChoiceField(
        label="Long-term conditions the person has",
        help_text="Tick those you have confirmed with the person or their record.",
        choices=LongTermCondition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    override_eligibility = forms.BooleanField(
        label="Refer anyway, although the person does not meet the service's rule",
        required=False,
    )
    override_reason = forms.CharField(
        label="Why you are overriding the rule",
        help_text="Kept with the referral and shown on the person's connections.",
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": 3}),
    )
    # A retried POST (after a timeout) connects once (core/idempotency.py).
    submission_key = SubmissionKeyField()


class ReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason"), *ConnectionReason.choices],
        error_messages={"required": "Choose a reason."},
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    reason_detail = forms.CharField(
        label="More detail (needed for “Other”)",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": 3}),
    )


class AttendanceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    session_on = forms.DateField(
        label="Session date",
        help_text="For example, 2026-03-14",
        error_messages={**_DATE_ERRORS, "required": "Enter the date of the session."},
        widget=forms.DateInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"}
        ),
    )
    attended = forms.ChoiceField(
        label="Did they attend?",
        choices=[("yes", "Attended"), ("no", "Did not attend")],
        initial="yes",
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("session_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label="Note to the link worker",
        max_length=MAX_NOTE,
        error_messages={"required": "Write the note."},
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": 3}),
    )


class GapForm(forms.Form):
    need = forms.ChoiceField(
        label="Unmet need",
        error_messages={"required": "Choose the need that could not be met."},
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    description = forms.CharField(
        label="What was needed and not found",
        help_text="Describe the gap, not the person: no names or health details.",
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs=_TEXTAREA),
        error_messages={"required": "Describe what the person needed and could not find."},
    )
    place = forms.CharField(
        label="Where",
        help_text="Town or postcode district, for example Oswestry or SY11",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-20"}),
    )
    who = forms.CharField(
        label="Who for",
        help_text="The group of people, for example men over 70, young carers",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-20"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terms = {str(t.uuid): t for t in need_choices()}
        self.fields["need"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a need"),
            *((key, term.name) for key, term in self.terms.items()),
        ]


class RegisterDayForm(forms.Form):
    """Which session a register is for (GET): a day from the service's timetable or any day."""

    on = forms.DateField(
        label="Session date",
        help_text="For example, 2026-03-14",
        error_messages={**_DATE_ERRORS, "required": "Enter the date of the session."},
        widget=forms.DateInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"}
        ),
    )

    def clean_on(self) -> Any:
        day = self.cleaned_data["on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The session date must be today or in the past.")
        return day


class RegisterSaveForm(forms.Form):
    """The register's own fields; each person's mark is read by the view from `mark-<id>` and
    `version-<id>`, one pair per referral the register listed."""

    # A retried save (after a timeout) saves once (core/idempotency.py).
    submission_key = SubmissionKeyField()


# An attendance file is a few lines per session; 1 MB is tens of thousands of rows.
ATTENDANCE_FILE_MAX_BYTES = 1_000_000


class AttendanceFileForm(forms.Form):
    file = forms.FileField(
        label="Attendance file (CSV)",
        help_text=(
            "Columns: reference (as shown on each referral), session_date (2026-03-14 or "
            "14/03/2026) and attended (yes or no). One row per person per session."
        ),
        error_messages={"required": "Choose the CSV file to upload."},
        widget=forms.ClearableFileInput(attrs={"class": "nhsuk-file-upload", "accept": ".csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > ATTENDANCE_FILE_MAX_BYTES:
            raise forms.ValidationError(
                "The file is larger than 1 MB. Split it into smaller files, one per month say."
            )
        return upload


class AttendanceFileConfirmForm(forms.Form):
    """The checked file, carried from the preview to the import (base64 of its bytes)."""

    # Base64 takes 4 characters for every 3 bytes.
    file_data = forms.CharField(
        widget=forms.HiddenInput, max_length=4 * -(-ATTENDANCE_FILE_MAX_BYTES // 3)
    )
    good_rows_only = forms.BooleanField(
        label="Import the good rows and leave out the rows listed above", required=False
    )
    submission_key = SubmissionKeyField()
