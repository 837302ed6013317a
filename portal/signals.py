"""Receivers for Django's own sign-in signals, and django-axes' lockout. Django's auth views do
the signing in and out, so its signals are the one place to hear about it; each receiver calls
a service (the audit trail) and logs the security event (portal.lib.security_log)."""

from axes.signals import user_locked_out
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from portal.access import client_ip
from portal.backends import ADDRESS_PAUSED
from portal.lib.security_log import security_event
from portal.middleware import LOGOUT_REASON, SECOND_FACTOR_PENDING
from portal.oidc.backend import BACKEND_PATH as IDENTITY_PROVIDER_BACKEND
from portal.selectors import account_id_for
from portal.services.accounts import (
    IDENTITY_PROVIDER,
    PASSWORD,
    user_sign_in_address_paused,
    user_sign_in_failed,
    user_signed_in,
    user_signed_out,
)
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
    # Django has just put the backend that let them in into the session.
    by_provider = request.session.get(BACKEND_SESSION_KEY) == IDENTITY_PROVIDER_BACKEND
    method = IDENTITY_PROVIDER if by_provider else PASSWORD
    user_signed_in(user=user, ip=client_ip(request), method=method)
    security_event("sign_in.succeeded", request=request, user=user, sign_in_method=method)


@receiver(user_logged_out, dispatch_uid="portal.audit_signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, LOGOUT_REASON, "")
        user_signed_out(user=user, ip=client_ip(request), reason=reason)


@receiver(user_login_failed, dispatch_uid="portal.audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is read.
    pause = getattr(request, ADDRESS_PAUSED, None)
    if pause is not None:
        _address_paused(request, str(credentials.get("username", "")), pause)
        return
    locked_out = bool(getattr(request, "axes_locked_out", False))
    event = user_sign_in_failed(
        username=str(credentials.get("username", "")),
        ip=client_ip(request) if request is not None else None,
        locked_out=locked_out,
    )
    # The account by its id only: what was typed as the email is sometimes a password.
    security_event(
        "sign_in.failed",
        request=request,
        account_id=int(event.object_id) if event.object_id else None,
        locked_out=locked_out,
    )


@receiver(user_locked_out, dispatch_uid="portal.log_locked_out")
def _locked_out(sender, request, username, **kwargs):
    # Sent when the limit is reached and again for each attempt while the pause lasts.
    security_event("sign_in.locked_out", request=request, account_id=account_id_for(username))


def _address_paused(request, username: str, pause) -> None:
    event = user_sign_in_address_paused(username=username, ip=client_ip(request), pause=pause)
    security_event(
        "sign_in.refused",
        request=request,
        reason="address slowed" if pause.slowed else "address paused",
        account_id=int(event.object_id) if event.object_id else None,
        accounts_failed_from_address=pause.accounts,
        paused_until=pause.until.isoformat(),
        slowed=pause.slowed,
    )
