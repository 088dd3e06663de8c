"""Reading a referral sent as FHIR: a `transaction` Bundle (Patient + ServiceRequest, optionally
a Consent) or a lone ServiceRequest, into what the referral services take
(`referrals.services.ReferralDetails`, `people.services.PersonDetails`).

Every problem is collected, each naming where it is (`Bundle.entry[1].resource.subject`), so the
sender fixes them in one round; nothing is written here. The mapping:

| FHIR | Linkwell |
|---|---|
| Patient.identifier (https://fhir.nhs.uk/Id/nhs-number) | NHS number (check digit checked) |
| Patient.name (official, else first), birthDate, gender | names, date of birth, sex |
| Patient.address[0] line/city/postalCode, telecom | address, phone, email |
| Patient.generalPractitioner (ODS identifier) | registered GP practice |
| ServiceRequest.identifier[0] | the sender's id for the referral (retry key) |
| ServiceRequest.subject | the Patient entry, `Patient/{id}` or an NHS number identifier |
| ServiceRequest.requester (ODS identifier; display) | referring organisation; referrer's name |
| ServiceRequest.performer[0] (ODS identifier or `Organization/{id}`) | the link-worker service (else routing) |
| ServiceRequest.priority | urgency (routine; urgent, asap, stat -> urgent) |
| ServiceRequest.reasonCode | Needs terms where coded (`NEEDS_SYSTEM`), else text in the details |
| ServiceRequest.note, code (when not 871731000000106) | the details |
| Consent (active, permit) | consent to share, with whom (provision.actor / organization) |

Sending a referral is the sender's statement that the person agreed to be referred and contacted
(the GP records that agreement before referring), so consent to contact is set.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.casework.models import Urgency
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import TaxonomyTerm
from linkwell.fhir.http import FhirError, issue
from linkwell.fhir.models import ApiClient
from linkwell.fhir.resources.common import NHS_NUMBER_SYSTEM, ODS_SYSTEM, SNOMED
from linkwell.fhir.resources.referral import NEEDS_SYSTEM
from linkwell.people.models import ContactMethod, Person, Sex
from linkwell.people.services import PersonDetails, person_clean_details
from linkwell.people.validation import normalise_nhs_number
from linkwell.referrals.models import SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING, ReferralSource
from linkwell.referrals.routing import link_worker_services_for
from linkwell.referrals.services import ReferralDetails, needs_terms

ACCEPTED_TYPES = ("Patient", "ServiceRequest", "Consent")
_GENDER = {"male": Sex.MALE, "female": Sex.FEMALE, "other": Sex.OTHER, "unknown": Sex.UNKNOWN}
_PRIORITY = {
    "routine": Urgency.ROUTINE,
    "urgent": Urgency.URGENT,
    "asap": Urgency.URGENT,
    "stat": Urgency.URGENT,
}
_SOURCE_BY_KIND = {
    OrganisationKind.GP_PRACTICE: ReferralSource.GP_PRACTICE,
    OrganisationKind.PCN: ReferralSource.GP_PRACTICE,
    OrganisationKind.FIRE_AND_RESCUE: ReferralSource.FIRE_SAFE_AND_WELL,
    OrganisationKind.VCSE_PROVIDER: ReferralSource.VCS,
    OrganisationKind.LOCAL_AUTHORITY: ReferralSource.ADULT_SOCIAL_CARE,
}
# Where each PersonDetails field sits in a Patient, for the person service's messages.
PATIENT_PATHS = {
    "given_name": "name[0].given",
    "family_name": "name[0].family",
    "date_of_birth": "birthDate",
    "postcode": "address[0].postalCode",
    "registered_practice": "generalPractitioner[0]",
    "email": "telecom",
    "phone": "telecom",
    "sex": "gender",
    "address_line_1": "address[0].line",
    "address_line_2": "address[0].line",
    "town": "address[0].city",
}


@dataclass
class Entry:
    index: int | None  # None: a lone resource, not in a Bundle
    resource: dict[str, Any]
    full_url: str = ""
    if_none_exist: str = ""

    def path(self, element: str = "") -> str:
        base = (
            f"Bundle.entry[{self.index}].resource"
            if self.index is not None
            else self.resource.get("resourceType", "Resource")
        )
        return f"{base}.{element}" if element else base


@dataclass
class Problems:
    issues: list[dict[str, Any]] = field(default_factory=list)

    def add(self, where: str, message: str, code: str = "invalid") -> None:
        self.issues.append(issue(code, message, expression=[where]))

    def raise_if_any(self) -> None:
        if self.issues:
            first, rest = self.issues[0], self.issues[1:]
            raise FhirError(
                422,
                first["code"],
                first["diagnostics"],
                expression=first.get("expression", ()),
                issues=rest,
            )


@dataclass
class IncomingReferral:
    """A referral read from FHIR, checked, ready for `services.referrals.api_referral_receive`."""

    identifier_system: str
    identifier_value: str
    details: ReferralDetails
    person: Person | None
    new_person: PersonDetails | None
    entries: list[Entry]
    service_request: Entry
    patient: Entry | None
    consent: Entry | None


# --- the envelope -----------------------------------------------------------------------------


def transaction_entries(bundle: dict[str, Any]) -> list[Entry]:
    """The entries of a transaction Bundle; 400 when the envelope itself is wrong."""
    if bundle.get("resourceType") != "Bundle":
        raise FhirError(
            400,
            "invalid",
            f"POST a Bundle of type transaction here, not a {bundle.get('resourceType')!r}",
            expression=["Bundle.resourceType"],
        )
    if bundle.get("type") != "transaction":
        raise FhirError(
            400,
            "invalid",
            f"Only transaction Bundles are processed, not {bundle.get('type')!r}",
            expression=["Bundle.type"],
        )
    raw = bundle.get("entry")
    if not isinstance(raw, list) or not raw:
        raise FhirError(400, "required", "The Bundle has no entries", expression=["Bundle.entry"])
    problems = Problems()
    entries: list[Entry] = []
    for index, item in enumerate(raw):
        where = f"Bundle.entry[{index}]"
        resource = item.get("resource") if isinstance(item, dict) else None
        if not isinstance(resource, dict):
            problems.add(where, "Each entry needs a resource", "required")
            continue
        request = item.get("request") if isinstance(item.get("request"), dict) else {}
        kind = resource.get("resourceType")
        if kind not in ACCEPTED_TYPES:
            problems.add(
                f"{where}.resource.resourceType",
                f"{kind} entries are not accepted: send {', '.join(ACCEPTED_TYPES)} (reference "
                "organisations by their ODS code)",
                "not-supported",
            )
            continue
        method = str(request.get("method", "")).upper()
        url = str(request.get("url", "")).split("?")[0].strip("/")
        if method != "POST" or url != kind:
            problems.add(
                f"{where}.request",
                f"Send each entry as request.method POST, request.url {kind}",
            )
            continue
        entries.append(
            Entry(
                index=index,
                resource=resource,
                full_url=str(item.get("fullUrl", "")),
                if_none_exist=str(request.get("ifNoneExist", "")),
            )
        )
    problems.raise_if_any()
    counts = {
        kind: sum(1 for e in entries if e.resource["resourceType"] == kind)
        for kind in ACCEPTED_TYPES
    }
    if counts["ServiceRequest"] != 1:
        problems.add(
            "Bundle.entry", "Send exactly one ServiceRequest (the referral) per Bundle", "invalid"
        )
    for kind in ("Patient", "Consent"):
        if counts[kind] > 1:
            problems.add("Bundle.entry", f"Send at most one {kind} per Bundle", "invalid")
    problems.raise_if_any()
    return entries


def structural_problems(entry: Entry, problems: Problems) -> None:
    """FHIR R4 datatype and cardinality errors (fhir.resources' R4B models), each named by its
    element path."""
    kind = entry.resource.get("resourceType", "")
    try:
        get_fhir_model_class(kind).model_validate(entry.resource)
    except Exception as exc:  # pydantic ValidationError: one line per wrong element
        errors = getattr(exc, "errors", None)
        if not callable(errors):
            problems.add(entry.path(), f"Not a valid FHIR R4 {kind}: {exc}"[:500], "structure")
            return
        for err in errors():
            loc = [p for p in err.get("loc", ()) if p != "__root__"]
            path = ""
            for part in loc:
                path += (
                    f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
                )
            message = str(err.get("msg", "invalid"))
            problems.add(entry.path(path), f"{path or kind}: {message}"[:500], "structure")


# --- helpers ----------------------------------------------------------------------------------


def _list(value: Any) -> list[Any]:
    """A repeating element as a list; anything else (a wrongly shaped element, already reported
    by `structural_problems`) as an empty one, so reading never fails on shape."""
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in _list(value) if isinstance(v, dict)]


def identifier_key(resource: dict[str, Any]) -> tuple[str, str] | None:
    for ident in _dicts(resource.get("identifier")):
        if ident.get("system") and ident.get("value"):
            return str(ident["system"]), str(ident["value"])
    return None


def parse_if_none_exist(value: str) -> tuple[str, str] | None:
    """`identifier=system|value` (the only search If-None-Exist takes here); None if empty;
    FhirError when it is something else."""
    value = value.strip().lstrip("?")
    if not value:
        return None
    name, _, token = value.partition("=")
    system, sep, code = token.partition("|")
    if name != "identifier" or not sep or not system or not code:
        raise FhirError(
            400,
            "not-supported",
            "If-None-Exist / ifNoneExist must be identifier=system|value",
            expression=["ifNoneExist"],
        )
    return system, code


def organisation_by_reference(ref: Any) -> tuple[Organisation | None, str]:
    """(organisation, problem): by ODS identifier, or `Organization/{id}`; (None, "") when the
    reference names no organisation this way."""
    if not isinstance(ref, dict):
        return None, ""
    ident = ref.get("identifier") if isinstance(ref.get("identifier"), dict) else None
    if ident and ident.get("system") == ODS_SYSTEM:
        code = str(ident.get("value", "")).strip().upper()
        org = (
            Organisation.objects.filter(ods_code__iexact=code, is_active=True).first()
            if code
            else None
        )
        if org is None:
            return None, f"Unknown ODS code {code or '(empty)'}: no active organisation has it"
        return org, ""
    reference = str(ref.get("reference", ""))
    if reference.startswith("Organization/"):
        try:
            key = uuid.UUID(reference.removeprefix("Organization/"))
        except ValueError:
            return None, f"{reference} is not an organisation Linkwell knows"
        org = Organisation.objects.filter(uuid=key, is_active=True).first()
        if org is None:
            return None, f"{reference} is not an organisation Linkwell knows"
        return org, ""
    return None, ""


def _texts(concepts: Any) -> list[str]:
    out = []
    for concept in _dicts(concepts):
        text = concept.get("text") or next(
            (c.get("display") for c in _dicts(concept.get("coding")) if c.get("display")),
            "",
        )
        if text:
            out.append(str(text))
    return out


# --- Patient ----------------------------------------------------------------------------------


def _current(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Names or addresses still in use (no `period.end`) first, then the rest: a Patient may
    carry its history (a maiden name, a previous address)."""

    def ended(item: dict[str, Any]) -> bool:
        period = item.get("period")
        return isinstance(period, dict) and bool(period.get("end"))

    return [i for i in items if not ended(i)] + [i for i in items if ended(i)]


def read_patient(entry: Entry, problems: Problems) -> PersonDetails | None:
    patient = entry.resource
    nhs_number = ""
    for k, ident in enumerate(_list(patient.get("identifier"))):
        if isinstance(ident, dict) and ident.get("system") == NHS_NUMBER_SYSTEM:
            try:
                nhs_number = normalise_nhs_number(str(ident.get("value", "")))
            except ValidationFailed as exc:
                for message in exc.errors.get("nhs_number", []):
                    problems.add(entry.path(f"identifier[{k}].value"), message, "value")
                return None
            break
    names = _current(_dicts(patient.get("name")))
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = " ".join(str(g) for g in _list(name.get("given"))[:1])
    family = str(name.get("family", ""))
    birth = patient.get("birthDate")
    date_of_birth = None
    if not birth:
        problems.add(entry.path("birthDate"), "The Patient needs a birthDate", "required")
    else:
        try:
            date_of_birth = dt.date.fromisoformat(str(birth))
        except ValueError:
            problems.add(
                entry.path("birthDate"),
                f"birthDate {birth} must be a full date (YYYY-MM-DD)",
                "value",
            )
    addresses = _current(_dicts(patient.get("address")))
    address = next(
        (a for a in addresses if a.get("use") == "home"), addresses[0] if addresses else {}
    )
    lines = [str(x) for x in _list(address.get("line"))]
    phone = email = ""
    for point in _dicts(patient.get("telecom")):
        if point.get("system") == "phone" and not phone:
            phone = str(point.get("value", ""))
        if point.get("system") == "email" and not email:
            email = str(point.get("value", ""))
    practice = None
    gps = _list(patient.get("generalPractitioner"))
    for k, ref in enumerate(gps):
        org, problem = organisation_by_reference(ref)
        if problem:
            problems.add(entry.path(f"generalPractitioner[{k}]"), problem, "not-found")
        elif org is not None and org.kind == OrganisationKind.GP_PRACTICE:
            practice = org
            break
    if date_of_birth is None:
        return None
    details = PersonDetails(
        given_name=given,
        family_name=family,
        date_of_birth=date_of_birth,
        nhs_number=nhs_number,
        postcode=str(address.get("postalCode", "")),
        address_line_1=lines[0] if lines else "",
        address_line_2=", ".join(lines[1:]),
        town=str(address.get("city", "")),
        phone=phone,
        email=email,
        preferred_contact_method=ContactMethod.PHONE if phone or not email else ContactMethod.EMAIL,
        sex=_GENDER.get(str(patient.get("gender", "unknown")), Sex.UNKNOWN),
        registered_practice=practice,
    )
    try:
        return person_clean_details(details)
    except ValidationFailed as exc:
        for name_, messages in exc.errors.items():
            where = entry.path(PATIENT_PATHS.get(name_, ""))
            for message in messages:
                problems.add(where, message, "value")
        return None


# --- ServiceRequest ---------------------------------------------------------------------------


def _needs_by_code() -> dict[str, TaxonomyTerm]:
    return {t.code: t for t in needs_terms() if t.code}


def _reasons(sr: Entry) -> tuple[list[TaxonomyTerm], list[str]]:
    by_code = _needs_by_code()
    terms: list[TaxonomyTerm] = []
    texts: list[str] = []
    for concept in _dicts(sr.resource.get("reasonCode")):
        term = next(
            (
                by_code[str(c.get("code"))]
                for c in _dicts(concept.get("coding"))
                if c.get("system") in (NEEDS_SYSTEM, None) and str(c.get("code")) in by_code
            ),
            None,
        )
        if term is not None:
            if term not in terms:
                terms.append(term)
        else:
            texts.extend(_texts([concept]))
    return terms, texts


def _is_social_prescribing(code: Any) -> bool:
    return isinstance(code, dict) and any(
        c.get("system") == SNOMED and c.get("code") == SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING
        for c in _dicts(code.get("coding"))
    )


def read_service_request(
    sr: Entry, client: ApiClient, problems: Problems
) -> tuple[ReferralDetails | None, tuple[str, str] | None]:
    resource = sr.resource
    key = identifier_key(resource)
    if key is None:
        problems.add(
            sr.path("identifier"),
            "The ServiceRequest needs an identifier (system and value) from the sending system: "
            "it is how a resent referral is recognised",
            "required",
        )
    elif max(len(key[0]), len(key[1])) > 255:
        problems.add(
            sr.path("identifier[0]"),
            "The identifier's system and value must be 255 characters or fewer",
            "value",
        )
    if resource.get("status") != "active":
        problems.add(sr.path("status"), "Send the referral with status active", "value")
    if resource.get("intent") not in ("order", "original-order"):
        problems.add(sr.path("intent"), "Send the referral with intent order", "value")
    code = resource.get("code")
    if not isinstance(code, dict) or not (code.get("coding") or code.get("text")):
        problems.add(
            sr.path("code"),
            f"The ServiceRequest needs a code: SNOMED CT {SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING} "
            "(Referral to social prescribing service)",
            "required",
        )
    requester_org: Organisation | None = None
    requester = resource.get("requester")
    referrer_name = ""
    if isinstance(requester, dict):
        referrer_name = str(requester.get("display", ""))[:200]
        org, problem = organisation_by_reference(requester)
        if problem:
            problems.add(sr.path("requester"), problem, "not-found")
        requester_org = org
    if (
        requester_org is not None
        and requester_org.pk != client.organisation_id
        # A client acting for a PCN may send its member practices' referrals.
        and requester_org.parent_id != client.organisation_id
    ):
        problems.add(
            sr.path("requester"),
            f"This client acts for {client.organisation.name} and cannot send referrals from "
            f"{requester_org.name}",
            "forbidden",
        )
    referrer = requester_org or client.organisation
    service: Organisation | None = None
    performers = _list(resource.get("performer"))
    if performers:
        org, problem = organisation_by_reference(performers[0])
        if problem:
            problems.add(sr.path("performer[0]"), problem, "not-found")
        elif org is not None and org.kind != OrganisationKind.LINK_WORKER_SERVICE:
            problems.add(
                sr.path("performer[0]"),
                f"{org.name} is not a link-worker service: name the service to refer to",
                "value",
            )
        else:
            service = org
    if service is None and not any(
        "performer" in str(i.get("expression")) for i in problems.issues
    ):
        candidates = link_worker_services_for(referrer)
        if len(candidates) == 1:
            service = candidates[0]
        elif not candidates:
            problems.add(sr.path(), "No link-worker service is taking referrals", "processing")
        else:
            names = "; ".join(
                f"{c.name} ({c.ods_code or f'Organization/{c.uuid}'})" for c in candidates[:10]
            )
            problems.add(
                sr.path("performer"),
                f"Several link-worker services could take this referral: name one in "
                f"performer (ODS identifier or Organization/id): {names}",
                "required",
            )
    terms, reason_texts = _reasons(sr)
    notes = [str(n.get("text", "")) for n in _dicts(resource.get("note"))]
    parts: list[str] = []
    if isinstance(code, dict) and not _is_social_prescribing(code):
        requested = _texts([code])
        if requested:
            parts.append(f"Requested: {requested[0]}")
    if reason_texts:
        parts.append("Reasons: " + "; ".join(reason_texts))
    parts.extend(n for n in notes if n.strip())
    priority = str(resource.get("priority", "routine"))
    if priority not in _PRIORITY:
        problems.add(sr.path("priority"), f"Unknown priority {priority}", "value")
    kind = OrganisationKind(referrer.kind) if referrer.kind in OrganisationKind.values else None
    details = ReferralDetails(
        link_worker_service=service,
        source=_SOURCE_BY_KIND.get(kind, ReferralSource.OTHER) if kind else ReferralSource.OTHER,
        reasons=terms,
        details="\n\n".join(parts),
        urgency=_PRIORITY.get(priority, Urgency.ROUTINE),
        consent_to_contact=True,
        referrer_organisation=referrer,
        referrer_name=referrer_name,
    )
    return details, key


def apply_consent(consent: Entry, details: ReferralDetails, problems: Problems) -> None:
    resource = consent.resource
    status = resource.get("status")
    raw_provision = resource.get("provision")
    provision: dict[str, Any] = raw_provision if isinstance(raw_provision, dict) else {}
    permit = status == "active" and provision.get("type", "permit") == "permit"
    details.consent_to_share = permit
    if not permit:
        return
    actors = [
        str(a.get("reference", {}).get("display", ""))
        for a in _dicts(provision.get("actor"))
        if isinstance(a.get("reference"), dict)
    ]
    orgs = [str(o.get("display", "")) for o in _dicts(resource.get("organization"))]
    share_with = "; ".join(x for x in [*actors, *orgs] if x.strip())
    details.share_with = share_with or "The referring organisation and the person's GP practice"


# --- putting it together ----------------------------------------------------------------------


def _subject_matches(subject: Any, patient: Entry | None) -> bool:
    """Whether a reference (`subject`, Consent.patient) points at the Patient entry: its fullUrl
    (`urn:uuid:...` or an absolute URL), or `Patient/{id}` of the entry's own id."""
    if patient is None or not isinstance(subject, dict):
        return False
    reference = str(subject.get("reference", ""))
    if not reference:
        return False
    names = set()
    if patient.full_url:
        names.add(patient.full_url)
    if patient.resource.get("id"):
        names.add(f"Patient/{patient.resource['id']}")
    if reference in names:
        return True
    return bool(patient.full_url) and patient.full_url.endswith("/" + reference)


def read_referral(
    entries: list[Entry], client: ApiClient, *, existing_person: Any
) -> IncomingReferral:
    """Check everything and return the referral to create; FhirError 422 listing every problem.

    `existing_person(details_or_None, subject_reference) -> (Person | None, problem)` finds the
    person record (services.referrals.match_person): kept outside so this module writes and
    searches nothing about people."""
    problems = Problems()
    for entry in entries:
        structural_problems(entry, problems)
    # The reading below is defensive about shapes, so it runs even after a structural problem:
    # the sender hears about everything at once.
    by_type: dict[str, Entry] = {e.resource["resourceType"]: e for e in entries}
    sr = by_type["ServiceRequest"]
    patient_entry = by_type.get("Patient")
    consent_entry = by_type.get("Consent")
    new_person = read_patient(patient_entry, problems) if patient_entry else None
    details, key = read_service_request(sr, client, problems)
    subject = sr.resource.get("subject")
    person: Person | None = None
    if not isinstance(subject, dict) or not (subject.get("reference") or subject.get("identifier")):
        problems.add(
            sr.path("subject"),
            "The ServiceRequest needs a subject: reference the Patient entry",
            "required",
        )
    elif patient_entry is not None and not _subject_matches(subject, patient_entry):
        problems.add(
            sr.path("subject"),
            f"subject must reference the Patient entry ({patient_entry.full_url or 'its fullUrl'})",
            "invalid",
        )
    if consent_entry is not None:
        patient_ref = consent_entry.resource.get("patient")
        if (
            patient_entry is not None
            and patient_ref is not None
            and not _subject_matches(patient_ref, patient_entry)
        ):
            problems.add(
                consent_entry.path("patient"),
                "The Consent must be about the Patient entry",
                "invalid",
            )
        if details is not None:
            apply_consent(consent_entry, details, problems)
    if not problems.issues and isinstance(subject, dict):
        person, problem = existing_person(new_person, subject if patient_entry is None else None)
        if problem:
            where = patient_entry.path() if patient_entry is not None else sr.path("subject")
            problems.add(where, problem, "business-rule")
        elif person is None and new_person is None:
            problems.add(
                sr.path("subject"),
                "The subject is not a Patient this client referred: send the Patient in the Bundle",
                "not-found",
            )
    problems.raise_if_any()
    assert details is not None and key is not None
    return IncomingReferral(
        identifier_system=key[0],
        identifier_value=key[1],
        details=details,
        person=person,
        new_person=None if person is not None else new_person,
        entries=entries,
        service_request=sr,
        patient=patient_entry,
        consent=consent_entry,
    )
