"""Receivers for Django's own sign-in signals. Django's auth views do the signing in and out, so
its signals are the one place to hear about it; each receiver only calls a service."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from portal.access import client_ip
from portal.middleware import LOGOUT_REASON, SECOND_FACTOR_PENDING
from portal.services.accounts import user_sign_in_failed, user_signed_in, user_signed_out
from portal.services.second_factor import has_second_factor
from portal.sessions import SIGNED_IN_AT, session_record


@receiver(user_logged_in, dispatch_uid="portal.audit_signed_in")
def _signed_in(sender, request, user, **kwargs):
    # The 12-hour limit counts from here, not from the first page after sign-in.
    request.session[SIGNED_IN_AT] = timezone.now().timestamp()
    # Read once here, so that no later page pays a query to know the second step is owed.
    if has_second_factor(user):
        request.session[SECOND_FACTOR_PENDING] = True
    # Django has just given the session a new key and saved it; this records it as theirs.
    session_record(request, user)
    user_signed_in(user=user, ip=client_ip(request))


@receiver(user_logged_out, dispatch_uid="portal.audit_signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, LOGOUT_REASON, "")
        user_signed_out(user=user, ip=client_ip(request), reason=reason)


@receiver(user_login_failed, dispatch_uid="portal.audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is read.
    user_sign_in_failed(
        username=str(credentials.get("username", "")),
        ip=client_ip(request) if request is not None else None,
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )
