"""The signed-in request's own session: what it keeps about itself, and how its record (see
portal.services.sessions) is made and kept up to date from the request."""

from datetime import UTC, datetime

from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest
from django.utils import timezone

from portal.access import client_ip
from portal.lib.devices import device_description
from portal.models import User
from portal.services.sessions import user_session_seen, user_session_start

SIGNED_IN_AT = "portal_signed_in_at"
# When the session's record was last told the session was used: its "last seen" is written
# at most once in SEEN_EVERY_SECONDS, not on every page.
SEEN_AT = "portal_seen_at"
SEEN_EVERY_SECONDS = 60


def _signed_in_at(request: HttpRequest) -> datetime:
    stamp = request.session.get(SIGNED_IN_AT)
    return datetime.fromtimestamp(stamp, tz=UTC) if stamp else timezone.now()


def session_record(request: HttpRequest, user: User) -> None:
    """Record the request's session (just signed in, or given a new key) as `user`'s."""
    if not request.session.session_key:
        # Signing in over someone else's session empties it, leaving no row to point at yet.
        request.session.save()
    request.session[SEEN_AT] = timezone.now().timestamp()
    user_session_start(
        user=user,
        session_key=request.session.session_key or "",
        ip=client_ip(request),
        device=device_description(request.headers.get("user-agent", "")),
        signed_in_at=_signed_in_at(request),
    )


def session_seen(request: HttpRequest, user: User) -> None:
    """Push the session's "last seen" on, if a minute has passed since it was last written."""
    now = timezone.now().timestamp()
    if now - request.session.get(SEEN_AT, 0) < SEEN_EVERY_SECONDS:
        return
    request.session[SEEN_AT] = now
    user_session_seen(
        user=user,
        session_key=request.session.session_key or "",
        ip=client_ip(request),
        device=device_description(request.headers.get("user-agent", "")),
        signed_in_at=_signed_in_at(request),
    )


def session_keep_after_password_change(request: HttpRequest, user: User) -> None:
    """Keep this session signed in after `user` changed their own password here.

    Django gives the session a new key (its old one stops working with the old password),
    which takes the old key's record with it; the record is made again for the new key,
    keeping the time of sign-in.
    """
    if request.user.pk != user.pk:
        return  # someone else's password: this session is not theirs
    update_session_auth_hash(request, user)
    session_record(request, user)
