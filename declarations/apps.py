from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "Annual declarations"

    def ready(self):
        from declarations.plugin import register

        register()
