"""Signing in and out, and passwords: what the audit trail records about accounts.

Django's own views do the work (login, logout, password forms); these services record it. The
password itself, typed or stored, is never recorded anywhere.
"""

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone

from portal.access import lockout_username_for
from portal.events import PortalEmail, PortalEvent
from portal.models import AuditEvent, User
from portal.services.audit import audit_record
from portal.services.notifications import notification_queue
from portal.services.second_factor import second_factor_pause_clear
from portal.services.sessions import user_sessions_end
from portal.sign_in_limits import AddressPause

# How a person proved who they were at sign-in, as the audit trail says it.
PASSWORD = "password"
IDENTITY_PROVIDER = "identity provider"


@transaction.atomic
def user_signed_in(*, user: User, ip: str | None, method: str = PASSWORD) -> AuditEvent:
    return audit_record(
        verb=PortalEvent.USER_SIGNED_IN, actor=user, obj=user, ip=ip, changes={"method": method}
    )


@transaction.atomic
def user_sign_in_refused(
    *, user: User | None, email: str, reason: str, ip: str | None
) -> AuditEvent:
    """A sign-in through the identity provider that the portal did not accept: the provider
    vouched for someone, but not someone who may come in (deactivated, no account, another
    organisation's address), or its answer did not hold up. Of an address with no account only
    the domain is kept: the trail has no business holding strangers' addresses."""
    changes: dict[str, str] = {"method": IDENTITY_PROVIDER, "reason": reason}
    if user is None and email:
        changes["email_domain"] = email.rpartition("@")[2]
    return audit_record(
        verb=PortalEvent.USER_SIGN_IN_REFUSED, actor=None, obj=user, ip=ip, changes=changes
    )


@transaction.atomic
def user_reauthenticated(*, user: User, purpose: str, at: str, ip: str | None) -> AuditEvent:
    """The person signed in again at the identity provider, to confirm an act (`purpose`)."""
    return audit_record(
        verb=PortalEvent.USER_REAUTHENTICATED,
        actor=user,
        obj=user,
        ip=ip,
        changes={"method": IDENTITY_PROVIDER, "purpose": purpose, "signed_in_again_at": at},
    )


@transaction.atomic
def user_reauthentication_refused(
    *, user: User, purpose: str, reason: str, ip: str | None
) -> AuditEvent:
    return audit_record(
        verb=PortalEvent.USER_REAUTHENTICATION_REFUSED,
        actor=user,
        obj=user,
        ip=ip,
        changes={"method": IDENTITY_PROVIDER, "purpose": purpose, "reason": reason},
    )


@transaction.atomic
def user_signed_out(*, user: User, ip: str | None, reason: str = "") -> AuditEvent:
    # A session ended by the portal (12 hours since sign-in) reads differently at a hearing
    # from a person choosing to sign out.
    verb = PortalEvent.USER_SESSION_EXPIRED if reason else PortalEvent.USER_SIGNED_OUT
    return audit_record(
        verb=verb, actor=user, obj=user, ip=ip, changes={"reason": reason} if reason else None
    )


@transaction.atomic
def user_sign_in_failed(*, username: str, ip: str | None, locked_out: bool) -> AuditEvent:
    """A failed attempt. What was typed as the email is recorded only when it names an account:
    people sometimes type their password into the email box, and that must not be kept."""
    user = User.objects.filter(email__iexact=(username or "").strip()).first()
    changes: dict[str, bool | str] = {"locked_out": locked_out}
    if user is None:
        changes["account"] = "no account has that email address"
    return audit_record(
        verb=PortalEvent.USER_SIGN_IN_FAILED, actor=None, obj=user, ip=ip, changes=changes
    )


@transaction.atomic
def user_sign_in_address_paused(
    *, username: str, ip: str | None, pause: AddressPause
) -> AuditEvent:
    """A sign-in refused without trying the password, because its address has failed against
    too many different accounts (portal.sign_in_limits). As for a failure, what was typed as the
    email is recorded only when it names an account."""
    user = User.objects.filter(email__iexact=(username or "").strip()).first()
    changes: dict[str, object] = {
        "accounts_failed_from_address": pause.accounts,
        "paused_until": pause.until.isoformat(),
        "slowed": pause.slowed,
    }
    if user is None:
        changes["account"] = "no account has that email address"
    return audit_record(
        verb=PortalEvent.USER_SIGN_IN_ADDRESS_PAUSED, actor=None, obj=user, ip=ip, changes=changes
    )


