"""Checking a sign-in at the identity provider, and finding whose account it is.

mozilla-django-oidc exchanges the code for tokens (with PKCE), checks the ID token's RS256
signature against the provider's published keys and its nonce, and asks for the person's
details. This adds what the library leaves out (the token's issuer and audience) and the
portal's rules: an address of the organisation's own, matched to an account HR made, and never
a deactivated one.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from portal.models import User
from portal.oidc import config
from portal.services.users import user_create

BACKEND_PATH = "portal.oidc.backend.IdentityProviderBackend"


class Refused(Exception):
    """A sign-in the provider vouched for that the portal will not accept. `reason` is for the
    audit trail and the log; the page shows its own words for it."""

    def __init__(self, reason: str, *, user: User | None = None, email: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.user = user
        self.email = email


class IdentityProviderBackend(OIDCAuthenticationBackend):
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # Not the library's own, which reads the provider's addresses at once: they are
        # discovered, and password sign-in (which builds every backend) must never wait on them.
        self.UserModel = User
        self.id_claims: dict[str, Any] = {}

    # The library reads these as attributes.
    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802
        return config.endpoint("token_endpoint")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return config.endpoint("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return config.endpoint("jwks_uri")

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_SECRET

    def authenticate(self, request, **kwargs):
        # Only the callback page signs in through the provider, by calling sign_in itself;
        # django.contrib.auth.authenticate (the password form) never reaches the provider.
        return None

    def get_user(self, user_id):
        # The library's own returns deactivated people too; Django's refuses them.
        return ModelBackend.get_user(self, user_id)

    def sign_in(self, request, *, nonce: str, code_verifier: str | None) -> User | None:
        """The person the provider's answer on this request names. Raises Refused, or the
        library's errors (SuspiciousOperation, requests' and PyJWT's) for a bad answer."""
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:
            # The ID token itself (user information may come signed too, without these).
            self._check_id_token(payload)
            self.id_claims = payload
        return payload

    def _check_id_token(self, payload: dict[str, Any]) -> None:
        # A token the provider made for another application, or that another provider made,
        # proves nothing here (the library checks neither).
        if str(payload.get("iss", "")).rstrip("/") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another application")
        if len(audiences) > 1 and payload.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token authorised for another application")
        if not payload.get("sub"):
            raise SuspiciousOperation("ID token without a subject")

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            # OpenID Connect Core 5.3.2: otherwise the details may be someone else's.
            raise SuspiciousOperation("user information for another subject")
        email = str(claims.get("email") or payload.get("email") or "").strip().lower()
        if not email:
            raise Refused("the provider gave no email address")
        if claims.get("email_verified") is False:
            raise Refused("the provider has not verified the email address", email=email)
        if not config.email_domain_allowed(email):
            raise Refused("email address outside the allowed domains", email=email)
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            if not settings.OIDC_CREATE_USERS:
                raise Refused("no account has that email address", email=email)
            return self._create(email, claims)
        if not user.is_active:
            raise Refused("account deactivated", user=user, email=email)
        return user

    def _create(self, email: str, claims: dict[str, Any]) -> User:
        name = str(claims.get("name") or "").strip()[:200] or email
        return user_create(
            full_name=name,
            email=email,
            by=None,
            note="added at their first sign-in through the identity provider",
        )
