"""Writes for the FHIR API: clients (`clients.py`), referrals received and cancelled
(`referrals.py`). Each write and its audit row commit together."""

from linkwell.fhir.services.clients import ApiClientCreated, api_client_create, api_client_revoke
from linkwell.fhir.services.referrals import (
    api_referral_cancel,
    api_referral_receive,
    match_person,
)

__all__ = [
    "ApiClientCreated",
    "api_client_create",
    "api_client_revoke",
    "api_referral_cancel",
    "api_referral_receive",
    "match_person",
]
