from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:  # settings name this class before the app registry is ready
    from linkwell.accounts.models import User


class CharacterClassValidator:
    """Strong passwords: at least three of lower case, upper case, digits and symbols."""

    def validate(self, password: str, user: User | None = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                "Use at least three of: lower-case letters, capital letters, numbers and symbols.",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return "Use at least three of: lower-case letters, capital letters, numbers and symbols."
