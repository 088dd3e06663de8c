"""Retry-safe creation: the same form submitted twice creates one row.

Forms that create something carry a hidden `submission_key` (`SubmissionKeyField`, a fresh UUID
each time the form is shown). The service runs its work through `create_once`:

1. inside one transaction it first *claims* the key (an INSERT into `SubmissionKey`, whose primary
   key is the key), then does the work and records what it created;
2. a retry whose first attempt has committed finds the claim and gets the first object back,
   changing nothing;
3. a retry racing the first attempt blocks on the claim's unique key until the first commits
   (PostgreSQL), or waits for the write lock (SQLite), then fails to claim and gets the first
   object; if the first rolled back, the retry's claim succeeds and it does the work itself.

A key used by another user, or for another kind of record, is refused rather than followed: a
key is not a way to read someone else's row. Keys older than `KEY_DAYS` are pruned by
`prune_submission_keys` (run from `linkwell clearsessions`' schedule).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from linkwell.core.exceptions import ValidationFailed
from linkwell.core.models import SubmissionKey

M = TypeVar("M", bound=models.Model)
KEY_DAYS = 7


def fresh_key() -> uuid.UUID:
    return uuid.uuid4()


class SubmissionKeyField(forms.UUIDField):
    """The hidden one-time key: a fresh one each time an unbound form is shown (a callable
    initial); a bound form re-shown with errors keeps the posted one, since nothing was made."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", fresh_key)
        super().__init__(**kwargs)


def _label(model: type[models.Model]) -> str:
    return str(model._meta.label_lower)


def _earlier(key: uuid.UUID, model: type[M], user_id: int | None) -> M | None:
    claim = SubmissionKey.objects.filter(key=key).first()
    if claim is None or not claim.object_pk:
        return None
    if claim.object_type != _label(model) or claim.user_id != user_id:
        raise ValidationFailed(
            {"__all__": ["This form was already used for something else: open it again."]}
        )
    return model._default_manager.get(pk=claim.object_pk)


def create_once(
    key: uuid.UUID | None, model: type[M], *, user_id: int | None, work: Callable[[], M]
) -> tuple[M, bool]:
    """Run `work` (which creates and returns one `model` row, with its audit) once per `key`.
    Returns the row and whether this call created it. Without a key, simply runs `work`."""
    if key is None:
        return work(), True
    earlier = _earlier(key, model, user_id)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(key=key, object_type=_label(model), user_id=user_id)
            created = work()
            SubmissionKey.objects.filter(key=key).update(object_pk=str(created.pk))
            return created, True
    except IntegrityError:
        earlier = _earlier(key, model, user_id)
        if earlier is None:
            raise
        return earlier, False


def prune_submission_keys(*, now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=KEY_DAYS)
    return int(SubmissionKey.objects.filter(created_at__lt=cutoff).delete()[0])
