"""The setup pages, by persona: programme manager, read-only manager (403), panel member,
outsider (404), anonymous (sign in); bad input shown with an error summary, changing nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.grants.models import PanelMember, Programme, Round, Tier
from linkwell.grants.services import application_award
from linkwell.grants.tests.factories import GrantsWorld, submit

pytestmark = pytest.mark.django_db


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(w: GrantsWorld) -> dict[str, str]:
    need = w.round.criteria.get(name="Need")
    return {
        "programme": reverse("grants:programme", args=[w.programme.uuid]),
        "programme_edit": reverse("grants:programme_edit", args=[w.programme.uuid]),
        "tier_new": reverse("grants:tier_new", args=[w.programme.uuid]),
        "tier_edit": reverse("grants:tier_edit", args=[w.try_it.uuid]),
        "round_new": reverse("grants:round_new", args=[w.programme.uuid]),
        "round_edit": reverse("grants:round_edit", args=[w.round.uuid]),
        "criterion_new": reverse("grants:criterion_new", args=[w.round.uuid]),
        "criterion_edit": reverse("grants:criterion_edit", args=[need.uuid]),
        "panel_add": reverse("grants:panel_add", args=[w.round.uuid]),
    }


def test_each_setup_page_by_persona(client: Client, world: GrantsWorld) -> None:
    pages = _pages(world)
    # The programme page only looks, so a read-only manager sees it; every other page changes.
    expected = {
        "manager": dict.fromkeys(pages, 200),
        "read_only": {name: 200 if name == "programme" else 403 for name in pages},
        # A panel member sees the round (so changing it is 403), never the programme's pages.
        "panel": {
            name: 403
            if name in {"round_edit", "criterion_new", "criterion_edit", "panel_add"}
            else 404
            for name in pages
        },
        "outsider": dict.fromkeys(pages, 404),
        "commissioner_elsewhere": dict.fromkeys(pages, 404),
    }
    users = {
        "manager": world.manager,
        "read_only": world.read_only_manager,
        "panel": world.panel_a,
        "outsider": world.p.outsider,
        "commissioner_elsewhere": world.p.commissioner,
    }
    for persona, statuses in expected.items():
        c = _as(users[persona])
        for name, url in pages.items():
            assert c.get(url).status_code == statuses[name], (persona, name)
    for url in pages.values():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_new_programme_page_by_persona(world: GrantsWorld) -> None:
    url = reverse("grants:programme_new")
    assert _as(world.manager).get(url).status_code == 200
    assert _as(world.read_only_manager).get(url).status_code == 403
    assert _as(world.p.outsider).get(url).status_code == 404
    assert _as(world.panel_a).get(url).status_code == 404


def test_the_home_page_links_managers_to_their_programmes_and_setting_up(
    world: GrantsWorld,
) -> None:
    page = _as(world.manager).get(reverse("grants:home")).content.decode()
    assert reverse("grants:programme_new") in page
    assert reverse("grants:programme", args=[world.programme.uuid]) in page
    read_only = _as(world.read_only_manager).get(reverse("grants:home")).content.decode()
    assert reverse("grants:programme", args=[world.programme.uuid]) in read_only
    assert reverse("grants:programme_new") not in read_only
    panel = _as(world.panel_a).get(reverse("grants:home")).content.decode()
    assert "Programmes you manage" not in panel and reverse("grants:programme_new") not in panel


def test_the_round_page_links_writable_managers_to_its_setup(world: GrantsWorld) -> None:
    url = reverse("grants:round", args=[world.round.uuid])
    page = _as(world.manager).get(url).content.decode()
    for name in ("round_edit", "criterion_new", "panel_add"):
        assert reverse(f"grants:{name}", args=[world.round.uuid]) in page
    read_only = _as(world.read_only_manager).get(url).content.decode()
    assert reverse("grants:round_edit", args=[world.round.uuid]) not in read_only
    assert "Remove" not in read_only


def test_a_manager_sets_up_a_programme_for_their_organisation(world: GrantsWorld) -> None:
    response = _as(world.manager).post(
        reverse("grants:programme_new"),
        {
            "organisation": str(world.pcn.uuid),
            "name": "Green spaces",
            "summary": "Gardens and walks",
            "eligibility": "Groups in the PCN area",
        },
    )
    programme = Programme.objects.get(name="Green spaces")
    assert programme.organisation == world.pcn and programme.eligibility == "Groups in the PCN area"
    assert response["Location"] == reverse("grants:programme", args=[programme.uuid])


def test_a_programme_for_an_organisation_not_managed_is_refused(world: GrantsWorld) -> None:
    response = _as(world.manager).post(
        reverse("grants:programme_new"),
        {"organisation": str(world.p.provider_org.uuid), "name": "Sneaky"},
    )
    assert response.status_code == 400
    assert "Choose an organisation whose grants you manage" in response.content.decode()
    assert not Programme.objects.filter(name="Sneaky").exists()


def test_a_read_only_manager_changes_nothing(world: GrantsWorld) -> None:
    pages = _pages(world)
    c = _as(world.read_only_manager)
    assert c.post(pages["tier_edit"], {"name": "X", "maximum_amount": "9"}).status_code == 403
    assert c.post(pages["panel_add"], {"email": "owner@shed.example"}).status_code == 403
    remove = reverse("grants:panel_remove", args=[world.panel["a"].uuid])
    assert c.post(remove).status_code == 403
    assert c.post(reverse("grants:programme_new"), {"name": "X"}).status_code == 403
    world.try_it.refresh_from_db()
    assert world.try_it.maximum_amount == Decimal("500")
    assert world.round.panel.count() == 3 and Programme.objects.count() == 2


def test_an_outsider_cannot_remove_a_panel_member(world: GrantsWorld) -> None:
    remove = reverse("grants:panel_remove", args=[world.panel["a"].uuid])
    assert _as(world.p.outsider).post(remove).status_code == 404
    assert _as(world.panel_b).post(remove).status_code == 403
    assert PanelMember.objects.filter(pk=world.panel["a"].pk).exists()


def test_a_tier_with_its_most_below_its_least_is_shown_with_an_error_summary(
    world: GrantsWorld,
) -> None:
    response = _as(world.manager).post(
        _pages(world)["tier_edit"],
        {
            "name": "Try it",
            "minimum_amount": "£600",
            "maximum_amount": "500",
            "who_may_apply": "anyone",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "The most a tier awards (£500) cannot be less than the least (£600)" in page
    assert 'href="#id_maximum_amount"' in page
    world.try_it.refresh_from_db()
    assert world.try_it.minimum_amount == Decimal("0")


def test_a_manager_changes_a_tiers_amounts(world: GrantsWorld) -> None:
    response = _as(world.manager).post(
        _pages(world)["tier_edit"],
        {
            "name": "Try it",
            "minimum_amount": "100",
            "maximum_amount": "£1,000",
            "who_may_apply": "anyone",
        },
    )
    assert response.status_code == 302
    world.try_it.refresh_from_db()
    assert world.try_it.maximum_amount == Decimal("1000")


def test_a_new_tier_with_a_duplicate_name_is_refused(world: GrantsWorld) -> None:
    response = _as(world.manager).post(
        _pages(world)["tier_new"],
        {"name": "Do it", "minimum_amount": "0", "maximum_amount": "50", "who_may_apply": "anyone"},
    )
    assert response.status_code == 400
    assert "This programme already has a tier called Do it" in response.content.decode()
    assert Tier.objects.filter(programme=world.programme).count() == 3


def test_a_new_round_with_bad_dates_and_budget_is_refused(world: GrantsWorld) -> None:
    url = _pages(world)["round_new"]
    response = _as(world.manager).post(
        url,
        {"name": "Autumn", "opens_on": "2026-10-01", "closes_on": "2026-09-01", "budget": "-5"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The closing date must be on or after the opening date" in page
    assert "The budget cannot be negative" in page
    blank = _as(world.manager).post(url, {"name": "Autumn"}).content.decode()
    assert "Enter the date the round opens" in blank and "Enter the budget in pounds" in blank
    assert not Round.objects.filter(name="Autumn").exists()


def test_a_manager_opens_a_new_round(world: GrantsWorld) -> None:
    response = _as(world.manager).post(
        _pages(world)["round_new"],
        {"name": "Autumn", "opens_on": "2026-09-01", "closes_on": "2026-10-01", "budget": "8000"},
    )
    round_ = Round.objects.get(name="Autumn")
    assert round_.budget == Decimal("8000") and round_.programme == world.programme
    assert response["Location"] == reverse("grants:round", args=[round_.uuid])


def test_lowering_the_budget_below_the_awards_is_refused_on_the_page(world: GrantsWorld) -> None:
    app = submit(world)
    application_award(
        actor=world.manager,
        application=app,
        amount="450",
        reason="Good",
        expected_version=app.version,
    )
    round_ = Round.objects.get(pk=world.round.pk)
    response = _as(world.manager).post(
        _pages(world)["round_edit"],
        {
            "name": round_.name,
            "opens_on": round_.opens_on.isoformat(),
            "closes_on": round_.closes_on.isoformat(),
            "budget": "300",
            "version": str(round_.version),
        },
    )
    assert response.status_code == 400
    assert (
        "£450 has already been awarded in this round, so the budget cannot be less than that"
        in response.content.decode()
    )
    assert Round.objects.get(pk=round_.pk).budget == Decimal("1000")


def test_a_stale_round_form_is_refused_with_409(world: GrantsWorld) -> None:
    round_ = world.round
    data = {
        "name": round_.name,
        "opens_on": round_.opens_on.isoformat(),
        "closes_on": round_.closes_on.isoformat(),
        "budget": "1200",
        "version": str(round_.version),
    }
    c = _as(world.manager)
    assert c.post(_pages(world)["round_edit"], data).status_code == 302
    stale = c.post(_pages(world)["round_edit"], {**data, "budget": "900"})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    assert Round.objects.get(pk=round_.pk).budget == Decimal("1200")


def test_a_manager_adds_and_changes_criteria(world: GrantsWorld) -> None:
    c = _as(world.manager)
    pages = _pages(world)
    assert c.post(pages["criterion_new"], {"name": "Value", "max_score": "5", "weight": "1"})[
        "Location"
    ].endswith("#criteria")
    assert world.round.criteria.filter(name="Value", max_score=5).exists()
    bad = c.post(pages["criterion_edit"], {"name": "Reach", "max_score": "500", "weight": "0"})
    page = bad.content.decode()
    assert bad.status_code == 400
    assert "This round already has a criterion called Reach" in page
    assert "The maximum score must be from 1 to 100" in page
    assert "The weight must be more than 0 and at most 100" in page
    assert world.round.criteria.filter(name="Need", max_score=5).exists()


def test_a_manager_adds_a_panel_member_by_email_and_removes_them(world: GrantsWorld) -> None:
    c = _as(world.manager)
    pages = _pages(world)
    unknown = c.post(pages["panel_add"], {"email": "nobody@example.org"})
    assert unknown.status_code == 400 and "nobody@example.org" in unknown.content.decode()
    twice = c.post(pages["panel_add"], {"email": "panel-a@pcn.example"})
    assert "is already on this round&#x27;s panel" in twice.content.decode()
    assert c.post(pages["panel_add"], {"email": "owner@shed.example"}).status_code == 302
    member = PanelMember.objects.get(round=world.round, user=world.p.owner)
    response = c.post(reverse("grants:panel_remove", args=[member.uuid]), follow=True)
    assert "Owner is no longer on the panel." in response.content.decode()
    assert not PanelMember.objects.filter(pk=member.pk).exists()


def test_removing_a_panel_member_who_scored_says_why_not(world: GrantsWorld) -> None:
    app = submit(world)
    need, reach = world.round.criteria.order_by("position")
    _as(world.panel_a).post(
        reverse("grants:application_score", args=[app.uuid]),
        {f"score_{need.pk}": "4", f"score_{reach.pk}": "8"},
    )
    response = _as(world.manager).post(
        reverse("grants:panel_remove", args=[world.panel["a"].uuid]), follow=True
    )
    assert "has already scored applications in this round" in response.content.decode()
    assert PanelMember.objects.filter(pk=world.panel["a"].pk).exists()


def test_links_on_the_grants_pages_open_for_whoever_is_shown_them(world: GrantsWorld) -> None:
    """Grant figures are linked only for those who may read them, and a panel member from the
    community applies on the public form (Linkwell's own form is for staff)."""
    home = reverse("grants:home")
    figures = reverse("grants:figures")
    for user in (world.manager, world.panel_a, world.community_panel, world.p.link_worker):
        client = _as(user)
        shown = figures in client.get(home).content.decode()
        assert shown == (client.get(figures).status_code == 200), user.email
    assert figures in _as(world.manager).get(home).content.decode()
    round_page = reverse("grants:round", args=[world.round.uuid])
    staff_form = reverse("grants:staff_apply", args=[world.round.uuid])
    public_form = reverse("grants:apply", args=[world.round.uuid])
    for user, form in ((world.panel_a, staff_form), (world.community_panel, public_form)):
        client = _as(user)
        page = client.get(round_page).content.decode()
        assert f'href="{form}"' in page, user.email
        assert client.get(form).status_code == 200, user.email
    assert staff_form not in _as(world.community_panel).get(round_page).content.decode()
