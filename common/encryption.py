"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) with every key of a rotation at once.

``settings.DEALLENS_ENCRYPTION_KEYS`` lists url-safe base64 Fernet keys, newest first. The first
encrypts; any of them decrypts (``cryptography``'s MultiFernet), so rotating is: put the new key
first, run ``manage.py rotate_encryption_keys`` (which calls :func:`rotate` on every stored
secret), then drop the old key. DEBUG without keys derives one from SECRET_KEY so ``make run``
needs no set-up.
"""

import base64
import hashlib
from collections.abc import Callable
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys decrypts (a key was dropped too soon)."""


def _keys() -> list[str]:
    keys = [k.strip() for k in settings.DEALLENS_ENCRYPTION_KEYS if k.strip()]
    if keys:
        return keys
    if settings.DEBUG:
        digest = hashlib.sha256(f"deallens-encryption:{settings.SECRET_KEY}".encode()).digest()
        return [base64.urlsafe_b64encode(digest).decode()]
    raise ImproperlyConfigured(
        "DEALLENS_ENCRYPTION_KEYS is not set: it holds the key that encrypts CRM credentials "
        "(generate one with `python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'`)."
    )


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "DEALLENS_ENCRYPTION_KEYS holds a key that is not 32 url-safe base64-encoded bytes."
        ) from exc


def _current() -> MultiFernet:
    return _fernet(tuple(_keys()))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "A stored secret cannot be decrypted with DEALLENS_ENCRYPTION_KEYS."
        ) from exc


def is_current(token: str) -> bool:
    """Whether the newest key alone reads it (nothing to rotate)."""
    try:
        Fernet(_keys()[0].encode()).decrypt(token.encode())
    except (InvalidToken, ValueError):
        return False
    return True


def rotate(token: str) -> str:
    """The same secret encrypted with the first (newest) key."""
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "A stored secret cannot be decrypted with DEALLENS_ENCRYPTION_KEYS."
        ) from exc


# What `rotate_encryption_keys` re-encrypts besides CRM credentials: each app that stores a
# secret registers "what" → a function re-encrypting its rows and returning how many.
_rotators: dict[str, Callable[[], int]] = {}


def rotator_register(what: str, rotate_rows: Callable[[], int]) -> None:
    _rotators[what] = rotate_rows


def rotators() -> dict[str, Callable[[], int]]:
    return dict(_rotators)


def _forget(*, setting: str, **kwargs: object) -> None:
    if setting in ("DEALLENS_ENCRYPTION_KEYS", "SECRET_KEY", "DEBUG"):
        _fernet.cache_clear()


setting_changed.connect(_forget)
