"""Casework pages, one module per area (caseload, case, review, plan, messages back)."""
