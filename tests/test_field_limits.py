"""Every text field a form or the API accepts has a length limit, so nobody can store a
two-million-character answer; and an oversized request gets a clear refusal, not a server error."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.urls import reverse
from rest_framework import serializers

import linkwell


def _linkwell_modules() -> None:
    for module in pkgutil.walk_packages(linkwell.__path__, "linkwell."):
        name = module.name
        if ".tests" in name or ".migrations" in name or name.endswith(".__main__"):
            continue
        importlib.import_module(name)


def _subclasses(base: type) -> Iterator[type]:
    seen: set[type] = set()
    stack: list[type] = list(base.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("linkwell.") and ".tests" not in cls.__module__:
            yield cls


def _unlimited(fields: dict[str, Any], field_class: type, readonly: bool = False) -> list[str]:
    # A UUID field accepts nothing but a UUID, whatever its length: nothing long is stored.
    uuid_fields = (forms.UUIDField, serializers.UUIDField)
    return [
        name
        for name, field in fields.items()
        if isinstance(field, field_class)
        and not isinstance(field, uuid_fields)
        and not (readonly and getattr(field, "read_only", False))
        and getattr(field, "max_length", None) is None
    ]


def test_every_form_text_field_has_a_max_length() -> None:
    _linkwell_modules()
    problems = []
    for cls in _subclasses(forms.BaseForm):
        fields = getattr(cls, "base_fields", {})
        problems += [
            f"{cls.__module__}.{cls.__qualname__}.{name}"
            for name in _unlimited(fields, forms.CharField)
        ]
    assert problems == []


def test_every_writable_api_text_field_has_a_max_length() -> None:
    _linkwell_modules()
    problems = []
    checked = 0
    for cls in _subclasses(serializers.BaseSerializer):
        if not issubclass(cls, serializers.Serializer):
            continue
        checked += 1
        try:
            fields = cls().fields
        except Exception as exc:  # pragma: no cover - reported as a problem to fix
            problems.append(f"{cls.__module__}.{cls.__qualname__}: cannot build ({exc})")
            continue
        problems += [
            f"{cls.__module__}.{cls.__qualname__}.{name}"
            for name in _unlimited(dict(fields), serializers.CharField, readonly=True)
        ]
    assert checked > 20  # the walk found the API's serializers
    assert problems == []


def test_the_walk_finds_a_text_field_without_a_limit() -> None:
    class Unlimited(forms.Form):
        notes = forms.CharField(widget=forms.Textarea)
        key = forms.UUIDField()

    class Writable(serializers.Serializer):  # type: ignore[type-arg]
        notes = serializers.CharField()
        shown = serializers.CharField(read_only=True)

    assert _unlimited(Unlimited.base_fields, forms.CharField) == ["notes"]
    assert _unlimited(dict(Writable().fields), serializers.CharField, readonly=True) == ["notes"]


# --- request sizes (linkwell.web.middleware.RequestSizeLimitMiddleware) -----------------------

THREE_MB = 3 * 1024 * 1024


@pytest.mark.django_db
def test_a_three_megabyte_form_gets_a_clear_refusal_and_saves_nothing(client) -> None:
    from linkwell.referrals.models import Referral

    response = client.post(
        reverse("referrals:self_referral"),
        data="details=" + "x" * THREE_MB,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page
    assert "a form can be at most 2.5 MB" in page
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_three_megabyte_api_request_gets_a_json_refusal(client) -> None:
    response = client.post(
        "/api/oruk/services", data="{" + " " * THREE_MB + "}", content_type="application/json"
    )
    assert response.status_code == 413
    assert "at most 2.5 MB" in response.json()["detail"]


@pytest.mark.django_db
def test_a_large_text_field_inside_an_upload_is_refused_with_a_page_not_a_server_error(
    client,
) -> None:
    # Under the upload limit, so the middleware lets it through; Django's own limit on the
    # non-file fields then stops it when the view reads the form.
    response = client.post(reverse("referrals:self_referral"), {"details": "x" * THREE_MB})
    assert response.status_code == 400
    assert "we could not read what was sent" in response.content.decode()


@pytest.mark.django_db
def test_a_two_million_character_answer_is_refused_by_the_public_form(client) -> None:
    from linkwell.community.models import Suggestion
    from linkwell.community.tests.factories import form_post

    response = client.post(
        reverse("community:suggest"), {**form_post(), "description": "x" * 2_000_000}
    )
    assert response.status_code == 400
    assert "The description must be 2000 characters or fewer" in response.content.decode()
    assert not Suggestion.objects.exists()
