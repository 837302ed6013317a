from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Chat groups"

    def ready(self):
        from groups.plugin import register

        register()
