"""The Django admin's site, letting in only whom portal.access.can_use_django_admin allows."""

from django.contrib import admin
from django.http import HttpRequest

from portal.access import can_use_django_admin


class PortalAdminSite(admin.AdminSite):
    site_header = "Compliance portal: Django admin (for emergencies)"

    def has_permission(self, request: HttpRequest) -> bool:
        return can_use_django_admin(request.user)
