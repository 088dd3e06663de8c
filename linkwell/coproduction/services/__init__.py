"""Writes for co-production self-assessments, one module per subject; import from the package.

| Module | What it owns |
|---|---|
| `assessments.py` | `assessment_start`, `assessment_save` (draft, or save and complete), `assessment_complete`, `assessment_discard` |
| `actions.py` | `action_add` (to a draft), `action_set_status` |
"""

from linkwell.coproduction.services.actions import action_add, action_set_status
from linkwell.coproduction.services.assessments import (
    assessment_complete,
    assessment_discard,
    assessment_save,
    assessment_start,
    completion_problems,
)

__all__ = [
    "action_add",
    "action_set_status",
    "assessment_complete",
    "assessment_discard",
    "assessment_save",
    "assessment_start",
    "completion_problems",
]
