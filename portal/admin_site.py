"""The Django admin's site, letting in only whom portal.access.can_use_django_admin allows, and
only once they have done the second step of signing in."""

from django.contrib import admin
from django.http import HttpRequest
from django.shortcuts import redirect

from portal.access import can_use_django_admin
from portal.middleware import second_step_url
from portal.models import User


class PortalAdminSite(admin.AdminSite):
    site_header = "Compliance portal: Django admin (for emergencies)"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return isinstance(user, User) and can_use_django_admin(user) and user.is_verified()

    def login(self, request, extra_context=None):
        # Someone signed in who has only to do the second step is sent to it, not shown the
        # admin's own "not authorised" page.
        user = request.user
        if user.is_authenticated and user.needs_second_factor and not user.is_verified():
            return redirect(second_step_url(request, user))
        return super().login(request, extra_context)
