"""What a provider is told about the person: the minimum necessary, and only with consent.

`build_shared` is called once, when the referral is requested, and its result is frozen in
`Connection.shared`; the provider portal, the emailed link and any export show ONLY that dict,
so later edits of the person's record never reach the provider.

Fields (all strings; empty when not known):

| key                   | what                                                         |
|-----------------------|--------------------------------------------------------------|
| first_name            | preferred name, else given name (never the family name)      |
| age_band              | "65 to 74" etc. from the date of birth (never the date)      |
| contact_method        | how the person wants to be contacted (label)                 |
| contact               | the one detail that method needs: phone number for phone and |
|                       | text, email address for email, postal address for letter;    |
|                       | empty for "through a carer" (the link worker arranges it)    |
| message               | what the link worker wrote for the provider, knowingly       |
| access_needs          | accessibility needs, only if the link worker ticked "share"  |
| language              | language / interpreter needed, only with the same tick       |
| link_worker           | the referring link worker's name                             |
| link_worker_service   | their team                                                   |
| link_worker_email     | where the provider can reply                                 |

Never shared: NHS number, date of birth, family name, full address (except for a letter),
case notes, referral details, reasons, safeguarding flag or details, ethnicity, sex, practice.
The precondition is `consent_to_share` on the case's latest referral (the episode the work
belongs to); without it `SharingRefused` is raised and nothing is sent.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.casework.models import Case
from linkwell.core.exceptions import LinkwellError
from linkwell.people.models import ContactMethod, Person
from linkwell.referrals.models import Referral

SHARED_FIELDS = (
    "first_name",
    "age_band",
    "contact_method",
    "contact",
    "message",
    "access_needs",
    "language",
    "link_worker",
    "link_worker_service",
    "link_worker_email",
)
NO_CONSENT = "The person has not agreed to share their details with providers."
_BANDS: tuple[tuple[int, str], ...] = (
    (18, "under 18"),
    (25, "18 to 24"),
    (35, "25 to 34"),
    (45, "35 to 44"),
    (55, "45 to 54"),
    (65, "55 to 64"),
    (75, "65 to 74"),
    (85, "75 to 84"),
)


class SharingRefused(LinkwellError):
    """The person's consent does not allow sending their details to a provider."""


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def age_band(born: dt.date, today: dt.date | None = None) -> str:
    age = age_on(born, today or timezone.localdate())
    for upper, label in _BANDS:
        if age < upper:
            return label
    return "85 and over"


def latest_referral(case: Case) -> Referral | None:
    return Referral.objects.filter(case_link__case=case).order_by("-received_at", "-pk").first()


def _contact(person: Person, method: str) -> str:
    if method in (ContactMethod.PHONE, ContactMethod.TEXT):
        return person.phone
    if method == ContactMethod.EMAIL:
        return person.email
    if method == ContactMethod.LETTER:
        parts = [person.address_line_1, person.address_line_2, person.town, person.postcode]
        return ", ".join(p for p in parts if p)
    return ""


def build_shared(
    *, case: Case, actor: User | None, message: str = "", share_access_needs: bool = False
) -> dict[str, str]:
    """The dict frozen into `Connection.shared`; SharingRefused without consent."""
    referral = latest_referral(case)
    if referral is None or not referral.consent_to_share:
        raise SharingRefused(NO_CONSENT)
    person = case.person
    method = referral.preferred_contact_method or person.preferred_contact_method
    labels = dict(ContactMethod.choices)
    language = ""
    access = ""
    if share_access_needs:
        access = referral.accessibility_needs or person.accessibility_needs
        language = referral.language_needs or (
            person.language if person.language and person.language != "English" else ""
        )
        if person.interpreter_needed:
            language = f"{language or 'Interpreter'} (needs an interpreter)"
    return {
        "first_name": person.preferred_name or person.given_name,
        "age_band": age_band(person.date_of_birth),
        "contact_method": str(labels.get(method, method)),
        "contact": _contact(person, method),
        "message": message.strip(),
        "access_needs": access,
        "language": language,
        "link_worker": getattr(actor, "full_name", "") or str(actor or ""),
        "link_worker_service": case.link_worker_service.name,
        "link_worker_email": getattr(actor, "email", "") or "",
    }
