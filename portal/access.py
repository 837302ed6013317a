"""Who may do what. Views call these; nothing else decides access.

Outsiders get 404 from object helpers (they must not learn an object exists); people signed in
without the role a page needs get 403.
"""

import ipaddress
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from portal.models import User
from portal.roles import Role


def role_required(*roles: Role) -> Callable:
    """Signed in (else to the login page) and holding one of `roles` (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. The lockout (AXES_CLIENT_IP_CALLABLE) and the audit trail both
    read it here, so they always agree.

    With no proxy in front (PORTAL_PROXY_COUNT = 0) X-Forwarded-For is ignored: anyone can send
    it, and trusting it would let one person try passwords from endless made-up addresses.
    Behind N proxies, each of which appends the address it heard from, the client is the Nth
    address from the right; anything to the left of it was written by the client.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.PORTAL_PROXY_COUNT
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The name the lockout counts failures against (AXES_USERNAME_CALLABLE).

    Sign-in ignores the case of the email address, so the lockout must too: otherwise
    "Alice@…", "ALICE@…" and so on would each get a fresh set of attempts.
    """
    if credentials and credentials.get("username") is not None:
        name = credentials["username"]
    else:
        name = getattr(request, "POST", {}).get("username", "")
    return str(name or "").strip().lower()


def lockout_username_for(user) -> str:
    """The name the lockout counts `user`'s failures against (see lockout_username)."""
    return (user.email or "").strip().lower()


def can_manage_people(user) -> bool:
    """The People pages (the directory, a person's page, roles, deactivating, unlocking) are
    the system administrator's."""
    return bool(user.is_authenticated and user.has_role(Role.SYSADMIN))


def get_person_for_admin(user, pk: int) -> User:
    """A person, for the People pages: not found (404) for anyone who may not manage people,
    as well as for a person who does not exist."""
    if not can_manage_people(user):
        raise Http404("No such person.")
    try:
        return User.objects.select_related("department", "line_manager", "password_set_by").get(
            pk=pk
        )
    except User.DoesNotExist:
        raise Http404("No such person.") from None
