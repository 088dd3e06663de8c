"""Session protection: idle sign-out and the two-factor gate.

Both run after AuthenticationMiddleware and linkwell.audit.middleware.RequestContextMiddleware
(so the idle sign-out's audit row has the request's channel) and before MessageMiddleware
(config/settings.py), so they must not use django.contrib.messages: the idle sign-out leaves a flag in the new session
that the sign-in page turns into its message (linkwell/accounts/views.py).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

IDLE_KEY = "linkwell_last_seen"
IDLE_SIGNED_OUT_KEY = "linkwell_idle_signed_out"
TWO_FACTOR_VERIFIED_KEY = "linkwell_2fa_verified"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _with_next(url: str, request: HttpRequest) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


class IdleTimeoutMiddleware:
    """Signs a user out after settings.SESSION_IDLE_TIMEOUT_MINUTES without a request.

    Time comes from django.utils.timezone.now() so tests can move the clock.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            last_seen = request.session.get(IDLE_KEY)
            idle_limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - float(last_seen) > idle_limit:
                from linkwell.accounts.services import sign_out_record

                sign_out_record(user=request.user, reason="idle_timeout")
                logout(request)
                if _is_api(request):
                    # The API answers the anonymous request itself (401/403), never a redirect.
                    return self.get_response(request)
                request.session[IDLE_SIGNED_OUT_KEY] = True
                return redirect(_with_next(reverse(settings.LOGIN_URL), request))
            # Refresh at most once a minute: a session write on every request costs a query.
            if last_seen is None or now - float(last_seen) >= 60:
                request.session[IDLE_KEY] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """Keeps a signed-in user who owes a second factor on the two-factor pages.

    A user owes one when they have TOTP set up (they must enter a code each sign-in), or when any
    organisation they belong to requires it (they must set it up first). Only the pages named in
    OPEN_URL_NAMES (and static files) are reachable until then; everything else, the Django admin
    and the API included, is closed. See linkwell/accounts/README.md.
    """

    OPEN_URL_NAMES = (
        "accounts:login",
        "accounts:logout",
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "accounts:two_factor_recovery",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def _is_open(self, request: HttpRequest) -> bool:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in self.OPEN_URL_NAMES)
        static = "/" + settings.STATIC_URL.lstrip("/")
        return request.path in self._open_paths or request.path.startswith(static)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(TWO_FACTOR_VERIFIED_KEY)
            and not self._is_open(request)
        ):
            from linkwell.accounts.selectors import user_requires_two_factor

            target = None
            if user.has_two_factor:
                target = "accounts:two_factor_verify"
            elif user_requires_two_factor(user=user):
                target = "accounts:two_factor_setup"
            if target is not None:
                if _is_api(request):
                    return JsonResponse(
                        {"detail": "Two-factor sign-in is required. Sign in on the web first."},
                        status=403,
                    )
                return redirect(_with_next(reverse(target), request))
        return self.get_response(request)
