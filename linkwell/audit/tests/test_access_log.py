from __future__ import annotations

from django.contrib.auth.models import Group
from django.test import RequestFactory
from rest_framework.generics import RetrieveAPIView
from rest_framework.serializers import ModelSerializer
from rest_framework.test import APIRequestFactory, force_authenticate

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


# Any model will do for the mixin: Django's Group, so the audit app's tests import nothing from
# the apps above it.
class _GroupSerializer(ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Group
        fields = ["name"]


class _GroupDetail(AccessLoggedMixin, RetrieveAPIView):  # type: ignore[type-arg]
    queryset = Group.objects.all()
    serializer_class = _GroupSerializer

    def access_log_person_id(self, obj):
        return f"person-of-{obj.pk}"


def test_the_drf_mixin_logs_each_detail_read_through_the_api(personas) -> None:
    group = Group.objects.create(name="Walkers")
    request = APIRequestFactory().get(f"/api/groups/{group.pk}/")
    force_authenticate(request, user=personas.team_manager)
    with audit_context(channel=Channel.API):
        response = _GroupDetail.as_view()(request, pk=group.pk)
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert event.channel == Channel.API
    assert event.actor_id == personas.team_manager.pk
    assert event.person_id == f"person-of-{group.pk}"


def test_the_drf_mixin_logs_nothing_when_the_record_is_not_found(personas) -> None:
    request = APIRequestFactory().get("/api/groups/0/")
    force_authenticate(request, user=personas.team_manager)
    response = _GroupDetail.as_view()(request, pk=0)
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()
