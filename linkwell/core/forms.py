"""Running a write service from a submitted form, the same way in every view.

A view validates its form, calls one service with the cleaned data, and on failure re-renders
the form. `run_form` does the middle part: a `ValidationFailed` from the service goes onto the
form's fields (`apply_errors`), and a `ConcurrentEditError` (someone else saved the record since
the form was opened: `core.concurrency`) becomes a message on the form as a whole asking the
user to reload, with status 409 Conflict. The view then renders its page with `status`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms

from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed

T = TypeVar("T")

INVALID = 400
STALE = 409

# Length limits for form fields that have no tighter rule of their own: every text field takes
# a max_length (tests/test_field_limits.py checks), so nobody can store a megabyte answer.
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 10_000
# Django's password hashers work on passwords up to 4096 characters.
PASSWORD_MAX = 4096


def apply_errors(
    exc: ValidationFailed, *forms_: forms.BaseForm, field_names: Mapping[str, str] | None = None
) -> None:
    """Put each of a service's errors on the field of that name (`field_names` maps a service's
    key to a form field where they differ) in the first form that has it, else on the first
    form as a whole, so the error summary links to the right input."""
    for key, messages in exc.errors.items():
        name = (field_names or {}).get(key, key)
        target = next((f for f in forms_ if name in f.fields), None)
        for message in messages:
            if target is not None:
                target.add_error(name, message)
            else:
                forms_[0].add_error(None, message)


def error_text(exc: ValidationFailed | ConcurrentEditError) -> str:
    """One line for a page without a form to show the error on."""
    if isinstance(exc, ValidationFailed):
        return " ".join(m for messages in exc.errors.values() for m in messages)
    return str(exc)


@dataclass(frozen=True)
class Submission(Generic[T]):
    """What became of a submitted form: `ok` with the service's `result`, or not, with the
    `status` to render the form again with (400 invalid, 409 changed by someone else)."""

    ok: bool
    status: int
    result: T | None = None

    @property
    def stale(self) -> bool:
        return self.status == STALE


def run_form(
    form: forms.BaseForm,
    service: Callable[[dict[str, Any]], T],
    *,
    also: tuple[forms.BaseForm, ...] = (),
    field_names: Mapping[str, str] | None = None,
) -> Submission[T]:
    """Validate `form` (and the forms in `also`, e.g. a formset's rows), then call
    `service(form.cleaned_data)`. Errors the service raises are put on the forms; nothing is
    raised. A form error added by the view before calling this counts as invalid."""
    valid = all([form.is_valid(), *(f.is_valid() for f in also)])
    if not valid:
        return Submission(ok=False, status=INVALID)
    try:
        result = service(form.cleaned_data)
    except ConcurrentEditError as exc:
        form.add_error(None, str(exc))
        return Submission(ok=False, status=STALE)
    except ValidationFailed as exc:
        apply_errors(exc, form, *also, field_names=field_names)
        return Submission(ok=False, status=INVALID)
    return Submission(ok=True, status=200, result=result)


def text_input(width: int | None = None, **extra: str) -> dict[str, str]:
    """Widget attributes for an NHS.UK text input, optionally of a fixed width (2, 4, 10, 20...
    characters: `nhsuk-input--width-N`), plus any other attributes (`inputmode`, `type`...)."""
    attrs = {"class": "nhsuk-input", **extra}
    if width:
        attrs["class"] += f" nhsuk-input--width-{width}"
    return attrs
