"""Who may use the Django admin: the portal's emergency tool, not an everyday page.

Being marked `is_staff` is not enough on its own: a person also holds the System administrator
role, so that taking the role away (recorded, on the People pages) also closes the admin. A
superuser is let in without the role: that is the account `createsuperuser` makes to set up
a new portal, and the way back in if every system administrator has lost the role.
"""

from django.contrib import admin
from django.http import HttpRequest

from portal.roles import Role


def can_use_django_admin(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.has_role(Role.SYSADMIN)


class PortalAdminSite(admin.AdminSite):
    site_header = "Compliance portal: Django admin (for emergencies)"

    def has_permission(self, request: HttpRequest) -> bool:
        return can_use_django_admin(request.user)
