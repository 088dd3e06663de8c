"""The NHS SNOMED CT social prescribing concepts (UK edition) Linkwell records.

Shared by the referrals app, which codes each referral episode with them, and casework's
message back to the referrer, which carries the same code.
"""

from __future__ import annotations

SNOMED_SYSTEM = "http://snomed.info/sct"
SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING = "871731000000106"  # Referral to social prescribing service
SNOMED_SOCIAL_PRESCRIBING_DECLINED = "871711000000103"  # Social prescribing declined
SNOMED_DISPLAY = {
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING: "Referral to social prescribing service",
    SNOMED_SOCIAL_PRESCRIBING_DECLINED: "Social prescribing declined",
}
