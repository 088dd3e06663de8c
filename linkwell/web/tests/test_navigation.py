"""Finding one's way: menu items for commissioners and practice staff, error pages in the NHS.UK
layout that say what to do, and every address the README names."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django.template import loader
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from linkwell.accounts.models import Organisation, OrganisationKind, Role
from linkwell.volunteering.tests.factories import build_cast
from tests.personas import Personas, make_user

README = Path(__file__).resolve().parents[3] / "README.md"


def menu(client: Client) -> dict[str, str]:
    # Home sends a volunteer with no staff role on to their own page, under the same menu.
    nav = client.get("/", follow=True).content.decode().split('aria-label="Menu"', 1)[1]
    return {
        label: url
        for url, label in re.findall(
            r'class="nhsuk-header__navigation-link" href="([^"]+)"[^>]*>(?:<strong[^>]*>)?([^<]+)',
            nav,
        )
    }


# --- the menu ----------------------------------------------------------------------------------


def test_commissioners_reach_the_quarterly_report_from_the_menu(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.commissioner)
    items = menu(client)
    assert items["Reports"] == reverse("reports:quarterly")
    assert items["Evidence"] == reverse("evidence:index")
    assert client.get(items["Reports"]).status_code == 200


def test_practice_staff_reach_their_invite_lists_from_the_menu(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.referrer)
    items = menu(client)
    assert items["Invite lists"] == reverse("population:practice_invites")
    assert client.get(items["Invite lists"]).status_code == 200


def test_referrers_outside_a_gp_practice_get_no_invite_lists(
    client: Client, personas: Personas
) -> None:
    fire = Organisation.objects.create(
        name="Shropshire Fire and Rescue", kind=OrganisationKind.FIRE_AND_RESCUE
    )
    client.force_login(make_user("crew@fire.example", fire, Role.REFERRER))
    assert "Invite lists" not in menu(client)


# --- error pages -------------------------------------------------------------------------------


def test_a_forbidden_page_uses_the_nhs_layout_and_says_why_and_what_to_do(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.commissioner)
    response = client.get(reverse("referrals:triage"))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'class="nhsuk-header"' in page
    assert "You do not have access to this page" in page
    assert "Triage is for link-worker teams." in page
    assert "ask your team manager or your Linkwell administrator" in page
    assert f'href="{reverse("web:home")}"' in page
    # The person keeps their menu, so they can go on to what they may use; no item is marked
    # as the page they are on.
    assert "Reports" in menu(client)
    assert 'aria-current="page"' not in page


def test_a_missing_page_uses_the_nhs_layout(client: Client, personas: Personas) -> None:
    client.force_login(personas.link_worker)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'class="nhsuk-header"' in page and "Page not found" in page
    assert "check it is correct" in page


def test_a_form_without_its_security_check_says_what_to_do(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("referrals:self_referral"), {})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be sent" in page and 'class="nhsuk-header"' in page


def test_the_server_error_page_renders_without_a_request() -> None:
    page = loader.get_template("500.html").render()
    assert "Sorry, there is a problem with the service" in page


# --- addresses in the README -------------------------------------------------------------------


def readme_paths() -> list[str]:
    return sorted(set(re.findall(r"`(/[^`\s]*)`", README.read_text(encoding="utf-8"))))


def test_the_readme_names_site_addresses() -> None:
    assert {"/reports/", "/population/", "/triage/", "/self-referral/"} <= set(readme_paths())


@pytest.mark.parametrize("path", readme_paths())
def test_every_address_the_readme_names_exists(path: str) -> None:
    concrete = re.sub(r"<[^>]+>", str(uuid.uuid4()), path)
    try:
        resolve(concrete)
    except Resolver404:
        pytest.fail(f"README names {path}, which is not a page")


def test_reports_goes_to_the_quarterly_report(client: Client, personas: Personas) -> None:
    client.force_login(personas.commissioner)
    response = client.get("/reports/", follow=True)
    assert response.redirect_chain[0][0] == reverse("reports:quarterly")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "page"),
    [
        ("link_worker", "population:invite_lists"),
        ("team_manager", "population:invite_lists"),
        ("referrer", "population:practice_invites"),
    ],
)
def test_population_goes_to_the_invite_lists_for_the_users_role(
    client: Client, personas: Personas, persona: str, page: str
) -> None:
    client.force_login(getattr(personas, persona))
    response = client.get("/population/", follow=True)
    assert response.redirect_chain[0][0] == reverse(page)
    assert response.status_code == 200


def test_population_tells_others_it_is_not_for_them(client: Client, personas: Personas) -> None:
    client.force_login(personas.owner)
    response = client.get("/population/")
    assert response.status_code == 403
    assert "link-worker teams and GP practice staff" in response.content.decode()


def test_the_audit_item_is_in_the_menu_of_exactly_those_who_may_read_the_trail(
    client: Client, personas: Personas
) -> None:
    from linkwell.accounts.audit_trail import can_view_audit_trail
    from linkwell.accounts.models import Membership, User

    lws = Membership.objects.filter(user=personas.link_worker).first()
    assert lws is not None
    # An administrator membership that is writable, and one that is read only (no trail).
    writable_admin = make_user("admin2@linkwell.example", lws.organisation, Role.ADMINISTRATOR)
    read_only_admin = make_user(
        "admin3@linkwell.example", lws.organisation, Role.ADMINISTRATOR, read_only=True
    )
    superuser = make_user("root@linkwell.example", None, None, is_superuser=True)
    people = [
        *(
            value
            for name in personas.__dataclass_fields__
            if isinstance(value := getattr(personas, name), User)
        ),
        writable_admin,
        read_only_admin,
        superuser,
    ]
    shown = {}
    for user in people:
        client.force_login(user)
        shown[user.email] = ("Audit" in menu(client), can_view_audit_trail(user=user))
    assert all(in_menu == allowed for in_menu, allowed in shown.values()), shown
    assert shown["admin2@linkwell.example"] == (True, True)
    assert shown["admin3@linkwell.example"] == (False, False)
    assert shown[personas.team_manager.email] == (True, True)
    assert shown[personas.link_worker.email] == (False, False)


@pytest.mark.parametrize(
    "who",
    [
        "owner",
        "teammate",
        "read_only",
        "outsider",
        "link_worker",
        "team_manager",
        "commissioner",
        "admin",
        "referrer",
        "volunteer",
    ],
)
def test_every_item_in_a_persons_menu_opens(client: Client, personas: Personas, who: str) -> None:
    """The menu offers only what the person may open: no item answers "not for you"."""
    user = build_cast(personas).volunteer if who == "volunteer" else getattr(personas, who)
    client.force_login(user)
    items = menu(client)
    assert len(items) >= 2
    opened = {label: client.get(url, follow=True).status_code for label, url in items.items()}
    assert opened == dict.fromkeys(items, 200)
