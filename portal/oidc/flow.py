"""Trips to the identity provider and back: sending the browser there, and checking its answer.

The way there is mozilla-django-oidc's (state, nonce and PKCE kept in the session). Each trip
also records in the session what it is for: signing in, or signing in again to confirm an act
(portal.reauth), so that one callback address, the one registered at the provider, serves both.
"""

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from portal.models import User
from portal.oidc import config
from portal.oidc.backend import IdentityProviderBackend, Refused

# state -> {"purpose", "next", "started"}: what each trip to the provider is for.
FLOWS = "portal_oidc_flows"
SIGN_IN = "sign in"
# Set at sign-in through the provider: its subject (its never-reused id for the person), so a
# later re-authentication can be checked to be the same person.
PROVIDER_SUBJECT = "portal_oidc_subject"
# A trip not back within this long is forgotten.
FLOW_SECONDS = 15 * 60
# Errors the library and the provider's answer can raise: a bad answer, never a crash.
_BAD_ANSWER = (
    SuspiciousOperation,
    requests.RequestException,
    jwt.PyJWTError,
    KeyError,
    ValueError,
)


class _ProviderRedirect(OIDCAuthenticationRequestView):
    def __init__(self, extra: dict[str, str]):
        # Not the library's own __init__, which reads the provider's address from settings: it
        # is discovered.
        self.OIDC_OP_AUTH_ENDPOINT = config.endpoint("authorization_endpoint")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.extra = extra

    def get_extra_params(self, request):
        return self.extra


def provider_redirect(
    request: HttpRequest, *, purpose: str, next_url: str, extra: dict[str, str] | None = None
) -> HttpResponse:
    """Send the browser to the provider, remembering what for. `next_url` must be the portal's
    own. Raises config.ProviderUnavailable."""
    response = _ProviderRedirect(extra or {}).get(request)
    # The library keeps its own idea of where to go next; the flow's is the one used.
    request.session.pop("oidc_login_next", None)
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    now = time.time()
    flows = {
        key: flow
        for key, flow in request.session.get(FLOWS, {}).items()
        if now - flow["started"] < FLOW_SECONDS
    }
    flows[state] = {"purpose": purpose, "next": next_url, "started": now}
    request.session[FLOWS] = flows
    return response


def take_flow(request: HttpRequest) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The trip this answer belongs to, and the library's secrets for it; each used once."""
    state = request.GET.get("state", "")
    flows = request.session.get(FLOWS, {})
    states = request.session.get("oidc_states", {})
    flow, secrets = flows.pop(state, None), states.pop(state, None)
    if flow is not None or secrets is not None:
        request.session[FLOWS], request.session["oidc_states"] = flows, states
    return flow, secrets


@dataclass
class Answer:
    """What the provider's answer came to: the person and the ID token's claims, or why not."""

    user: User | None = None
    claims: dict[str, Any] = field(default_factory=dict)
    problem: str = ""
    email: str = ""


def check_answer(request: HttpRequest, secrets: dict[str, Any]) -> Answer:
    """Exchange the code for tokens and check them, and find whose account they name."""
    error = request.GET.get("error")
    if error:
        # The provider's error code (access_denied, login_required…), never its description.
        return Answer(problem=f"the provider answered {error[:40]}")
    backend = IdentityProviderBackend()
    try:
        user = backend.sign_in(
            request, nonce=secrets["nonce"], code_verifier=secrets.get("code_verifier")
        )
    except Refused as refused:
        return Answer(user=refused.user, problem=refused.reason, email=refused.email)
    except config.ProviderUnavailable as exc:
        return Answer(problem=f"provider unavailable: {exc}")
    except _BAD_ANSWER as exc:
        # The exception's kind only: its text may quote a token.
        return Answer(problem=f"the provider's answer was not accepted ({type(exc).__name__})")
    if user is None:
        return Answer(problem="the provider's answer was not accepted")
    return Answer(user=user, claims=backend.id_claims, email=user.email)
