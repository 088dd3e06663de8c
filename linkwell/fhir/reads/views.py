"""The FHIR reads: messages back (Composition and `$document`), Goal, QuestionnaireResponse,
Questionnaire and Consent. Each view checks the token and scope first (`require_client`), reads
only what the client's organisation may see (access.py; anything else 404), and audits the call
(channel `api`, the client) in the same transaction as the read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from linkwell.fhir import scopes
from linkwell.fhir.audit import audit_api_read
from linkwell.fhir.auth import require_client
from linkwell.fhir.documents import message_back_bundle
from linkwell.fhir.http import (
    FhirError,
    absolute,
    check_search_params,
    fhir_base,
    fhir_response,
    fhir_view,
    not_found,
    searchset,
)
from linkwell.fhir.models import ApiClient
from linkwell.fhir.reads import access
from linkwell.fhir.reads.resources import (
    CONSENT_KINDS,
    consent_resource,
    goal_resource,
    questionnaire_resource,
    questionnaire_response_resource,
)
from linkwell.fhir.views.params import id_list
from linkwell.outcomes.registry import all_instruments
from linkwell.people.models import Person


def _audit(
    client: ApiClient,
    resource_type: str,
    ids: Sequence[str],
    person_ids: Sequence[str],
    query: str = "",
) -> None:
    with transaction.atomic():
        audit_api_read(
            client=client,
            resource_type=resource_type,
            ids=list(ids),
            person_ids=list(person_ids),
            query=query,
        )


def _subject(request: HttpRequest, names: Sequence[str]) -> Person | None:
    """The person named by the first of `names` given (`subject` / `patient`); 400 when none
    is: these searches are always about one person."""
    given = [name for name in names if name in request.GET]
    if not given:
        raise FhirError(
            400,
            "required",
            f"Search by {' or '.join(names)}, e.g. {names[0]}=Patient/<id>",
            expression=list(names),
        )
    people = {
        access.subject_person(value, name) for name in given for value in request.GET.getlist(name)
    }
    if len(people) != 1:
        return None  # two different people at once match nothing
    return people.pop()


def _matches(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in bundle.get("entry", []) if e.get("search", {}).get("mode") == "match"
    ]


# --- Composition (messages back) --------------------------------------------------------------


def _composition(letter: Any, base: str) -> dict[str, Any]:
    composition: dict[str, Any] = message_back_bundle(letter, base)["entry"][0]["resource"]
    return composition


@fhir_view(["GET"])
def composition_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    client = require_client(request, scope=scopes.DOCUMENTS_READ)
    letter = access.letter_for_client(client, resource_id)
    resource = _composition(letter, fhir_base(request))
    _audit(client, "Composition", [resource["id"]], [str(letter.case.person.uuid)])
    return fhir_response(resource)


@fhir_view(["GET"])
def composition_document(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`$document`: the whole document Bundle, the Composition first. Only the stored document
    is served (`persist` is not supported: the server keeps the letter, not the Bundle)."""
    client = require_client(request, scope=scopes.DOCUMENTS_READ)
    check_search_params(request, ["persist"])
    if request.GET.get("persist", "false").lower() not in ("false", ""):
        raise FhirError(
            400, "not-supported", "persist=true is not supported", expression=["persist"]
        )
    letter = access.letter_for_client(client, resource_id)
    bundle = message_back_bundle(letter, fhir_base(request))
    _audit(
        client,
        "Composition",
        [str(letter.uuid)],
        [str(letter.case.person.uuid)],
        query="$document",
    )
    return fhir_response(bundle)


@fhir_view(["GET"])
def composition_search(request: HttpRequest) -> HttpResponse:
    """Messages back addressed to the client's organisation, newest first: all of them, or
    those about one person (`subject=Patient/{id}`, or `patient`)."""
    client = require_client(request, scope=scopes.DOCUMENTS_READ)
    check_search_params(request, ["subject", "patient", "_id"])
    letters = access.letters_for_client(client)
    if "subject" in request.GET or "patient" in request.GET:
        person = _subject(request, ["subject", "patient"])
        letters = letters.filter(case__person=person) if person else letters.none()
    if "_id" in request.GET:
        letters = letters.filter(uuid__in=id_list(request.GET["_id"]))
    base = fhir_base(request)
    people: dict[str, str] = {}

    def build(letter: Any) -> dict[str, Any]:
        people[str(letter.uuid)] = str(letter.case.person.uuid)
        return _composition(letter, base)

    bundle = searchset(request, letters, build, base_url=absolute(request, "Composition"))
    ids = [r["id"] for r in _matches(bundle)]
    _audit(client, "Composition", ids, [people[i] for i in ids], request.GET.urlencode())
    return fhir_response(bundle)


# --- Goal ---------------------------------------------------------------------------------------


@fhir_view(["GET"])
def goal_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    client = require_client(request, scope=scopes.OUTCOMES_READ)
    goal = access.goal_for_client(client, resource_id)
    _audit(client, "Goal", [str(goal.uuid)], [str(goal.plan.case.person.uuid)])
    return fhir_response(goal_resource(goal))


