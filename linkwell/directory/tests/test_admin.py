"""The directory's records in the admin: view-only (registered in directory/admin.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwell.directory.models import DirectoryOrganization, Service

pytestmark = pytest.mark.django_db


def test_directory_records_are_view_only_in_the_admin(client, personas) -> None:
    org = DirectoryOrganization.objects.create(name="Men's Shed", owner=personas.provider_org)
    service = Service.objects.create(organization=org, name="Woodwork mornings")
    client.force_login(personas.admin)
    changelist = client.get(reverse("admin:directory_service_changelist"))
    assert changelist.status_code == 200
    assert "Woodwork mornings" in changelist.content.decode()
    assert client.get(reverse("admin:directory_service_add")).status_code == 403
    assert (
        client.get(reverse("admin:directory_service_delete", args=[service.pk])).status_code == 403
    )
    detail = client.get(reverse("admin:directory_service_change", args=[service.pk]))
    assert 'name="_save"' not in detail.content.decode()
    client.post(reverse("admin:directory_service_change", args=[service.pk]), {"name": "Tampered"})
    service.refresh_from_db()
    assert service.name == "Woodwork mornings"
