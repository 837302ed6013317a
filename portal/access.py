"""Who may do what. Views call these; nothing else decides access.

Outsiders get 404 from object helpers (they must not learn an object exists); people signed in
without the role a page needs get 403.
"""

from collections.abc import Callable
from functools import wraps

from axes.helpers import get_client_ip_address
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

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
    """The client's address, read through trusted proxies the same way the lockout reads it."""
    return get_client_ip_address(request) or None
