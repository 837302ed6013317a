"""Signing in through the identity provider: the button's page and the provider's way back.

Both answer 404 when no provider is configured.
"""

from django.conf import settings
from django.contrib import auth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.access import client_ip
from portal.lib.next_url import safe_next
from portal.lib.security_log import security_event
from portal.middleware import BY_IDENTITY_PROVIDER, SECOND_FACTOR_PENDING, SECOND_STEP_BY
from portal.models import User
from portal.oidc import config
from portal.oidc.backend import BACKEND_PATH
from portal.oidc.flow import PROVIDER_SUBJECT, SIGN_IN, check_answer, provider_redirect, take_flow
from portal.reauth import reauth_returned
from portal.services.accounts import user_sign_in_refused
from portal.services.second_factor import second_factor_by_identity_provider

_REFUSAL_WORDS = {
    "no account has that email address": (
        "There is no account in the portal for {email}. Accounts are made from HR's list of "
        "staff: if you have just joined, ask HR or the IT helpdesk to check it."
    ),
    "account deactivated": (
        "Your account in the portal has been closed, so you cannot sign in. If you think "
        "this is a mistake, call the IT helpdesk."
    ),
    "email address outside the allowed domains": (
        "{email} is not one of this organisation's addresses, so it cannot be used to sign in "
        "here. Sign in with your work account."
    ),
}
_TRY_AGAIN = (
    "Your sign-in could not be completed. Please try again. If it keeps happening, call the IT "
    "helpdesk."
)


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    if not config.enabled():
        raise Http404
    try:
        return provider_redirect(request, purpose=SIGN_IN, next_url=safe_next(request))
    except config.ProviderUnavailable as exc:
        security_event("identity_provider.unavailable", request=request, reason=str(exc))
        return render(
            request,
            "registration/identity_provider_refused.html",
            {
                "message": f"{config.provider_name()} is not answering at the moment. Please "
                "try again in a few minutes."
            },
            status=503,
        )


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    if not config.enabled():
        raise Http404
    flow, secrets = take_flow(request)
    if flow is None or secrets is None:
        return _refused(request, None, "", "sign-in not started here, or started too long ago")
    if flow["purpose"] != SIGN_IN:
        return reauth_returned(request, flow, secrets)
    answer = check_answer(request, secrets)
    if answer.problem or answer.user is None:
        return _refused(request, answer.user, answer.email, answer.problem)
    user, claims = answer.user, answer.claims
    # Audited as a sign-in by portal/signals.py, with the method read from the backend.
    auth.login(request, user, backend=BACKEND_PATH)
    request.session[PROVIDER_SUBJECT] = claims["sub"]
    if config.proves_second_factor(claims):
        request.session[SECOND_STEP_BY] = BY_IDENTITY_PROVIDER
        request.session.pop(SECOND_FACTOR_PENDING, None)
        second_factor_by_identity_provider(user=user, amr=claims["amr"], ip=client_ip(request))
    return redirect(flow["next"] or reverse(settings.LOGIN_REDIRECT_URL))


def _refused(request: HttpRequest, user: User | None, email: str, reason: str) -> HttpResponse:
    user_sign_in_refused(user=user, email=email, reason=reason, ip=client_ip(request))
    security_event(
        "sign_in.refused",
        request=request,
        sign_in_method="identity provider",
        reason=reason,
        account_id=user.pk if user else None,
    )
    words = _REFUSAL_WORDS.get(reason, _TRY_AGAIN).format(email=email)
    return render(
        request, "registration/identity_provider_refused.html", {"message": words}, status=403
    )
