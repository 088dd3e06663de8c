from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from random import Random
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from linkwell.accounts.models import Area, Organisation, OrganisationKind, Role, User
from linkwell.audit.models import AuditEvent
from linkwell.demo.catalogue import REQUIRED_LOCAL
from linkwell.demo.directory import DemoIds, build_directory, demo_uuid
from linkwell.demo.loader import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    demo_load,
    demo_places,
    demo_reset,
)
from linkwell.directory.access import can_edit_organization
from linkwell.directory.models import (
    Attribute,
    DirectoryOrganization,
    Phone,
    Service,
    TaxonomyTerm,
)
from linkwell.directory.quality import QAStatus, quality_summary
from linkwell.directory.taxonomies import shipped_taxonomies, shipped_terms

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


def _fake_term_pks() -> dict[tuple[str, str], int]:
    pairs = [
        (t["code"], code) for t in shipped_taxonomies() for _, code, _ in shipped_terms(t["code"])
    ]
    return {pair: i + 1 for i, pair in enumerate(pairs)}


def _build(seed: int):
    return build_directory(
        rng=Random(seed),
        today=NOW.date(),
        now=NOW,
        places=demo_places(),
        term_pks=_fake_term_pks(),
        verify_after_days=182,
        qa_expiring_days=30,
        ids=DemoIds(),
        required=REQUIRED_LOCAL,
    )


def test_the_same_seed_gives_the_same_providers_services_and_ids() -> None:
    first, again, other = _build(42), _build(42), _build(7)
    names = [(s.uuid, s.name, s.organization.name) for s in first.services]
    assert names == [(s.uuid, s.name, s.organization.name) for s in again.services]
    assert [s.description for s in first.schedules] == [s.description for s in again.schedules]
    assert [s.name for s in other.services] != [s.name for s in first.services]


@pytest.mark.slow
@pytest.mark.django_db
def test_it_creates_a_realistic_area_with_one_sign_in_per_role() -> None:
    summary = demo_load(seed=42, now=NOW)
    assert summary.created
    assert DirectoryOrganization.objects.count() >= 120
    assert Service.objects.count() >= 300
    categories = Attribute.objects.filter(link_type="category").values("taxonomy_term").distinct()
    assert categories.count() >= 20
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds[OrganisationKind.GP_PRACTICE] >= 3
    for kind in (
        "pcn",
        "link_worker_service",
        "local_authority",
        "fire_and_rescue",
        "commissioner",
    ):
        assert kinds[kind] >= 1, kind
    assert {x.role for x in DEMO_LOGINS} == set(Role.values)

    statuses = Counter(
        quality_summary(o.quality_checks.all(), today=NOW.date()).status
        for o in DirectoryOrganization.objects.prefetch_related("quality_checks")
    )
    assert statuses[QAStatus.ASSURED] > statuses[QAStatus.EXPIRING] > 0
    assert statuses[QAStatus.LAPSED] > 0
    stale = sum(s.is_stale(now=NOW) for s in Service.objects.all())
    assert 0 < stale < Service.objects.count() / 2
    assert Service.objects.filter(capacity_maximum__isnull=False).exists()
    assert Service.objects.filter(schedules__valid_to__isnull=False).exists() or (
        Service.objects.filter(service_at_locations__schedules__valid_to__isnull=False).exists()
    )
    # Nothing in the demo reaches a real person: Ofcom drama numbers, example.org addresses.
    assert all(
        re.fullmatch(r"01632 960\d{3}", n) for n in Phone.objects.values_list("number", flat=True)
    )
    assert all(
        e.endswith(".example.org")
        for e in DirectoryOrganization.objects.values_list("email", flat=True)
    )

    shed_staff = User.objects.get(email="provider@demo.example.org")
    shed = DirectoryOrganization.objects.get(name="Oswestry Men's Shed")
    assert shed.owner is not None and shed.owner.name == "Oswestry Men's Shed"
    assert can_edit_organization(shed_staff, shed)
    assert not can_edit_organization(
        shed_staff, DirectoryOrganization.objects.get(name="Oswestry Food Bank")
    )

    for login in DEMO_LOGINS:
        client = Client()
        response = client.post(
            "/accounts/login/", {"email": login.email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, login.email
        assert client.get("/").status_code == 200


def _directory_services() -> Any:
    """The demo directory's services, without the listing a grant's new group became (made by
    community moderation after `demo_load`'s summary, with a fresh id: linkwell/demo/grants.py)."""
    from linkwell.community.models import Suggestion

    from_grants = Suggestion.objects.filter(grant_reports__isnull=False).values("service")
    return Service.objects.exclude(pk__in=from_grants)


@pytest.mark.slow
@pytest.mark.django_db
def test_running_the_command_twice_adds_nothing_and_audits_one_summary() -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo loaded (seed 42)" in out.getvalue()
    counts = (DirectoryOrganization.objects.count(), Service.objects.count(), User.objects.count())
    terms = TaxonomyTerm.objects.count()
    ids = sorted(_directory_services().values_list("uuid", flat=True))

    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (
        DirectoryOrganization.objects.count(),
        Service.objects.count(),
        User.objects.count(),
    ) == counts
    assert TaxonomyTerm.objects.count() == terms
    event = AuditEvent.objects.get(action="demo.load")
    assert event.channel == "command"
    assert event.detail["counts"]["services"] == _directory_services().count()

    call_command("demo", "--reset", stdout=io.StringIO())
    assert sorted(_directory_services().values_list("uuid", flat=True)) == ids


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_loading_the_demo_prints_no_e_mails(
    capfd: pytest.CaptureFixture[str], settings: Any
) -> None:
    """As in `make run`, where e-mail goes to the console: the demo's fictional providers are
    sent nothing, so the console shows the summary, not raw messages. (A transactional test:
    e-mails go out when each change commits.)"""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo loaded (seed 42)" in out.getvalue()
    assert "Content-Type:" not in capfd.readouterr().out


@pytest.mark.slow
@pytest.mark.django_db
def test_reset_removes_the_demo_and_leaves_other_listings_alone() -> None:
    mine = DirectoryOrganization.objects.create(name="A real provider")
    demo_load(seed=3, now=NOW)
    demo_reset()
    assert list(DirectoryOrganization.objects.all()) == [mine]
    assert not Service.objects.exists()
    assert not User.objects.filter(email__endswith="@demo.example.org").exists()
    assert not Organisation.objects.exists()
    assert not Attribute.objects.exists()
    assert AuditEvent.objects.filter(action="demo.reset").count() == 1


@pytest.mark.django_db
def test_print_logins_shows_every_role_email_and_the_password() -> None:
    out = io.StringIO()
    call_command("demo", "--print-logins", stdout=out)
    assert "run `linkwell demo` first" in out.getvalue()
    # Only the marker matters to --print-logins; the full load is tested above.
    Area.objects.create(uuid=demo_uuid("area", 0), name="Demo")
    out = io.StringIO()
    call_command("demo", "--print-logins", "--url", "http://127.0.0.1:8000/", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    # Without --url: the configured site address (`make run` sets it from HOST and PORT).
    with override_settings(SITE_URL="http://10.1.2.3:9000"):
        out = io.StringIO()
        call_command("demo", "--print-logins", stdout=out)
        assert "http://10.1.2.3:9000/" in out.getvalue()
    for login in DEMO_LOGINS:
        assert login.email in text and login.role_label in text
    assert DEMO_PASSWORD in text
    assert settings.AUTH_PASSWORD_VALIDATORS  # the demo password was validated against these
