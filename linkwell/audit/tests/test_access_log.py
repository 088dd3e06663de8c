from __future__ import annotations

from django.test import RequestFactory
from rest_framework.generics import RetrieveAPIView
from rest_framework.serializers import ModelSerializer
from rest_framework.test import APIRequestFactory, force_authenticate

from linkwell.accounts.models import Organisation
from linkwell.audit.access_log import AccessLoggedMixin, log_access
from linkwell.audit.context import audit_context
from linkwell.audit.models import AuditEvent, Channel, Kind


def test_log_access_records_who_read_whose_record_from_a_view(personas) -> None:
    request = RequestFactory().get("/people/abc/")
    request.user = personas.link_worker
    with audit_context(channel=Channel.WEB):
        log_access(request, personas.provider_org, person_id="person-123")
    event = AuditEvent.objects.get()
    assert event.kind == Kind.ACCESS
    assert event.action == "access"
    assert event.actor_id == personas.link_worker.pk
    assert event.person_id == "person-123"
    assert event.object_id == str(personas.provider_org.uuid)
    assert event.detail == {"path": "/people/abc/", "method": "GET"}
    assert event.channel == Channel.WEB


def test_log_access_refuses_to_log_without_saying_whose_record_it_is(personas) -> None:
    import pytest

    request = RequestFactory().get("/x/")
    request.user = personas.link_worker
    with pytest.raises(ValueError, match="person_id"):
        log_access(request, personas.provider_org, person_id="")


class _OrgSerializer(ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Organisation
        fields = ["name"]


class _OrgDetail(AccessLoggedMixin, RetrieveAPIView):  # type: ignore[type-arg]
    queryset = Organisation.objects.all()
    serializer_class = _OrgSerializer
    lookup_field = "uuid"

    def access_log_person_id(self, obj):
        return f"person-of-{obj.pk}"


def test_the_drf_mixin_logs_each_detail_read_through_the_api(personas) -> None:
    org = personas.provider_org
    request = APIRequestFactory().get(f"/api/orgs/{org.uuid}/")
    force_authenticate(request, user=personas.team_manager)
    with audit_context(channel=Channel.API):
        response = _OrgDetail.as_view()(request, uuid=org.uuid)
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert event.channel == Channel.API
    assert event.actor_id == personas.team_manager.pk
    assert event.person_id == f"person-of-{org.pk}"


def test_the_drf_mixin_logs_nothing_when_the_record_is_not_found(personas) -> None:
    import uuid

    request = APIRequestFactory().get("/api/orgs/x/")
    force_authenticate(request, user=personas.team_manager)
    response = _OrgDetail.as_view()(request, uuid=uuid.uuid4())
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()
