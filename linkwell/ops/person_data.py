"""Every table that holds data about a person, found from the models rather than listed by hand.

A row is about a person when a chain of foreign keys leads from it to `people.Person`: a case
(`case -> person`), a note on that case (`case -> person`), a goal in the case's plan
(`plan -> case -> person`), a volunteer's visit to them (`match -> request -> person`). The
subject access export (`subject_access.py`) and the retention policy (`retention.py`) both walk
these chains, so a new model with a foreign key into this graph is exported the day it is added.

`SECTIONS` gives each such model its place in the export. `uncovered_models()` lists the ones
it does not name: `linkwell/ops/tests/test_person_data.py` fails while that list is not empty, so
nobody adds a table of personal data without deciding where a subject access request shows it
and what the retention policy does to it (`retention.FREE_TEXT`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db import models

PERSON_LABEL = "people.Person"
# Chains longer than this are not followed (the deepest today is 4: a goal's progress through a
# follow-up, a case, to the person).
MAX_DEPTH = 6

# model label -> (section key, section title). Order here is the order of the export.
SECTIONS: dict[str, tuple[str, str]] = {
    "people.Person": ("person", "Person record (and records merged into it)"),
    "referrals.Referral": ("referrals", "Referrals"),
    "fhir.ApiReferral": ("referrals", "Referrals"),
    "casework.Case": ("cases", "Cases"),
    "casework.CaseReferral": ("cases", "Cases"),
    "casework.CaseNote": ("notes", "Case notes"),
    "casework.Appointment": ("appointments", "Appointments"),
    "casework.WellbeingReview": ("reviews", "Wellbeing reviews"),
    "casework.Strength": ("reviews", "Wellbeing reviews"),
    "casework.Plan": ("plans", "Plans, goals and actions"),
    "casework.Goal": ("plans", "Plans, goals and actions"),
    "casework.Action": ("plans", "Plans, goals and actions"),
    "casework.FollowUp": ("follow_ups", "Follow-ups"),
    "casework.GoalProgress": ("follow_ups", "Follow-ups"),
    "outcomes.MeasureAdministration": ("outcome_measures", "Outcome measures"),
    "outcomes.SelfCompletionLink": ("outcome_measures", "Outcome measures"),
    "connections.Connection": ("connections", "Connections and attendance"),
    "connections.Attendance": ("connections", "Connections and attendance"),
    "connections.ProvisionGap": ("connections", "Connections and attendance"),
    "matching.MatchRun": ("suggestions", "Service suggestions"),
    "matching.MatchDecision": ("suggestions", "Service suggestions"),
    "casework.MessageBack": ("messages_back", "Messages back and letters"),
    "casework.MessageBackLetter": ("messages_back", "Messages back and letters"),
    "casework.MessageBackDelivery": ("messages_back", "Messages back and letters"),
    "casework.SafeguardingConcern": ("safeguarding", "Safeguarding concerns"),
    "notifications.NotifyMessage": ("messages_sent", "Texts, emails and letters sent to them"),
    "population.InviteEntry": ("population_invites", "Population invites"),
    "volunteering.SupportRequest": ("volunteering", "Volunteering: support about them"),
    "volunteering.Match": ("volunteering", "Volunteering: support about them"),
    "volunteering.MatchDecision": ("volunteering", "Volunteering: support about them"),
    "volunteering.MatchReview": ("volunteering", "Volunteering: support about them"),
    "volunteering.Activity": ("volunteering", "Volunteering: support about them"),
    "volunteering.CommunityMember": ("community_member", "Community member (volunteer) record"),
    "volunteering.VolunteerRole": ("community_member", "Community member (volunteer) record"),
    "volunteering.RoleStatusChange": ("community_member", "Community member (volunteer) record"),
    "volunteering.CheckRecord": ("community_member", "Community member (volunteer) record"),
    "volunteering.Supervision": ("community_member", "Community member (volunteer) record"),
    "timebank.TimebankMember": ("timebank", "Time bank: membership, exchanges and support"),
    "timebank.Account": ("timebank", "Time bank: membership, exchanges and support"),
    "timebank.Exchange": ("timebank", "Time bank: membership, exchanges and support"),
    "timebank.LedgerLine": ("timebank", "Time bank: membership, exchanges and support"),
    "timebank.Listing": ("timebank", "Time bank: membership, exchanges and support"),
    "timebank.ListingMatch": ("timebank", "Time bank: membership, exchanges and support"),
    "timebank.PartnerOffer": ("timebank", "Time bank: membership, exchanges and support"),
    "timebank.CreditedActivity": ("timebank", "Time bank: membership, exchanges and support"),
    "timebank.SupportPackage": ("timebank", "Time bank: membership, exchanges and support"),
    "grants.Application": ("grants", "Community grants: applications, panels and scores"),
    "grants.MonitoringReport": ("grants", "Community grants: applications, panels and scores"),
    "grants.Payment": ("grants", "Community grants: applications, panels and scores"),
    "grants.PanelMember": ("grants", "Community grants: applications, panels and scores"),
    "grants.ConflictOfInterest": ("grants", "Community grants: applications, panels and scores"),
    "grants.Score": ("grants", "Community grants: applications, panels and scores"),
    "courses.Enrolment": ("courses", "Courses: enrolments, attendance and moving-forward plans"),
    "courses.Attendance": ("courses", "Courses: enrolments, attendance and moving-forward plans"),
    "courses.MovingForwardPlan": (
        "courses",
        "Courses: enrolments, attendance and moving-forward plans",
    ),
    "courses.CoFacilitator": (
        "courses",
        "Courses: enrolments, attendance and moving-forward plans",
    ),
    "evidence.ActivityRecord": ("health_service_use", "GP and hospital activity"),
    "reports.PatientStory": ("stories", "Stories told with their consent"),
    "practice.MdtEntry": ("mdt", "Multidisciplinary team (MDT) meeting discussions"),
}


# Relations that do not make a row about the person at the other end, and are not followed.
# "model label.field name" -> why.
NOT_ABOUT_THEM: dict[str, str] = {
    "volunteering.SupportRequest.excluded_members": (
        "volunteers the person asked not to be matched with: the request is about the person "
        "who made it, not about the volunteers excluded (their own export shows their record)"
    ),
}


@dataclass(frozen=True)
class PersonModel:
    """A model holding data about a person, and every lookup path from it to the person's pk."""

    model: type[models.Model]
    paths: tuple[str, ...]  # e.g. ("plan__case__person", ...); "pk" for people.Person
    depth: int  # the shortest chain's length

    @property
    def label(self) -> str:
        return self.model._meta.label


