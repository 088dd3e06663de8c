"""Sign-in, sign-out, two-factor set-up/verification and the account page. Thin: the rules
live in services/ (writes) and selectors.py (reads)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from linkwell.accounts import client_limit, services
from linkwell.accounts.forms import RecoveryCodeForm, SignInForm, TotpCodeForm
from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.middleware import IDLE_SIGNED_OUT_KEY, TWO_FACTOR_VERIFIED_KEY
from linkwell.accounts.selectors import memberships_for_user, user_requires_two_factor
from linkwell.core.ratelimit import client_address


def safe_next_url(request: HttpRequest, default: str = "/") -> str:
    """The `next` parameter when it points at this site, else `default` (no open redirects:
    other hosts, scheme-relative `//evil`, and http from an https page are refused)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.session.pop(IDLE_SIGNED_OUT_KEY, False):
        messages.info(request, "You were signed out because you were inactive.")
    refused = request.method == "POST" and client_limit.client_over_limit(request)
    form = SignInForm(
        request.POST or None, request=request, refusal=client_limit.MESSAGE if refused else ""
    )
    if refused:
        form.is_valid()  # shows the refusal; checks no password
        services.sign_in_refused_client_limit_record(
            email=str(request.POST.get("email", ""))[:320], client=client_address(request)
        )
        return render(
            request,
            "accounts/login.html",
            {"form": form, "next": safe_next_url(request, "")},
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        # login() cycles the session key (no session fixation) and drops any earlier
        # two-factor flag when a different user signs in on the same browser.
        login(request, form.user, backend="linkwell.accounts.backends.LockoutModelBackend")
        request.session.pop(TWO_FACTOR_VERIFIED_KEY, None)  # every sign-in owes its own code
        services.sign_in_success_record(user=form.user)
        return redirect(safe_next_url(request))
    if request.method == "POST" and any(
        form.has_error(NON_FIELD_ERRORS, code) for code in ("invalid_login", "locked")
    ):
        client_limit.client_failure_count(request)
    return render(
        request, "accounts/login.html", {"form": form, "next": safe_next_url(request, "")}
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.sign_out_record(user=request.user)
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


def _locked_out(request: HttpRequest, locked: services.AccountLocked) -> HttpResponse:
    logout(request)
    messages.error(request, services.locked_message(locked.until))
    return redirect("accounts:login")


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_two_factor:
        return redirect("accounts:two_factor_setup")
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ok = services.totp_verify(user=user, code=form.cleaned_data["code"])
        except services.AccountLocked as locked:
            return _locked_out(request, locked)
        if ok:
            request.session.cycle_key()
            request.session[TWO_FACTOR_VERIFIED_KEY] = True
            return redirect(safe_next_url(request))
        form.add_error(
            "code",
            "That security code is not right, or it has already been used. "
            "Enter the code your authenticator app shows now.",
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": safe_next_url(request, "")},
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.has_two_factor:
        if request.session.get(TWO_FACTOR_VERIFIED_KEY):
            messages.info(request, "Two-factor sign-in is already set up.")
            return redirect("accounts:account")
        return redirect("accounts:two_factor_verify")
    secret = services.totp_secret_for_setup(user=user)
    uri = services.totp_provisioning_uri(user=user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm_setup(user=user, code=form.cleaned_data["code"]):
            request.session.cycle_key()
            request.session[TWO_FACTOR_VERIFIED_KEY] = True
            messages.success(request, "Two-factor sign-in is set up.")
            # Shown once, now: only their hashes are kept.
            return _show_recovery_codes(
                request,
                services.recovery_codes_issue(user=user),
                next_url=safe_next_url(request, reverse("accounts:account")),
            )
        form.add_error(
            "code",
            "That security code is not right. Check the time on your phone is set automatically, "
            "then enter the code the app shows now.",
        )
    qr_svg = segno.make(uri, error="m").svg_inline(
        scale=4, title="QR code for your authenticator app"
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": qr_svg,
            "required": user_requires_two_factor(user=user),
            "next": safe_next_url(request, ""),
        },
    )


def _show_recovery_codes(
    request: AuthenticatedHttpRequest, codes: list[str], *, next_url: str
) -> HttpResponse:
    # The views that show codes are never_cache (no-store): the codes never sit in a cache.
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_url})


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_recovery(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Sign in with a one-time recovery code when the authenticator is lost."""
    user = request.user
    if not user.has_two_factor:
        return redirect("accounts:two_factor_setup")
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ok = services.recovery_code_use(user=user, code=form.cleaned_data["code"])
        except services.AccountLocked as locked:
            return _locked_out(request, locked)
        if ok:
            request.session.cycle_key()
            request.session[TWO_FACTOR_VERIFIED_KEY] = True
            left = services.recovery_codes_left(user=user)
            messages.warning(
                request,
                f"You used a recovery code; {left} left. If you lost your phone, ask an "
                "administrator to reset two-factor sign-in, or make new recovery codes from "
                "your account page.",
            )
            return redirect(safe_next_url(request))
        form.add_error(
            "code",
            "That recovery code is not right, or it has already been used. Check it against "
            "the codes you saved.",
        )
    return render(
        request,
        "accounts/two_factor_recovery.html",
        {"form": form, "next": safe_next_url(request, "")},
    )


@require_POST
@never_cache
@login_required
def recovery_codes_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new set of recovery codes (the old ones stop working), shown once."""
    if not request.user.has_two_factor:
        return redirect("accounts:two_factor_setup")
    codes = services.recovery_codes_issue(user=request.user)
    return _show_recovery_codes(request, codes, next_url=reverse("accounts:account"))


@never_cache
@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships_for_user(user=user),
            "has_two_factor": user.has_two_factor,
            "requires_two_factor": user_requires_two_factor(user=user),
            "recovery_codes_left": (
                services.recovery_codes_left(user=user) if user.has_two_factor else None
            ),
        },
    )
