from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    # This module holds two configs (the admin's below): "portal" in INSTALLED_APPS means this.
    default = True
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        # Sign-in, sign-out and failed sign-in are Django's views: its signals tell us of them.
        from portal import signals  # noqa: F401
        from portal.plugin import register

        register()


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that applies the portal's rule for who may use it."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
