"""Sealing the credential register's secrets with the keys in PORTAL_ENCRYPTION_KEYS.

The keys come from the environment, newest first, and are never derived from SECRET_KEY: a
copy of the database (a backup, a restored test copy) holds only tokens. Each secret is sealed
with Fernet (AES-128-CBC with an HMAC) under the newest key; MultiFernet opens a token made under
any key still listed, so an old key stays listed until `rotate_encryption_keys` has resealed
everything under the new one.

A token is bound to its place: the sealed text begins with the account and field it belongs to,
checked on opening, so a token copied into another account's row (or another field) does not
open there.

A token that will not open raises SecretUnreadable, whose message names the place and never the
token: the register shows that error, never ciphertext and never a blank.

Every function that holds a key, a token or a secret in a local variable is marked
`sensitive_variables`, so that an error report's traceback (Django's 500 email, the debug page)
shows stars in place of them.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

_SEPARATOR = "\x00"


class SecretUnreadable(Exception):
    """A sealed secret that no listed key opens, or that was sealed for another place."""


def place(account_id: int, field: str) -> str:
    """Where a secret belongs: what a token is bound to."""
    return f"socialmedia.credential:{account_id}:{field}"


@cache
@sensitive_variables()
def _keys(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise SecretUnreadable(
            "No encryption keys are set (PORTAL_ENCRYPTION_KEYS), so no secret can be sealed "
            "or opened."
        )
    return MultiFernet([Fernet(key) for key in keys])


def keys() -> MultiFernet:
    """The keys now listed in settings, the newest first (tests change settings, so the cache
    is by the keys themselves)."""
    return _keys(tuple(settings.PORTAL_ENCRYPTION_KEYS))


def newest_key() -> Fernet:
    return Fernet(settings.PORTAL_ENCRYPTION_KEYS[0])


@sensitive_variables()
def seal(value: str, *, at: str) -> str:
    """`value`, sealed under the newest key and bound to the place `at`. An empty value seals to
    an empty string: the field was not given."""
    if value == "":
        return ""
    return keys().encrypt(f"{at}{_SEPARATOR}{value}".encode()).decode("ascii")


@sensitive_variables()
def unseal(token: str, *, at: str) -> str:
    """The secret sealed at `at`, or SecretUnreadable saying why not."""
    if token == "":
        return ""
    try:
        plain = keys().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretUnreadable(
            f"The secret at {at} cannot be decrypted with any key in PORTAL_ENCRYPTION_KEYS. "
            "Was a key removed before the secrets were rotated to the newest one?"
        ) from None
    bound_to, sep, value = plain.partition(_SEPARATOR)
    if not sep or bound_to != at:
        raise SecretUnreadable(
            f"The secret stored at {at} was sealed for a different place; it has been copied "
            "from another record and is not shown."
        )
    return value


@sensitive_variables()
def reseal(token: str, *, at: str) -> tuple[str, bool]:
    """The token sealed again under the newest key, and whether it needed it (False when it
    already was). Checks the token opens at `at` first, so a rotation never carries forward a
    token it could not read."""
    if token == "":
        return "", False
    unseal(token, at=at)
    try:
        newest_key().decrypt(token.encode("ascii"))
        return token, False
    except InvalidToken:
        return keys().rotate(token.encode("ascii")).decode("ascii"), True
