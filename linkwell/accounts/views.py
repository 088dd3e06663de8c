from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from linkwell.accounts import services
from linkwell.accounts.forms import SignInForm, TotpCodeForm
from linkwell.accounts.middleware import TWO_FACTOR_VERIFIED_KEY
from linkwell.accounts.models import User
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        login(request, form.user, backend="linkwell.accounts.backends.LockoutModelBackend")
        with transaction.atomic():
            audit_record(actor=form.user, action="signed_in", obj=form.user, kind=Kind.SECURITY)
        return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.has_two_factor:
        return redirect("accounts:two_factor_setup")
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_verify(user=user, code=form.cleaned_data["code"]):
            request.session[TWO_FACTOR_VERIFIED_KEY] = True
            request.session.cycle_key()
            return redirect(_next_url(request))
        form.add_error("code", "That code is not right or has been used. Enter the current code.")
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.has_two_factor:
        messages.info(request, "Two-factor sign-in is already set up.")
        return redirect("accounts:two_factor_verify")
    secret = services.totp_secret_for_setup(user=user)
    uri = services.totp_provisioning_uri(user=user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm_setup(user=user, code=form.cleaned_data["code"]):
            request.session[TWO_FACTOR_VERIFIED_KEY] = True
            messages.success(request, "Two-factor sign-in is set up.")
            return redirect(_next_url(request))
        form.add_error(
            "code", "That code is not right. Check the time on your phone and try again."
        )
    qr_svg = segno.make(uri, error="m").svg_inline(
        scale=4, title="QR code for your authenticator app"
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "secret": secret, "qr_svg": qr_svg, "next": _next_url(request)},
    )
