"""Fictional people for the demo: referrals from every source and cases in every state.

`build_people()` makes unsaved rows in memory (people, referrals, cases with their appointments,
notes, safeguarding concerns, wellbeing reviews, plans, follow-ups, connections to directory
services with attendance, gaps in provision and messages back); `write_people()` inserts them in
bulk, parents first. `linkwell demo` uses them for ~540 people (`people_load`), and
`benchmarks/caseload.py` for 10k open cases. Everything random comes from the `random.Random`
passed in and ids from `DemoIds`, so the same seed gives the same rows; dates are relative to
`today`, so the demo always looks current (some follow-ups due today, some overdue). The
builder is in `people_casework.py` (a person, referrals, a case and its casework) and
`people_journeys.py` (connections, gaps, messages back, whole journeys); the mixes, the team and
the row lists in `people_rows.py`; names and places in `people_catalogue.py`.

Nothing here identifies a real person: names are random pairs from common-name lists, NHS numbers
are in the 999 range NHS England reserves for testing (modulus-11 valid), phone numbers are
Ofcom's drama ranges and email addresses are under example.com.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from random import Random
from typing import Any, cast

from django.db import connection, models

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.accounts.services import account_record_save
from linkwell.casework.models import (
    Action,
    Appointment,
    Case,
    CaseNote,
    CaseReferral,
    FollowUp,
    Goal,
    MessageBack,
    MessageBackLetter,
    Plan,
    SafeguardingConcern,
    Strength,
    WellbeingReview,
)
from linkwell.connections.models import (
    Attendance,
    Connection,
    ProvisionGap,
)
from linkwell.demo import people_catalogue as cat
from linkwell.demo.directory import DemoIds
from linkwell.demo.people_journeys import PeopleBuilder
from linkwell.demo.people_rows import (
    DEMO_MIX,
    OPEN_MIX,
    SOURCE_WEIGHTS,
    PeopleRows,
    Team,
    allocate,
    nhs_check_digit,
)
from linkwell.directory.models import Service
from linkwell.people.models import Person
from linkwell.referrals.models import (
    LinkWorkerCoverage,
    Referral,
    ReferralSource,
)

__all__ = [
    "DEMO_MIX",
    "DEMO_PEOPLE",
    "OPEN_MIX",
    "PeopleRows",
    "Team",
    "allocate",
    "build_people",
    "make_link_workers",
    "nhs_check_digit",
    "people_load",
    "people_reset",
    "status_counts",
    "write_people",
]


def build_people(
    *,
    rng: Random,
    today: dt.date,
    count: int,
    team: Team,
    services: Sequence[Service],
    needs: Mapping[str, int],
    places: Mapping[str, Sequence[str]],
    ids: DemoIds,
    featured: Sequence[Service] = (),
    mix: Mapping[str, float] = DEMO_MIX,
    taken_nhs_numbers: set[str] | None = None,
) -> PeopleRows:
    """Rows for `count` people, one journey each, with outcomes in exactly the proportions of
    `mix` (keys from `OUTCOMES`) and referral sources in those of `SOURCE_WEIGHTS`.

    `services` are directory services (with `organization` loaded) to connect people to;
    `featured` ones (the demo provider's) get a good share of the referrals near them; `needs`
    maps Needs taxonomy term codes to pks; `places` maps town -> real postcodes."""
    builder = PeopleBuilder(
        rng=rng,
        today=today,
        team=team,
        services=services,
        featured=featured,
        needs=needs,
        places=places,
        ids=ids,
        taken_nhs_numbers=taken_nhs_numbers,
    )
    outcomes = allocate(count, mix, rng)
    sources = allocate(count, SOURCE_WEIGHTS, rng)
    for outcome, source in zip(outcomes, sources, strict=True):
        builder.journey(outcome, source)
    return builder.rows


def _save(model: type[models.Model], rows: Sequence[Any], batch_size: int) -> None:
    if rows:
        model._default_manager.bulk_create(rows, batch_size=batch_size)


def write_people(rows: PeopleRows, *, batch_size: int = 2000) -> dict[str, int]:
    """Insert every row in bulk, parents first, then backdate `created_at`. Call inside a
    transaction."""
    order: list[tuple[type[models.Model], Sequence[Any]]] = [
        (Person, rows.people),
        (Referral, rows.referrals),
        (Referral.reasons.through, rows.referral_reasons),
        (Case, rows.cases),
        (CaseReferral, rows.case_referrals),
        (Appointment, rows.appointments),
        (Appointment, rows.rebooked_appointments),
        (CaseNote, rows.notes),
        (SafeguardingConcern, rows.safeguarding_concerns),
        (WellbeingReview, rows.reviews),
        (Strength, rows.strengths),
        (Plan, rows.plans),
        (Goal, rows.goals),
        (Action, rows.actions),
        (FollowUp, rows.follow_ups),
        (Connection, rows.connections),
        (Attendance, rows.attendances),
        (ProvisionGap, rows.provision_gaps),
        (MessageBackLetter, rows.message_back_letters),
        (MessageBack, rows.messages_back),
    ]
    for model, objs in order:
        _save(model, objs, batch_size)
    by_model: dict[type[models.Model], list[tuple[Any, Any]]] = {}
    for obj, when in rows.backdated:
        field = cast(models.DateTimeField[Any, Any], obj._meta.get_field("created_at"))
        by_model.setdefault(type(obj), []).append(
            (field.get_db_prep_value(when, connection, prepared=False), obj.pk)
        )
    # One parameterised UPDATE per row, sent as a batch: a bulk_update's CASE expression costs
    # seconds here and this costs milliseconds.
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, params in by_model.items():
            pk = model._meta.pk
            assert pk is not None and pk.column is not None
            cursor.executemany(
                f"UPDATE {qn(model._meta.db_table)} SET {qn('created_at')} = %s WHERE "  # noqa: S608
                f"{qn(pk.column)} = %s",
                params,
            )
    return rows.counts()


def make_link_workers(
    *,
    service: Organisation,
    names: Sequence[tuple[str, str]],
    email_domain: str,
    password_hash: str,
    ids: DemoIds,
) -> list[User]:
    """Link workers (users with a link-worker membership of `service`), saved and audited by
    the accounts service."""
    users = []
    for local, full_name in names:
        user = User(
            uuid=ids("user"),
            email=f"{local}@{email_domain}",
            full_name=full_name,
            password=password_hash,
        )
        account_record_save(actor=None, obj=user)
        membership = Membership(
            uuid=ids("membership"), user=user, organisation=service, role=Role.LINK_WORKER
        )
        account_record_save(actor=None, obj=membership)
        users.append(user)
    return users


def status_counts(rows: PeopleRows) -> Counter[str]:
    return Counter(c.status for c in rows.cases)


# --- the demo ---------------------------------------------------------------------------------

DEMO_PEOPLE = 540
# Ids of everything this module makes for the demo: demo_uuid("people/<kind>", n).
PEOPLE_ID_PREFIX = "people/"


def demo_people_uuids() -> list[Any]:
    ids = DemoIds(prefix=PEOPLE_ID_PREFIX)
    return [ids("person") for _ in range(DEMO_PEOPLE)]


def people_load(
    *,
    seed: int,
    today: dt.date,
    orgs: Mapping[str, Organisation],
    users_by_role: Mapping[str, User],
    places: Mapping[str, Sequence[str]],
    needs: Mapping[str, int],
    email_domain: str,
) -> dict[str, int]:
    """The demo's people, referrals and cases (call inside demo_load's transaction).

    Two more link workers join the demo one in the demo team; the demo GP receptionist's
    practice refers through Linkwell; the demo provider's services (`orgs["shed"]`) get
    referrals in their inbox."""
    ids = DemoIds(prefix=PEOPLE_ID_PREFIX)
    lead = users_by_role[Role.LINK_WORKER]
    colleagues = make_link_workers(
        service=orgs["lws"],
        names=cat.EXTRA_LINK_WORKERS,
        email_domain=email_domain,
        password_hash=lead.password,
        ids=ids,
    )
    referrer = users_by_role[Role.REFERRER]
    referrer_org = Membership.objects.get(user=referrer, role=Role.REFERRER).organisation
    services = list(
        Service.objects.select_related("organization").order_by("pk")
    )  # the demo directory, just written
    shed = orgs["shed"]
    # Practice clusters: the demo link worker covers the demo GP receptionist's practice, so
    # its referrals route to her team and triage suggests her.
    clusters = {"gp1": (lead,), "gp2": (lead, colleagues[0]), "gp3": (colleagues[0], colleagues[1])}
    clusters["gp4"] = (colleagues[1],)
    LinkWorkerCoverage.objects.bulk_create(
        LinkWorkerCoverage(link_worker_service=orgs["lws"], practice=orgs[key], link_worker=user)
        for key, users in clusters.items()
        for user in users
    )
    coverage = {orgs[key].pk: users for key, users in clusters.items()}
    team = Team(
        service=orgs["lws"],
        link_workers=[lead, *colleagues],
        manager=users_by_role.get(Role.TEAM_MANAGER),
        practices={k: orgs[k] for k in ("gp1", "gp2", "gp3", "gp4")},
        referrers={referrer_org.pk: referrer},
        agencies={
            ReferralSource.ADULT_SOCIAL_CARE: orgs["council"],
            ReferralSource.FIRE_SAFE_AND_WELL: orgs["fire"],
            ReferralSource.VCS: orgs["vcs_host"],
        },
        provider_staff={shed.pk: users_by_role[Role.PROVIDER_STAFF]},
        coverage=coverage,
    )
    rows = build_people(
        rng=Random(seed),
        today=today,
        count=DEMO_PEOPLE,
        team=team,
        services=services,
        featured=[s for s in services if s.organization.owner_id == shed.pk],
        needs=needs,
        places=places,
        ids=ids,
    )
    # In bulk, not through the casework/referrals/connections services: the demo's history is
    # backdated and in every state, which those services (each a step of today's workflow) cannot
    # make. Measured (SQLite, 12,082 rows): bulk 1.7 s; saved one by one, even without services
    # or audit rows, 4.8 s of a ~7 s load.
    counts = write_people(rows)
    counts["link_workers_added"] = len(colleagues)
    return counts


def people_reset(*, service: Organisation | None) -> dict[str, int]:
    """Remove the demo's people and everything about them, and whatever was since recorded for
    the demo link-worker `service` (referrals and cases made while trying the demo), so
    `linkwell demo --reset` works after people have used it."""
    people = set(Person.objects.filter(uuid__in=demo_people_uuids()).values_list("pk", flat=True))
    referrals = Referral.objects.filter(person__in=people)
    cases = Case.objects.filter(person__in=people)
    gaps = ProvisionGap.objects.filter(case__person__in=people)
    if service is not None:
        people |= set(
            Referral.objects.filter(link_worker_service=service).values_list("person", flat=True)
        )
        referrals = referrals | Referral.objects.filter(link_worker_service=service)
        cases = cases | Case.objects.filter(link_worker_service=service)
        gaps = gaps | ProvisionGap.objects.filter(link_worker_service=service)
    removed = {"provision_gaps": gaps.delete()[0], "cases": cases.count()}
    cases.delete()
    removed["referrals"] = referrals.count()
    referrals.delete()
    # People the demo made, or who came in through the demo service and are not known elsewhere.
    keep = set(Referral.objects.filter(person__in=people).values_list("person", flat=True))
    keep |= set(Case.objects.filter(person__in=people).values_list("person", flat=True))
    removed["people"] = Person.objects.filter(pk__in=people - keep).delete()[0]
    ids = DemoIds(prefix=PEOPLE_ID_PREFIX)
    removed["link_workers"] = User.objects.filter(
        uuid__in=[ids("user") for _ in cat.EXTRA_LINK_WORKERS]
    ).delete()[0]
    return removed
