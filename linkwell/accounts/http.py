"""The request type of views behind `login_required`.

Django types `request.user` as "a user or anonymous"; behind `login_required` it is always a
signed-in `User`. Views annotate their request as `AuthenticatedHttpRequest` and read
`request.user` as a `User`, instead of each module casting it again.
"""

from __future__ import annotations

from django.http import HttpRequest

from linkwell.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An `HttpRequest` whose user is signed in. Only for views behind `login_required` (or
    another check that refuses anonymous users): the annotation is a promise, not a check."""

    user: User
