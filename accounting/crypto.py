"""Encryption of secrets at rest (OAuth tokens): Fernet, with several keys so keys rotate.

QBO_TOKEN_ENCRYPTION_KEYS lists the keys newest first: the first encrypts, every key can
decrypt. To rotate, put a new key first, run `manage.py qbo_reencrypt_tokens`, then drop the
old key.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """The value was encrypted with a key that is no longer configured, or was altered."""


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("QBO_TOKEN_ENCRYPTION_KEYS must list at least one key.")
    try:
        return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])
    except (ValueError, TypeError) as error:
        # Never echo the key itself.
        raise ImproperlyConfigured(
            "QBO_TOKEN_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from error


def _fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.QBO_TOKEN_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    """Encrypt with the newest key. The empty string stays empty (no secret to hide)."""
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value:
        return ""
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "A stored secret cannot be decrypted with the configured keys."
        ) from None


def rotate(value: str) -> str:
    """Re-encrypt with the newest key (MultiFernet.rotate keeps the original timestamp)."""
    if not value:
        return ""
    try:
        return _fernet().rotate(value.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "A stored secret cannot be decrypted with the configured keys."
        ) from None
