from django.apps import AppConfig


class OverridesConfig(AppConfig):
    name = "portal.overrides"
    label = "portal_overrides"
    verbose_name = "Portal: Django commands replaced"
