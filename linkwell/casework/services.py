"""Casework writes: case status machine, assignment and complexity, appointments, notes,
safeguarding. Keyword-only, typed, atomic, audited with the person's id in the same transaction.

Sections (one owner each; add yours under its header, keep others' untouched):
- Case status machine, complexity, reassignment (caseload/case pages)
- Contacts and appointments (caseload/case pages)
- Case notes and safeguarding (caseload/case pages)
- Triage/allocation writes live in linkwell/referrals/services.py; review, plan and follow-up in
  review.py, plan.py, followup.py (they call `case_status_advance` in review.py).
"""

from __future__ import annotations

# --- Case status machine, complexity, reassignment ---------------------------------------------


# --- Contacts and appointments -----------------------------------------------------------------


# --- Case notes and safeguarding ---------------------------------------------------------------
