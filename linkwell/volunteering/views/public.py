"""The two public pages, no sign-in: "I'd like to volunteer" and "ask for a volunteer".

Abuse controls as on the community suggestion form (`volunteering/abuse.py`): hourly limits
per client, a honeypot field, a signed form-shown-at token used once, and length limits in the form and
the services. Everything wrong with a submission is reported at once; nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import apply_errors
from linkwell.core.formtoken import ALREADY_SENT
from linkwell.volunteering import abuse
from linkwell.volunteering.access import coordinating_organisations
from linkwell.volunteering.forms import AskForm, JoinForm, SpamDefences
from linkwell.volunteering.services import (
    member_clean,
    member_register,
    request_create_self,
    request_errors,
)
from linkwell.volunteering.services.members import PUBLIC_CONSENT_MESSAGE

JOIN = "volunteer-join"
ASK = "volunteer-ask"


def _public_form(
    request: HttpRequest,
    *,
    form: SpamDefences,
    scope: str,
    template: str,
    busy_template: str,
    save: Callable[[], dict[str, Any]],
    also_check: Callable[[], dict[str, list[str]]],
    done: str,
) -> HttpResponse:
    status = 200
    token = ""
    if request.method == "POST":
        if abuse.posts_over_limit(request, scope) or abuse.limit_reached(request, scope):
            return render(request, busy_template, status=429)
        form.is_valid()
        if str(form.data.get("website_url", "")).strip():
            # Only a script fills the hidden field. Tell it nothing useful.
            return render(request, "volunteering/public_rejected.html", status=400)
        token = str(form.data.get("form_token", ""))
        problem = abuse.FORM_TOKEN.problem(token)
        if problem:
            form.add_error(None, problem)
        if form.errors:
            # Report the services' own problems with what was entered too, all at once.
            for key, problems in also_check().items():
                if key in form.fields and key not in form.errors:
                    for message in problems:
                        form.add_error(key, message)
        elif not abuse.FORM_TOKEN.claim(token):
            # Two clicks of "Send" at once: the other one was accepted.
            form.add_error(None, ALREADY_SENT)
        else:
            try:
                info = save()
            except ValidationFailed as exc:
                abuse.FORM_TOKEN.release(token)
                apply_errors(exc, form)
            else:
                abuse.count_accepted(request, scope)
                request.session[scope] = info
                return redirect(done)
        status = 400
    # A fresh token (a new nonce) dated when the form was first shown: a quick correction is
    # not mistaken for a script's instant reply.
    fresh = abuse.FORM_TOKEN.fresh(token)
    if form.is_bound:
        data = request.POST.copy()
        data["form_token"] = fresh
        form.data = data
    else:
        form.initial["form_token"] = fresh
    return render(request, template, {"form": form}, status=status)


def _join_problems(form: JoinForm) -> dict[str, list[str]]:
    data = form.member_data()
    problems: dict[str, list[str]] = {}
    try:
        member_clean(data)
    except ValidationFailed as exc:
        problems.update(exc.errors)
    if not data.get("consent"):
        problems["consent"] = [PUBLIC_CONSENT_MESSAGE]
    return problems


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(
        request.POST if request.method == "POST" else None,
        organisations=coordinating_organisations(),
    )

    def save() -> dict[str, Any]:
        data = form.cleaned_data
        member = member_register(
            organisation=data["organisation"],
            data=form.member_data(),
            roles=data.get("roles") or [],
            actor=None,
        )
        return {"organisation": member.organisation.name, "email": bool(member.email)}

    return _public_form(
        request,
        form=form,
        scope=JOIN,
        template="volunteering/join.html",
        busy_template="volunteering/public_busy.html",
        save=save,
        also_check=lambda: _join_problems(form),
        done="volunteering:join_done",
    )


@never_cache
def join_done(request: HttpRequest) -> HttpResponse:
    info = request.session.get(JOIN)
    if not info:
        return redirect("volunteering:join")
    return render(request, "volunteering/join_done.html", {"info": info})


@never_cache
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    form = AskForm(
        request.POST if request.method == "POST" else None,
        organisations=coordinating_organisations(),
    )

    def save() -> dict[str, Any]:
        support = request_create_self(
            organisation=form.cleaned_data["organisation"], data=form.request_data()
        )
        return {"organisation": support.organisation.name, "what": support.get_role_display()}

    return _public_form(
        request,
        form=form,
        scope=ASK,
        template="volunteering/ask.html",
        busy_template="volunteering/public_busy.html",
        save=save,
        also_check=lambda: request_errors(
            {**form.request_data(), "date_of_birth": form.cleaned_data.get("date_of_birth")}
        ),
        done="volunteering:ask_done",
    )


@never_cache
def ask_done(request: HttpRequest) -> HttpResponse:
    info = request.session.get(ASK)
    if not info:
        return redirect("volunteering:ask")
    return render(request, "volunteering/ask_done.html", {"info": info})
