"""Demo data: a fictional social prescribing area around Oswestry and North Shropshire.

`demo_load()` creates the accounts side (an Area, a PCN and four GP practices, a link-worker
service hosted by a VCSE, VCSE providers, the council, the fire service, the ICB) with one sign-in
per role, then a directory of ~135 providers and ~320 services at real postcodes, and the shipped
taxonomies, then ~540 fictional people with referrals and cases in every state (`people.py`). It
is reproducible (everything random comes from `random.Random(seed)`; ids are
uuid5 over a fixed namespace) and idempotent (a second run detects the demo and does nothing;
`demo_reset()` removes exactly what the demo made). One transaction, one summary audit event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from random import Random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from linkwell.accounts.models import Area, Membership, Organisation, Role, User
from linkwell.accounts.services import account_record_save
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.demo import coproduction as coproduction_demo
from linkwell.demo import courses as courses_demo
from linkwell.demo import grants as grants_demo
from linkwell.demo import practice as practice_demo
from linkwell.demo import timebank as timebank_demo
from linkwell.demo import volunteering as volunteering_demo
from linkwell.demo.catalogue import ACCOUNTS_ORGS, PLACES, REQUIRED_LOCAL
from linkwell.demo.directory import (
    DemoIds,
    DirectoryRows,
    Place,
    build_directory,
    create_directory,
    demo_uuid,
)
from linkwell.demo.people import people_load, people_reset
from linkwell.directory.models import (
    Attribute,
    AttributeLinkEntity,
    DirectoryOrganization,
    Location,
    Service,
    TaxonomyTerm,
)
from linkwell.directory.postcodes import lookup
from linkwell.directory.taxonomies import shipped_taxonomies, shipped_terms, taxonomy_seed

DEFAULT_SEED = 42
# Passes every AUTH_PASSWORD_VALIDATOR (length, character classes, not common, not like the
# email). It is printed by `linkwell demo --print-logins`: demo installs only.
DEMO_PASSWORD = "Wellbeing-Oswestry-2025!"  # noqa: S105
DEMO_EMAIL_DOMAIN = "demo.example.org"
DEMO_AREA = "Oswestry and North Shropshire"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    organisation: str  # AccountsOrg key
    is_admin: bool = False
    # False for a volunteer who signs in with no staff membership (volunteering identifies
    # them by their community member record, made by demo/volunteering.py).
    staff: bool = True
    label: str = ""

    @property
    def role_label(self) -> str:
        return self.label or str(Role(self.role).label)


# One sign-in per role. Names are obviously fictional role names, not people.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(Role.LINK_WORKER, f"linkworker@{DEMO_EMAIL_DOMAIN}", "Demo Link Worker", "lws"),
    DemoLogin(Role.TEAM_MANAGER, f"manager@{DEMO_EMAIL_DOMAIN}", "Demo Team Manager", "lws"),
    DemoLogin(Role.REFERRER, f"referrer@{DEMO_EMAIL_DOMAIN}", "Demo GP Receptionist", "gp1"),
    DemoLogin(Role.PROVIDER_STAFF, f"provider@{DEMO_EMAIL_DOMAIN}", "Demo Shed Organiser", "shed"),
    DemoLogin(Role.COMMISSIONER, f"analyst@{DEMO_EMAIL_DOMAIN}", "Demo Commissioner", "icb"),
    DemoLogin(Role.VOLUNTEER, f"volunteer@{DEMO_EMAIL_DOMAIN}", "Demo Volunteer", "lws"),
    DemoLogin(
        Role.ADMINISTRATOR, f"admin@{DEMO_EMAIL_DOMAIN}", "Demo Administrator", "platform", True
    ),
    # Volunteering (demo/volunteering.py); added last so the sign-ins above keep their ids.
    DemoLogin(Role.COORDINATOR, f"coordinator@{DEMO_EMAIL_DOMAIN}", "Demo Coordinator", "occ"),
    DemoLogin(
        Role.COORDINATOR, f"coordinator2@{DEMO_EMAIL_DOMAIN}", "Demo Second Coordinator", "occ"
    ),
    DemoLogin(
        Role.COORDINATOR,
        f"connectors@{DEMO_EMAIL_DOMAIN}",
        "Demo Connector Coordinator",
        "cando",
        label="Volunteer coordinator (connectors)",
    ),
    DemoLogin(
        Role.VOLUNTEER,
        f"befriender@{DEMO_EMAIL_DOMAIN}",
        "Demo Befriender",
        "occ",
        staff=False,
        label="Befriender (volunteer, no staff role)",
    ),
)


@dataclass(frozen=True)
class DemoSummary:
    created: bool  # False when the demo was already loaded and nothing was done
    seed: int
    counts: dict[str, int]


def demo_places() -> list[Place]:
    """The demo towns with the coordinates of their postcodes (looked up offline)."""
    return [
        Place(
            town=town,
            village=village,
            points=tuple((pc, *lookup(pc)) for pc in postcodes),
            providers=count,
        )
        for town, (postcodes, count, village) in PLACES.items()
    ]


def term_pks() -> dict[tuple[str, str], int]:
    """(taxonomy code, term code) -> TaxonomyTerm pk for every shipped term (after seeding)."""
    wanted = {
        term_id: (t["code"], code)
        for t in shipped_taxonomies()
        for term_id, code, _ in shipped_terms(t["code"])
    }
    return {
        wanted[term_id]: pk
        for term_id, pk in TaxonomyTerm.objects.filter(uuid__in=wanted).values_list("uuid", "pk")
    }


def demo_is_loaded() -> bool:
    return Area.objects.filter(uuid=demo_uuid("area", 0)).exists()


def _accounts(actor: User | None) -> tuple[dict[str, Organisation], list[User]]:
    """The demo's area, organisations and sign-ins, each through the accounts service that
    saves and audits one record (it keeps the demo's fixed ids, which `demo_reset` relies on)."""
    area = Area(uuid=demo_uuid("area", 0), name=DEMO_AREA)
    account_record_save(actor=actor, obj=area)
    orgs: dict[str, Organisation] = {}
    for i, spec in enumerate(ACCOUNTS_ORGS):
        orgs[spec.key] = Organisation(
            uuid=demo_uuid("accounts_organisation", i),
            name=spec.name,
            kind=spec.kind,
            area=area,
            parent=orgs[spec.parent] if spec.parent else None,
            postcode=spec.postcode,
        )
        account_record_save(actor=actor, obj=orgs[spec.key])
    # Hash once and share it: PBKDF2 at Django's default cost takes ~0.3 s a user, and the
    # demo must load in seconds. Same password, so the same hash is equally valid for each.
    password_hash = make_password(DEMO_PASSWORD)
    users = []
    for i, login in enumerate(DEMO_LOGINS):
        user = User(
            uuid=demo_uuid("user", i),
            email=login.email,
            full_name=login.full_name,
            is_staff=login.is_admin,
            is_superuser=login.is_admin,
            password=password_hash,
        )
        account_record_save(actor=actor, obj=user)
        users.append(user)
        if not login.staff:
            continue
        membership = Membership(
            uuid=demo_uuid("membership", i),
            user=user,
            organisation=orgs[login.organisation],
            role=login.role,
        )
        account_record_save(actor=actor, obj=membership)
    return orgs, users


def _first_by_role(users: list[User]) -> dict[str, User]:
    """The first staff sign-in of each role (the people builders' lead link worker etc.)."""
    out: dict[str, User] = {}
    for login, user in zip(DEMO_LOGINS, users, strict=True):
        if login.staff:
            out.setdefault(login.role, user)
    return out


def demo_load(
    *, seed: int = DEFAULT_SEED, actor: User | None = None, now: dt.datetime | None = None
) -> DemoSummary:
    """Load the demo once. Returns `created=False` (and changes nothing) if it is loaded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    for login in DEMO_LOGINS:
        # Fail early and clearly if a deployer tightened the validators past the demo password.
        validate_password(DEMO_PASSWORD, User(email=login.email, full_name=login.full_name))
    places = demo_places()
    with transaction.atomic():
        taxonomy_seed(actor=actor)
        if demo_is_loaded():
            return DemoSummary(created=False, seed=seed, counts={})
        clash = Organisation.objects.filter(name__in=[o.name for o in ACCOUNTS_ORGS]).values_list(
            "name", flat=True
        )
        if clash or User.objects.filter(email__in=[x.email for x in DEMO_LOGINS]).exists():
            raise ValidationFailed(
                "This database already has organisations or users with the demo's names "
                f"({', '.join(sorted(clash)) or 'demo sign-ins'}). Load the demo into an empty "
                "database, or run `linkwell demo --reset` if they are from an earlier demo."
            )
        orgs, users = _accounts(actor)
        owners = {name: orgs[spec.key].pk for spec in ACCOUNTS_ORGS for name in spec.owns}
        rows = build_directory(
            rng=Random(seed),
            today=today,
            now=now,
            places=places,
            term_pks=term_pks(),
            verify_after_days=settings.DIRECTORY_VERIFY_AFTER_DAYS,
            qa_expiring_days=settings.DIRECTORY_QA_EXPIRING_DAYS,
            ids=DemoIds(),
            required=REQUIRED_LOCAL,
            owners=owners,
        )
        counts = create_directory(rows, actor=actor)
        counts.update(accounts_organisations=len(orgs), users=len(users))
        counts.update(
            people_load(
                seed=seed,
                today=today,
                orgs=orgs,
                users_by_role=_first_by_role(users),
                places={town: spec[0] for town, spec in PLACES.items()},
                needs={code: pk for (tax, code), pk in term_pks().items() if tax == "needs"},
                email_domain=DEMO_EMAIL_DOMAIN,
            )
        )
        audit_record(
            actor=actor,
            action=AuditAction.DEMO_LOAD,
            object_type="demo",
            object_repr=f"Demo data for {DEMO_AREA}",
            detail={"seed": seed, "counts": counts},
        )
    return DemoSummary(created=True, seed=seed, counts=counts)


def _demo_directory_uuids() -> list[uuid.UUID]:
    """Ids the demo gives its directory organisations (whatever the seed: ids are by index)."""
    total = DirectoryOrganization.objects.count()
    return [demo_uuid("organization", n) for n in range(total)]


def _lws_uuid() -> uuid.UUID:
    index = next(i for i, spec in enumerate(ACCOUNTS_ORGS) if spec.kind == "link_worker_service")
    return demo_uuid("accounts_organisation", index)


def demo_reset(*, actor: User | None = None) -> dict[str, int]:
    """Delete everything `demo_load` created (matched by its deterministic ids and emails).

    Raises ValidationFailed if other records now depend on demo rows."""
    with transaction.atomic():
        orgs = DirectoryOrganization.objects.filter(uuid__in=_demo_directory_uuids())
        service_uuids = list(
            Service.objects.filter(organization__in=orgs).values_list("uuid", flat=True)
        )
        location_uuids = list(
            Location.objects.filter(organization__in=orgs).values_list("uuid", flat=True)
        )
        org_uuids = list(orgs.values_list("uuid", flat=True))
        removed: dict[str, int] = {}
        try:
            # Self-assessments first: they PROTECT the teams (organisations).
            removed.update(coproduction_demo.reset(domain=DEMO_EMAIL_DOMAIN))
            # Courses first: enrolments PROTECT cases, co-facilitation volunteer roles.
            removed.update(courses_demo.reset())
            # MDT lists PROTECT cases and practices; checklists PROTECT the service.
            removed.update(practice_demo.reset())
            # Grants first: panels and programmes PROTECT sign-ins and the PCN.
            removed.update(grants_demo.reset())
            # The time bank first: it PROTECTs volunteers' activities, people and organisations.
            removed.update(timebank_demo.reset())
            # Volunteers, requests and matches first: they PROTECT people and organisations.
            removed.update(volunteering_demo.reset())
            # People, referrals and cases first: they PROTECT the services and practices.
            removed.update(
                people_reset(service=Organisation.objects.filter(uuid=_lws_uuid()).first())
            )
            removed["attributes"] = Attribute.objects.filter(
                link_entity__in=[
                    AttributeLinkEntity.SERVICE,
                    AttributeLinkEntity.ORGANIZATION,
                    AttributeLinkEntity.LOCATION,
                ],
                link_uuid__in=[*service_uuids, *location_uuids, *org_uuids],
            ).delete()[0]
            removed["organizations"] = len(org_uuids)
            removed["services"] = len(service_uuids)
            orgs.delete()
            removed["users"] = User.objects.filter(
                uuid__in=[demo_uuid("user", i) for i in range(len(DEMO_LOGINS))]
            ).delete()[0]
            accounts = Organisation.objects.filter(
                uuid__in=[demo_uuid("accounts_organisation", i) for i in range(len(ACCOUNTS_ORGS))]
            )
            # Children (practices under the PCN) before parents: parent is PROTECTed.
            for org in sorted(accounts, key=lambda o: o.parent_id is None):
                org.delete()
            removed["accounts_organisations"] = len(ACCOUNTS_ORGS)
            Area.objects.filter(uuid=demo_uuid("area", 0)).delete()
        except ProtectedError as exc:
            raise ValidationFailed(
                "The demo data cannot be removed because other records now refer to it "
                f"({exc.protected_objects.__class__.__name__}). Start from an empty database."
            ) from exc
        audit_record(
            actor=actor,
            action=AuditAction.DEMO_RESET,
            object_type="demo",
            object_repr=f"Demo data for {DEMO_AREA}",
            detail={"removed": removed},
        )
    return removed


__all__ = [
    "DEFAULT_SEED",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoSummary",
    "DirectoryRows",
    "demo_is_loaded",
    "demo_load",
    "demo_places",
    "demo_reset",
    "term_pks",
]