def _person_search(
    request: HttpRequest,
    *,
    resource_type: str,
    scope: str,
    names: Sequence[str],
    rows: Callable[[list[Any]], Any],
    build: Callable[[Any], dict[str, Any]],
) -> HttpResponse:
    client = require_client(request, scope=scope)
    check_search_params(request, [*names, "_id"])
    person = _subject(request, names)
    found = rows(access.shared_cases(client, person))
    if "_id" in request.GET:
        found = found.filter(uuid__in=id_list(request.GET["_id"]))
    bundle = searchset(request, found, build, base_url=absolute(request, resource_type))
    ids = [r["id"] for r in _matches(bundle)]
    people = [str(person.uuid)] if person is not None and ids else []
    _audit(client, resource_type, ids, people, request.GET.urlencode())
    return fhir_response(bundle)


@fhir_view(["GET"])
def goal_search(request: HttpRequest) -> HttpResponse:
    """The goals of the person's plans (`subject` or `patient`), when they agreed to share."""
    return _person_search(
        request,
        resource_type="Goal",
        scope=scopes.OUTCOMES_READ,
        names=["subject", "patient"],
        rows=access.goals_for_cases,
        build=goal_resource,
    )


# --- QuestionnaireResponse ----------------------------------------------------------------------


@fhir_view(["GET"])
def questionnaire_response_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    client = require_client(request, scope=scopes.OUTCOMES_READ)
    row = access.measure_for_client(client, resource_id)
    assert row.case is not None
    _audit(client, "QuestionnaireResponse", [str(row.uuid)], [str(row.case.person.uuid)])
    return fhir_response(questionnaire_response_resource(row))


@fhir_view(["GET"])
def questionnaire_response_search(request: HttpRequest) -> HttpResponse:
    """The person's recorded outcome measures (`subject` or `patient`), newest first."""
    return _person_search(
        request,
        resource_type="QuestionnaireResponse",
        scope=scopes.OUTCOMES_READ,
        names=["subject", "patient"],
        rows=access.measures_for_cases,
        build=questionnaire_response_resource,
    )


# --- Questionnaire --------------------------------------------------------------------------------


def _shipped() -> dict[str, Any]:
    return {instrument.id: instrument for instrument in all_instruments(include_local=False)}


@fhir_view(["GET"])
def questionnaire_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    client = require_client(request, scope=scopes.OUTCOMES_READ)
    instrument = _shipped().get(resource_id)
    if instrument is None:
        raise not_found("Questionnaire", resource_id)
    _audit(client, "Questionnaire", [instrument.id], [])
    return fhir_response(questionnaire_resource(instrument))


@fhir_view(["GET"])
def questionnaire_search(request: HttpRequest) -> HttpResponse:
    """The shipped instruments, by `url` (canonical, optionally `|version`) or `_id`."""
    client = require_client(request, scope=scopes.OUTCOMES_READ)
    check_search_params(request, ["url", "_id"])
    instruments = sorted(_shipped().values(), key=lambda i: i.id)
    if "_id" in request.GET:
        wanted = {part.strip() for part in request.GET["_id"].split(",")}
        instruments = [i for i in instruments if i.id in wanted]
    if "url" in request.GET:
        url, _, version = request.GET["url"].partition("|")
        instruments = [
            i
            for i in instruments
            if questionnaire_resource(i)["url"] == url and (not version or version == i.version)
        ]
    bundle = searchset(
        request, instruments, questionnaire_resource, base_url=absolute(request, "Questionnaire")
    )
    _audit(
        client, "Questionnaire", [r["id"] for r in _matches(bundle)], [], request.GET.urlencode()
    )
    return fhir_response(bundle)


# --- Consent ------------------------------------------------------------------------------------


@fhir_view(["GET"])
def consent_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    client = require_client(request, scope=scopes.DOCUMENTS_READ)
    referral_id, _, kind = resource_id.rpartition("-")
    key = access.parse_uuid(referral_id)
    referral = (
        access.consent_referrals(client).filter(uuid=key).first()
        if key and kind in CONSENT_KINDS
        else None
    )
    if referral is None:
        raise not_found("Consent", resource_id)
    _audit(client, "Consent", [resource_id], [str(referral.person.uuid)])
    return fhir_response(consent_resource(referral, kind))


@fhir_view(["GET"])
def consent_search(request: HttpRequest) -> HttpResponse:
    """The consents recorded with the person's referrals that the organisation may see
    (`patient`), newest first: to share information back, and to be contacted."""
    client = require_client(request, scope=scopes.DOCUMENTS_READ)
    check_search_params(request, ["patient"])
    person = _subject(request, ["patient"])
    referrals = access.consent_referrals(client).filter(person=person) if person else []
    pairs = [(referral, kind) for referral in referrals for kind in CONSENT_KINDS]
    bundle = searchset(
        request,
        pairs,
        lambda pair: consent_resource(*pair),
        base_url=absolute(request, "Consent"),
    )
    ids = [r["id"] for r in _matches(bundle)]
    people = [str(person.uuid)] if person is not None and ids else []
    _audit(client, "Consent", ids, people, request.GET.urlencode())
    return fhir_response(bundle)
