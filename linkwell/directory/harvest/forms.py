"""The feed registration form (input parsing only; `feeds.feed_source_create/update` write)."""

from __future__ import annotations

from django import forms

from linkwell.core.forms import LONG_TEXT_MAX, text_input
from linkwell.directory.models import FeedFormat


class FeedSourceForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=255,
        error_messages={"required": "Enter a name for the feed"},
        widget=forms.TextInput(attrs=text_input()),
    )
    url = forms.URLField(
        label="Services address",
        help_text="The feed's /services endpoint, e.g. https://directory.example.gov.uk/services",
        max_length=500,
        error_messages={
            "required": "Enter the feed's address",
            "invalid": "Enter an address starting https://",
        },
        widget=forms.URLInput(attrs=text_input()),
    )
    format = forms.ChoiceField(
        label="Format",
        choices=FeedFormat.choices,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    supports_modified_after = forms.BooleanField(
        label="The feed filters by modified_after (harvest only what changed between full runs)",
        required=False,
    )
    harvest_at = forms.TimeField(
        label="Harvest daily at",
        help_text="For example, 03:00",
        error_messages={"invalid": "Enter a time like 03:00"},
        widget=forms.TimeInput(attrs=text_input(5), format="%H:%M"),
    )
    page_size = forms.IntegerField(
        label="Records per page",
        min_value=1,
        max_value=1000,
        widget=forms.NumberInput(attrs=text_input(4)),
    )
    full_every_days = forms.IntegerField(
        label="Days between full harvests",
        min_value=1,
        max_value=90,
        widget=forms.NumberInput(attrs=text_input(4)),
    )
    licence = forms.CharField(
        label="Licence", max_length=255, required=False, widget=forms.TextInput(attrs=text_input())
    )
    attribution = forms.CharField(
        label="Attribution",
        help_text="Shown with the data, as the publisher asks",
        max_length=LONG_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": "3"}),
    )
    enabled = forms.BooleanField(label="Harvest on schedule", required=False)
