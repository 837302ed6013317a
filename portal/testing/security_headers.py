"""The security headers every page must carry, and a walk over the URL map that checks them.

The portal's test walks every named route that needs no arguments (whichever app it is in) and
the portal's own routes that do; each app's test walks its routes with arguments, building them
from its factories, through the same `walk_routes`:

    with production_like():
        walk_routes(client, {"widgets:detail": {"pk": widget.pk}}, namespaces={"widgets"})
"""

import json
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpResponse, HttpResponseBase
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.testing.production import production_settings

# Read from production (DEBUG off): HSTS is sent only there, and with DEBUG on django-csp leaves
# the policy off 404 and 500 pages.
_PRODUCTION = (
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "PERMISSIONS_POLICY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)
# The same in production as in the tests; checked, not copied (a NONCE is no JSON).
_SAME_AS_PRODUCTION = ("MIDDLEWARE", "CONTENT_SECURITY_POLICY")

# What production must refuse whatever a page is.
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


def production_like() -> override_settings:
    """Settings as production has them, for requests made with `secure=True` (production
    redirects plain HTTP to HTTPS)."""
    same = production_settings(*_SAME_AS_PRODUCTION)
    for name in _SAME_AS_PRODUCTION:
        here = json.loads(json.dumps(getattr(settings, name), default=repr))
        assert here == same[name], f"{name} differs between the tests and production"
    return override_settings(**production_settings(*_PRODUCTION))


@dataclass(frozen=True)
class Route:
    name: str  # with its namespaces: "declarations:report"
    arguments: tuple[str, ...]  # the keyword arguments its address takes


def _routes(resolver: URLResolver, namespaces: tuple[str, ...]) -> Iterator[Route]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            for route in _routes(pattern, inner):
                outer = tuple(getattr(pattern.pattern, "converters", {}) or ())
                yield Route(route.name, outer + route.arguments)
        elif isinstance(pattern, URLPattern) and pattern.name:
            regex = pattern.pattern.regex
            arguments = tuple(regex.groupindex) or (("*",) if regex.groups else ())
            yield Route(":".join((*namespaces, pattern.name)), arguments)


def named_routes() -> list[Route]:
    """Every named route of the URL map, each once (the first pattern of a name wins, as in
    reverse())."""
    seen: dict[str, Route] = {}
    for route in _routes(get_resolver(), ()):
        seen.setdefault(route.name, route)
    return list(seen.values())


def _nonce_problems(
    response: HttpResponseBase, script_src: list[str], every_script: bool
) -> list[str]:
    # A page with scripts names its nonce in the policy, and its scripts carry that nonce; a
    # redirect, an export or an empty refusal runs no script and needs none.
    if "text/html" not in response.headers.get("Content-Type", "") or response.streaming:
        return []
    assert isinstance(response, HttpResponse)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode(errors="replace"))
    if not scripts:
        return []
    nonces = [s[len("'nonce-") : -1] for s in script_src if s.startswith("'nonce-")]
    if not every_script:
        return []
    if len(nonces) != 1:
        return [f"CSP names no single script nonce on a page with scripts: {script_src!r}"]
    missing = [tag for tag in scripts if f'nonce="{nonces[0]}"' not in tag]
    return [f"a script without the page's nonce: {tag}" for tag in missing]


def header_problems(response: HttpResponseBase, *, every_script: bool = True) -> list[str]:
    """What is missing or wrong among the security headers of one response. `every_script`:
    the page's policy names a nonce and each of its scripts carries it (the portal's pages).
    The Django admin's own templates load their scripts from 'self' with no nonce; 'unsafe-
    inline' is refused there as everywhere, so an inline script cannot run in either."""
    problems = []
    hsts = response.headers.get("Strict-Transport-Security", "")
    match = re.search(r"max-age=(\d+)", hsts)
    if not match or int(match.group(1)) < 31536000 or "includeSubDomains" not in hsts:
        problems.append(f"HSTS of a year with subdomains, not {hsts!r}")
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    if "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
        problems.append(f"CSP allows unsafe inline or eval: {policy!r}")
    problems += _nonce_problems(response, directives.get("script-src", []), every_script)
    for directive in ("frame-ancestors", "object-src"):
        if directives.get(directive) != ["'none'"]:
            problems.append(f"CSP {directive} is not 'none': {policy!r}")
    if response.headers.get("Referrer-Policy") not in ("same-origin", "no-referrer"):
        problems.append(f"Referrer-Policy {response.headers.get('Referrer-Policy')!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in DENIED_FEATURES:
        if f"{feature}=()" not in permissions:
            problems.append(f"Permissions-Policy does not deny {feature}: {permissions!r}")
    return problems


def walk_routes(
    client: Client,
    arguments: Mapping[str, Mapping[str, Any]],
    *,
    namespaces: Collection[str] | None = None,
) -> dict[str, int]:
    """GET every named route that needs no arguments or is given them in `arguments`, in the
    given namespaces (all, if None), and fail listing every response whose headers are wrong.
    Returns each route walked with its status code."""
    walked: dict[str, int] = {}
    problems: list[str] = []
    for route in named_routes():
        namespace = route.name.rpartition(":")[0]
        if namespaces is not None and namespace not in namespaces:
            continue
        if route.arguments and route.name not in arguments:
            continue
        url = reverse(route.name, kwargs=dict(arguments.get(route.name) or {}) or None)
        response = client.get(url, secure=True)
        walked[route.name] = response.status_code
        found = header_problems(response, every_script=namespace != "admin")
        problems += [f"{route.name} ({url}, {response.status_code}): {p}" for p in found]
    assert not problems, "\n".join(problems)
    return walked
