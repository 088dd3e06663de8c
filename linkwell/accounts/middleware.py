from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

IDLE_KEY = "linkwell_last_seen"
TWO_FACTOR_VERIFIED_KEY = "linkwell_2fa_verified"


class IdleTimeoutMiddleware:
    """Signs a user out after settings.SESSION_IDLE_TIMEOUT_MINUTES without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(IDLE_KEY)
            idle_limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - float(last_seen) > idle_limit:
                logout(request)
                messages.info(request, "You were signed out because you were inactive.")
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            request.session[IDLE_KEY] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """Keeps a signed-in user who owes a second factor on the two-factor pages.

    A user owes one when they have TOTP set up (they must enter a code), or when any organisation
    they belong to requires it (they must set it up first). See linkwell/accounts/README.md.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(TWO_FACTOR_VERIFIED_KEY)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from linkwell.accounts.selectors import user_requires_two_factor

            if user.has_two_factor:
                return redirect(f"{reverse('accounts:two_factor_verify')}?next={request.path}")
            if user_requires_two_factor(user=user):
                return redirect(f"{reverse('accounts:two_factor_setup')}?next={request.path}")
        return self.get_response(request)