def _sign_in_lock_clear(user: User) -> int:
    """Forget failed sign-ins for `user`, from every address. Returns how many were cleared."""
    return axes_reset(username=lockout_username_for(user))


@transaction.atomic
def user_sign_in_unlock(*, user: User, by: User, reason: str, ip: str | None = None) -> bool:
    """Let someone who is locked out (too many wrong passwords, or wrong second-step codes) sign
    in again now, rather than after the wait. Returns False, recording nothing, if there was
    nothing to clear."""
    if not reason.strip():
        raise ValueError("A reason is required to unlock someone's sign-in.")
    cleared = _sign_in_lock_clear(user)
    second_step = second_factor_pause_clear(user)
    if not (cleared or second_step):
        return False
    changes: dict[str, str | int | bool] = {"reason": reason.strip(), "places_cleared": cleared}
    if second_step:
        changes["second_step_pause_lifted"] = True
    audit_record(verb=PortalEvent.USER_SIGN_IN_UNLOCKED, actor=by, obj=user, changes=changes, ip=ip)
    return True


@transaction.atomic
def user_password_set(
    *,
    user: User,
    password: str | None,
    ip: str | None,
    reset: bool = False,
    by: User | None = None,
    keep_session_key: str | None = None,
) -> User:
    """Set a password (already checked against the password rules), record who set it and
    when, and tell the person by email, so that a change they did not make does not go
    unnoticed.

    `by` is whoever set it: the person themself (the default: a change, or a reset through the
    emailed link) or an administrator. A password of `None` means no password: the person
    signs in again only after choosing one through "Forgotten your password?".

    Set by an administrator, it signs the person out everywhere: whoever was using the account
    is out at once. Changed by the person, every session but `keep_session_key` (the one
    they did it in) ends.
    """
    by = by or user
    user.set_password(password)
    user.password_set_by = by
    user.password_set_at = timezone.now()
    user.save(update_fields=["password", "password_set_by", "password_set_at"])
    by_someone_else = by.pk != user.pk
    changes: dict[str, object]
    if by_someone_else:
        verb = PortalEvent.USER_PASSWORD_SET_BY_ADMIN
        changes = {"usable": user.has_usable_password()}
    else:
        verb = PortalEvent.USER_PASSWORD_RESET if reset else PortalEvent.USER_PASSWORD_CHANGED
        changes = {}
    # A new password is the way out of a lock-out the sign-in page offers, so it must work at
    # once: the failures counted against the old one no longer mean anything.
    if _sign_in_lock_clear(user):
        changes["sign_in_unlocked"] = True
    event = audit_record(verb=verb, actor=by, obj=user, ip=ip, changes=changes)
    user_sessions_end(
        user,
        by=by,
        reason=PortalEvent(verb).label,
        keep_session_key=None if by_someone_else else keep_session_key,
        ip=ip,
    )
    notification_queue(
        to=user,
        template=PortalEmail.PASSWORD_CHANGED,
        dedup_key=f"password-changed:{user.pk}:{event.pk}",
        context={"reset": reset, "changed_at": event.at, "by_someone_else": by_someone_else},
    )
    return user


@transaction.atomic
def user_password_reset_request(*, user: User, url: str, ip: str | None, stamp: str) -> bool:
    """Email a reset link through the outbox (never to the in-portal list: the link is a key).

    `stamp` is the minute of the request: a double-submitted form sends one email, a new
    request a minute later sends another. Returns False if this one was a repeat.
    """
    queued = notification_queue(
        to=user,
        template=PortalEmail.PASSWORD_RESET,
        dedup_key=f"password-reset:{user.pk}:{stamp}",
        url=url,
        in_portal=False,
    )
    if queued is None:
        return False
    audit_record(verb=PortalEvent.USER_PASSWORD_RESET_REQUESTED, actor=None, obj=user, ip=ip)
    return True
