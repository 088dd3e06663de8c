"""Reads of person records: duplicate candidates."""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from linkwell.directory.postcodes import InvalidPostcode, UnknownPostcode, lookup
from linkwell.people.models import Person

# difflib ratio above which two names count as "similar" (Jon/John, Smyth/Smith, Ann-Marie/Anne Marie).
NAME_SIMILARITY = 0.8
# Records sharing one NHS number or date of birth weighed at most (a handful in practice; a
# bound so a mistyped default birthday cannot read thousands).
CANDIDATE_LIMIT = 2000


def normalise_name(value: str) -> str:
    """Case-, accent-, space- and punctuation-blind form of a name: "O'Brien-Dé" -> "obriende"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


def _compact_postcode(value: str) -> str:
    return "".join((value or "").split()).upper()


def _similar(a: str, b: str) -> bool:
    return bool(a and b) and difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


@dataclass
class DuplicateCandidate:
    person: Person
    reasons: list[str] = field(default_factory=list)

    @property
    def same_nhs_number(self) -> bool:
        return "Same NHS number" in self.reasons


def person_duplicate_candidates(
    *,
    people: QuerySet[Person] | Callable[[], QuerySet[Person]],
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None,
    postcode: str = "",
    nhs_number: str = "",
    exclude: Person | None = None,
) -> list[DuplicateCandidate]:
    """Records in `people` (already scoped to what the actor may see) that may be this person.

    A match is the same NHS number, or the same date of birth with the same family name, or a
    similar given + family name, or the same postcode. Exact NHS matches come first.

    Every rule needs the same NHS number or the same date of birth, both indexed, so the few
    unmerged records sharing one are read first (the weighed fields only) and weighed here;
    only those that match are then read whole, through `people`'s scope (which joins cases and
    referrals: asked of every record, it would read them all), and a new person, matching
    nobody, costs one query.
    `people` may be a function returning the scope, called only when some record matched (the
    actor's memberships are then read only for a possible duplicate).
    At most `CANDIDATE_LIMIT` records sharing a number or birthday are weighed.
    """
    if not nhs_number and date_of_birth is None:
        return []
    if isinstance(people, QuerySet) and people.query.is_empty():
        return []
    q = Q(pk__in=[])
    if nhs_number:
        q |= Q(nhs_number=nhs_number)
    if date_of_birth is not None:
        q |= Q(date_of_birth=date_of_birth)
    # Only the fields weighed, as plain values: building a record (and its practice) for each
    # of the handful sharing a birthday costs more than the query; the matches are read whole
    # below, with the scope check.
    found = Person.objects.filter(q, merged_into__isnull=True)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    weighed = found.values_list(
        "pk", "given_name", "family_name", "date_of_birth", "nhs_number", "postcode"
    )

    family = normalise_name(family_name)
    full = normalise_name(given_name) + " " + family
    code = _compact_postcode(postcode)
    matched: dict[int, list[str]] = {}
    for pk, their_given, their_family_name, their_birth, their_nhs, their_postcode in weighed[
        :CANDIDATE_LIMIT
    ]:
        reasons: list[str] = []
        if nhs_number and their_nhs == nhs_number:
            reasons.append("Same NHS number")
        if date_of_birth is not None and their_birth == date_of_birth:
            their_family = normalise_name(their_family_name)
            their_full = normalise_name(their_given) + " " + their_family
            if family and their_family == family:
                reasons.append("Same date of birth and family name")
            elif _similar(full, their_full):
                reasons.append("Same date of birth and a similar name")
            elif code and _compact_postcode(their_postcode) == code:
                reasons.append("Same date of birth and postcode")
        if reasons:
            matched[pk] = reasons
    out: list[DuplicateCandidate] = []
    if matched:
        scope = people if isinstance(people, QuerySet) else people()
        visible = scope.filter(pk__in=list(matched)).select_related("registered_practice")
        out = [DuplicateCandidate(person=p, reasons=matched[p.pk]) for p in visible]
    out.sort(key=lambda c: (not c.same_nhs_number, c.person.family_name, c.person.given_name))
    return out


NO_POSTCODE = "No postcode: distances unknown"
POSTCODE_NOT_FOUND = "Postcode not found: check it (distances unknown)"


def postcode_warning(person: Person) -> str:
    """What to flag about a person's postcode where their record is used (triage, the case,
    suggestions): matching cannot work out distances without a postcode it can place."""
    if not person.postcode.strip():
        return NO_POSTCODE
    try:
        lookup(person.postcode)
    except (InvalidPostcode, UnknownPostcode):
        return POSTCODE_NOT_FOUND
    return ""
