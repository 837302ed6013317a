"""The identity provider's configuration: whether it is on, and its addresses, discovered.

The addresses (authorisation, token, user information, signing keys) come from the provider's
own `<issuer>/.well-known/openid-configuration`, read the first time they are needed and kept
for an hour, so nothing but the issuer has to be configured, and a provider that is down when
the portal starts does not stop the portal (nor password sign-in) from starting.
"""

import time
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings

# Read again after this long, so that a provider's moved addresses or new keys' address are
# picked up without a restart.
DISCOVERY_SECONDS = 60 * 60

# The `amr` values (RFC 8176) that mean the provider checked more than a password: "mfa"
# itself, and the second factors Microsoft Entra ID and others report by name (a one-time
# code, a hardware or software key, a security key, an RSA token, a text message).
MFA_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "fido", "rsa", "sms"})

_discovered: dict[str, tuple[float, dict[str, Any]]] = {}


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered with something that is not its configuration."""


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME


def metadata() -> dict[str, Any]:
    """The provider's configuration document, fetched at most once an hour."""
    issuer = settings.OIDC_ISSUER
    seen = _discovered.get(issuer)
    if seen is not None and time.monotonic() - seen[0] < DISCOVERY_SECONDS:
        return seen[1]
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(type(exc).__name__) from None
    # A document naming another issuer is someone else's: its keys must not be trusted here.
    if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable("the configuration names another issuer")
    _discovered[issuer] = (time.monotonic(), document)
    return document


def endpoint(name: str) -> str:
    value = metadata().get(name)
    if not value:
        raise ProviderUnavailable(f"the configuration has no {name}")
    return str(value)


def email_domain_allowed(email: str) -> bool:
    domain = email.rpartition("@")[2].lower()
    return bool(domain) and domain in settings.OIDC_ALLOWED_DOMAINS


def proves_second_factor(claims: dict[str, Any]) -> bool:
    """Whether the ID token says the provider checked a second factor, and the organisation
    lets that stand for the portal's own second step."""
    amr = claims.get("amr") or []
    if not isinstance(amr, list):
        return False
    return settings.OIDC_MFA_SATISFIES_SECOND_FACTOR and bool(MFA_METHODS & set(map(str, amr)))


def sign_in_origin() -> str:
    """Where the provider's sign-in page is (scheme, host and port), for the Content Security
    Policy of a page whose form leads there."""
    try:
        address = endpoint("authorization_endpoint")
    except ProviderUnavailable:
        address = settings.OIDC_ISSUER
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}"
