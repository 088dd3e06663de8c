"""The caseload page's search and filters (a GET form): input parsing only.

A value that is not one of the choices (an old bookmark, a hand-edited address) is ignored, not
an error: the page lists the caseload without that filter and says which value it ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms

from linkwell.accounts.models import Organisation
from linkwell.casework.selectors.caseload import (
    COMPLEXITY_CHOICES,
    FLAG_CHOICES,
    NO_PRACTICE,
    SORT_CHOICES,
    SORT_URGENT,
    STATUS_CHOICES,
    CaseloadFilters,
)

MAX_SEARCH_LENGTH = 100


def in_sentence(label: str) -> str:
    """A field's label inside a sentence: "Sort by" -> "sort by", "GP practice" unchanged."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


@dataclass(frozen=True)
class IgnoredValue:
    label: str
    value: str


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(max_length=200, required=False, label="Name or NHS number", strip=True)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        practices: list[Organisation],
        due_choices: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        # The selects, in the order the page shows them: (name, label, choices).
        self.selects: list[tuple[str, str, list[tuple[str, str]]]] = [
            ("status", "Status", [("", "Any status"), *STATUS_CHOICES]),
            ("due", "Due", [("", "Any"), *due_choices]),
            ("complexity", "Complexity", [("", "Any complexity"), *COMPLEXITY_CHOICES]),
            (
                "practice",
                "GP practice",
                [
                    ("", "Any practice"),
                    *((str(p.uuid), p.name) for p in practices),
                    (NO_PRACTICE, "Not recorded"),
                ],
            ),
            ("flag", "Flag", [("", "Any or none"), *FLAG_CHOICES]),
            ("sort", "Sort by", list(SORT_CHOICES)),
        ]
        for name, label, choices in self.selects:
            self.fields[name] = forms.ChoiceField(required=False, label=label, choices=choices)

    def clean_q(self) -> str:
        # A longer search is cut, not refused: no name or NHS number is that long.
        return str(self.cleaned_data.get("q") or "")[:MAX_SEARCH_LENGTH]

    def applied(self) -> tuple[CaseloadFilters, list[IgnoredValue]]:
        """The filters to apply (the valid fields) and the values ignored (the others)."""
        self.is_valid()
        values = {name: "" for name in self.fields}
        ignored = []
        for name, field in self.fields.items():
            if name in self.errors:
                ignored.append(
                    IgnoredValue(in_sentence(str(field.label)), str(self.data.get(name, "")))
                )
            else:
                values[name] = str(self.cleaned_data.get(name) or "")
        return (
            CaseloadFilters(
                q=values["q"],
                status=values["status"],
                due=values["due"],
                complexity=values["complexity"],
                practice=values["practice"],
                flag=values["flag"],
                sort=values["sort"] or SORT_URGENT,
            ),
            ignored,
        )
