"""The OAuth 2.0 scopes a FHIR API client may hold (README.md, "Scopes").

Plain constants, no Django imports: config/settings.py reads `SCOPE_DESCRIPTIONS` for
django-oauth-toolkit's `SCOPES`, and the CapabilityStatement and OpenAPI document list them.
"""

from __future__ import annotations

REFERRALS_WRITE = "referrals.write"
REFERRALS_READ = "referrals.read"
OUTCOMES_READ = "outcomes.read"
DOCUMENTS_READ = "documents.read"

SCOPE_DESCRIPTIONS: dict[str, str] = {
    REFERRALS_WRITE: "Send referrals (transaction Bundles, ServiceRequest) and cancel them (Task)",
    REFERRALS_READ: "Read the referrals the organisation sent, their Tasks and Patients",
    OUTCOMES_READ: "Read the goals and outcome measures the person agreed to share back",
    DOCUMENTS_READ: "Read messages back (Composition documents) and consents",
}
ALL_SCOPES: tuple[str, ...] = tuple(SCOPE_DESCRIPTIONS)


def parse_scopes(text: str) -> list[str]:
    """Scopes from space- or comma-separated text, in a stable order; ValueError naming any
    unknown scope."""
    names = [part for part in text.replace(",", " ").split() if part]
    unknown = sorted({n for n in names if n not in SCOPE_DESCRIPTIONS})
    if unknown:
        raise ValueError(f"Unknown scope {', '.join(unknown)}: choose from {', '.join(ALL_SCOPES)}")
    if not names:
        raise ValueError(f"Give at least one scope: {', '.join(ALL_SCOPES)}")
    return [s for s in ALL_SCOPES if s in names]
