from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    # Lost devices, compromised passwords, breaches, inappropriate content; the DPO's triage
    # against the ICO clock and the breach register; travel abroad with a work device.
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self):
        from incidents.plugin import register

        register()
