"""Who may do what. Views call these; nothing else decides access.

Outsiders get 404 from object helpers (they must not learn an object exists); people signed in
without the role a page needs get 403.
"""

import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import TypeAlias

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from portal.lib.sensitive import sensitive_page
from portal.models import LegalHold, Notification, User
from portal.roles import AUDIT_READERS, Role

# Who an access test is asked about: the request's user, before it is known whether they
# have signed in (the menu asks only about people who have).
AnyUser: TypeAlias = User | AnonymousUser


class AuthenticatedRequest(HttpRequest):
    """The request a view behind `login_required` or `access_required` receives: its user has
    signed in. Only an annotation for the type checker (Django still passes its own request);
    a view that may be reached signed out takes a plain HttpRequest."""

    user: User


def access_required(test: Callable[[AnyUser], bool], *, sensitive: bool = False) -> Callable:
    """Signed in (else to the login page) and passing `test` (else 403).

    The menu shows an entry by the same test (portal.registry.MenuEntry.allowed), so a page
    and its menu entry cannot disagree. `sensitive`: the page is about people and is never
    stored by a browser or proxy (see portal.lib.sensitive).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return sensitive_page(wrapped) if sensitive else wrapped

    return decorator


def can_read_audit(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_role(*AUDIT_READERS)


def can_manage_organisation(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_role(Role.SYSADMIN)


def can_manage_holds(user: AnyUser) -> bool:
    """Holds on records follow FOI and subject access requests and investigations, which the
    data protection officer and deputy handle."""
    return user.is_authenticated and user.has_role(Role.DPO, Role.DEPUTY_DPO)


def can_use_django_admin(user: AnyUser) -> bool:
    """The Django admin is the emergency tool. Being marked `is_staff` is not enough on its
    own: a person also holds the System administrator role, so that taking the role away
    (recorded, on the People pages) also closes the admin. A superuser is let in without the
    role: that is the account `createsuperuser` makes to set up a new portal, and the way back
    in if every system administrator has lost the role."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def is_signed_in(user: AnyUser) -> bool:
    return user.is_authenticated


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
            for part in request.headers.get("x-forwarded-for", "").split(",")
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


def get_notification_for_user(user: User, pk: int) -> Notification:
    """A person's own in-portal notification; anyone else's is a 404."""
    try:
        return Notification.objects.get(pk=pk, recipient_id=user.pk, in_portal=True)
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None


def get_hold_for_user(user: User, pk: int) -> LegalHold:
    """A records hold, for someone who may manage holds (the view's access test says who)."""
    if not can_manage_holds(user):
        raise PermissionDenied
    try:
        return LegalHold.objects.get(pk=pk)
    except LegalHold.DoesNotExist:
        raise Http404("No such hold.") from None


def lockout_username_for(user: User) -> str:
    """The name the lockout counts `user`'s failures against (see lockout_username)."""
    return (user.email or "").strip().lower()


def can_manage_people(user: AnyUser) -> bool:
    """The People pages (the directory, a person's page, roles, deactivating, unlocking) are
    the system administrator's."""
    return bool(user.is_authenticated and user.has_role(Role.SYSADMIN))


def get_person_for_admin(user: User, pk: int) -> User:
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
