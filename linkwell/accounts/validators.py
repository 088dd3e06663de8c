from __future__ import annotations

import functools
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


# Letters people swap for look-alike digits and symbols ("P@ssw0rd").
_LOOKALIKES = str.maketrans(
    {"@": "a", "4": "a", "8": "b", "3": "e", "6": "g", "1": "i", "!": "i", "|": "l", "0": "o"}
    | {"$": "s", "5": "s", "7": "t", "+": "t", "2": "z"}
)
_EDGE_NOISE = "0123456789!@#$%^&*()_+-=.,?~ "


class CommonPasswordVariantValidator:
    """A common password dressed up: look-alike swaps and digits or symbols added at either end
    (`P@ssw0rd12345`, `!!Welcome2024`). Django's CommonPasswordValidator only matches the exact
    password; this checks what is left once the dressing is taken off against the same list."""

    def __init__(self) -> None:
        from django.contrib.auth.password_validation import CommonPasswordValidator

        self._common = CommonPasswordValidator().passwords

    def _cores(self, password: str) -> set[str]:
        lowered = password.lower()
        stripped = lowered.strip(_EDGE_NOISE)
        return {
            core
            for core in (
                stripped,
                lowered.translate(_LOOKALIKES).strip(_EDGE_NOISE),
                lowered.strip(_EDGE_NOISE).translate(_LOOKALIKES),
            )
            if len(core) >= 4
        }

    def validate(self, password: str, user: User | None = None) -> None:
        if self._cores(password) & self._common:
            raise ValidationError(
                "This password is a common password with letters swapped for numbers or symbols, "
                "or numbers added: choose words that are not a known password.",
                code="password_common_variant",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be a common password with numbers or symbols swapped in."


class PersonalInformationValidator:
    """The user's name or the name part of their email address anywhere in the password.

    Django's UserAttributeSimilarityValidator compares the whole password with each attribute, so
    a long password that merely contains the name ("Margaret-Garden-2024") passes it.
    """

    min_part_length = 3

    def _parts(self, user: User) -> set[str]:
        text = f"{user.full_name} {user.email.split('@', 1)[0]}".lower()
        words = "".join(c if c.isalpha() else " " for c in text).split()
        return {word for word in words if len(word) >= self.min_part_length}

    def validate(self, password: str, user: User | None = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        if any(part in lowered for part in self._parts(user)):
            raise ValidationError(
                "Your password must not contain your name or your email address.",
                code="password_contains_name",
            )

    def get_help_text(self) -> str:
        return "Your password must not contain your name or your email address."


BREACHED_MESSAGE = (
    "This password has appeared in data breaches, so attackers try it first: choose a different "
    "one, such as three or four random words."
)


@functools.cache
def breached_passwords() -> frozenset[str]:
    """The 30,000 passwords seen most often in leaked password sets, lower-cased, loaded once.

    From the `passwords` frequency list shipped in the zxcvbn package (MIT licence; compiled from
    public breach corpora). About 20,000 of them are not in Django's common-password list."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


class BreachedPasswordValidator:
    """Refuses a password found in public password breaches (`breached_passwords`), compared
    without regard to case."""

    def validate(self, password: str, user: User | None = None) -> None:
        if password.lower() in breached_passwords():
            raise ValidationError(BREACHED_MESSAGE, code="password_breached")

    def get_help_text(self) -> str:
        return "Your password must not be one that has appeared in data breaches."
