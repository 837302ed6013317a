from django.apps import AppConfig


class GroupsConfig(AppConfig):
    # The register of work chat groups (a later issue fills this app).
    name = "groups"
    verbose_name = "Chat groups"