def _relations(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    """Forward foreign keys, one-to-ones and many-to-manys declared on `model`."""
    return [
        f
        for f in model._meta.get_fields()
        if f.is_relation
        and f.concrete
        and (f.many_to_one or f.one_to_one or f.many_to_many)
        and f"{model._meta.label}.{f.name}" not in NOT_ABOUT_THEM
    ]


def _paths_to_person(
    model: type[models.Model],
    person: type[models.Model],
    inside: set[type[models.Model]],
    visited: tuple[type, ...],
) -> list[str]:
    if len(visited) > MAX_DEPTH:
        return []
    found: list[str] = []
    for field in _relations(model):
        target = field.related_model
        if target is person:
            found.append(field.name)
        elif target in inside and target not in visited:
            found += [
                f"{field.name}__{rest}"
                for rest in _paths_to_person(target, person, inside, (*visited, target))
            ]
    return found


def person_models(candidates: Iterable[type[models.Model]] | None = None) -> list[PersonModel]:
    """Every model whose rows a chain of foreign keys ties to a person, Person first.

    A model is in when it has a relation to `people.Person` or to a model already in (repeated
    until nothing changes), skipping Person's own `merged_into` (the export follows merges
    itself). `candidates` defaults to every installed model; tests pass extra ones.
    """
    person = apps.get_model(PERSON_LABEL)
    pool = [m for m in (apps.get_models() if candidates is None else candidates) if m is not person]
    inside: set[type[models.Model]] = {person}
    changed = True
    while changed:
        changed = False
        for model in pool:
            if model in inside:
                continue
            if any(f.related_model in inside for f in _relations(model)):
                inside.add(model)
                changed = True
    result = [PersonModel(person, ("pk",), 0)]
    for model in pool:
        if model in inside:
            paths = tuple(_paths_to_person(model, person, inside, (model,)))
            if paths:
                depth = min(p.count("__") + 1 for p in paths)
                result.append(PersonModel(model, paths, depth))
    result.sort(key=lambda pm: (pm.depth, pm.label))
    return result


def uncovered_models(found: Sequence[PersonModel] | None = None) -> list[str]:
    """Labels of person-data models `SECTIONS` does not place (kept empty by a test)."""
    found = person_models() if found is None else found
    return sorted(pm.label for pm in found if pm.label not in SECTIONS)
