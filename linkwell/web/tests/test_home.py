from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "persona",
    ["owner", "teammate", "read_only", "outsider", "link_worker", "team_manager", "admin"],
)
def test_every_signed_in_persona_sees_their_roles_and_their_account_link(
    client, personas, persona
) -> None:
    user = getattr(personas, persona)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert reverse("accounts:account") in page
    for m in user.memberships.all():
        assert m.get_role_display() in page


def test_the_read_only_member_is_told_so(client, personas) -> None:
    client.force_login(personas.read_only)
    assert "(read only)" in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, db) -> None:
    assert client.get("/")["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("cases", [1, 15])
def test_the_home_page_takes_a_fixed_number_of_queries(
    client, personas, cases, django_assert_max_num_queries
) -> None:
    from linkwell.casework.tests.factories import case_for

    for _ in range(cases):
        case_for(personas)
    client.force_login(personas.link_worker)
    client.get("/")
    # Session, user, the two-factor check, the menu, the memberships and the cards: not per case.
    with django_assert_max_num_queries(7):
        assert client.get("/").status_code == 200
