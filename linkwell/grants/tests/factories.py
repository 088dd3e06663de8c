"""A grants world for tests: a PCN running Try it / Do it / Build it and Doctorpreneur, an
open round with criteria and a panel (two staff, one community member), recorded gaps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind, Role, User
from linkwell.connections.models import ProvisionGap
from linkwell.directory.models import TaxonomyTerm
from linkwell.directory.taxonomies import NEEDS, taxonomy_seed, taxonomy_uuid
from linkwell.grants.models import Application, PanelMember, Programme, Round, Tier, WhoMayApply
from linkwell.grants.selectors.gaps import gap_choices
from linkwell.grants.services import (
    application_submit,
    criterion_add,
    panel_member_add,
    programme_create,
    round_create,
    tier_add,
)
from tests.personas import Personas, make_user


@dataclass
class GrantsWorld:
    p: Personas
    pcn: Organisation
    manager: User
    read_only_manager: User
    panel_a: User
    panel_b: User
    community_panel: User
    programme: Programme
    try_it: Tier
    do_it: Tier
    build_it: Tier
    round: Round
    panel: dict[str, PanelMember]
    doctorpreneur: Programme
    doctor_tier: Tier
    doctor_round: Round
    gaps: list[ProvisionGap]


GOOD = {
    "applicant_name": "Sam Walker",
    "applicant_email": "sam@example.org",
    "applicant_phone": "",
    "group_name": "Gobowen Walkers",
    "title": "Nordic walking for carers",
    "summary": "Poles, a trained leader for ten weeks, and tea afterwards.",
    "place": "Gobowen",
    "amount_requested": "450",
    "people_to_reach": "20",
    "who_it_reaches": "Carers who rarely get out",
}


def gap(p: Personas, need: TaxonomyTerm, place: str, who: str = "") -> ProvisionGap:
    return ProvisionGap.objects.create(
        need=need,
        description=f"Nothing for {who or 'them'} in {place} (a person's story)",
        place=place,
        who=who,
        link_worker_service=p.link_worker_service,
    )


def build_world(p: Personas) -> GrantsWorld:
    pcn = Organisation.objects.create(name="Borders PCN", kind=OrganisationKind.PCN, area=p.area)
    manager = make_user("grants@pcn.example", pcn, Role.TEAM_MANAGER)
    read_only_manager = make_user("finance@pcn.example", pcn, Role.TEAM_MANAGER, read_only=True)
    panel_a = make_user("panel-a@pcn.example", pcn, Role.REFERRER)
    panel_b = p.link_worker
    community_panel = make_user("resident@example.org", None, None)
    programme = programme_create(
        actor=manager,
        organisation=pcn,
        name="Try it, Do it, Build it",
        summary="Ideas from local people for the most pressing health needs.",
        eligibility="Local people and groups in the Borders PCN area.",
    )
    try_it = tier_add(
        actor=manager, programme=programme, name="Try it", maximum_amount=Decimal("500")
    )
    do_it = tier_add(
        actor=manager,
        programme=programme,
        name="Do it",
        minimum_amount=Decimal("501"),
        maximum_amount=Decimal("2000"),
    )
    build_it = tier_add(
        actor=manager,
        programme=programme,
        name="Build it",
        minimum_amount=Decimal("2001"),
        maximum_amount=Decimal("5000"),
    )
    today = timezone.localdate()
    round_ = round_create(
        actor=manager,
        programme=programme,
        name="Spring",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=20),
        budget=Decimal("1000"),
    )
    criterion_add(actor=manager, round_=round_, name="Need", max_score=5, weight=Decimal("2"))
    criterion_add(actor=manager, round_=round_, name="Reach", max_score=10)
    panel = {
        "a": panel_member_add(actor=manager, round_=round_, user=panel_a),
        "b": panel_member_add(actor=manager, round_=round_, user=panel_b),
        "c": panel_member_add(actor=manager, round_=round_, user=community_panel),
    }
    doctorpreneur = programme_create(
        actor=manager, organisation=pcn, name="Doctorpreneur", summary="", eligibility=""
    )
    doctor_tier = tier_add(
        actor=manager,
        programme=doctorpreneur,
        name="Doctorpreneur",
        maximum_amount=Decimal("500"),
        who_may_apply=WhoMayApply.PRACTICE_STAFF,
    )
    doctor_round = round_create(
        actor=manager,
        programme=doctorpreneur,
        name="2026",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        budget=Decimal("2000"),
    )
    taxonomy_seed()
    needs = list(
        TaxonomyTerm.objects.filter(taxonomy__uuid=taxonomy_uuid(NEEDS)).order_by("name")[:2]
    )
    gaps = [
        gap(p, needs[0], "Gobowen", "widowers over 80"),
        gap(p, needs[0], "gobowen"),
        gap(p, needs[1], "Oswestry", "carers"),
    ]
    return GrantsWorld(
        p=p,
        pcn=pcn,
        manager=manager,
        read_only_manager=read_only_manager,
        panel_a=panel_a,
        panel_b=panel_b,
        community_panel=community_panel,
        programme=programme,
        try_it=try_it,
        do_it=do_it,
        build_it=build_it,
        round=round_,
        panel=panel,
        doctorpreneur=doctorpreneur,
        doctor_tier=doctor_tier,
        doctor_round=doctor_round,
        gaps=gaps,
    )


def submit(w: GrantsWorld, tier: Tier | None = None, **changes: str) -> Application:
    keys = [c.key for c in gap_choices(w.programme)][:1]
    return application_submit(
        actor=None,
        round_=w.round,
        tier=tier or w.try_it,
        data={**GOOD, **changes},
        gap_keys=keys,
    )
