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

from portal.access import can_use_django_admin


class SystemAdministratorBackend(BaseBackend):
    """Grants no sign-in (authenticate is BaseBackend's, which returns None): only permissions."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return can_use_django_admin(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return can_use_django_admin(user_obj)
