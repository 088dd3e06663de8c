"""Input parsing only; the rules live in services.suggestion_errors (so the API of the service and
the form agree). Error messages follow the NHS.UK pattern ("Enter ...", "Select ...")."""

from __future__ import annotations

from typing import Any

from django import forms

from linkwell.community.models import AssetKind, CostKind, Frequency, VenueKind
from linkwell.community.services import (
    DAYS,
    LENGTH_LABELS,
    MAX_LENGTHS,
    SUGGESTION_FIELDS,
    WEEKS_OF_MONTH,
    normalise_data,
    suggestion_errors,
)
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import SHORT_TEXT_MAX

_INPUT = {"class": "nhsuk-input"}
_TEXTAREA = {"class": "nhsuk-textarea", "rows": "4"}
_SELECT = {"class": "nhsuk-select"}


def _too_long(key: str) -> dict[str, str]:
    # The service's own words (services.suggestion_errors), so the message is the same wherever
    # the length is caught.
    return {"max_length": f"{LENGTH_LABELS[key]} must be {MAX_LENGTHS[key]} characters or fewer"}


def _text(
    label: str, key: str, *, width: int | None = None, help_text: str = "", **attrs: str
) -> forms.CharField:
    widget_attrs = dict(_INPUT, **attrs)
    if width:
        widget_attrs["class"] += f" nhsuk-input--width-{width}"
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        max_length=MAX_LENGTHS[key],
        error_messages=_too_long(key),
        widget=forms.TextInput(attrs=widget_attrs),
    )


class SuggestionForm(forms.Form):
    asset_kind = forms.ChoiceField(
        label="What are you suggesting?",
        choices=AssetKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you are suggesting"},
    )
    name = _text(
        "Name of the group or activity", "name", help_text="For example: Tuesday knit and natter"
    )
    description = forms.CharField(
        max_length=MAX_LENGTHS["description"],
        error_messages=_too_long("description"),
        label="What happens there?",
        required=False,
        help_text="What people do, what to expect on a first visit, anything to bring.",
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    organisation_name = _text("Organisation or group that runs it (optional)", "organisation_name")
    frequency = forms.ChoiceField(
        label="How often does it happen?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often it happens"},
    )
    day = forms.ChoiceField(
        label="Day",
        required=False,
        choices=[("", "Choose a day"), *list(DAYS.items())],
        widget=forms.Select(attrs=_SELECT),
    )
    week_of_month = forms.TypedChoiceField(
        label="Which week of the month (for once a month)",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Choose a week")] + [(str(k), v) for k, v in WEEKS_OF_MONTH.items()],
        widget=forms.Select(attrs=_SELECT),
    )
    on_date = forms.DateField(
        label="Date (for a one-off event)",
        required=False,
        help_text="For example, 27/3/2027",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the date like 27/3/2027"},
        widget=forms.DateInput(
            attrs=dict(_INPUT, **{"class": "nhsuk-input nhsuk-input--width-10"})
        ),
    )
    starts_at = forms.TimeField(
        label="Starts at (optional)",
        required=False,
        help_text="For example, 10:00 or 14:30",
        error_messages={"invalid": "Enter a time like 10:00 or 14:30"},
        widget=forms.TimeInput(attrs={"class": "nhsuk-input nhsuk-input--width-5"}, format="%H:%M"),
    )
    ends_at = forms.TimeField(
        label="Ends at (optional)",
        required=False,
        error_messages={"invalid": "Enter a time like 12:00 or 16:30"},
        widget=forms.TimeInput(attrs={"class": "nhsuk-input nhsuk-input--width-5"}, format="%H:%M"),
    )
    when_notes = _text(
        "Anything else about when (optional)",
        "when_notes",
        help_text="For example: term time only, not in August.",
    )
    venue_kind = forms.ChoiceField(
        label="Where does it happen?",
        choices=VenueKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where it happens"},
    )
    venue_name = _text(
        "Name of the place (optional)",
        "venue_name",
        help_text="For example: St Oswald's church hall",
    )
    address_1 = _text("Address", "address_1", autocomplete="address-line1")
    town = _text("Town or area", "town", width=20)
    postcode = _text("Postcode", "postcode", width=10, autocomplete="postal-code")
    online_link = _text("Link to join online (optional)", "online_link")
    cost_kind = forms.ChoiceField(
        label="Does it cost anything?",
        choices=CostKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it costs anything"},
    )
    cost_amount = forms.DecimalField(
        label="How much, in pounds, each time",
        required=False,
        max_digits=7,
        decimal_places=2,
        error_messages={"invalid": "Enter an amount like 3.50"},
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-5", "inputmode": "decimal"}
        ),
    )
    cost_notes = _text("Anything else about cost (optional)", "cost_notes")
    who_for = forms.CharField(
        max_length=MAX_LENGTHS["who_for"],
        error_messages=_too_long("who_for"),
        label="Who is it for? (optional)",
        required=False,
        help_text="For example: anyone over 50, beginners welcome, carers and the people they care for.",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": "2"}),
    )
    minimum_age = forms.IntegerField(
        label="Minimum age (optional)",
        required=False,
        error_messages={"invalid": "Enter the minimum age as a number"},
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-3", "inputmode": "numeric"}
        ),
    )
    maximum_age = forms.IntegerField(
        label="Maximum age (optional)",
        required=False,
        error_messages={"invalid": "Enter the maximum age as a number"},
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-3", "inputmode": "numeric"}
        ),
    )
    contact_name = _text("Contact name (optional)", "contact_name")
    contact_email = _text("Contact email address (optional)", "contact_email", autocomplete="off")
    contact_phone = _text(
        "Contact phone number (optional)", "contact_phone", width=20, autocomplete="off"
    )
    website = _text("Website (optional)", "website")
    suggester_name = _text("Your name (optional)", "suggester_name", autocomplete="name")
    suggester_email = _text(
        "Your email address (optional)",
        "suggester_email",
        help_text="Only if you would like us to tell you what happens to your suggestion.",
        autocomplete="email",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            clean = normalise_data({k: data.get(k) for k in SUGGESTION_FIELDS})
        except ValueError:  # pragma: no cover - the form only has known fields
            return data
        for key, messages in suggestion_errors(clean).items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)
        return data

    def suggestion_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in SUGGESTION_FIELDS}


