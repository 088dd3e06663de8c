"""Linkwell: social prescribing and asset-based, community-centred primary care."""
