from django.apps import AppConfig


class StaffImportConfig(AppConfig):
    name = "staffimport"
    verbose_name = "Staff import"

    def ready(self):
        from staffimport.plugin import register

        register()
