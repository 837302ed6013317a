from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        # Sign-in, sign-out and failed sign-in are Django's views: its signals tell us of them.
        from portal import signals  # noqa: F401
        from portal.plugin import register

        register()
