"""Two-factor secrets encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256).

A stolen database copy or backup alone must not let anyone make a user's security codes. Keys
come from `LINKWELL_TOTP_KEYS` (comma-separated Fernet keys; make one with
`linkwell totp_keys --new`). The first key encrypts; every key decrypts, so a key is rotated by
putting a new one first, running `linkwell totp_keys --rotate` (re-encrypts every stored secret
with the first key), then removing the old key (README, Deploying).

Without `LINKWELL_TOTP_KEYS` a key is derived from `SECRET_KEY` (HKDF-SHA256, its own context),
so development and a first deployment work; production should set its own keys, because
changing `SECRET_KEY` would otherwise make every authenticator unusable.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from linkwell.core.exceptions import LinkwellError

_CONTEXT = b"linkwell totp secrets v1"


class SecretKeyError(LinkwellError):
    """A configured key is malformed, or a stored secret was made with a key we no longer hold."""


def _derived_key() -> bytes:
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CONTEXT).derive(
        str(settings.SECRET_KEY).encode()
    )
    return base64.urlsafe_b64encode(material)


def parse_keys(raw: list[str]) -> list[Fernet]:
    fernets = []
    for position, key in enumerate(raw, start=1):
        try:
            fernets.append(Fernet(key.strip().encode()))
        except ValueError as exc:
            raise SecretKeyError(
                f"LINKWELL_TOTP_KEYS: key {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes; make one with `linkwell totp_keys --new`)"
            ) from exc
    return fernets


@functools.cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    fernets = parse_keys(list(keys)) if keys else [Fernet(_derived_key())]
    return MultiFernet(fernets)


def fernet() -> MultiFernet:
    keys = tuple(k for k in getattr(settings, "LINKWELL_TOTP_KEYS", []) if k.strip())
    return _fernet(keys, str(settings.SECRET_KEY))


def encrypt_secret(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode()


def decrypt_secret(stored: str) -> str:
    try:
        return fernet().decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise SecretKeyError(
            "A two-factor secret cannot be decrypted with the keys in LINKWELL_TOTP_KEYS "
            "(was a key removed before `linkwell totp_keys --rotate`?)"
        ) from exc


def is_encrypted(stored: str) -> bool:
    """Fernet tokens are url-safe base64 starting with version byte 0x80 ("gAAAAA")."""
    return stored.startswith("gAAAAA")


def rotate_secret(stored: str) -> str:
    try:
        return fernet().rotate(stored.encode()).decode()
    except InvalidToken as exc:
        raise SecretKeyError(
            "A two-factor secret cannot be decrypted with any key in LINKWELL_TOTP_KEYS"
        ) from exc


def new_key() -> str:
    return Fernet.generate_key().decode()
