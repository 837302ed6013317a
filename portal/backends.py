"""What opens each part of the Django admin: the System administrator role.

Django's admin asks `user.has_perm(...)` for every model page. The portal does not hand out
Django's model permissions (roles are groups without them, and access to the portal's own pages
is decided in access.py), so without this only a superuser could use the admin. Here a person
whom portal.access.can_use_django_admin lets into the admin may open every model there; the
ModelAdmins themselves still refuse what must never change (evidence is read-only, people are
never deleted). Nothing outside the admin decides access by `has_perm`.
"""

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from portal.access import can_use_django_admin, client_ip
from portal.sign_in_limits import address_pause_for

# Set on the request when an address is paused (portal.sign_in_limits); the sign-in receivers
# record the refusal and AddressPauseMiddleware answers with the page that explains it.
ADDRESS_PAUSED = "portal_address_paused"


class SystemAdministratorBackend(BaseBackend):
    """Grants no sign-in (authenticate is BaseBackend's, which returns None): only permissions."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return can_use_django_admin(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return can_use_django_admin(user_obj)


class AddressPauseBackend:
    """First of the backends: refuses every sign-in, right password or not, from an address
    that has failed against too many different accounts (portal.sign_in_limits). It sits in
    authenticate() so that every sign-in form (the portal's, the Django admin's) obeys it.
    Raising PermissionDenied stops Django trying the other backends. Not a BaseBackend: with no
    get_user(), Django never takes it for the backend a session was signed in with."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        if request is None:
            return None
        pause = address_pause_for(client_ip(request))
        if pause is not None:
            setattr(request, ADDRESS_PAUSED, pause)
            raise PermissionDenied
        return None
