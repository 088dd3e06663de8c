"""The pages, by persona: applicant (public), programme manager, panel member, conflicted panel
member, read-only manager, outsider, anonymous; and the query counts of the lists."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.grants import abuse
from linkwell.grants.models import Application, ApplicationStatus, Payment, Score
from linkwell.grants.services import application_award, conflict_declare
from linkwell.grants.tests.factories import GOOD, GrantsWorld, submit
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def _as(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _public_post(world: GrantsWorld, **changes: str) -> dict[str, object]:
    return {
        **GOOD,
        "tier": str(world.try_it.uuid),
        "form_token": abuse.make_form_token(time.time() - 60),
        "website_url": "",
        **changes,
    }


# --- The public ------------------------------------------------------------------------------


def test_the_public_sees_open_rounds_with_their_criteria(
    client: Client, world: GrantsWorld
) -> None:
    page = client.get(reverse("grants:rounds")).content.decode()
    assert "Try it, Do it, Build it: Spring" in page and "Need" in page and "Try it" in page


def test_a_member_of_the_public_applies_and_gets_a_reference(
    client: Client, world: GrantsWorld
) -> None:
    url = reverse("grants:apply", args=[world.round.uuid])
    form = client.get(url).content.decode()
    # Recorded gaps are offered as need and place, never the case's words.
    assert "Gobowen" in form
    assert (
        "story" not in form.split('id="id_gaps')[1].split("</fieldset>")[0]
        and "widowers over 80" not in form
    )
    # Practice-staff tiers are not offered to the public.
    assert "Doctorpreneur" not in form
    response = client.post(url, _public_post(world), follow=True)
    app = Application.objects.get()
    assert app.reference in response.content.decode()
    assert "Application sent" in response.content.decode()


def test_the_public_form_refuses_an_amount_over_the_tier_and_saves_nothing(
    client: Client, world: GrantsWorld
) -> None:
    url = reverse("grants:apply", args=[world.round.uuid])
    response = client.post(url, _public_post(world, amount_requested="900"))
    assert response.status_code == 400
    assert "The Try it award is from £0 to £500" in response.content.decode()
    assert not Application.objects.exists()


def test_the_honeypot_and_a_too_quick_form_are_refused(client: Client, world: GrantsWorld) -> None:
    url = reverse("grants:apply", args=[world.round.uuid])
    assert client.post(url, _public_post(world, website_url="http://spam")).status_code == 400
    quick = client.post(url, _public_post(world, form_token=abuse.make_form_token()))
    assert "Please check your answers" in quick.content.decode()
    assert not Application.objects.exists()


def test_too_many_applications_from_one_client_are_refused(
    client: Client, world: GrantsWorld, settings: object
) -> None:
    settings.LINKWELL_GRANT_APPLICATIONS_PER_HOUR = 1  # type: ignore[attr-defined]
    url = reverse("grants:apply", args=[world.round.uuid])
    client.post(url, _public_post(world))
    assert client.post(url, _public_post(world)).status_code == 429
    assert Application.objects.count() == 1


def test_a_closed_round_has_no_public_form(client: Client, world: GrantsWorld) -> None:
    world.round.closes_on = world.round.opens_on
    world.round.save()
    assert client.get(reverse("grants:apply", args=[world.round.uuid])).status_code == 404


# --- Staff -----------------------------------------------------------------------------------


def test_who_sees_a_round_and_an_application(client: Client, world: GrantsWorld) -> None:
    app = submit(world)
    round_url = reverse("grants:round", args=[world.round.uuid])
    app_url = reverse("grants:application", args=[app.uuid])
    assert client.get(app_url).status_code == 302  # anonymous: sign in
    for user, status in [
        (world.manager, 200),
        (world.read_only_manager, 200),
        (world.panel_a, 200),
        (world.community_panel, 200),
        (world.p.outsider, 404),
        (world.p.commissioner, 404),
    ]:
        c = _as(Client(), user)
        assert c.get(round_url).status_code == status, user
        assert c.get(app_url).status_code == status, user


def test_the_manager_sees_weighted_totals_and_decides(client: Client, world: GrantsWorld) -> None:
    app = submit(world)
    need, reach = world.round.criteria.order_by("position")
    _as(client, world.panel_a)
    client.post(
        reverse("grants:application_score", args=[app.uuid]),
        {f"score_{need.pk}": "4", f"score_{reach.pk}": "8", f"comment_{need.pk}": "Real need"},
    )
    _as(client, world.manager)
    page = client.get(reverse("grants:round", args=[world.round.uuid])).content.decode()
    assert "80.0%" in page
    detail = client.get(reverse("grants:application", args=[app.uuid])).content.decode()
    assert "Real need" in detail and "Record decision" in detail
    response = client.post(
        reverse("grants:decide", args=[app.uuid]),
        {"decision": "award", "amount": "450", "reason": "Scored well", "version": app.version},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.AWARDED
    offer = client.get(reverse("grants:offer", args=[app.uuid])).content.decode()
    assert "grant of <strong>£450</strong>" in offer
    pdf = client.get(reverse("grants:offer_pdf", args=[app.uuid]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    paid = client.post(
        reverse("grants:pay", args=[app.uuid]),
        {"amount": "500", "paid_on": timezone.localdate().isoformat(), "reference": "BACS"},
    )
    assert "more than is left to pay" in paid.content.decode()
    assert not Payment.objects.exists()


def test_a_panel_member_cannot_decide_and_a_read_only_manager_changes_nothing(
    client: Client, world: GrantsWorld
) -> None:
    app = submit(world)
    data = {"decision": "award", "amount": "450", "reason": "x", "version": app.version}
    for user in (world.panel_a, world.read_only_manager):
        assert (
            _as(Client(), user).post(reverse("grants:decide", args=[app.uuid]), data).status_code
            == 403
        )
    assert (
        _as(Client(), world.p.outsider)
        .post(reverse("grants:decide", args=[app.uuid]), data)
        .status_code
        == 404
    )
    # The manager is not on the panel: scoring is not theirs.
    need, reach = world.round.criteria.order_by("position")
    scored = _as(Client(), world.manager).post(
        reverse("grants:application_score", args=[app.uuid]),
        {f"score_{need.pk}": "4", f"score_{reach.pk}": "8"},
    )
    assert scored.status_code == 403
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and not Score.objects.exists()


def test_a_conflicted_panel_member_is_not_offered_scoring_and_is_refused(
    client: Client, world: GrantsWorld
) -> None:
    app = submit(world)
    conflict_declare(
        actor=world.panel_a, panel_member=world.panel["a"], application=app, reason="My group"
    )
    _as(client, world.panel_a)
    page = client.get(reverse("grants:application", args=[app.uuid])).content.decode()
    assert "you cannot score it" in page and "Save scores" not in page
    need, reach = world.round.criteria.order_by("position")
    response = client.post(
        reverse("grants:application_score", args=[app.uuid]),
        {f"score_{need.pk}": "4", f"score_{reach.pk}": "8"},
    )
    assert response.status_code == 403
    assert "you cannot score it" in response.content.decode()
    assert not Score.objects.exists()
    # Another panel member scores it.
    _as(client, world.community_panel)
    assert (
        "Save scores" in client.get(reverse("grants:application", args=[app.uuid])).content.decode()
    )


def test_a_score_out_of_range_is_shown_on_its_field(client: Client, world: GrantsWorld) -> None:
    app = submit(world)
    need, reach = world.round.criteria.order_by("position")
    response = _as(client, world.panel_a).post(
        reverse("grants:application_score", args=[app.uuid]),
        {f"score_{need.pk}": "9", f"score_{reach.pk}": "8"},
    )
    assert response.status_code == 400
    assert "Give “Need” a score from 0 to 5" in response.content.decode()
    assert not Score.objects.exists()


def test_the_grantee_reports_through_the_emailed_link(client: Client, world: GrantsWorld) -> None:
    from linkwell.grants.services.monitoring import report_token

    app = submit(world)
    application_award(
        actor=world.manager, application=app, amount="450", reason="Good", expected_version=1
    )
    url = reverse("grants:report", args=[report_token(app)])
    assert client.get(url).status_code == 200
    assert client.get(url + "x/").status_code == 404
    response = client.post(url, {"what_happened": "Walks", "people_reached": "18"})
    assert response.status_code == 302
    assert "Thank you for your report" in client.get(url).content.decode()


def test_staff_apply_signed_in_and_practice_staff_may_ask_for_doctorpreneur(
    client: Client, world: GrantsWorld
) -> None:
    _as(client, world.p.referrer)
    response = client.post(
        reverse("grants:staff_apply", args=[world.doctor_round.uuid]),
        {**GOOD, "tier": str(world.doctor_tier.uuid), "amount_requested": "500"},
    )
    assert response.status_code == 302
    assert Application.objects.get().applicant_user == world.p.referrer


def test_the_round_list_takes_the_same_queries_for_more_applications(
    client: Client, world: GrantsWorld, django_assert_max_num_queries: object
) -> None:
    _as(client, world.manager)
    url = reverse("grants:round", args=[world.round.uuid])
    for _ in range(2):
        submit(world)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        submit(world)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_grant_figures_are_for_commissioners_and_suppress_small_counts(
    client: Client, world: GrantsWorld
) -> None:
    for _ in range(3):
        submit(world)
    page = _as(client, world.p.commissioner).get(reverse("grants:figures"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Spring" in text and "*" in text
    assert _as(Client(), world.p.outsider).get(reverse("grants:figures")).status_code == 403


def test_the_figures_take_the_same_queries_for_more_rounds(
    client: Client, world: GrantsWorld
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linkwell.grants.services import round_create

    _as(client, world.p.commissioner)
    client.get(reverse("grants:figures"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("grants:figures"))
    for i in range(3):
        round_create(
            actor=world.manager,
            programme=world.programme,
            name=f"Old {i}",
            opens_on=world.round.opens_on.replace(year=2020),
            closes_on=world.round.opens_on.replace(year=2020),
            budget=Decimal("100"),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("grants:figures"))
    assert len(many) == len(few)


def test_the_home_page_shows_the_grants_card_to_managers_and_panel_members(
    client: Client, world: GrantsWorld
) -> None:
    assert "grants-card" in _as(Client(), world.manager).get("/").content.decode()
    assert "grants-card" in _as(Client(), world.panel_a).get("/").content.decode()
    assert "grants-card" not in _as(Client(), world.p.outsider).get("/").content.decode()
    assert PASSWORD
