from typing import Any

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "linkwell.referrals"
    label = "referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from linkwell.casework.signals import case_contacted

        case_contacted.connect(_code_first_contact, dispatch_uid="referrals.first_contact")


def _code_first_contact(sender: Any, *, actor: Any, case: Any, at: Any, **_: Any) -> None:
    """A case was contacted: code its episode's referrals (`linkwell.casework.signals`), in the
    transaction that recorded the contact."""
    from linkwell.referrals.services import referral_record_first_contact

    referral_record_first_contact(actor=actor, case=case, at=at)
