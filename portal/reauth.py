"""Proving again who you are before a sensitive act (signing a declaration, later revealing a
credential), for any app to use.

Someone who signed in with a password proves it by typing the password again, as the app asks.
Someone who signed in through the identity provider has no portal password to type: they sign
in again there instead, asked for a fresh sign-in (`prompt=login`, `max_age`), and come back
with a proof that the act then records:

    if reauth_by_provider(request):
        proof = reauth_proof(request, purpose=f"declaration-{pk}")
        if proof is None:
            return reauth_start(request, purpose=f"declaration-{pk}", return_url=...)
        ... do the act, recording proof.method and proof.at ...
        reauth_clear(request, purpose=f"declaration-{pk}")
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from portal.access import client_ip
from portal.lib.security_log import security_event
from portal.lib.uktime import clock
from portal.oidc import config
from portal.oidc.backend import BACKEND_PATH
from portal.oidc.flow import PROVIDER_SUBJECT, check_answer, provider_redirect
from portal.services.accounts import user_reauthenticated, user_reauthentication_refused

# purpose -> {"method", "at"} for proofs not yet used.
PROOFS = "portal_reauth_proofs"
_PURPOSE_PREFIX = "reauth:"
# Clocks differ a little between the provider and the portal.
CLOCK_SKEW_SECONDS = 60


class ProofMethod(StrEnum):
    PASSWORD = "password"
    IDENTITY_PROVIDER = "identity_provider"


@dataclass(frozen=True)
class Proof:
    """How the person proved who they were just before the act, and when."""

    method: ProofMethod
    at: datetime


def reauth_by_provider(request: HttpRequest) -> bool:
    """Whether this session signed in through the identity provider, and so proves who it is
    there rather than with a password."""
    return config.enabled() and request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH


def reauth_provider_name() -> str:
    """What to call the identity provider on a page ("Microsoft")."""
    return config.provider_name()


def reauth_allow_form(response: HttpResponse) -> HttpResponse:
    """Let a page's form lead on to the identity provider (a button starting reauth_start): the
    browser follows a form's redirect only to places the page's Content Security Policy lists
    in form-action, which is otherwise the portal alone."""
    response._csp_update = {"form-action": [config.sign_in_origin()]}  # type: ignore[attr-defined]
    return response


def reauth_start(request: HttpRequest, *, purpose: str, return_url: str) -> HttpResponse:
    """Send the person to the provider to sign in again; they come back to `return_url` (the
    portal's own), with a proof for `purpose` if it worked, or a message saying why not."""
    try:
        return provider_redirect(
            request,
            purpose=_PURPOSE_PREFIX + purpose,
            next_url=return_url,
            extra={
                "prompt": "login",
                "max_age": str(settings.OIDC_REAUTH_MAX_AGE_SECONDS),
                "login_hint": request.user.email,  # type: ignore[union-attr]
            },
        )
    except config.ProviderUnavailable as exc:
        security_event("identity_provider.unavailable", request=request, reason=str(exc))
        messages.error(
            request,
            f"{config.provider_name()} is not answering at the moment, so you cannot confirm "
            "who you are yet. Please try again in a few minutes.",
        )
        return redirect(return_url)


def reauth_proof(request: HttpRequest, *, purpose: str) -> Proof | None:
    """The proof for `purpose` made in this session, if still fresh enough to act on."""
    proof = request.session.get(PROOFS, {}).get(purpose)
    if proof is None:
        return None
    if time.time() - proof["at"] > settings.OIDC_REAUTH_MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS:
        return None
    return Proof(ProofMethod(proof["method"]), datetime.fromtimestamp(proof["at"], tz=UTC))


def reauth_clear(request: HttpRequest, *, purpose: str) -> None:
    """Forget the proof once the act is done: one proof, one act."""
    proofs = request.session.get(PROOFS, {})
    if proofs.pop(purpose, None) is not None:
        request.session[PROOFS] = proofs


def _fresh_sign_in_problem(
    request: HttpRequest, flow: dict[str, Any], claims: dict[str, Any]
) -> str:
    if claims.get("sub") != request.session.get(PROVIDER_SUBJECT):
        return "signed in again as someone else at the provider"
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int | float):
        return "the provider did not say when they signed in"
    # prompt=login asks for a new sign-in; the provider's word that it happened is auth_time,
    # which must fall after the portal sent them there.
    if auth_time < flow["started"] - CLOCK_SKEW_SECONDS:
        return "the provider did not ask them to sign in again"
    if time.time() - auth_time > settings.OIDC_REAUTH_MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS:
        return "the sign-in at the provider was too long ago"
    return ""


def reauth_returned(
    request: HttpRequest, flow: dict[str, Any], secrets: dict[str, Any]
) -> HttpResponse:
    """The provider's answer to reauth_start (called by the provider's callback page)."""
    purpose = flow["purpose"].removeprefix(_PURPOSE_PREFIX)
    user = request.user
    if not user.is_authenticated:
        # Signed out while away: nothing to confirm.
        return redirect(settings.LOGIN_URL)
    answer = check_answer(request, secrets)
    problem = answer.problem
    if not problem and (answer.user is None or answer.user.pk != user.pk):
        problem = "signed in again as someone else at the provider"
    problem = problem or _fresh_sign_in_problem(request, flow, answer.claims)
    ip = client_ip(request)
    if problem:
        user_reauthentication_refused(user=user, purpose=purpose, reason=problem, ip=ip)
        security_event("reauthentication.refused", request=request, purpose=purpose, reason=problem)
        messages.error(
            request,
            "We could not confirm it was you, so nothing has been done. Please try again, "
            f"signing in at {config.provider_name()} as yourself.",
        )
        return redirect(flow["next"])
    auth_time = float(answer.claims["auth_time"])
    proofs = request.session.get(PROOFS, {})
    proofs[purpose] = {"method": ProofMethod.IDENTITY_PROVIDER.value, "at": auth_time}
    request.session[PROOFS] = proofs
    at = datetime.fromtimestamp(auth_time, tz=UTC)
    user_reauthenticated(user=user, purpose=purpose, at=at.isoformat(), ip=ip)
    security_event("reauthentication.succeeded", request=request, purpose=purpose)
    messages.success(
        request,
        f"You confirmed who you are at {clock(at)}. You can go on now.",
    )
    return redirect(flow["next"])
