"""Signing in and out, and passwords: what the audit trail records about accounts.

Django's own views do the work (login, logout, password forms); these services record it. The
password itself, typed or stored, is never recorded anywhere.
"""

from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction

from portal.models import AuditEvent, User
from portal.services.audit import audit_record
from portal.services.notifications import notification_queue


@transaction.atomic
def user_signed_in(*, user: User, ip: str | None) -> AuditEvent:
    return audit_record(verb="user.signed_in", actor=user, obj=user, ip=ip)


@transaction.atomic
def user_signed_out(*, user: User, ip: str | None, reason: str = "") -> AuditEvent:
    # A session ended by the portal (12 hours since sign-in) reads differently at a hearing
    # from a person choosing to sign out.
    verb = "user.session_expired" if reason else "user.signed_out"
    return audit_record(
        verb=verb, actor=user, obj=user, ip=ip, changes={"reason": reason} if reason else None
    )


@transaction.atomic
def user_sign_in_failed(*, username: str, ip: str | None, locked_out: bool) -> AuditEvent:
    """A failed attempt. What was typed as the email is recorded only when it names an account:
    people sometimes type their password into the email box, and that must not be kept."""
    user = User.objects.filter(email__iexact=(username or "").strip()).first()
    changes = {"locked_out": locked_out}
    if user is None:
        changes["account"] = "no account has that email address"
    return audit_record(verb="user.sign_in_failed", actor=None, obj=user, ip=ip, changes=changes)


@transaction.atomic
def user_password_set(*, form: SetPasswordForm, ip: str | None, reset: bool) -> User:
    """Save a valid password change (or reset) form, record it, and tell the person by email,
    so that a change they did not make does not go unnoticed."""
    user = form.save()
    event = audit_record(
        verb="user.password_reset" if reset else "user.password_changed",
        actor=user,
        obj=user,
        ip=ip,
    )
    notification_queue(
        to=user,
        template="portal.password_changed",
        dedup_key=f"password-changed:{user.pk}:{event.pk}",
        context={"reset": reset, "changed_at": event.at},
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
        template="portal.password_reset",
        dedup_key=f"password-reset:{user.pk}:{stamp}",
        url=url,
        in_portal=False,
    )
    if queued is None:
        return False
    audit_record(verb="user.password_reset_requested", actor=None, obj=user, ip=ip)
    return True
