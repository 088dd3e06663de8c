from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from tests.personas import PASSWORD


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
def test_it_signs_out_after_the_idle_limit_and_says_why(client, personas, clock) -> None:
    client.post(reverse("accounts:login"), {"email": personas.owner.email, "password": PASSWORD})
    assert client.get("/").status_code == 200
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200  # activity restarts the clock
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/directory/?q=walk")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=%2Fdirectory%2F%3Fq%3Dwalk"
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you were inactive." in page
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(
        action="signed_out", detail__reason="idle_timeout", actor_id=personas.owner.pk
    )
    assert event.channel == "web"
    assert event.request_id


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
def test_an_idle_api_request_is_answered_as_anonymous_not_redirected(
    client, personas, clock
) -> None:
    client.force_login(personas.owner)
    client.get("/")
    clock.advance(minutes=31)
    response = client.get("/api/schema/")
    assert response.status_code != 302  # (the schema itself is public)
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="signed_out", detail__reason="idle_timeout")
    assert event.channel == "api"
