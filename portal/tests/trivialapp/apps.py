from django.apps import AppConfig


class TrivialConfig(AppConfig):
    name = "portal.tests.trivialapp"
    label = "trivialapp"

    def ready(self):
        from portal.tests.trivialapp import plugin

        plugin.register()
