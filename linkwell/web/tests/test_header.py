"""The shared header (base.html, context_processors.linkwell): NHS.UK frontend 10.6's markup, so
its script moves what does not fit into the "More" menu, and a menu each person can use."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import Personas

MODERATION = "Community listings to check"


def menu_labels(page: str) -> list[str]:
    nav = page.split('aria-label="Menu"', 1)[1].split("</nav>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", label)
        for label in re.findall(
            r'class="nhsuk-header__navigation-link" href="[^"]+"[^>]*>(.*?)</a>', nav
        )
    ]


def test_the_header_starts_the_frontend_script_and_has_its_more_menu(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.team_manager)
    page = client.get("/").content.decode()
    assert '<header class="nhsuk-header" data-module="nhsuk-header" role="banner">' in page
    assert '<li class="nhsuk-header__menu" hidden>' in page
    assert 'class="nhsuk-header__menu-toggle nhsuk-header__navigation-link"' in page
    # The current page is marked for screen readers and, in bold, for people who override colours.
    assert (
        'aria-current="page"><strong class="nhsuk-header__navigation-item-current-fallback">'
        "Home</strong>"
    ) in page


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "link_worker",
            ["Home", "Directory", "Triage", "Caseload", "Courses", MODERATION, "Practices"],
        ),
        (
            "team_manager",
            [
                "Home",
                "Directory",
                "Triage",
                "Team",
                "Gaps",
                "Courses",
                "Economics",
                "Evidence",
                "Reports",
                MODERATION,
                "Co-production",
                "Grants",
                "Practices",
                "Audit",
            ],
        ),
        (
            "commissioner",
            ["Home", "Directory", "Economics", "Evidence", "Reports", "Grants", "Practices"],
        ),
        ("owner", ["Home", "Directory", "Your listings", "Referrals in"]),
        ("referrer", ["Home", "Directory", "Refer", "Messages back", "Invite lists", "Practices"]),
    ],
)
def test_each_role_gets_its_menu(
    client: Client, personas: Personas, persona: str, expected: list[str]
) -> None:
    client.force_login(getattr(personas, persona))
    assert menu_labels(client.get("/").content.decode()) == expected


def test_community_moderation_is_not_called_suggestions(client: Client, personas: Personas) -> None:
    """A case's matching "suggestions" are a different thing from the public's suggested groups."""
    client.force_login(personas.link_worker)
    page = client.get("/").content.decode()
    assert f'href="{reverse("community:moderation")}">{MODERATION}</a>' in page
    assert "Suggestions" not in menu_labels(page)


def test_visitors_get_the_public_menu_with_the_current_page_marked(
    client: Client, db: None
) -> None:
    page = client.get(reverse("public:help")).content.decode()
    assert menu_labels(page) == ["Find groups", "What could help me?"]
    assert f'href="{reverse("public:help")}" aria-current="page"' in page
    assert 'data-module="nhsuk-header"' in page
    assert "Sign out" not in page
