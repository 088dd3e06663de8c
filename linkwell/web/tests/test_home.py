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