class PublicSuggestionForm(SuggestionForm):
    # Spam defences (abuse.py): a field people never see, and when the form was shown (signed).
    website_url = forms.CharField(
        max_length=SHORT_TEXT_MAX, required=False, label="Leave this empty"
    )
    form_token = forms.CharField(
        max_length=SHORT_TEXT_MAX, required=False, widget=forms.HiddenInput
    )


class ModeratorEditForm(SuggestionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_from(cls, suggestion: Any) -> dict[str, Any]:
        initial = {k: getattr(suggestion, k) for k in SUGGESTION_FIELDS}
        initial["version"] = suggestion.version
        if suggestion.on_date:
            initial["on_date"] = suggestion.on_date.strftime("%d/%m/%Y")
        return initial


class RejectForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is it being rejected?",
        max_length=2000,
        error_messages={"required": "Enter the reason for rejecting the suggestion"},
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    tell_suggester = forms.BooleanField(
        label="Email the reason to the person who suggested it", required=False
    )


class MergeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    service = forms.UUIDField(
        label="The listing it is already in the directory as",
        help_text="The id at the end of the listing's address, like /directory/services/3f2b…/",
        error_messages={
            "required": "Enter the id of the existing listing",
            "invalid": "Enter the listing's id: the long code at the end of its address",
        },
        widget=forms.TextInput(attrs=_INPUT),
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class VenueDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="May this be listed at your venue?",
        choices=[("agree", "Yes, list it at our venue"), ("decline", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes or no"},
    )
    note = forms.CharField(
        label="Note for the link workers (needed if you say no)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": "3"}),
    )


MAX_UPLOAD_BYTES = 1_000_000


class TimetableForm(forms.Form):
    url = forms.URLField(
        label="Web address of your iCal (.ics) timetable",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="We fetch it every day. It must start with https:// or http://",
        error_messages={"invalid": "Enter a web address like https://example.org/timetable.ics"},
        widget=forms.URLInput(attrs=_INPUT),
    )
    upload = forms.FileField(
        label="Or upload an .ics file",
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"class": "nhsuk-file-upload", "accept": ".ics,text/calendar"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        url, upload = data.get("url"), data.get("upload")
        if not url and not upload and not self.errors:
            self.add_error("url", "Enter the web address of your timetable, or choose a file")
        if url and upload:
            self.add_error("upload", "Give either a web address or a file, not both")
        if url and not url.lower().startswith(("http://", "https://")):
            self.add_error("url", "The web address must start with https:// or http://")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("upload", "The file must be smaller than 1 MB")
        return data

    def uploaded_text(self) -> str | None:
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            return str(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ValidationFailed({"upload": ["The file is not a text iCal file"]}) from None
