"""FHIR R4 API for GP systems and other NHS clients (README.md)."""
