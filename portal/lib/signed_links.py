"""Signed one-person links: a token in an emailed URL that lets one named person do one thing to
one object (confirm they cleared a chat) with a click, until it expires.

The token binds (purpose, person, object) and the time it was made. The signing key is the
site's SECRET_KEY, salted by purpose, so a token made for one purpose is refused for another
even if the ids match. A token carries no secret of its own: anyone holding it can use it,
which is why each is for one person and one object and expires.
"""

from datetime import timedelta

from django.core import signing

_SALT = "portal.signed_link"


class SignedLinkError(Exception):
    """The link cannot be used; the message says why in words for the person."""


class SignedLinkExpired(SignedLinkError):
    """The link was genuine but is older than it may be."""


class SignedLinkInvalid(SignedLinkError):
    """The link was altered, made for another purpose, person or object, or never made here."""


def _signer(purpose: str) -> signing.TimestampSigner:
    if not purpose or ":" in purpose:
        raise ValueError("A signed link's purpose is a plain name, such as 'cleardown.confirm'.")
    return signing.TimestampSigner(salt=f"{_SALT}:{purpose}")


def _value(user_id: int, object_id: int | str) -> str:
    return f"{user_id}:{object_id}"


def signed_link_token(*, purpose: str, user_id: int, object_id: int | str) -> str:
    """A URL-safe token for this person to act on this object for `purpose`."""
    return _signer(purpose).sign(_value(user_id, object_id))


def signed_link_check(
    *, token: str, purpose: str, user_id: int, object_id: int | str, max_age: timedelta
) -> None:
    """Return if `token` was made here for exactly this purpose, person and object, no longer
    than `max_age` ago; raise SignedLinkExpired or SignedLinkInvalid otherwise."""
    try:
        value = _signer(purpose).unsign(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise SignedLinkExpired("This link has expired.") from exc
    except signing.BadSignature as exc:
        raise SignedLinkInvalid("This link is not valid.") from exc
    if value != _value(user_id, object_id):
        raise SignedLinkInvalid("This link was made for someone or something else.")
