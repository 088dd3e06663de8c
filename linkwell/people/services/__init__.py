"""Writes to person records. Every write is audited with the person's id, in the same transaction.

| Module | What it owns |
|---|---|
| `details.py` | The record's fields, `PersonDetails`, `person_clean_details` (the validation every way in shares), `PossibleDuplicates`, `person_duplicates_for` |
| `creation.py` | `person_create` (with the duplicate check), `person_record_registered_practice` |
| `edits.py` | `person_update`: correcting a record (version check, duplicate check, field-by-field audit) |
| `merging.py` | `person_merge`: folding a duplicate record into the one kept |
| `contact.py` | `person_flag_sms_unreachable`: a number texts cannot be delivered to |
"""

from linkwell.people.services.contact import person_flag_sms_unreachable
from linkwell.people.services.creation import person_create, person_record_registered_practice
from linkwell.people.services.details import (
    PERSON_FIELDS,
    PersonDetails,
    PossibleDuplicates,
    person_clean_details,
    person_duplicates_for,
)
from linkwell.people.services.edits import IDENTIFYING_FIELDS, person_update
from linkwell.people.services.merging import person_merge

__all__ = [
    "IDENTIFYING_FIELDS",
    "PERSON_FIELDS",
    "PersonDetails",
    "PossibleDuplicates",
    "person_clean_details",
    "person_create",
    "person_duplicates_for",
    "person_flag_sms_unreachable",
    "person_merge",
    "person_record_registered_practice",
    "person_update",
]
